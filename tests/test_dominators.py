"""Dominators: heapy's x.dominos, x.domisize and x.imdom, and the whole
heap's dominator tree behind x.retained (src/dominators.c,
guppy/heapy/Retained.py).

Every case runs as a fresh ``__main__`` (tests/ours.py), so the heap is
controlled: the measured objects hang from module globals and nothing else
refers to them. Three kinds of checks:

* brute force: random graphs of lists, each only reachable through one
  global; for every node, the nodes that removing it cuts off from the
  global (reachability recomputed from scratch), and from those the
  immediate dominators, retained sizes, dominos, domisize and imdom the
  engine must report. A planted error must be caught by the same check.
* exact text on controlled graphs (diamonds, cycles, shared children,
  objects also held by code constants), sizes from ``sys.getsizeof``;
* differential: the same script under guppy3 prints the same.
"""

import json
import os
import random
import sys

import pytest

from oracle import guppy3_python, normalise, requires_guppy3, run_script
from ours import run_ours
from reftables import partition, pct0, set_table

CLODO = 'Kind (class / dict of class)'
TAG = '@@JSON '


def run(source):
    """Run source; return (printed chunks separated by '---', JSON data)."""
    out = run_ours(source)
    data = None
    lines = out.rstrip('\n').split('\n')
    if lines and lines[-1].startswith(TAG):
        data = json.loads(lines.pop()[len(TAG):])
    if lines and lines[-1] == '---':
        lines.pop()
    return '\n'.join(lines).split('\n---\n'), data


PRELUDE = '''
import gc, json, random, sys
from guppy import hpy
hp = hpy()
'''


def dump(expr):
    return 'print(%r + json.dumps(%s))\n' % (TAG, expr)


# ---------------------------------------------------------------------------
# Brute force on random graphs

# The child builds each graph from its seed, keeps only its entry list E as
# a global (the rest is freed), and reports what the engine says, by id().
# Queries run with no visible reference to the graph but E: the nodes are
# held by hidden sets only, and the child's loops run at module level only
# after the engine has answered.
RANDOM_SCRIPT = PRELUDE + '''
def build(seed, kmax):
    rng = random.Random(seed)
    k = rng.randint(1, kmax)
    nodes = [[] for _ in range(k)]
    for n in nodes:
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            n.append(nodes[rng.randrange(k)])
    return nodes[0]

def collect(e):
    seen = {id(e): e}
    todo = [e]
    while todo:
        for c in todo.pop():
            if id(c) not in seen:
                seen[id(c)] = c
                todo.append(c)
    return hp.idset(seen.values())

def ids(s):
    return sorted(id(o) for o in s.nodes)

def pick(s, rng):
    chosen = set(rng.sample(ids(s), rng.randint(1, min(3, s.count))))
    return hp.idset(o for o in s.nodes if id(o) in chosen)

out = {}
for seed in SEEDS:
    E = build(seed, KMAX)
    gc.collect()
    S = collect(E)
    idoms = S._idoms()
    res = {'order': [id(o) for o in S.nodes], 'E': id(E), 'G': id(globals()),
           'idom': [None if x is None else id(x) for x in idoms]}
    del idoms
    r = S._retained(None)
    res['retained'] = [list(memoryview(r[k]).cast(c))
                       for k, c in ((2, 'I'), (3, 'q'), (4, 'q'))]
    rng = random.Random(seed)
    res['queries'] = []
    for _ in range(3):
        D = pick(S, rng)
        q = [ids(D), ids(D.dominos), D.domisize, ids(D.imdom)]
        res['queries'].append(q)
        del D
    res['edges'] = {id(o): [id(c) for c in o] for o in S.nodes}
    res['size'] = {id(o): sys.getsizeof(o) for o in S.nodes}
    out[seed] = res
    del E, S, r
''' + dump('out')


def _reach(edges, starts, avoid):
    seen = set(s for s in starts if s not in avoid)
    todo = list(seen)
    while todo:
        for c in edges[todo.pop()]:
            if c not in seen and c not in avoid:
                seen.add(c)
                todo.append(c)
    return seen


