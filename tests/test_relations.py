"""The relations that read the reference graph (byrcs, byvia, refdby), the
composite ones (A & B, dictof, findex-style rows computed in Python), byprod,
and the graph navigation of sets (referrers, referents, owners).

Each case runs as a fresh ``__main__`` (tests/ours.py) so that the heap, and
with it every referrer, is controlled: the objects are module globals, held
by containers built in the script.  Expected tables are exact, sizes taken
from ``sys.getsizeof`` in the child (objects whose size heapy and getsizeof
agree on).  The differential cases at the end run the same script under
guppy3.
"""

import json
import sys

import pytest

from oracle import normalise, requires_guppy3, run_script, guppy3_python
from ours import run_ours
from reftables import partition, set_table

RCS = 'Referrers by Kind (class / dict of class)'
VIA = 'Referred Via:'
CLODO = 'Kind (class / dict of class)'
TAG = '@@JSON '

INLINE_VALUES = sys.version_info >= (3, 11)


def run(source):
    """Run source; return (printed chunks separated by '---', JSON data)."""
    out = run_ours(source)
    data = None
    lines = out.rstrip('\n').split('\n')
    if lines and lines[-1].startswith(TAG):
        data = json.loads(lines.pop()[len(TAG):])
    return '\n'.join(lines).split('\n---\n'), data


PRELUDE = '''
import json, sys
from guppy import hpy
hp = hpy()
'''


def dump(expr='sizes'):
    return 'print(%r + json.dumps(%s))\n' % (TAG, expr)


# ---------------------------------------------------------------------------
# byvia: one name per kind of reference

VIA_SCRIPT = PRELUDE + '''
class Point:
    def __init__(self):
        self.attr = [101]

class Slotted:
    __slots__ = ('a',)

def make(v):
    def inner():
        return v
    return inner

table = {'key': [1], 42: [2], ('t', 1): [3]}
seq = [[4], [5]]
tup = ([6],)
members = {frozenset([7])}
point = Point()
slotted = Slotted()
slotted.a = [8]
fn = make([9])
objs = [table['key'], table[42], table[('t', 1)], seq[1], tup[0],
        next(iter(members)), point.attr, slotted.a,
        fn.__closure__[0].cell_contents, fn.__closure__]
x = hp.iso(*objs)
sizes = [sys.getsizeof(o) for o in objs]
del objs
print(x.byvia)
print('---')
print(hp.iso(Point.__mro__, Point.__bases__, Point.__dict__['__init__']).byvia)
print('---')
print(hp.iso(sys.modules).byvia)
''' + dump()


def test_byvia_names_each_kind_of_reference():
    tables, sizes = run(VIA_SCRIPT)
    attr = '.attr' if INLINE_VALUES else "['attr']"
    labels = ["['key']", '[42]', "[('t', 1)]", '[1]', '[0]', 'list(_)[0]',
              attr, '.a', '.cell_contents', '.__closure__']
    reprs = [repr(l) for l in labels]
    assert tables[0] == set_table(partition(zip(reprs, sizes)), VIA)
    ends = sorted(r[45:] for r in tables[1].split('\n')[2:])
    assert ends == sorted(["'.__mro__'", "'.__bases__'", '''"['__init__']"'''])
    assert tables[2].endswith(''' "['modules']", '.i0_modules\'''')


# ---------------------------------------------------------------------------
# byrcs: the kinds of the referrers, the root and frames included

RCS_SCRIPT = PRELUDE + '''
class Holder:
    pass

holder = Holder()
holder.__dict__['item'] = [1]        # a dict, on every version
box = [[2], holder.item]
loose = {'k': [3]}
x = hp.iso(holder.item, box[0], loose['k'])
sizes = [sys.getsizeof(o) for o in (holder.item, box[0], loose['k'])]
print(x.byrcs)
print('---')
print(hp.iso(sys.modules).byrcs)
print('---')

def running():
    local = [4]
    def inner():
        return local
    print(hp.iso(local).byrcs)
    print('---')
    print(hp.iso(inner.__closure__[0]).byvia)
    print('---')
    plain = [5]
    print(hp.iso(plain).byvia)
    print('---')
    print(hp.iso(plain).byrcs)

running()
''' + dump()


