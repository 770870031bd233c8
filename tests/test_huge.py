"""Deep and huge structures: no C-stack overflow, no quadratic step, and a
clean MemoryError when memory runs out.

Sizes: by default (every CPython in CI, and the sanitizer job) a 1,000,000
element linked list, a 100,000-deep nesting and a 500,000-entry dict; with
``GUPPY_TEST_HUGE=1`` (one interpreter in CI: the "huge" job of .ci/run)
the full sizes of issue 6: 10,000,000, 100,000 and 5,000,000 (1.5 GB at
most, half a minute).  All of them carry the ``huge`` marker.  Each case
runs in a child interpreter (``run_ours``), so the memory is returned when
it exits and a crash is a failed test.

* Deep structures are walked, classified and pathed in a thread whose C
  stack is 2 MB (a quarter of the main thread's usual 8 MB): any recursion
  over a 100,000-deep chain, however small its frames, overflows that.
* "No quadratic step": the same work at n and 4n must take at most
  ``SCALING_LIMIT`` times as long (linear is 4, quadratic 16), best of
  three, at n = 250,000 (25,000 deep), where a run takes tens of
  milliseconds; the same sizes in both modes.
  Skipped under ASan, whose timings mean nothing here.
* MemoryError: the child lowers its address-space limit
  (``RLIMIT_AS``) to what it uses plus a margin, for a sweep of margins,
  around ``heap()`` and ``byrcs``; each call must give the right answer or
  raise ``MemoryError`` (nothing else, no crash), and with the limit raised
  again the next call must be right.  Skipped under ASan (its shadow
  memory needs terabytes of address space).
"""

import json
import os

import pytest

from ours import run_ours

pytestmark = pytest.mark.huge

FULL = bool(os.environ.get('GUPPY_TEST_HUGE'))
LIST_N = 10_000_000 if FULL else 1_000_000
DEEP_N = 100_000
DICT_N = 5_000_000 if FULL else 500_000
SCALING_N = 250_000
SCALING_LIMIT = 10
TIMEOUT = 1800 if FULL else 600

UNDER_ASAN = 'libasan' in os.environ.get('LD_PRELOAD', '')

PRELUDE = r'''
import gc, json, sys, threading, time
from guppy import hpy
hp = hpy()

def in_small_stack(f, size=2 * 1024 * 1024):
    """Run f() in a thread with a C stack of `size` bytes; its result."""
    out = {}
    def run():
        try:
            out['value'] = f()
        except BaseException as e:
            out['error'] = e
    old = threading.stack_size(size)
    try:
        t = threading.Thread(target=run)
        t.start()
    finally:
        threading.stack_size(old)
    t.join()
    if 'error' in out:
        raise out['error']
    return out['value']

def rows(x):
    return {r.name: [r.count, r.size] for r in x.stat.rows}
'''


def child(body):
    return json.loads(run_ours(PRELUDE + body, timeout=TIMEOUT)
                      .strip().splitlines()[-1])


def test_long_linked_list():
    out = child(r'''
N = %d
def build(n):
    gc.disable()                 # building is 5x faster without collections
    node = None
    for _ in range(n):
        node = [node]
    gc.enable()
    return node

hp.setrelheap()
head = build(N)
tail = head
while tail[0] is not None:
    tail = tail[0]
one = sys.getsizeof(tail)
x_tail = hp.iso(tail)
del tail
h = hp.heap()
res = {'count': h.count, 'size': h.size, 'rows': rows(h), 'one': one}
b = h.byrcs
res['rcs'] = rows(b)
res['rcs_count'] = b.count
str(h), str(b)
del h, b
res['domisize'] = hp.iso(head).domisize
sp = str(x_tail.sp)
res['sp_len'] = len(sp)
res['sp_tail'] = sp[-12:]
print(json.dumps(res))
''' % LIST_N)
    n, one = LIST_N, out['one']
    assert out['rows'] == {'list': [n, n * one]}, out['rows']
    assert out['count'] == n and out['size'] == n * one
    assert out['rcs_count'] == n
    assert out['rcs'] == {'list': [n - 1, (n - 1) * one],
                          'dict of module': [1, one]}, out['rcs']
    assert out['domisize'] == n * one
    # The one path goes down the whole chain: N-1 '[0]' steps after the
    # module variable 'head'.
    assert out['sp_len'] > 3 * (n - 1) and out['sp_tail'] == '[0][0][0][0]'


def test_deep_nesting():
    out = child(r'''
N = %d
hp.setrelheap()
deepest_list = []
lst = deepest_list
for _ in range(N):
    lst = [lst]
deepest_dict = {}
dct = deepest_dict
for _ in range(N):
    dct = {'a': dct}
x = hp.iso(deepest_list, deepest_dict)
del deepest_list, deepest_dict

def work():
    h = hp.heap()
    res = {'rows': rows(h)}
    res['rcs'] = rows(h.byrcs)
    via = str(h.byvia)
    res['via'] = ["['a']" in via, '[0]' in via]
    res['dom'] = [hp.iso(lst).domisize, hp.iso(dct).domisize]
    paths = str(x.sp)
    res['sp_len'] = len(paths)
    return res

res = in_small_stack(work)
res['sizes'] = [sys.getsizeof([[]]), sys.getsizeof([]),
                sys.getsizeof({'a': 1}), sys.getsizeof({})]
print(json.dumps(res))
''' % DEEP_N)
    n = DEEP_N
    one_list, empty_list, one_dict, empty_dict = out['sizes']
    # N+1 lists and N+1 dicts (the innermost ones empty), and a few more
    # made by the thread that does the work.
    assert n + 1 <= out['rows']['list'][0] <= n + 20, out['rows']
    assert n + 1 <= out['rows']['dict (no owner)'][0] <= n + 20, out['rows']
    assert out['rcs']['list'][0] >= n and out['rcs']['dict (no owner)'][0] >= n
    assert out['via'] == [True, True]
    assert out['dom'] == [n * one_list + empty_list,
                          n * one_dict + empty_dict]
    # Both paths go down their whole chain: n '[0]' and n "['a']" steps.
    assert out['sp_len'] > 3 * n + 5 * n