def brute_force_errors(res):
    """The engine's answers for one graph, checked against reachability
    recomputed with each node removed in turn; a list of discrepancies."""
    edges = {int(k): v for k, v in res['edges'].items()}
    size = {int(k): v for k, v in res['size'].items()}
    E, G = res['E'], res['G']
    nodes = set(edges)
    # dominated[u]: what removing u cuts off from E (u itself included).
    dominated = {u: nodes - _reach(edges, [E], {u}) for u in nodes}
    errors = []
    for v, got in zip(res['order'], res['idom']):
        if v == E:
            want = G           # E's one referrer: the module's globals
        else:
            # The deepest strict dominator: the one dominating least.
            want = min((u for u in nodes if u != v and v in dominated[u]),
                       key=lambda u: len(dominated[u]))
        if got != want:
            errors.append(('idom', v, got, want))
    order, counts, sizes = res['retained']
    for k, i in enumerate(order):
        v = res['order'][i]
        want = (len(dominated[v]), sum(size[w] for w in dominated[v]))
        if (counts[k], sizes[k]) != want:
            errors.append(('retained', v, (counts[k], sizes[k]), want))
    if sorted(counts, reverse=True) != counts:
        errors.append(('retained order', counts))
    for d, dominos, domisize, imdom in res['queries']:
        d = set(d)
        # heapy: T(D, W) with W = T(Root, D); inside the graph, W is what
        # E reaches without D (nothing if E is in D).
        w = _reach(edges, [E], d)
        want = _reach(edges, d, w) | d
        if sorted(want) != dominos:
            errors.append(('dominos', sorted(d), dominos, sorted(want)))
        if domisize != sum(size[v] for v in want):
            errors.append(('domisize', sorted(d), domisize))
        pred = {u for u in nodes if d & set(edges[u])}
        if E in d:
            want = {G}         # E's referrer; past it nothing is reached
        else:
            # E is reached (through G); a referrer is reached when E is
            # one, or some node reached without passing one refers to it.
            reached = _reach(edges, [E], pred)
            want = {p for p in pred
                    if p == E or any(p in edges[u] for u in reached)}
        if sorted(want) != imdom:
            errors.append(('imdom', sorted(d), imdom, sorted(want)))
    return errors


@pytest.fixture(scope='module')
def random_graphs():
    results = {}
    for seeds, kmax in ((range(0, 60), 12), (range(100, 130), 80)):
        script = RANDOM_SCRIPT.replace('SEEDS', repr(list(seeds))) \
                              .replace('KMAX', str(kmax))
        _, data = run(script)
        results.update({int(k): v for k, v in data.items()})
    return results


@pytest.mark.parametrize('seed', list(range(0, 60)) + list(range(100, 130)))
def test_random_graph_matches_brute_force(random_graphs, seed):
    assert brute_force_errors(random_graphs[seed]) == []


def test_brute_force_check_catches_a_planted_error(random_graphs):
    """The check must be able to fail: move one node's immediate dominator,
    then one retained size, then one dominos answer."""
    res = max(random_graphs.values(), key=lambda r: len(r['order']))
    assert len(res['order']) > 3 and brute_force_errors(res) == []
    bad = json.loads(json.dumps(res))
    k = next(i for i, v in enumerate(bad['order']) if v != bad['E'])
    bad['idom'][k] = bad['order'][k]
    assert [e[0] for e in brute_force_errors(bad)] == ['idom']
    bad = json.loads(json.dumps(res))
    bad['retained'][2][-1] += 1
    assert [e[0] for e in brute_force_errors(bad)] == ['retained']
    bad = json.loads(json.dumps(res))
    bad['queries'][0][2] += 8
    assert [e[0] for e in brute_force_errors(bad)] == ['domisize']


# ---------------------------------------------------------------------------
# Exact text on controlled graphs

SPEC_SCRIPT = PRELUDE + '''
inner = [1111111]
shared = [2222222]
other = [shared]
outer = [inner, [7777777], shared]
sizes = None            # every global made before the dict is measured
x = hp.iso(outer)
print(x.dominos)
print('---')
print(x.domisize)
print('---')
print(hp.iso(shared).imdom)
sizes = [sys.getsizeof(outer), sys.getsizeof(outer[1]),
         sys.getsizeof(globals())]
''' + dump('sizes')


def test_spec_example():
    """guppy-api.md 6.4: inner and shared have other paths from the root,
    7777777 is a constant of the module's code: only outer and [7777777]
    are dominated; shared's only immediate dominator is __main__'s dict."""
    tables, (outer, seven, main) = run(SPEC_SCRIPT)
    assert tables[0] == set_table([(2, outer + seven, 'list')], CLODO)
    assert tables[1] == str(outer + seven)
    assert tables[2] == set_table([(1, main, 'dict of module')], CLODO)
    if sys.version_info[:2] == (3, 11):
        assert outer + seven == 144      # the spec's number