def test_byrcs_kinds_of_referrers():
    tables, sizes = run(RCS_SCRIPT)
    # 3.13 keeps the values inline after the dict is made: the instance
    # and its dict both refer to them (guppy3 shows the same).
    holder_refs = ('__main__.Holder, dict of __main__.Holder, list'
                   if sys.version_info >= (3, 13)
                   else 'dict of __main__.Holder, list')
    rows = partition([(holder_refs, sizes[0]),
                      ('list', sizes[1]), ('dict (no owner)', sizes[2])])
    assert tables[0] == set_table(rows, RCS)
    assert tables[1].endswith(
        'dict of module, guppy.heapy.heapyc.RootStateType')
    # A cell variable's value is held by its cell; the frame holds the
    # cell in its slot, named with a space as heapy does.
    assert tables[2].endswith(' types.CellType')
    assert tables[3].endswith(" \".f_locals ['local']\", '[0]'")
    assert tables[4].endswith(''' ".f_locals['plain']"''')
    # The running frame exists only inside the interpreter: a node of the
    # graph all the same, of heapy's frame type.
    assert tables[5].endswith(' types.FrameType')


# ---------------------------------------------------------------------------
# Looking does not create instance dicts

NO_DICT_SCRIPT = PRELUDE + '''
import gc

class Lean:
    def __init__(self, i):
        self.n = i
        self.name = 'x%d' % i

lean = [Lean(i) for i in range(5)]
h = hp.heap()
str(h.byvia)
str(h.byrcs)
str(hp.iso(*lean).byvia)
str(hp.iso(*(o.name for o in lean)).byvia)
has_dict = [any(type(r) is dict for r in gc.get_referents(o)) for o in lean]
print(hp.iso(*(o.name for o in lean)).byvia)
''' + dump('has_dict')


@pytest.mark.skipif(not INLINE_VALUES, reason='3.11+ keeps attributes '
                    'without a dict')
def test_byvia_leaves_instances_without_dict():
    tables, has_dict = run(NO_DICT_SCRIPT)
    assert has_dict == [False] * 5
    assert tables[0].split('\n')[2].endswith(" '.name'")


# ---------------------------------------------------------------------------
# Navigation: referrers, referents, owners

NAV_SCRIPT = PRELUDE + '''
class Owner:
    pass

owner = Owner()
owner.__dict__['k'] = 1
target = [1]
a = [target]
b = (target, 2)
c = {'t': target}
checks = {
    'referrers': hp.iso(target).referrers == hp.iso(a, b, c, globals()),
    'referents': hp.iso(a).referents == hp.iso(target),
    'owners': hp.iso(owner.__dict__, c).owners == hp.iso(owner),
    'owners_none': hp.iso(c).owners is hp.Nothing,
    'referrers_gc': hp.iso(target).referrers_gc >= hp.iso(a, b, c),
    'hidden': not (hp.iso(hp).referents & hp.iso(hp.Nothing)),
    'root_not_object': hp.iso(sys.modules).referrers == hp.iso(
        sys.__dict__),
}
''' + dump('checks')


def test_referrers_referents_owners():
    _, checks = run(NAV_SCRIPT)
    assert checks == dict.fromkeys(checks, True)


# ---------------------------------------------------------------------------
# Composite relation specs, straight from the engine

SPEC_SCRIPT = PRELUDE + '''
class K:
    pass

k = K()
k.__dict__['v'] = 1
objs = [[1], [2, 3], (4,), k.__dict__, {}]
x = hp.iso(*objs)
sizes = [sys.getsizeof(o) for o in objs]
for spec in [('and', 3, 2), ('and', 2, ('and', 3, 4)), ('dictof', 2),
             ('dictof', 3), ('refdby', 2), 8]:
    print(x._table(spec, 0, -1, True, 0, 0))
    print('---')
rows = x._row_keys(('and', 3, 2))
print(sorted((r[0], r[1].__name__) for r in rows))
''' + dump()


def test_composite_specs():
    tables, sizes = run(SPEC_SCRIPT)
    l1, l2, t, kd, d = sizes
    assert tables[0] == set_table(partition(
        [('%d & list' % l1, l1), ('%d & list' % l2, l2),
         ('%d & tuple' % t, t), ('%d & dict' % kd, kd),
         ('%d & dict' % d, d)]), 'Individual Size & Type')
    assert tables[1].split('\n')[1].endswith(
        'Type & Individual Size & <unclassified>')
    assert tables[2] == set_table(partition(
        [('~dict', l1), ('~dict', l2), ('~dict', t),
         ('dict of __main__.K', kd), ('dict (no owner)', d)]), 'Dict of Type')
    dictof_size = tables[3].split('\n')
    assert dictof_size[1].endswith('Dict of Individual Size')
    assert any(r.endswith(' dict of        56') or r.endswith('dict of ')
               or 'dict of' in r for r in dictof_size[2:])
    assert tables[4].split('\n')[1].endswith('Referrers by Type')
    assert tables[5].split('\n')[1].endswith(RCS)
    keys = eval(tables[6])
    assert sorted(keys) == sorted({(l1, 'list'), (l2, 'list'),
                                   (t, 'tuple'), (kd, 'dict'),
                                   (d, 'dict')})


