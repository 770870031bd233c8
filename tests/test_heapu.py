"""hp.heapu(), hp.setrelheapu() and hp.setref(): the unreachable heap.

What heapu() finds depends on everything the process holds, so the cases
run in one fresh ``__main__`` (``HEAPU_SCRIPT``), which prints each case's
text and the ``sys.getsizeof`` of the objects it expects as JSON; the tests
compare the text with the table ``reftables`` builds from those sizes.

The script first takes ``base = unreachable()`` and keeps it: holding a
set makes its objects reachable, so later calls report only what became
unreachable after it. Objects are made unreachable but alive in the ways
a C extension does it: a reference nothing accounts for
(``ctypes.pythonapi.Py_IncRef``) and a C-level registry (``atexit``).

heapu() collects garbage twice before looking, as guppy3 does, so a plain
garbage cycle is gone by then even with the collector disabled; a cycle
is reported only while something outside Python keeps it alive.
"""

import ctypes
import gc
import json
import re
import sys
import weakref

import pytest

from guppy import _guppy, hpy
from oracle import guppy3_python, requires_guppy3, run_script
from ours import run_ours
from reftables import partition, set_table

HEAPU_SCRIPT = r'''
import atexit, ctypes, gc, json, sys, weakref
from guppy import hpy
hp = hpy()
incref, decref = ctypes.pythonapi.Py_IncRef, ctypes.pythonapi.Py_DecRef
out = {}

def unreachable():
    # Positional arguments: on 3.10 a keyword call makes a bound method
    # that only the calling frame's value stack holds (docs/heapu.md).
    return hp.heapu(1, 0, 0)

def record(name, printed, objs=(), **extra):
    out[name] = dict(text=str(printed),
                     sizes=[sys.getsizeof(o) for o in objs], **extra)

class Leaky:
    __slots__ = ('items', 'other', '__weakref__')

# Warm up: the first ctypes calls and heapu() itself may fill caches.
dummy = Leaky()
decref(ctypes.py_object(incref(ctypes.py_object(dummy)) or dummy))
unreachable()
base = unreachable()

# 1. An object with a leaked reference, and what only it holds.
o = Leaky()
o.items = [float(i) + 0.5 for i in range(3)]
objs = [o, o.items, *o.items]
record('leak.expected', '', objs)
r = weakref.ref(o)
incref(ctypes.py_object(o))
del o, objs
u = unreachable()
record('leak', u, er=repr(u.er), count=u.count)
del u
decref(ctypes.py_object(r()))
record('leak.released', unreachable(), alive=r() is not None)

# 2. A garbage cycle, collector disabled: heapu() collects it first.
gc.disable()
a, b = Leaky(), Leaky()
a.other, b.other = b, a
ra = weakref.ref(a)
del a, b
record('cycle', unreachable(), alive=ra() is not None,
       enabled=gc.isenabled())
gc.enable()

# 3. A cycle that a leaked reference keeps alive.
a, b = Leaky(), Leaky()
a.other, b.other = b, a
record('heldcycle.expected', '', [a, b])
ra = weakref.ref(a)
incref(ctypes.py_object(a))
del a, b
record('heldcycle', unreachable())
decref(ctypes.py_object(ra()))
gc.collect()
record('heldcycle.released', unreachable(), alive=ra() is not None)

# 4. A C-level registry: atexit keeps its callbacks in the interpreter.
class Payload:
    __slots__ = ()
def make():
    p = Payload()
    def callback(p=p):
        pass
    return callback, [callback, p, callback.__defaults__]
cb, objs = make()
record('atexit.expected', '', objs)
atexit.register(cb)
rc = weakref.ref(cb)
del cb, objs
record('atexit', unreachable())
atexit.unregister(rc())
record('atexit.released', unreachable(), alive=rc() is not None)

# 5. The profiler's own objects are never reported; what they hold is
# reachable while they are, and a leaked set's members are not.
kept = hp.iso(Leaky())
record('heldbyset', unreachable())
leaked = hp.iso(Leaky())
member = leaked.theone
rm = weakref.ref(member)
record('leakedset.expected', '', [member])
incref(ctypes.py_object(leaked))
del leaked, member
record('leakedset', unreachable())
# Sets take no weak references: find the leaked one through its member,
# held by the members object the set shares with its by-views.
holder = [x for x in gc.get_referrers(rm())
          if type(x).__name__ == '_Members'][0]
leaked = [x for x in gc.get_referrers(holder) if type(x) is type(kept)][0]
del holder
decref(ctypes.py_object(leaked))
del leaked
record('leakedset.released', unreachable(), alive=rm() is not None)

# 6. A session nothing refers to: its own objects stay out.
record('tempsession', hpy().heapu(1, 0, 0))

# 7. A set as the reference point (stat=0): subtracted by identity. The
# reference holds its objects, which makes them reachable too.
hp.setrelheapu(None, 0)
o = Leaky()
record('relset.expected', '', [o])
r = weakref.ref(o)
incref(ctypes.py_object(o))
del o
record('relset', unreachable())
record('relset.abs', hp.heapu(1, 1, 0))
decref(ctypes.py_object(r()))
hp.setrelheapu(hp.Nothing, 0)           # an empty reference: none

# 8. The Stat (stat=1), absolute and relative to setrelheapu().
o = Leaky()
o.items = [float(i) + 0.25 for i in range(2)]
record('stat.expected', '', [o, o.items, *o.items])
r = weakref.ref(o)
incref(ctypes.py_object(o))
del o
st = hp.heapu(1, 1, 1)
record('stat', st, header=st.firstheader, cls=type(st).__module__ + '.'
       + type(st).__name__)
hp.setrelheapu()
o2 = Leaky()
record('statrel.expected', '', [o2])
r2 = weakref.ref(o2)
incref(ctypes.py_object(o2))
del o2
st = hp.heapu(1, 0, 1)
record('statrel', st, header=st.firstheader)
record('statrel.set', hp.heapu(1, 0, 0))    # a Stat reference: no effect
x = hp.heapu(1, 1, 0)
hp.setref(None, x)                          # a set, stored as its Stat
del x
record('setref', hp.heapu(1, 0, 1), header=st.firstheader)
decref(ctypes.py_object(r()))
decref(ctypes.py_object(r2()))
print(json.dumps(out))
'''


