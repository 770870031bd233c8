"""What ``hp.heap()`` contains (guppy-api.md sections 1.4, 1.6, 8.2).

Exact contents are checked in a fresh ``__main__`` (``run_ours``), relative
to ``hp.setrelheap()``, so that nothing but the script's own objects can
appear; the child prints the table and the ``sys.getsizeof`` of what it
made, and the test builds the expected table from those sizes.
"""

import json
import sys
import threading

from guppy import hpy
from ours import run_ours
from reftables import id_table, partition, set_table

CLODO = 'Kind (class / dict of class)'


def child(body):
    """Run ``body`` after a standard prelude; return its JSON output."""
    prelude = ('import json, sys\n'
               'from guppy import hpy\n'
               'hp = hpy()\n')
    return json.loads(run_ours(prelude + body))


def test_new_objects_appear_exactly():
    out = child('''
hp.setrelheap()
fl = [float(i) + 0.5 for i in range(1000)]
h = hp.heap()
print(json.dumps({'text': str(h), 'count': h.count,
                  'list': sys.getsizeof(fl),
                  'floats': [sys.getsizeof(x) for x in fl]}))
''')
    assert out['count'] == 1001
    expected = set_table(partition(
        [('list', out['list'])] + [('float', s) for s in out['floats']]),
        CLODO)
    assert out['text'] == expected


def test_setrelheap_nothing_resets():
    out = child('''
hp.setrelheap()
a = [1.5]
h1 = hp.heap()
hp.setrelheap(hp.Nothing)
h2 = hp.heap()
print(json.dumps({'h1': h1.count, 'a_in_h2': a in h2,
                  'h2_bigger': h2.count > 1000}))
''')
    assert out == {'h1': 1, 'a_in_h2': True, 'h2_bigger': True}


def test_heap_after_setrelheap_with_no_change_is_nothing():
    # guppy3 shows its own Use.heap frame here (spec section 11 quirk 3);
    # the frame running heap() is ours, hence hidden.
    out = run_ours('''
from guppy import hpy
hp = hpy()
hp.setrelheap()
h = hp.heap()
print(repr(h))
print(h.count, h.size)
''')
    assert out == 'hp.Nothing\n0 0\n'


def test_other_threads_locals_are_found():
    hp = hpy()
    ready = threading.Event()
    release = threading.Event()
    box = {}

    def worker():
        mine = [object() for _ in range(7)]
        box['ids'] = [id(o) for o in mine] + [id(mine)]
        ready.set()
        release.wait()
        return mine

    t = threading.Thread(target=worker)
    t.start()
    try:
        assert ready.wait(10)
        h = hp.heap()
        found = {id(o) for o in h.nodes}
        assert all(i in found for i in box['ids'])
    finally:
        release.set()
        t.join()


def test_other_threads_locals_new_since_setrelheap():
    out = child('''
import threading
hp.setrelheap()
ready = threading.Event(); release = threading.Event()
def worker():
    mine = [float(i) + 0.25 for i in range(7)]
    ready.set()
    release.wait()
    return mine
t = threading.Thread(target=worker)
t.start()
ready.wait()
h = hp.heap()
floats = sorted(o for o in h.nodes if type(o) is float)
print(json.dumps({'floats': floats}))
release.set(); t.join()
''')
    assert out['floats'] == [i + 0.25 for i in range(7)]


def test_profiler_objects_never_appear():
    out = child('''
hp.setrelheap()
hp2 = hpy()
s = hp.iso(1.5, [1], 'x' * 300)
t = s.bytype; u = s.byid; m = s.more; a = s.all; mm = m.more
n = hp.Nothing; er = hp.Type; er2 = hp2.Clodo
strs = ['s' * i for i in range(100, 125)]
B = hp.iso(*strs).bysize
bm = B.more; bmm = bm.more; bs = B[0]; bsl = B[1:3]; ball = B.all
parts = s.parts
text = repr(s)
sentinel = ['sentinel']
h = hp.heap()
mods = sorted({type(o).__module__ for o in h.nodes})
guppy_objs = [repr(type(o)) for o in h.nodes
              if type(o).__module__.startswith('guppy')]
mine = hp.iso(text, parts, sentinel, strs, *strs)
print(json.dumps({'guppy': guppy_objs, 'mods': mods,
                  'exact': h == mine, 'count': h.count,
                  'extra': [repr(type(o)) for o in (h - mine).nodes]}))
''')
    assert out['guppy'] == []
    assert out['mods'] == ['builtins']
    assert out['extra'] == []
    assert out['exact'] is True
    assert out['count'] == 3 + 1 + 25