def test_bad_specs():
    import guppy
    from guppy import _guppy
    s = _guppy.NodeSet([1])
    with pytest.raises(ValueError, match='unknown relation number 99'):
        s._numrows(99)
    with pytest.raises(TypeError, match='relation spec'):
        s._numrows('Clodo')
    with pytest.raises(ValueError, match='malformed'):
        s._numrows(('and', 1))
    with pytest.raises(ValueError, match='not supported'):
        s._numrows(('refdby', 6))
    with pytest.raises(ValueError, match='not supported'):
        s._numrows(('refdby', ('and', 1, 2)))
    assert guppy


def test_python_rows():
    from guppy import _guppy
    a, b = [1], (2,)
    s = _guppy.NodeSet([a, b])

    def rows(ns):
        return ([_guppy.NodeSet([a]), _guppy.NodeSet([b])], ['A', 'B'],
                ['ka', 'kb'], 'Mine')

    text = s._table(('python', rows), 0, -1, True, 0, 0)
    assert text.split('\n')[1].endswith('Mine')
    assert s._row_keys(('python', rows)) in (('ka', 'kb'), ('kb', 'ka'))

    def overlapping(ns):
        return ([_guppy.NodeSet([a]), _guppy.NodeSet([a, b])], ['A', 'B'],
                [1, 2], 'Mine')

    with pytest.raises(ValueError, match='overlap'):
        s._numrows(('python', overlapping))

    def short(ns):
        return ([_guppy.NodeSet([a])], ['A'], [1], 'Mine')

    with pytest.raises(ValueError, match='do not cover'):
        s._numrows(('python', short))

    def wrong(ns):
        return 42

    with pytest.raises(TypeError, match="'python' relation must return"):
        s._numrows(('python', wrong))


# ---------------------------------------------------------------------------
# byprod

PROD_SCRIPT = '''
import tracemalloc, json, sys
from guppy import hpy
hp = hpy()
try:
    hp.iso([1]).byprod._numrows(10)
except RuntimeError as e:
    print(e)
print('---')
class Made:
    pass
tracemalloc.start()
line = sys._getframe().f_lineno
made = [Made() for i in range(3)]       # line + 1
other = bytearray(100)                  # line + 2
print(hp.iso(*made, other).byprod)
tracemalloc.stop()
''' + dump('line')


def test_byprod():
    tables, line = run(PROD_SCRIPT)
    assert tables[0] == (
        'Tracemalloc is not tracing. No producer profile available. See '
        'https://docs.python.org/3/library/tracemalloc.html')
    lines = tables[1].split('\n')
    assert lines[1].endswith('Producer (line of allocation)')
    rows = [(int(l.split()[1]), l.split()[-1].rsplit(':', 1)[1])
            for l in lines[2:]]
    assert sorted(rows) == [(1, str(line + 2)), (3, str(line + 1))]


# ---------------------------------------------------------------------------
# Hostile dict keys: the label still prints

HOSTILE_SCRIPT = PRELUDE + '''
class BadRepr:
    def __repr__(self):
        raise RuntimeError('no repr')
    def __hash__(self):
        return 1

class NotStr:
    def __repr__(self):
        return 42
    def __hash__(self):
        return 2

d = {BadRepr(): [1], NotStr(): [2]}
print(hp.iso(*d.values()).byvia)
'''


def test_hostile_keys():
    tables, _ = run(HOSTILE_SCRIPT)
    assert "[<BadRepr object at 0x" in tables[0]
    assert "[<NotStr object at 0x" in tables[0]


# ---------------------------------------------------------------------------
# Differential: the same script under guppy3