@pytest.fixture(scope='module')
def cases():
    return json.loads(run_ours(HEAPU_SCRIPT))


def table(cases, name, labels):
    """The Type table of the objects of case ``name``, labelled in order."""
    sizes = cases[name + '.expected']['sizes']
    return set_table(partition(list(zip(labels, sizes))), 'Type')


def test_leaked_reference_and_closure(cases):
    c = cases['leak']
    assert c['text'] == table(cases, 'leak', ['__main__.Leaky', 'list',
                                              'float', 'float', 'float'])
    assert c['er'] == 'hp.Type' and c['count'] == 5


def test_released_object_is_gone(cases):
    assert cases['leak.released'] == {'text': '<Nothing>', 'sizes': [],
                                      'alive': False}


def test_garbage_cycle_is_collected_first(cases):
    # As guppy3: heapu() runs gc.collect() twice, also when the collector
    # is disabled, and leaves it disabled.
    assert cases['cycle'] == {'text': '<Nothing>', 'sizes': [],
                              'alive': False, 'enabled': False}


def test_cycle_kept_alive_by_c(cases):
    assert cases['heldcycle']['text'] == table(
        cases, 'heldcycle', ['__main__.Leaky', '__main__.Leaky'])
    assert cases['heldcycle.released']['text'] == '<Nothing>'
    assert cases['heldcycle.released']['alive'] is False


@pytest.mark.skipif(sys.version_info < (3, 10),
                    reason='3.9 keeps atexit callbacks in module state, '
                    'which the atexit module traverses: reachable')
def test_c_level_registry(cases):
    assert cases['atexit']['text'] == table(
        cases, 'atexit', ['function', '__main__.Payload', 'tuple'])
    assert cases['atexit.released']['text'] == '<Nothing>'
    assert cases['atexit.released']['alive'] is False


def test_profiler_objects_never_reported(cases):
    # Held by a live set: reachable.
    assert cases['heldbyset']['text'] == '<Nothing>'
    # A leaked set: not itself reported, its member is.
    assert cases['leakedset']['text'] == table(cases, 'leakedset',
                                               ['__main__.Leaky'])
    assert cases['leakedset.released']['text'] == '<Nothing>'
    assert cases['leakedset.released']['alive'] is False
    assert cases['tempsession']['text'] == '<Nothing>'


def test_set_reference_point(cases):
    expected = table(cases, 'relset', ['__main__.Leaky'])
    assert cases['relset']['text'] == expected
    assert cases['relset.abs']['text'] == expected