def test_session_internals_never_appear():
    # A session made after setrelheap() and everything only it refers to
    # (its relations, their dict) are hidden.
    out = child('''
hp.setrelheap()
sessions = [hpy() for _ in range(3)]
for x in sessions:
    x.iso(1).bytype.byid
h = hp.heap()
print(json.dumps({'types': sorted({type(o).__name__ for o in h.nodes}),
                  'count': h.count}))
''')
    assert out == {'types': ['list'], 'count': 1}


def test_million_long_linked_list():
    out = child('''
def build(n):
    node = None
    for _ in range(n):
        node = [node]
    return node
hp.setrelheap()
head = build(1000000)
h = hp.heap()
print(json.dumps({'text': str(h), 'count': h.count,
                  'one': sys.getsizeof([None])}))
''')
    assert out['count'] == 1000000
    assert out['text'] == set_table([(1000000, 1000000 * out['one'], 'list')],
                                    CLODO)


def test_deep_nesting_in_process():
    # 200,000-deep nesting held by a local: walked with no recursion.
    hp = hpy()
    node = None
    for _ in range(200000):
        node = (node,)
    h = hp.heap()
    assert node in h
    inner = node
    for _ in range(199999):
        inner = inner[0]
    assert inner in h and inner[0] is None


HOSTILE = '''
class Hostile:
    __slots__ = ()
    def __repr__(self): raise RuntimeError('repr')
    def __eq__(self, other): raise RuntimeError('eq')
    def __hash__(self): raise RuntimeError('hash')
    def __getattr__(self, name): raise RuntimeError('getattr ' + name)
    @property
    def __class__(self): return int           # lies

class HostileOwner:
    def __init__(self): self.v = 1.5
    def __repr__(self): raise RuntimeError('repr')
    def __eq__(self, other): raise RuntimeError('eq')
    def __hash__(self): raise RuntimeError('hash')
    def __getattribute__(self, name): raise RuntimeError('getattribute')
    @property
    def __class__(self): return dict          # lies
'''


def test_hostile_objects():
    out = child(HOSTILE + '''
hp.setrelheap()
objs = [Hostile() for _ in range(3)]
owners = [HostileOwner() for _ in range(2)]
dicts = [object.__getattribute__(o, '__dict__') for o in owners]
h = hp.heap()
res = {'heap': str(h), 'bytype': str(h.bytype), 'count': h.count,
       'byid': str(hp.iso(*objs).byid), 'brief': hp.iso(*objs).brief,
       'sizes': {'obj': sys.getsizeof(objs[0]),
                 'owner': sys.getsizeof(owners[0]),
                 'dict': sys.getsizeof(dicts[0]),
                 'objs': sys.getsizeof(objs), 'owners': sys.getsizeof(owners),
                 'dicts': sys.getsizeof(dicts)},
       'addrs': sorted(id(o) for o in objs)}
print(json.dumps(res))
''')
    sz = out['sizes']
    items = ([('__main__.Hostile', sz['obj'])] * 3
             + [('__main__.HostileOwner', sz['owner'])] * 2
             + [('dict of __main__.HostileOwner', sz['dict'])] * 2
             + [('list', sz['objs']), ('list', sz['owners']),
                ('list', sz['dicts'])])
    assert out['count'] == 10
    assert out['heap'] == set_table(partition(items), CLODO)
    by_type = [('dict' if label.startswith('dict') else label, s)
               for label, s in items]
    assert out['bytype'] == set_table(partition(by_type), 'Type')
    addrs = ['0x%x' % a for a in out['addrs']]
    assert out['byid'] == id_table([(sz['obj'], a) for a in addrs],
                                   '<__main__.Hostile>', 'Address')
    assert out['brief'] == '<3 __main__.Hostile: %s>' % ', '.join(
        sorted(addrs))


