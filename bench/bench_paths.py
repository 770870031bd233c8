#!/usr/bin/env python3
"""Shortest-paths benchmark: x.sp, guppy3 against this project (guppy-c), in
one run.

Usage:  python bench/bench_paths.py [--sizes N1,N2] [--repeat R]
                                    [--guppy3 PATH] [--only ours|guppy3]
                                    [--json FILE]

The heap is the engine-core benchmark's (bench_core.py, guppy-api.md section
12): N instances of Node holding a str, a list with an int and a dict with
an int, their dicts created, about 7 N objects.  Default sizes 23,000 and
200,000 instances (about 160k and 1.4M objects).  The measured operation is
the specification's: ``str(hp.iso(nodes[N // 2].items).sp)``, whose target
is reachable only as ``nodes[N // 2].__dict__['items']``, at depth 7 from
the root; the search reads most of the heap before it reaches that level.
Then ``str(hp.iso(nodes).sp)``, a global (depth 4), which shows how much a
search reads when the target is near the root.
Each side runs in its own child process (both packages are imported as
``guppy``, ours from the interpreter running this script, as in
bench_core.py) and prints the path once, so the table shows both printed
the same line.  The child's set-up is bench_relations.py's (the heap, three
``gc.collect()`` runs, ``hp.heap()``).  Times are medians of ``--repeat``
runs (>= 5), next to the same process's ``gc.collect()`` median (the
floor); the ``gc objects`` column counts the objects that ``gc.collect()``
traverses.

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
from bench_core import MARK, run_child  # noqa: E402

# bench_relations' set-up (the heap, the gc.collect() floor, h =
# hp.heap()), then the steps, R runs each.
CHILD = bench_relations.CHILD_HEAD + r'''    R = %(repeat)d
    OUT['gc_objects'] = len(gc.get_objects())

    # No global may name the target: it is nodes[N // 2].__dict__['items'].
    OUT['path'] = str(hp.iso(nodes[N // 2].items).sp)   # warm-up; the text
    timed('sp of one object', lambda: str(hp.iso(nodes[N // 2].items).sp), R)
    # A global's item, four levels down: how far the search reads.
    timed('sp of a global', lambda: str(hp.iso(nodes).sp),
          R)''' + bench_relations.CHILD_TAIL

STEPS = ['gc.collect()', 'sp of one object', 'sp of a global']


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--sizes', default='23000,200000')
    ap.add_argument('--repeat', type=int, default=5)
    ap.add_argument('--guppy3', default=None)
    ap.add_argument('--only', choices=('ours', 'guppy3'))
    ap.add_argument('--json')
    args = ap.parse_args(argv)
    if args.repeat < 5:
        ap.error('--repeat must be >= 5 (medians of fewer runs are noise)')
    sides = bench_relations.choose_sides(args)
    print('guppy-c shortest-paths benchmark (bench/bench_paths.py)')
    for name, python in sides:
        info = bench_core.python_info(python)
        print('  %-7s CPython %s  %s' % (name, info.get('version', '?'),
                                         python))
    print()
    sizes = [int(x) for x in args.sizes.split(',')]
    results = {}
    failed = False
    for n in sizes:
        for name, python in sides:
            res = run_child(python, CHILD % {'n': n, 'repeat': args.repeat,
                                             'mark': MARK}, timeout=3600)
            results[(name, n)] = res
            for step, err in res.get('errors', {}).items():
                failed = True
                print('%s N=%d %s failed:\n%s' % (name, n, step, err))
    print('%-18s %10s %10s %10s %8s %12s' % (
        'step', 'gc objects', 'guppy3', 'guppy', 'speedup', 'x gc.collect'))
    for n in sizes:
        g3 = results.get(('guppy3', n), {})
        us = results.get(('guppy', n), {})
        objects = us.get('gc_objects') or g3.get('gc_objects')
        bench_relations.print_steps(STEPS, g3, us, objects, width=18)
        paths = {name: results.get((name, n), {}).get('path')
                 for name, _ in sides}
        texts = set(p for p in paths.values() if p is not None)
        if len(texts) == 1:
            print('  both print:%s' % texts.pop().split(':', 1)[1])
        else:
            failed = failed or len(texts) > 1
            for name, text in paths.items():
                print('  %s prints: %s' % (name, text))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'%s/%d' % k: v for k, v in results.items()}, f,
                      indent=1)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