GRAPHS_SCRIPT = PRELUDE + '''
def show(x):
    print(x.dominos)
    print('---')
    print(x.domisize)
    print('---')
    print(x.imdom)
    print('---')

def diamond():
    bottom = [3.5]
    return [[bottom], [bottom]]

def cycle():
    a = ['a-end']
    b = [a]
    a.append(b)
    return [a]

top = diamond()
holder = cycle()
consts = ['a literal', (1, 2, 'tuple literal'), 123456789]
sz = sys.getsizeof
sizes = None            # every global made before the dict is measured
show(hp.iso(top[0]))                 # one arm: the bottom is shared
show(hp.iso(top[0], top[1]))         # both arms: the bottom too
show(hp.iso(top[0][0]))              # the bottom: both arms refer
show(hp.iso(holder[0]))              # a cycle, entered once
show(hp.iso(consts))                 # items are code constants
sizes = {'arm': sz(top[0]), 'bottom': sz(top[0][0]), 'main': sz(globals()),
         'top': sz(top), 'a': sz(holder[0]), 'b': sz(holder[0][1]),
         'holder': sz(holder), 'consts': sz(consts)}
''' + dump('sizes')


def test_diamond_cycle_and_constants():
    t, s = run(GRAPHS_SCRIPT)

    def lists(*sizes):
        return set_table([(len(sizes), sum(sizes), 'list')], CLODO)

    main = set_table([(1, s['main'], 'dict of module')], CLODO)
    # One arm alone.
    assert t[0:3] == [lists(s['arm']), str(s['arm']), lists(s['top'])]
    # Both arms dominate the bottom, which neither dominates alone.
    both = s['arm'] * 2 + s['bottom']
    assert t[3:6] == [lists(s['arm'], s['arm'], s['bottom']), str(both),
                      lists(s['top'])]
    # The bottom's immediate dominators are both arms.
    assert t[6:9] == [lists(s['bottom']), str(s['bottom']),
                      lists(s['arm'], s['arm'])]
    # The cycle's entry dominates its partner; its one referrer is holder.
    assert t[9:12] == [lists(s['a'], s['b']), str(s['a'] + s['b']),
                       lists(s['holder'])]
    # The str, tuple and int are the module code's constants.
    assert t[12:15] == [lists(s['consts']), str(s['consts']), main]


INSTANCE_SCRIPT = PRELUDE + '''
class Box:
    def __init__(self, *items):
        self.items = list(items)

kept = {'kept': 1}
boxes = [Box([10.25], kept), Box((20.5, 30.5), kept)]
for b in boxes:
    b.__dict__
del b
x = hp.iso(boxes[0])
print(x.dominos)
print('---')
print(hp.iso(boxes[0].__dict__, boxes[1].__dict__).imdom)
sz = sys.getsizeof
b = boxes[0]
sizes = [sz(b), sz(b.__dict__), sz(b.items), sz(b.items[0])]
del b
''' + dump('sizes')


def test_instance_dominates_its_dict_and_items():
    t, (box, dict_, items, first) = run(INSTANCE_SCRIPT)
    rows = partition([('__main__.Box', box), ('dict of __main__.Box', dict_),
                      ('list', items), ('list', first)])
    assert t[0] == set_table(rows, CLODO)
    # Each dict's one referrer is its instance (materialised dicts).
    assert t[1] == set_table([(2, 2 * box, '__main__.Box')], CLODO)


NOTHING_SCRIPT = PRELUDE + '''
print(repr(hp.Nothing.dominos), hp.Nothing.domisize, repr(hp.Nothing.imdom))
print(repr(hp.iso(hp).dominos), hp.iso(hp).domisize)
'''


def test_empty_and_own_objects():
    out, _ = run(NOTHING_SCRIPT)
    assert out == ['hp.Nothing 0 hp.Nothing\nhp.Nothing 0']


# ---------------------------------------------------------------------------
# Retained sizes

RETAINED_SCRIPT = PRELUDE + '''
def diamond():
    bottom = [3.5]
    return [[bottom], [bottom]]

top = diamond()
x = hp.iso(top, top[0], top[1], top[0][0])
r = x.retained
print(r)
print('---')
print(r.bytype)
print('---')
print(r.byid.more)
print('---')
print(r[0].brief == hp.iso(top).brief, len(r), r.row(-1).index)
sz = sys.getsizeof
sizes = {'top': sz(top), 'arm': sz(top[0]), 'bottom': sz(top[0][0]),
         'float': sz(top[0][0][0]), 'heap': [r.count, r.size],
         'ids': [hex(id(o)) for o in (top, top[0], top[1], top[0][0])]}
''' + dump('sizes')


