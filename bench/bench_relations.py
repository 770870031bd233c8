#!/usr/bin/env python3
"""Relations benchmark: byrcs, byvia and referrers, guppy3 against this
project (guppy-c), in one run.

Usage:  python bench/bench_relations.py [--sizes N1,N2] [--guppy3 PATH]
                                        [--only ours|guppy3] [--json FILE]

The heap is the engine-core benchmark's (bench_core.py, guppy-api.md section
12): N instances of Node holding a str, a list with an int and a dict with
an int, their dicts created, about 7 N objects.  Default sizes 23,000 and
200,000 instances (about 160k and 1.4M objects), so the table shows whether
each side grows linearly.  Each side runs in its own child process (both
packages are imported as ``guppy``), steps in this order, each once (guppy3
takes a minute for one byvia of the large heap):

* ``gc.collect()`` (median of 3): the floor;
* ``str(h.byrcs)``: in guppy3 this builds its referrer graph, which later
  steps reuse; ours builds a graph for each call;
* ``str(h.byvia)``;
* ``hp.iso(nodes[N // 2]).referrers``;
* ours only: the reference graph's size from ``_guppy._graph_stats()``, as
  bytes per edge, and the peak RSS increase while building it (VmHWM reset
  through /proc/self/clear_refs), which includes the walk's result array
  and the edge log.

Only ratios from one run compare: the machine is shared.
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_core  # noqa: E402  (child plumbing and the Node workload)
from bench_core import (CHILD_NODES, CHILD_PRELUDE, MARK, oracle,  # noqa
                        run_child)

# The child's set-up, shared with bench_refpat.py: the heap, the
# gc.collect() floor, h = hp.heap(); then the steps (indented 4).
CHILD_HEAD = CHILD_PRELUDE + CHILD_NODES + r'''
def once(step, fn):
    try:
        t0 = time.perf_counter()
        fn()
        OUT['times'][step] = [time.perf_counter() - t0]
    except Exception:
        fail(step)

try:
    N = %(n)d
    OUT['times'] = {}
    from guppy import hpy
    guppy_where()
    hp = hpy()
    nodes = build(N)
    gc.collect()
    ts = []
    for _ in range(3):
        t0 = time.perf_counter()
        gc.collect()
        ts.append(time.perf_counter() - t0)
    OUT['times']['gc.collect()'] = ts
    h = hp.heap()
    str(h)
    OUT['objects'] = heap_count(h)
'''
CHILD_TAIL = r'''
except Exception:
    fail('run')
emit()
'''

CHILD = CHILD_HEAD + r'''    once('str(h.byrcs)', lambda: str(h.byrcs))
    once('str(h.byvia)', lambda: str(h.byvia))
    once('referrers of one', lambda: hp.iso(nodes[N // 2]).referrers)
    try:
        from guppy import _guppy
        rss0 = proc_kb('VmRSS:')
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')                   # reset VmHWM to the current RSS
        OUT['graph'] = _guppy._graph_stats()
        OUT['graph_peak_kb'] = proc_kb('VmHWM:') - rss0
    except (ImportError, AttributeError, OSError, TypeError):
        pass''' + CHILD_TAIL

STEPS = ['gc.collect()', 'str(h.byrcs)', 'str(h.byvia)', 'referrers of one']


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else None


def choose_sides(args):
    """[(name, python)]: guppy3's venv unless --only ours (it may be
    missing: then ours alone), and this interpreter unless --only guppy3.
    Shared with bench_paths.py and bench_dominators.py."""
    sides = []
    if args.only != 'ours':
        g3 = args.guppy3 or oracle.guppy3_python()
        if g3 is None:
            print('guppy3 venv not found (tools/make_guppy3_venv.sh); '
                  'running ours only')
        else:
            sides.append(('guppy3', g3))
    if args.only != 'guppy3':
        sides.append(('guppy', sys.executable))
    return sides


def print_steps(steps, g3, us, objects, width=22):
    """One line per step of one heap: both sides' medians, the speedup,
    and the time against the same side's gc.collect() median (ours, or
    guppy3's when it ran alone). Steps neither side timed are left out."""
    main_side = us if us else g3
    floor = median(main_side.get('times', {}).get('gc.collect()', []))
    for step in steps:
        a = median(g3.get('times', {}).get(step, []))
        b = median(us.get('times', {}).get(step, []))
        if a is None and b is None:
            continue
        ratio = '%7.1fx' % (a / b) if a and b else ''
        own = b if us else a
        gcx = ('%11.1fx' % (own / floor) if own and floor
               and step != 'gc.collect()' else '')
        print('%-*s %10s %10s %10s %8s %12s' % (
            width, step, '{:,}'.format(objects) if objects else '?',
            bench_core.fmt_time(a) if a else '-',
            bench_core.fmt_time(b) if b else '-', ratio, gcx))


def main(argv=None, child=None, steps=None):
    """Run the benchmark; bench_refpat.py runs its own child script and
    steps through this same driver."""
    child = CHILD if child is None else child
    steps = STEPS if steps is None else steps
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--sizes', default='23000,200000')
    ap.add_argument('--guppy3', default=None)
    ap.add_argument('--only', choices=('ours', 'guppy3'))
    ap.add_argument('--json')
    args = ap.parse_args(argv)
    sides = choose_sides(args)
    results = {}
    for n in [int(x) for x in args.sizes.split(',')]:
        for name, python in sides:
            res = run_child(python, child % {'n': n, 'mark': MARK},
                            timeout=3600)
            results[(name, n)] = res
            for step, err in res.get('errors', {}).items():
                print('%s N=%d %s failed:\n%s' % (name, n, step, err))
    print('%-22s %10s %10s %10s %8s %12s' % (
        'step', 'objects', 'guppy3', 'guppy', 'speedup', 'x gc.collect'))
    for n in [int(x) for x in args.sizes.split(',')]:
        g3 = results.get(('guppy3', n), {})
        us = results.get(('guppy', n), {})
        objects = us.get('objects') or g3.get('objects')
        print_steps(steps, g3, us, objects)
        graph = us.get('graph')
        if graph:
            print('  reference graph: %s objects, %s edges, %.1f bytes per '
                  'edge kept (arrays and address index)' % (
                      '{:,}'.format(graph['objects']),
                      '{:,}'.format(graph['edges']),
                      graph['bytes'] / max(graph['edges'], 1)))
            if us.get('graph_peak_kb') is not None:
                print('  peak RSS while building it: %.1f bytes per edge '
                      '(walk result and log included)' % (
                          us['graph_peak_kb'] * 1024.0
                          / max(graph['edges'], 1)))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'%s/%d' % k: v for k, v in results.items()}, f,
                      indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