def diff_table(a, b, rows, kindheader):
    """A DiffFormat table (guppy-api.md section 4.4): a and b are (count,
    size) totals, rows (count, size, label) differences in table order."""
    pct = lambda v: '%9.3g' % (v * 100.0 / b[1]) if b[1] else '   (n.a.)'
    lines = ['Summary of difference operation (A-B).',
             '        Count     Size',
             '  A    %6d %8d' % a, '  B    %6d %8d' % b,
             '  A-B  %6d %8d  = %s %% of B' % (a[0] - b[0], a[1] - b[1],
                                               pct(a[1] - b[1]))]
    if rows:
        lines += ['', 'Differences by kind, largest absolute size diffs '
                  'first.', ' Index  Count     Size  Cumulative  % of B '
                  + kindheader]
        cumul = 0
        for i, (count, size, label) in enumerate(rows):
            cumul += size
            lines.append('%6d %6d %8d %9d %s %s' % (i, count, size, cumul,
                                                    pct(cumul), label))
    return '\n'.join(lines)


HEADER_REL = re.compile(r'Data from unreachable objects relative to: '
                        r'\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\.\n$')


def test_stat(cases):
    c = cases['stat']
    assert c['text'] == table(cases, 'stat', ['__main__.Leaky', 'list',
                                              'float', 'float'])
    assert c['header'] == 'Data from unreachable objects.\n'
    assert c['cls'] == 'guppy.heapy.Part.Stat'


def test_stat_relative(cases):
    b_sizes = cases['stat.expected']['sizes']
    (new,) = cases['statrel.expected']['sizes']
    b = (len(b_sizes), sum(b_sizes))
    a = (b[0] + 1, b[1] + new)
    expected = diff_table(a, b, [(1, new, '__main__.Leaky')], 'Type')
    assert cases['statrel']['text'] == expected
    assert HEADER_REL.match(cases['statrel']['header'])
    # stat=0 subtracts only a set reference; this one is a Stat.
    labels = ['__main__.Leaky', 'list', 'float', 'float', '__main__.Leaky']
    assert cases['statrel.set']['text'] == set_table(partition(list(zip(
        labels, b_sizes + [new]))), 'Type')
    # setref(unreachable=set): stored as its Stat, so nothing is new.
    assert cases['setref']['text'] == diff_table(a, a, [], 'Type')


# --- in this process: arguments and the whole-heap invariants ---------------

def test_rma_false_is_a_superset():
    hp = hpy()
    probe = [object()]
    everything = hp.heapu(rma=0, abs=1, stat=0)
    assert hp.iso(probe, probe[0]) <= everything
    assert hp.heapu(abs=1, stat=0) <= everything
    assert (hp.heapu(abs=1, stat=0) & hp.heap()) is hp.Nothing


def test_heapu_is_partitioned_by_type():
    hp = hpy()
    assert hp.heapu(rma=0, stat=0).er is hp.Type


def test_setrelheapu_rejects_other_objects():
    hp = hpy()
    with pytest.raises(TypeError, match='setrelheapu'):
        hp.setrelheapu([1, 2])


def test_setref_sets_only_what_is_given():
    hp = hpy()
    hp.setrelheap()
    before = hp._relheap
    hp.setref(unreachable=hp.Nothing)
    assert hp._relheap is before
    hp.setref(reachable=hp.Nothing)
    assert hp._relheap is hp.Nothing


# --- garbage: collect only when there is some --------------------------------

@pytest.fixture
def collector_off():
    gc.collect()
    gc.disable()
    yield
    gc.enable()
    gc.collect()


class Cell:
    __slots__ = ('other', '__weakref__')


def test_garbage_cycle_is_detected(collector_off):
    assert _guppy.heapu(True, False) is not None
    a, b = Cell(), Cell()
    a.other, b.other = b, a
    del a, b
    assert _guppy.heapu(True, False) is None        # caller must collect
    assert _guppy.heapu(True, True) is not None      # forced: reported
    gc.collect()
    assert _guppy.heapu(True, False) is not None


def test_garbage_through_a_profiler_object_is_detected(collector_off):
    hp = hpy()

    class Holder:
        pass

    h = Holder()
    h.s = hp.iso(h)          # a cycle through a hidden set
    del h
    assert _guppy.heapu(True, False) is None


def test_cycle_held_by_c_is_not_garbage(collector_off):
    a, b = Cell(), Cell()
    a.other, b.other = b, a
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(a))
    ra, rb = weakref.ref(a), weakref.ref(b)
    del a, b
    r = _guppy.heapu(True, False)
    try:
        assert r is not None and ra() in r and rb() in r
    finally:
        del r
        ctypes.pythonapi.Py_DecRef(ctypes.py_object(ra()))
    gc.collect()
    assert ra() is None


