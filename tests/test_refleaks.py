"""Reference-leak check: every entry point called many times in one process
must not make the process hold more and more.

After a warm-up (which fills the caches: type attribute cache, interned
strings, the engine's own per-type caches), the same work is done ``LOOPS``
times and the growth of four counters is compared with fixed tolerances:

* ``len(gc.get_objects())``      at most ``GC_OBJECTS_TOLERANCE`` more
  (a leaked container -- set, partition row, label tuple -- per call would
  grow it by >= LOOPS);
* ``sys.getallocatedblocks()``   at most ``BLOCKS_TOLERANCE`` more (catches
  leaked objects the GC does not track: strs, ints, bytes);
* ``sys.gettotalrefcount()``     at most ``REFCOUNT_TOLERANCE`` more, only on
  a --with-pydebug CPython (skipped otherwise);
* RSS from ``/proc/self/statm``  at most ``RSS_TOLERANCE`` bytes more (catches
  leaked C memory -- PyMem buffers, ptrmaps -- that the others cannot see);
  Linux only.

The work is on a relative heap (``hp.setrelheap()`` first) and on small sets
made here, so the tables are short and the test runs in a few seconds.
"""

import gc
import os
import sys

import pytest

from guppy import hpy

LOOPS = 200
# Interpreter-level caches keep growing for the first rounds (observed: up
# to ~300 blocks over rounds 20-220 on 3.10, 3.12 and 3.13, then flat for
# a thousand rounds more), so the warm-up is as long as the measurement.
WARMUP = 200
GC_OBJECTS_TOLERANCE = 50          # objects
BLOCKS_TOLERANCE = 200             # pymalloc blocks
REFCOUNT_TOLERANCE = 50            # references (debug builds only)
RSS_TOLERANCE = 2 * 1024 * 1024    # bytes


class Leaf:
    def __init__(self, i):
        self.i = i


def _rss():
    """Resident set size in bytes, or None when /proc is not there."""
    try:
        with open('/proc/self/statm') as f:
            return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')
    except (OSError, ValueError, IndexError):
        return None


def _under_asan():
    return 'libasan' in os.environ.get('LD_PRELOAD', '')


def _counters():
    gc.collect()
    gc.collect()
    return {
        'gc_objects': len(gc.get_objects()),
        'blocks': sys.getallocatedblocks(),
        'refcount': (sys.gettotalrefcount()
                     if hasattr(sys, 'gettotalrefcount') else None),
        'rss': _rss(),
    }


def _exercise(hp, a, b, c, small):
    """One round of every entry point; keeps nothing."""
    h = hp.heap()                       # the relative heap: what we made
    str(h)
    str(h.bytype)
    h.count, h.size
    str(hp.iso(*small).byid)            # IdFormat rendering of a small set
    x, y, z = hp.iso(*a), hp.iso(*b), hp.iso(*c)
    for s in (x & y, x | y, x - y, x ^ y, (x | z) - (y & z), (x ^ y) & z):
        s.count, s.size
        str(s)
    str(h[0])                           # first row of the partition
    str(h[0:2])                         # a slice of rows
    str(x.bytype[0])
    str(hp.iso(*small).bytype[0:2])


@pytest.mark.skipif(os.environ.get('GUPPY_REFLEAK') != '1',
                    reason='opt-in (GUPPY_REFLEAK=1): growth during warm-up '
                           'still exceeds the tolerances on 3.10 and 3.13 in '
                           'some CI runs; to be made reliable (issue 6)')
def test_no_growth_over_repeated_calls():
    hp = hpy()
    hp.setrelheap()
    # Objects the rounds look at; made after setrelheap, so heap() is them.
    leaves = [Leaf(i) for i in range(30)]
    strs = ['s%03d' % i for i in range(30)]
    ints = [10 ** 6 + i for i in range(30)]
    small = [leaves[0], strs[0], ints[0], (1, 2), {'k': 1}]
    a = leaves[:20] + strs[:10]
    b = leaves[10:] + strs[5:20] + ints[:5]
    c = ints + strs[::3] + leaves[::4]

    for _ in range(WARMUP):
        _exercise(hp, a, b, c, small)
    before = _counters()
    for _ in range(LOOPS):
        _exercise(hp, a, b, c, small)
    after = _counters()
    growth = {k: (None if before[k] is None else after[k] - before[k])
              for k in before}
    print('growth over %d rounds: %r' % (LOOPS, growth))

    assert growth['gc_objects'] <= GC_OBJECTS_TOLERANCE, growth
    assert growth['blocks'] <= BLOCKS_TOLERANCE, growth
    if growth['refcount'] is not None:
        assert growth['refcount'] <= REFCOUNT_TOLERANCE, growth
    # Under ASan (the sanitizer job preloads libasan) freed memory sits in
    # ASan's quarantine, so RSS grows with every allocation: not a leak.
    if growth['rss'] is not None and not _under_asan():
        assert growth['rss'] <= RSS_TOLERANCE, growth


@pytest.mark.skipif(not hasattr(sys, 'gettotalrefcount'),
                    reason='sys.gettotalrefcount needs a --with-pydebug CPython')
def test_refcount_debug_build():
    """Same rounds, counted in references (debug builds only)."""
    hp = hpy()
    hp.setrelheap()
    objs = [Leaf(i) for i in range(10)] + ['t%d' % i for i in range(10)]
    for _ in range(WARMUP):
        _exercise(hp, objs[:12], objs[6:], objs[::2], objs[:3])
    gc.collect()
    before = sys.gettotalrefcount()
    for _ in range(LOOPS):
        _exercise(hp, objs[:12], objs[6:], objs[::2], objs[:3])
    gc.collect()
    assert sys.gettotalrefcount() - before <= REFCOUNT_TOLERANCE