def retained_table(rows, header, how, nset, heap, paths=None):
    """The expected text of a retained table: rows (count, size, label),
    each followed by its object's shortest path (paths, by object)."""
    count, size = heap
    lines = ['Retained by a set of %d object%s, by %s. Heap: %d objects, '
             '%d bytes.' % (nset, '' if nset == 1 else 's', how, count, size),
             ' Index   Count   %  Retained   % ' + header]
    for i, (c, s, label) in enumerate(rows):
        lines.append('%6d %7d %3d %9d %3d %s' % (i, c, pct0(c, count), s,
                                                 pct0(s, size), label))
        if paths is not None:
            lines.append(' ' * 33 + paths[i])
    return '\n'.join(lines)


def test_retained_tables():
    t, s = run(RETAINED_SCRIPT)
    top, arm, bottom = s['top'], s['arm'], s['bottom']
    ids = s['ids']
    everything = top + 2 * arm + bottom   # the float is a code constant
    g = "hp.Root.i0_modules['__main__'].__dict__['top']"
    path = {ids[0]: g, ids[1]: g + '[0]', ids[2]: g + '[1]',
            ids[3]: g + '[0][0]'}
    rows = [(4, everything, ids[0], 2), (1, arm, ids[1], 1),
            (1, arm, ids[2], 1), (1, bottom, ids[3], 1)]
    # Larger first, then more objects, then lower address.
    rows.sort(key=lambda r: (-r[1], -r[0], int(r[2], 16)))
    paths = [path[a] for _, _, a, _ in rows]
    rows = [(c, s, 'list: %s*%d' % (a, n)) for c, s, a, n in rows]
    # By object, each row shows how the roots reach its object.
    assert t[0] == retained_table(rows, 'Object', 'object', 4, s['heap'],
                                  paths)
    # Grouped: the group's top member, top, retains the whole diamond.
    assert t[1] == retained_table([(4, everything, 'list')], 'Type', 'kind',
                                  4, s['heap'])
    assert t[2] == ''                     # four rows: no second page
    assert t[3] == 'True 4 3'


def test_retained_agrees_with_dominos_on_the_whole_heap():
    """Each object's retained set in the tree is its dominos as the two
    walks find it: the largest owners and a sample of the rest."""
    script = PRELUDE + '''
h = hp.heap()
r = h.retained
rng = random.Random(5)
rows = list(range(25)) + [rng.randrange(len(r)) for _ in range(40)]
bad = [(i, r.row(i)[1:3], (r[i].dominos.count, r[i].domisize))
       for i in rows
       if r.row(i)[1:3] != (r[i].dominos.count, r[i].domisize)]
sizes = [sorted(r.row(i).size for i in range(len(r)))[::-1][:5] ==
         [r.row(i).size for i in range(5)], bad]
''' + dump('sizes')
    _, (ordered, bad) = run(script)
    assert ordered and bad == []


def test_retained_groups_count_nested_members_once():
    script = PRELUDE + '''
def chain():
    a = [None]
    return [[a], [[a]]]
c = chain()
x = hp.iso(c, c[0], c[1], c[1][0], c[0][0])
g = x.retained.bytype
sizes = [g.row(0)[1:4], x.domisize, x.count]
''' + dump('sizes')
    _, ((count, size, label), domisize, n) = run(script)
    # c dominates everything else: the list row retains exactly c's set.
    assert (count, size, label) == (n, domisize, 'list')


# ---------------------------------------------------------------------------
# Long chains: no recursion anywhere

CHAIN_SCRIPT = PRELUDE + '''
N = %d
head = None
for i in range(N):
    head = [head]
x = hp.iso(head)
r = hp.iso(head, head[0]).retained
sizes = [x.domisize == N * sys.getsizeof(head), x.dominos.count,
         hp.iso(head[0]).imdom.count, r.row(0)[1], r.row(1)[1]]
'''


@pytest.mark.parametrize('n', [
    1000000,
    pytest.param(10000000, marks=pytest.mark.skipif(
        not os.environ.get('GUPPY_TEST_HUGE'),
        reason='10M-long list: set GUPPY_TEST_HUGE=1 (about 1.6 GB)')),
])
def test_long_linked_list(n):
    _, got = run(CHAIN_SCRIPT % n + dump('sizes'))
    assert got == [True, n, 1, n, n - 1]


# ---------------------------------------------------------------------------
# Differential: guppy3 prints the same