def test_big_dict():
    out = child(r'''
N = %d
hp.setrelheap()
gc.disable()
d = {i + 1000: None for i in range(N)}
gc.enable()
h = hp.heap()
res = {'rows': rows(h), 'count': h.count}
b = h.byrcs
res['rcs'] = rows(b)
str(h), str(b)
del h, b
res['dom'] = hp.iso(d).domisize
res['sizes'] = [sys.getsizeof(d), sys.getsizeof(10 ** 6)]
print(json.dumps(res))
''' % DICT_N)
    n = DICT_N
    dsize, isize = out['sizes']
    assert out['rows'] == {'dict (no owner)': [1, dsize],
                           'int': [n, n * isize]}, out['rows']
    assert out['rcs'] == {'dict of module': [1, dsize],
                          'dict (no owner)': [n, n * isize]}, out['rcs']
    assert out['dom'] == dsize + n * isize


@pytest.mark.skipif(UNDER_ASAN, reason='timings under ASan are meaningless')
@pytest.mark.parametrize('shape', ['list', 'dict', 'deep'])
def test_no_quadratic_step(shape):
    out = child(r'''
N, SHAPE = %d, %r

def make(n):
    gc.disable()
    if SHAPE == 'list':
        top = None
        for _ in range(n):
            top = [top]
        inner = [top]
    elif SHAPE == 'dict':
        top = {i + 1000: str(i) for i in range(n)}
        inner = top
    else:
        inner = []
        top = inner
        for _ in range(n):
            top = [top]
    gc.enable()
    return top, hp.iso(inner)

def cost(n):
    hp.setrelheap()
    top, x = make(n)
    best = float('inf')
    for _ in range(3):
        t0 = time.perf_counter()
        h = hp.heap()
        str(h)
        str(h.byrcs)
        hp.iso(top).domisize
        str(x.sp)
        best = min(best, time.perf_counter() - t0)
        del h
    return best

small = cost(N)
big = cost(4 * N)
print(json.dumps({'small': small, 'big': big}))
''' % (SCALING_N if shape != 'deep' else DEEP_N // 4, shape))
    ratio = out['big'] / out['small']
    print('%s: %.3f s -> %.3f s for 4x the size (x%.1f)'
          % (shape, out['small'], out['big'], ratio))
    assert ratio <= SCALING_LIMIT, out


@pytest.mark.skipif(UNDER_ASAN, reason='ASan reserves terabytes of address '
                    'space, so RLIMIT_AS cannot be lowered under it')
@pytest.mark.skipif(not os.path.exists('/proc/self/statm'),
                    reason='needs /proc/self/statm (Linux)')
@pytest.mark.parametrize('op', ['heap', 'byrcs'])
def test_memory_error_under_address_space_limit(op):
    out = child(r'''
import os, resource
OP = %r
N = 200_000
STEP = 256 * 1024
MAX_MARGIN = 128 * 1024 * 1024

def vmsize():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[0]) * os.sysconf('SC_PAGE_SIZE')

hp.setrelheap()
gc.disable()
head = None
for _ in range(N):
    head = [head]
gc.enable()
# Nothing below makes a list, so the 'list' row (heap: the N lists; byrcs:
# the N-1 lists referred to by a list) is the same in every right answer.
results = {}

def list_row(r):
    for row in r.stat.rows:
        if row.name == 'list':
            return (row.count, row.size)
    return None

def run(h):
    r = hp.heap() if OP == 'heap' else h.byrcs
    str(r)
    return list_row(r)

h0 = hp.heap()
want = run(h0)
soft, hard = resource.getrlimit(resource.RLIMIT_AS)
margin = 0
first_ok = None
while margin <= MAX_MARGIN:
    h = hp.heap() if OP == 'byrcs' else None
    gc.collect()
    resource.setrlimit(resource.RLIMIT_AS, (vmsize() + margin, hard))
    try:
        got = run(h)
        res = 'ok' if got == want else 'wrong %%r' %% (got,)
    except MemoryError:
        res = 'MemoryError'
    except BaseException as e:
        res = '%%s: %%s' %% (type(e).__name__, e)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    h = None
    # With memory back, the next answer is right.
    results[margin] = (res, run(h0) == want)
    if res == 'ok' and first_ok is None:
        first_ok = margin
    if first_ok is not None and margin >= first_ok + 4 * STEP:
        break
    margin += STEP
results = [[m, r[0], r[1]] for m, r in results.items()]
print(json.dumps(results))
''' % op)
    kinds = {r[1] for r in out}
    print('%s: %d limits, MemoryError up to +%d KB, right answers from '
          '+%d KB' % (op, len(out),
                      max(r[0] for r in out if r[1] == 'MemoryError') >> 10,
                      min(r[0] for r in out if r[1] == 'ok') >> 10))
    assert kinds <= {'ok', 'MemoryError'}, out
    assert 'MemoryError' in kinds and 'ok' in kinds, out
    assert all(r[2] for r in out), out