BAD_SIZES = '''
class Twin:
    __slots__ = ()
class Raises:
    __slots__ = ()
    def __sizeof__(self): raise RuntimeError('sizeof')
class TypeErr:
    __slots__ = ()
    def __sizeof__(self): raise TypeError('sizeof')
class NotInt:
    __slots__ = ()
    def __sizeof__(self): return 'big'
class Float:
    __slots__ = ()
    def __sizeof__(self): return 1.5
class Negative:
    __slots__ = ()
    def __sizeof__(self): return -5
class Huge:
    __slots__ = ()
    def __sizeof__(self): return 2**80
class NotCallable:
    __slots__ = ()
    __sizeof__ = 5
'''
BAD_NAMES = ['Raises', 'TypeErr', 'NotInt', 'Float', 'Negative', 'Huge',
             'NotCallable']


def test_bad_sizeof_still_prints_a_table():
    # The fallback size is what object.__sizeof__ gives, as sys.getsizeof
    # reports it for a class of the same layout (Twin).
    out = child(BAD_SIZES + '''
hp.setrelheap()
objs = [cls() for cls in (Raises, TypeErr, NotInt, Float, Negative, Huge,
                          NotCallable)]
h = hp.heap()
res = {'heap': str(h), 'twin': sys.getsizeof(Twin()),
       'list': sys.getsizeof(objs),
       'each': [str(hp.iso(o)) for o in objs],
       'byid': [str(hp.iso(o).byid) for o in objs]}
print(json.dumps(res))
''')
    twin = out['twin']
    items = [('__main__.' + n, twin) for n in BAD_NAMES]
    assert out['heap'] == set_table(partition(items + [('list',
                                                        out['list'])]), CLODO)
    for name, each in zip(BAD_NAMES, out['each']):
        assert each == set_table([(1, twin, '__main__.' + name)], CLODO)


def test_bad_sizeof_in_process():
    ns = {}
    exec(BAD_SIZES, ns)
    hp = hpy()
    twin = sys.getsizeof(ns['Twin']())
    for name in BAD_NAMES:
        x = ns[name]()
        assert hp.iso(x).size == twin, name
        text = str(hp.iso(x).bytype)
        assert text.startswith('Partition of a set of 1 object. '
                               'Total size = %d bytes.' % twin)


def test_heap_twice_same_objects():
    out = child('''
hp.setrelheap()
keep = [float(i) for i in range(50)]
h1 = hp.heap(); h2 = hp.heap()
print(json.dumps({'eq': h1 == h2, 'hash': hash(h1) == hash(h2),
                  'text': str(h1) == str(h2), 'count': h1.count}))
''')
    assert out == {'eq': True, 'hash': True, 'text': True, 'count': 51}


def test_heap_table_summed_by_the_walk_equals_the_partition():
    """heap() sums its Clodo table while walking (no second pass to
    print it); the same members partitioned afterwards give the same
    table, size and rows, whatever order dicts and owners were met in."""
    out = child('''
import types
class Slow:
    def __sizeof__(self):          # sized after the walk
        return 40
class Owner:
    pass
shared = Owner()
shared.__dict__['a'] = 1
early = {'k': 1}                   # reached before its owner below
late_owner = types.SimpleNamespace()
holder = [early]
objs = [Slow() for _ in range(3)]
# Every name bound before the walk: binding a new global would grow the
# module's dict between the two tables.
h = whole = again = result = None
h = hp.heap()
whole = str(h.all)
again = h & h                      # the same members, no summed table
result = {'text': whole == str(again.all), 'size': h.size == again.size,
          'rows': str(h[0]) == str(again[0]), 'len': len(h) == len(again),
          'more': str(h.more) == str(again.more)}
print(json.dumps(result))
''')
    assert out == {'text': True, 'size': True, 'rows': True, 'len': True,
                   'more': True}