DIFF_SCRIPT = '''
from guppy import hpy
hp = hpy()

class Box:
    def __init__(self, *items):
        self.items = list(items)

def show(label, x):
    print('==', label)
    print(x.dominos)
    print(x.domisize)
    print(x.imdom)

inner = [1111111]
shared = [2222222]
other = [shared]
outer = [inner, [7777777], shared]
show('outer', hp.iso(outer))
show('shared', hp.iso(shared))

def diamond():
    bottom = [3.5]
    return [[bottom], [bottom]]
top = diamond()
show('top', hp.iso(top))
show('left arm', hp.iso(top[0]))
show('both arms', hp.iso(top[0], top[1]))
show('bottom', hp.iso(top[0][0]))

def cycle():
    a = ['a-end']
    b = [a]
    a.append(b)
    return [a]
holder = cycle()
show('cycle entry', hp.iso(holder[0]))
show('holder', hp.iso(holder))

# Instances with their dicts made (guppy3 makes them by looking).
kept = {'kept': 1}
boxes = [Box([10.25], kept), Box((20.5, 30.5), kept)]
for b in boxes:
    b.__dict__
show('boxes', hp.iso(boxes))
show('first box', hp.iso(boxes[0]))
show('box dicts', hp.iso(boxes[0].__dict__, boxes[1].__dict__))
show('kept', hp.iso(kept))

consts = ['a literal', (1, 2, 'tuple literal'), 123456789]
show('consts', hp.iso(consts))
show('nothing', hp.Nothing)
'''


@requires_guppy3
def test_differential_dominators():
    theirs = run_script(guppy3_python(), DIFF_SCRIPT)
    ours = run_ours(DIFF_SCRIPT)
    assert normalise(ours) == normalise(theirs)


# ---------------------------------------------------------------------------
# Allocation failures

def _fault_ops():
    from guppy import hpy
    hp = hpy()
    shared = [None]
    box = [[shared], [shared], {'k': [1.5]}]
    rows = hp.iso(box, box[0], box[1], box[2], shared)

    def numbers(r):
        return [r.row(i)[1:3] for i in range(len(r))]

    ops = {
        'dominos': lambda: sorted(map(id, hp.iso(box).dominos.nodes)),
        'domisize': lambda: hp.iso(box[0], box[1]).domisize,
        'imdom': lambda: sorted(map(id, hp.iso(shared).imdom.nodes)),
        'retained': lambda: numbers(rows.retained),
        'retained-bytype': lambda: numbers(rows.retained.bytype),
    }
    return ops, (hp, box, shared, rows)


@pytest.mark.parametrize('op', ['dominos', 'domisize', 'imdom', 'retained',
                                'retained-bytype'])
def test_allocation_failures(op):
    """Fail the Nth allocation for N = 0, 1, ...: each run gives the right
    answer or MemoryError, and never crashes (SQLite's fault twins)."""
    _testcapi = pytest.importorskip('_testcapi')
    if not hasattr(_testcapi, 'set_nomemory'):
        pytest.skip('no _testcapi.set_nomemory')
    ops, keep = _fault_ops()
    fn = ops[op]
    good = fn()
    failed = 0
    for n in range(0, 400, 3):
        _testcapi.set_nomemory(n, n + 1)
        try:
            r = fn()
        except MemoryError:
            failed += 1
            continue
        finally:
            _testcapi.remove_mem_hooks()
        assert r == good, n
    assert failed > 0


# ---------------------------------------------------------------------------
# Leaks

LEAK_SCRIPT = PRELUDE + '''
import os

def rss():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')

def counters():
    gc.collect()
    return len(gc.get_objects()), rss()

shared = [None]
box = [[shared], [shared], {'k': [1.5]}]
rows = hp.iso(box, box[0], box[1], box[2], shared)

def rounds(n):
    for _ in range(n):
        hp.iso(box).dominos.count
        hp.iso(box[0], box[1]).domisize
        hp.iso(shared).imdom.count
        str(rows.retained)
        str(rows.retained.bytype)
        rows.retained[0].count

rounds(20)
before = counters()
rounds(50)
after = counters()
growth = [after[0] - before[0], after[1] - before[1]]
''' + dump('growth')


@pytest.mark.skipif(not sys.platform.startswith('linux'),
                    reason='reads /proc/self/statm')
def test_no_growth_over_repeated_calls():
    """Each call builds and frees a graph (megabytes) or two bitmaps: a
    leak of either, or of a set, would grow the process every round (50
    rounds of each entry point)."""
    _, (objects, rss) = run(LEAK_SCRIPT)
    assert objects <= 30, objects
    assert rss <= 2 * 1024 * 1024, rss
