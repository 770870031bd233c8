#!/usr/bin/env python3
"""Reference-pattern benchmark: x.rp, guppy3 against this
project (guppy-c), in one run.

Usage:  python bench/bench_refpat.py [--sizes N1,N2] [--guppy3 PATH]
                                     [--only ours|guppy3] [--json FILE]

The heap is the engine-core benchmark's (bench_core.py, guppy-api.md section
12): N instances of Node holding a str, a list with an int and a dict with
an int, their dicts created, about 7 N objects.  Default sizes 23,000 and
200,000 instances (about 160k and 1.4M objects), so the table shows whether
each side grows linearly.  Each side runs in its own child process (both
packages are imported as ``guppy``), steps in this order, each once:

* ``gc.collect()`` (median of 3): the floor;
* ``str(hp.iso(nodes[N // 2]).rp)``: the reference pattern of one Node
  (its first page: the rows printing needs);
* the same for the list that Node holds;

Only ratios from one run compare: the machine is shared.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_relations  # noqa: E402  (the driver)

CHILD = bench_relations.CHILD_HEAD + r'''    once('str(x.rp) of one Node',
         lambda: str(hp.iso(nodes[N // 2]).rp))
    once('str(x.rp) of its list',
         lambda: str(hp.iso(nodes[N // 2].items).rp))''' + bench_relations.CHILD_TAIL

STEPS = ['gc.collect()', 'str(x.rp) of one Node', 'str(x.rp) of its list']

if __name__ == '__main__':
    sys.exit(bench_relations.main(child=CHILD, steps=STEPS))
