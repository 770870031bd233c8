#!/usr/bin/env python3
"""Dominators benchmark: domisize and the whole heap's dominator tree,
guppy3 against this project (guppy-c), in one run.

Usage:  python bench/bench_dominators.py [--n N] [--repeat R] [--guppy3 PATH]
                                         [--only ours|guppy3] [--json FILE]

The heap is the engine-core benchmark's (bench_core.py, guppy-api.md section
12): N instances (default 200,000) of Node holding a str, a list with an
int and a dict with an int, their dicts created, about 7 N objects. Each
side runs in its own child process (both packages are imported as
``guppy``; the child's set-up is bench_relations.py's); medians over
``--repeat`` runs (at least 5) of:

* ``gc.collect()`` (three runs): the floor;
* ``hp.iso(nodes[N // 2]).domisize``: one instance (its dict, str, list,
  ints: a full pass over the heap to find what else reaches them);
* ``hp.iso(nodes).domisize``: the list of every instance (nearly the whole
  heap is dominated);
* ``h.domisize`` for ``h = hp.heap()``;
* ours only: the whole heap's dominator tree, ``_guppy._domtree_stats()``
  (reference graph, individual sizes, Lengauer-Tarjan, retained sizes; the
  graph alone, ``_guppy._graph_stats()``, is timed too), and
  ``str(h.retained)`` end to end;
* once, last: ``hp.iso(nodes[N // 2]).imdom`` (guppy3 builds its referrer
  graph for it).

Then ours only, in a fresh child: the peak RSS increase of building the
graph alone and of the graph with the tree (VmHWM reset through
/proc/self/clear_refs), per object; and the bytes the tree keeps per node.

Only ratios from one run compare: the machine is shared.
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_core  # noqa: E402  (child plumbing and the Node workload)
import bench_relations  # noqa: E402  (the child's set-up)
from bench_core import (CHILD_NODES, CHILD_PRELUDE, MARK,  # noqa
                        run_child)

# bench_relations' set-up (the heap, the gc.collect() floor, h =
# hp.heap()), then the steps, R runs each (values kept).
CHILD_TIMING = bench_relations.CHILD_HEAD + r'''    R = %(repeat)d
    OUT['values'] = {}
    values = OUT['values']

    one = hp.iso(nodes[N // 2])
    every = hp.iso(nodes)
    timed('domisize of one Node', lambda: one.domisize, R, values=values)
    timed('domisize of the list', lambda: every.domisize, R, values=values)
    timed('h.domisize', lambda: h.domisize, R, values=values)
    try:
        from guppy import _guppy
        _guppy._domtree_stats
    except (ImportError, AttributeError):
        pass
    else:
        timed('reference graph', lambda: _guppy._graph_stats()['edges'], R,
              values=values)
        timed('dominator tree', _guppy._domtree_stats, R, values=values)
        timed('str(h.retained)', lambda: len(str(h.retained)), R,
              values=values)
    timed('imdom of one Node', lambda: one.imdom.count, 1,
          values=values)''' + bench_relations.CHILD_TAIL

CHILD_MEMORY = CHILD_PRELUDE + CHILD_NODES + r'''
def peak(fn):
    rss0 = proc_kb('VmRSS:')
    with open('/proc/self/clear_refs', 'w') as f:
        f.write('5')                   # reset VmHWM to the current RSS
    r = fn()
    return r, proc_kb('VmHWM:') - rss0

try:
    from guppy import hpy, _guppy
    hp = hpy()
    nodes = build(%(n)d)
    gc.collect()
    _guppy._domtree_stats()             # warm: type caches, arenas
    gc.collect()
    OUT['graph'], OUT['graph_peak_kb'] = peak(_guppy._graph_stats)
    OUT['tree'], OUT['tree_peak_kb'] = peak(_guppy._domtree_stats)
except Exception:
    fail('memory')
emit()
'''

STEPS = ['gc.collect()', 'domisize of one Node', 'domisize of the list',
         'h.domisize', 'reference graph', 'dominator tree',
         'str(h.retained)', 'imdom of one Node']


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--n', type=int, default=200000)
    ap.add_argument('--repeat', type=int, default=5)
    ap.add_argument('--guppy3', default=None)
    ap.add_argument('--only', choices=('ours', 'guppy3'))
    ap.add_argument('--json')
    args = ap.parse_args(argv)
    repeat = max(args.repeat, 5)
    sides = bench_relations.choose_sides(args)
    results = {}
    status = 0
    for name, python in sides:
        res = run_child(python, CHILD_TIMING % {
            'n': args.n, 'repeat': repeat, 'mark': MARK}, timeout=3600)
        results[name] = res
        for step, err in res.get('errors', {}).items():
            print('%s %s failed:\n%s' % (name, step, err))
            status = 1
    if args.only != 'guppy3':
        mem = run_child(sys.executable, CHILD_MEMORY % {
            'n': args.n, 'mark': MARK}, timeout=3600)
        results['memory'] = mem
        for step, err in mem.get('errors', {}).items():
            print('memory %s failed:\n%s' % (step, err))
            status = 1
    us, g3 = results.get('guppy', {}), results.get('guppy3', {})
    print('CPython %s, %s' % (us.get('python') or g3.get('python'),
                              us.get('platform') or g3.get('platform')))
    print('%-22s %10s %10s %10s %8s %12s' % (
        'op', 'objects', 'guppy3', 'guppy', 'speedup', 'x gc.collect'))
    objects = us.get('objects') or g3.get('objects')
    bench_relations.print_steps(STEPS, g3, us, objects)
    for step in ('domisize of one Node', 'domisize of the list',
                 'h.domisize'):
        va = g3.get('values', {}).get(step)
        vb = us.get('values', {}).get(step)
        if va is not None and vb is not None and va != vb:
            print('  %s differs: guppy3 %s, guppy %s' % (step, va, vb))
    mem = results.get('memory', {})
    tree, graph = mem.get('tree'), mem.get('graph')
    if tree and graph:
        n = tree['objects']
        print('  dominator tree kept: %.1f bytes per node (%s nodes)' % (
            tree['tree_bytes'] / tree['nodes'], '{:,}'.format(tree['nodes'])))
        print('  peak RSS increase: graph %.1f bytes per object; graph, '
              'sizes and tree %.1f (the tree\'s own work: %.1f)' % (
                  mem['graph_peak_kb'] * 1024.0 / n,
                  mem['tree_peak_kb'] * 1024.0 / n,
                  (mem['tree_peak_kb'] - mem['graph_peak_kb']) * 1024.0 / n))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=1)
    return status


if __name__ == '__main__':
    sys.exit(main())