def test_empty_result_relative_to_a_stat():
    # guppy3 raises ValueError (kind headers Clodo vs Type) once nothing is
    # unreachable any more relative to its reference; the empty result is
    # a Type Stat here.
    hp = hpy()
    o = Cell()
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(o))
    r = weakref.ref(o)
    del o
    hp.setrelheapu()
    ctypes.pythonapi.Py_DecRef(ctypes.py_object(r()))
    st = hp.heapu()
    assert st.kindheader == 'Type'
    assert st.count < 0 and hp.heapu(abs=1).kindheader == 'Type'


def test_no_collection_without_garbage():
    hp = hpy()
    gc.collect()
    before = gc.get_stats()[2]['collections']
    hp.heapu(stat=0)
    assert gc.get_stats()[2]['collections'] == before


def test_containers_a_collection_would_untrack_are_not_seeds():
    # A tuple and a dict of atomic values held only by C code: gc.collect()
    # would untrack them, so guppy3 never lists them; neither do we.
    gc.collect()
    t = tuple('abc%d' % i for i in range(3))
    d = {}
    d['x'] = []
    d['x'] = 1.5                 # tracked, though it holds no container now
    assert gc.is_tracked(t) and gc.is_tracked(d)
    for o in (t, d):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(o))
    try:
        u = _guppy.heapu(True, True)
        assert t not in u and d not in u
    finally:
        for o in (t, d):
            ctypes.pythonapi.Py_DecRef(ctypes.py_object(o))


# --- the same script with guppy3 -------------------------------------------

DIFF_SCRIPT = r'''
import ctypes, gc, sys, weakref
from guppy import hpy
hp = hpy()
incref, decref = ctypes.pythonapi.Py_IncRef, ctypes.pythonapi.Py_DecRef
class Leaky:
    __slots__ = ('items', 'other', '__weakref__')
d = Leaky()
decref(ctypes.py_object(incref(ctypes.py_object(d)) or d))
hp.heapu(1, 0, 0)
base = hp.heapu(1, 0, 0)
hp.setrelheapu()
o = Leaky()
o.items = [float(i) + 0.5 for i in range(3)]
a, b = Leaky(), Leaky()
a.other, b.other = b, a
incref(ctypes.py_object(o))
incref(ctypes.py_object(a))
ro, ra = weakref.ref(o), weakref.ref(a)
del o, a, b
print(hp.heapu(1, 0, 0))
print(hp.heapu(1, 0, 0).byid.bytype)
print(hp.heapu())
print(repr(hp.heapu().firstheader))
print(hp.heapu(1, 1, 1))
hp.setrelheapu()
c = Leaky()
incref(ctypes.py_object(c))
rc = weakref.ref(c)
del c
print(hp.heapu())
print(repr(hp.heapu().firstheader[:44]))
for r in (ro, ra, rc):
    decref(ctypes.py_object(r()))
gc.collect()
print(hp.heapu(1, 0, 0), ro(), ra(), rc())
print(hp.heapu(1, 1, 1))
'''


@requires_guppy3
@pytest.mark.skipif(sys.version_info < (3, 11), reason='on 3.10 guppy3 '
                    'reports bound methods made by its own keyword calls, '
                    'which only its frames\' value stacks hold')
def test_same_as_guppy3():
    assert run_ours(DIFF_SCRIPT) == run_script(guppy3_python(), DIFF_SCRIPT)


# --- nothing kept: references and memory -----------------------------------

def test_result_references_are_released(collector_off):
    # The None path (garbage found) and the forced path give back every
    # reference they took: the garbage is freed by the next collection.
    a, b = Cell(), Cell()
    a.other, b.other = b, a
    ra = weakref.ref(a)
    del a, b
    assert _guppy.heapu(True, False) is None
    u = _guppy.heapu(True, True)
    assert ra() in u
    del u
    gc.collect()
    assert ra() is None


def test_repeated_calls_do_not_grow():
    hp = hpy()
    for _ in range(10):
        hp.heapu()
        hp.heapu(stat=0)
    gc.collect()
    blocks, objects = sys.getallocatedblocks(), len(gc.get_objects())
    for _ in range(40):
        hp.heapu()
        hp.heapu(stat=0)
    gc.collect()
    # A leak of one block or object per call would exceed these.
    assert sys.getallocatedblocks() - blocks < 40
    assert len(gc.get_objects()) - objects < 40