DIFF_SCRIPT = '''
from guppy import hpy
hp = hpy()

class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

class Slotted:
    __slots__ = ('a', 'b')

def make_closure(v):
    def inner():
        return v
    return inner

shared = [1001]
p = Point(shared, [1002])
p.__dict__                        # guppy3 would create it anyway
s = Slotted()
s.a = shared
s.b = tuple([1003, 'text'])      # not a code constant: indices vary
table = {'alpha': [2001], 'beta': shared, 7: tuple([2002])}
rows = [[3001], [3002], shared]
members = {frozenset([4001])}
fn = make_closure([5001])
cell = fn.__closure__[0]
objs = [shared, p.y, s.b, table['alpha'], table[7], rows[0], rows[1],
        next(iter(members)), cell.cell_contents]
x = hp.iso(*objs)
del objs
print(x.byrcs)
print(x.byvia)
print(hp.iso(p).byvia)
print(hp.iso(p.__dict__).byvia)
print(hp.iso(Point).byrcs)
print(hp.iso(Point).byvia)
print(hp.iso(shared).referrers.byid)
print(hp.iso(table).referents.byid)
print(hp.iso(p.__dict__, table).owners)
print(hp.iso(fn).byvia)
print(hp.iso(cell).byrcs)
print(x.byrcs[0].byvia)
def running():
    loc = [6001]
    print(hp.iso(loc).byvia)

running()
'''


@requires_guppy3
def test_differential_relations():
    theirs = run_script(guppy3_python(), DIFF_SCRIPT)
    ours = run_ours(DIFF_SCRIPT)
    assert normalise(ours) == normalise(theirs)


# ---------------------------------------------------------------------------
# Sets and the cyclic collector

def test_cycle_through_sets_sharing_members_is_collected():
    """x and x.bytype share one members array: the collector must see each
    member reference once, or a cycle through both is never freed (and a
    reference counted twice could free a live object)."""
    import gc
    import weakref
    from guppy import hpy
    hp = hpy()

    class C:
        pass

    c = C()
    c.h = hp.iso(c)
    c.t = c.h.bytype
    c.u = c.t.byrcs
    r = weakref.ref(c)
    del c
    gc.collect()
    assert r() is None


# ---------------------------------------------------------------------------
# Allocation failures: the right answer or MemoryError, never a crash

NOMEMORY_SCRIPT = '''
import _testcapi
from guppy import hpy
hp = hpy()
class C:
    pass
c = C()
c.x = [1]
d = {'k': c}
x = hp.iso(c, c.x, d)
ops = {
    'byrcs': lambda: str(x.byrcs),
    'byvia': lambda: str(x.byvia),
    'referrers': lambda: x.referrers.count,
    'referents': lambda: x.referents.count,
    'and': lambda: x._table(('and', 3, 2), 0, -1, True, 0, 0),
}
for name, fn in ops.items():
    good = fn()
    failed = streak = n = 0
    # Fail the n-th allocation for n = 0, 1, ... until three runs in a
    # row need no more allocations than that.
    while streak < 3 and n < 20000:
        _testcapi.set_nomemory(n, n + 1)
        try:
            r = fn()
        except MemoryError:
            failed += 1
            streak = 0
        else:
            assert r == good, (name, n)
            streak += 1
        finally:
            _testcapi.remove_mem_hooks()
        n += 1 if n < 300 else 7
    print(name, failed > 0)
'''


def test_allocation_failures():
    pytest.importorskip('_testcapi')
    out = run_ours(NOMEMORY_SCRIPT)
    assert out.split() == ['byrcs', 'True', 'byvia', 'True', 'referrers',
                           'True', 'referents', 'True', 'and', 'True']


def test_dictof_a_composite_relation():
    """dictof(E) for E composite: the owners are classed as a set of
    their own, each dict takes its owner's class."""
    from guppy import hpy
    hp = hpy()

    class A:
        pass

    a, b = A(), A()
    a.__dict__['z'] = 1
    b.__dict__['y'] = 2
    x = hp.iso(a.__dict__, b.__dict__, {}, [1])
    spec = ('dictof', ('and', 2, 4))
    text = x._table(spec, 0, -1, True, 0, 0).split('\n')
    assert text[1].endswith('% Dict of Type & <unclassified>')
    labels = sorted(line[45:] for line in text[2:])
    assert labels == ['dict (no owner)', 'dict of %s.A & <Anything>'
                      % __name__, '~dict']
    keys = x._row_keys(spec)
    assert ((A, None),) in keys and () in keys and None in keys
    assert x._numrows(('dictof', ('dictof', 2))) == 3
