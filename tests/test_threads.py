"""heap() and byrcs while other threads create, mutate and drop objects.

Four worker threads churn the heap (lists, dicts, instances with
finalizers and weakref callbacks, cycles for the collector) while the
main thread calls ``hp.heap()`` and ``.byrcs`` 100 times with a short
switch interval, so threads interleave with the facade's Python code and
with every finalizer the collector runs.  Each result must be a
consistent snapshot of *some* moment: ``count`` equals the number of
members, sizes are non-negative, and the rows of each partition add up to
the set's count and size.  The work runs in a child interpreter
(``run_ours``) so that a crash is a failed test, not a dead pytest.
"""

import json

from ours import run_ours

ROUNDS = 100
WORKERS = 4

CHILD = r'''
import gc, json, random, sys, threading, weakref
from guppy import hpy

ROUNDS, WORKERS = %(rounds)d, %(workers)d
sys.setswitchinterval(1e-5)

graveyard = []

class Node:
    def __init__(self, i):
        self.i = i
        self.peer = None
        self.data = {'i': i, 's': 'n%%d' %% i}

    def __del__(self, graveyard=graveyard):
        # A finalizer that allocates and mutates shared state: runs in
        # whichever thread the collector happens to run in (graveyard is
        # bound here, as the module's globals are gone at exit).
        graveyard.append(str(self.i))
        if len(graveyard) > 1000:
            del graveyard[:500]

stop = threading.Event()
errors = []

def worker(seed):
    rnd = random.Random(seed)
    pool = []
    refs = []
    n = 0
    try:
        while not stop.is_set():
            op = rnd.randrange(8)
            if op == 0 or len(pool) < 50:
                node = Node(n)
                n += 1
                pool.append(node)
                refs.append(weakref.ref(node, lambda r: refs.append(None)))
            elif op == 1:
                a, b = rnd.choice(pool), rnd.choice(pool)
                a.peer, b.peer = b, a               # cycles for the GC
            elif op == 2:
                del pool[rnd.randrange(len(pool))]
            elif op == 3:
                rnd.choice(pool).data[rnd.randrange(100)] = [1.5] * 5
            elif op == 4:
                d = rnd.choice(pool).data
                if len(d) > 2:
                    d.pop(next(iter(d)))
            elif op == 5:
                pool.extend([Node(-1) for _ in range(10)])
                del pool[:10]
            elif op == 6:
                rnd.choice(pool).extra = tuple(range(rnd.randrange(20)))
            else:
                if len(refs) > 2000:
                    del refs[:1000]
                if len(pool) > 400:
                    del pool[:200]
                    gc.collect(0)
    except BaseException as e:             # reported by the main thread
        errors.append(repr(e))

def check_rows(x, what):
    st = x.stat
    rows = st.rows
    assert st.count == x.count, (what, st.count, x.count)
    assert st.size == x.size, (what, st.size, x.size)
    assert sum(r.count for r in rows) == x.count, what
    assert sum(r.size for r in rows) == x.size, what
    for r in rows:
        assert r.count > 0 and r.size >= 0, (what, r.name, r.count, r.size)

hp = hpy()
threads = [threading.Thread(target=worker, args=(i,), daemon=True)
           for i in range(WORKERS)]
for t in threads:
    t.start()
counts = []
try:
    for i in range(ROUNDS):
        h = hp.heap()
        assert h.count == len(h.nodes), (h.count, len(h.nodes))
        assert h.size >= 0 and h.count > 0
        check_rows(h, 'heap')
        if i %% 10 == 0:
            str(h)
        b = h.byrcs
        assert b.count == h.count and b.size == h.size
        check_rows(b, 'byrcs')
        if i %% 10 == 0:
            str(b)
        counts.append(h.count)
finally:
    stop.set()
    for t in threads:
        t.join()
assert not errors, errors
gc.collect()
print(json.dumps({'rounds': len(counts), 'min': min(counts),
                  'max': max(counts)}))
'''


def test_heap_and_byrcs_while_threads_churn():
    out = json.loads(run_ours(CHILD % {'rounds': ROUNDS,
                                       'workers': WORKERS}, timeout=600))
    assert out['rounds'] == ROUNDS
    # The workers really changed the heap between snapshots.
    assert out['max'] > out['min']
