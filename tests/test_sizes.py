"""Individual sizes (guppy-api.md section 8.1): ``hp.iso(x).size`` is
``sys.getsizeof(x)`` for every kind of object.

The one deliberate exception: on CPython 3.11+ an instance of a plain class
whose ``__dict__`` was never created keeps its attribute values in storage
sys.getsizeof does not report (a values array beside the object on
3.11/3.12, inline after it on 3.13); its size counts that storage too, so it
is at least sys.getsizeof.  Sizing it, walking the heap and printing tables
must not create the ``__dict__`` (guppy3 does, spec section 11 quirk 16).
Where CPython records how big that storage is (3.13's inline values carry
their capacity) the size must be the allocation tracemalloc sees; on
3.11/3.12 it must at least not change while the object does not.
"""

import array
import collections
import functools
import gc
import sys
import tracemalloc
import types
import weakref

import pytest

from guppy import hpy

MANAGED_DICT = sys.version_info >= (3, 11)


class Plain:
    def __init__(self):
        self.a = 1
        self.b = 'two'

    def method(self):
        return self


class Slotted:
    __slots__ = ('a', 'b')

    def __init__(self):
        self.a = 1
        self.b = 2


def _plain_with_dict():
    x = Plain()
    x.__dict__                    # created: values now live in the dict
    return x


def _function():
    def f(a, b=2):
        return a + b
    return f


def _cell():
    v = []

    def inner():
        return v
    return inner.__closure__[0]


def _generator():
    def gen():
        yield 1
    return gen()


class _Coroutine:
    """A coroutine object, closed when the test is done with it (an
    unawaited coroutine warns when collected)."""

    def __call__(self):
        async def coro():
            return 1
        return coro()


def _weakref():
    target = Plain()
    _keep.append(target)
    return weakref.ref(target)


def _bound_method():
    obj = Plain()
    _keep.append(obj)
    return obj.method


def _memoryview():
    buf = bytearray(b'abcdef')
    _keep.append(buf)
    return memoryview(buf)


def _module():
    m = types.ModuleType('sized_module')
    m.x = 1
    return m


def _over_allocated_list():
    x = []
    for i in range(17):
        x.append(i)
    return x


def _exception():
    try:
        raise ValueError('sized')
    except ValueError as e:
        return e


_keep = []

# name -> factory of a fresh object of that kind.
KINDS = {
    'int-small': lambda: 7,
    'int-zero': lambda: 0,
    'int-big': lambda: 2**200 + 1,
    'int-negative': lambda: -(2**70),
    'bool': lambda: True,
    'float': lambda: 1.25,
    'complex': lambda: 3 + 4j,
    'str-empty': lambda: '',
    'str-ascii': lambda: 'abc' * 7,
    'str-latin1': lambda: 'caf\xe9' * 5,
    'str-ucs2': lambda: '\u20ac\u0100' * 5,
    'str-ucs4': lambda: '\U0001f600x' * 5,
    'bytes': lambda: b'abc' * 9,
    'bytearray-empty': lambda: bytearray(),
    'bytearray': lambda: bytearray(b'abc' * 30),
    'list-empty': lambda: [],
    'list-full': lambda: list(range(10)),
    'list-over-allocated': _over_allocated_list,
    'tuple-empty': lambda: (),
    'tuple': lambda: (1, 2, 3),
    'dict-empty': lambda: {},
    'dict-small': lambda: {'k': 'v'},
    'dict-100': lambda: {i: i for i in range(100)},
    'set-empty': lambda: set(),
    'set': lambda: {1, 2, 3, 4, 5, 6},
    'frozenset': lambda: frozenset(range(20)),
    'instance-with-dict': _plain_with_dict,
    'instance-slotted': Slotted,
    'function': _function,
    'lambda': lambda: (lambda: 0),
    'code': lambda: _function().__code__,
    'class': lambda: type('Dyn', (), {'x': 1}),
    'static-type': lambda: int,
    'type-type': lambda: type,
    'module': _module,
    'None': lambda: None,
    'Ellipsis': lambda: Ellipsis,
    'deque': lambda: collections.deque(range(10)),
    'defaultdict': lambda: collections.defaultdict(list, a=1),
    'OrderedDict': lambda: collections.OrderedDict(a=1),
    'array': lambda: array.array('l', range(10)),
    'range': lambda: range(10),
    'slice': lambda: slice(1, 10, 2),
    'memoryview': _memoryview,
    'property': lambda: property(lambda self: 1),
    'staticmethod': lambda: staticmethod(len),
    'classmethod': lambda: classmethod(len),
    'bound-method': _bound_method,
    'builtin-function': lambda: len,
    'builtin-method': lambda: [].append,
    'partial': lambda: functools.partial(len, 'x'),
    'generator': _generator,
    'coroutine': _Coroutine(),
    'cell': _cell,
    'weakref': _weakref,
    'exception': _exception,
    'iterator': lambda: iter([1, 2]),
    'dict-keys-view': lambda: {'a': 1}.keys(),
    'mappingproxy': lambda: types.MappingProxyType({'a': 1}),
}


@pytest.mark.parametrize('kind', list(KINDS))
def test_size_is_getsizeof(kind):
    hp = hpy()
    x = KINDS[kind]()
    try:
        assert hp.iso(x).size == sys.getsizeof(x)
        assert hp.iso(x).byid.size == sys.getsizeof(x)
    finally:
        if isinstance(x, types.CoroutineType):
            x.close()


def test_sizes_add_up():
    hp = hpy()
    objs = [KINDS[k]() for k in ('int-big', 'str-ucs4', 'dict-100', 'tuple',
                                 'list-full', 'instance-slotted')]
    assert hp.iso(*objs).size == sum(map(sys.getsizeof, objs))


# --- instances whose __dict__ was never created ------------------------------

class Lazy:
    """Attributes set in __init__; nobody asks for __dict__."""

    def __init__(self, marker):
        self.a = marker
        self.b = 2


def dict_exists(marker):
    """Whether some dict holds ``marker`` as a value.  ``marker`` is a fresh
    list referenced only by one ``Lazy`` instance (and the test's fast
    locals), so such a dict can only be that instance's ``__dict__``; a
    dict holding a list is tracked by the collector, so gc.get_objects()
    finds it once it exists."""
    for o in gc.get_objects():
        if type(o) is dict:
            for v in list(o.values()):
                if v is marker:
                    return True
    return False


def refers_directly(x, marker):
    """3.11/3.12: before its dict is created an instance's tp_traverse
    visits its values; afterwards, the dict instead."""
    return any(r is marker for r in gc.get_referents(x))


@pytest.mark.skipif(MANAGED_DICT, reason='3.10: every instance has its dict')
def test_instance_size_before_3_11():
    hp = hpy()
    x = Lazy([])
    assert hp.iso(x).size == sys.getsizeof(x)


@pytest.mark.skipif(not MANAGED_DICT, reason='managed dicts are 3.11+')
def test_instance_without_dict_counts_its_values():
    hp = hpy()
    marker = []
    x = Lazy(marker)
    assert not dict_exists(marker)
    size = hp.iso(x).size
    assert size >= sys.getsizeof(x)
    # The values storage holds at least the two attribute pointers.
    assert size >= sys.getsizeof(x) + 2 * 8
    assert not dict_exists(marker)            # sizing did not create it


@pytest.mark.skipif(not MANAGED_DICT, reason='managed dicts are 3.11+')
def test_heap_walk_does_not_create_instance_dict():
    hp = hpy()
    marker = []
    x = Lazy(marker)
    before = hp.iso(x).size
    if sys.version_info < (3, 13):
        assert refers_directly(x, marker)
    h = hp.heap()
    assert x in h and marker in h          # both are locals of this frame
    text = str(h)                          # Clodo scans for dict owners
    str(h.bytype)
    str(hp.iso(x).byid)
    assert not dict_exists(marker)
    if sys.version_info < (3, 13):
        assert refers_directly(x, marker)
    assert hp.iso(x).size == before
    assert text.startswith('Partition of a set of ')
    # No dict owned by a Lazy instance was in the heap.
    assert not any(type(o) is dict and o.get('a') is marker
                   for o in h.nodes)

    # Now create it: the dict appears, and the values' storage is counted
    # once, in the dict.
    d = x.__dict__
    assert dict_exists(marker)
    assert hp.iso(x).size == sys.getsizeof(x)
    assert hp.iso(d).size == sys.getsizeof(d)
    assert d in hp.heap()


def _traced_new(cls, arg):
    """``cls(arg)`` and the bytes malloc'ed on that line, as tracemalloc
    counts them (it counts exactly what sys.getsizeof counts for an object
    whose memory is all in one block: GC header and pre-header included;
    on 3.11/3.12 a detached values array is a second block, same line).
    One instance is made first, untraced: a class's first instance may
    allocate caches on the same line."""
    cls(arg)
    tracemalloc.start()
    try:
        line = sys._getframe().f_lineno + 1
        obj = cls(arg)
        snap = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    size = sum(s.size for s in snap.statistics('lineno')
               if s.traceback[0].filename == __file__
               and s.traceback[0].lineno == line)
    return obj, size


def test_traced_new_measures_what_getsizeof_measures():
    # The measuring stick, checked on objects with one block each.
    for cls, arg in ((Slotted2, None), (list, ()), (bytearray, 100)):
        obj, size = _traced_new(cls, arg)
        assert size == sys.getsizeof(obj), cls


class Slotted2:
    __slots__ = ('a',)

    def __init__(self, a):
        self.a = a


@pytest.mark.skipif(
    (3, 11) <= sys.version_info < (3, 13),
    reason='3.11/3.12 keep no per-object capacity for a detached values '
           'array (only its prefix length, rounded up to 8 slots), so its '
           'allocation is not knowable exactly once the class made more '
           'instances; the size must then at least be stable (next test)')
def test_instance_size_is_its_allocation():
    # An instance measured right after it was made: its size is the memory
    # allocated for it (3.13+: object plus inline values).
    hp = hpy()
    marker = []
    x, allocated = _traced_new(Lazy, marker)
    assert hp.iso(x).size == allocated


@pytest.mark.skipif(not MANAGED_DICT, reason='managed dicts are 3.11+')
def test_instance_size_does_not_depend_on_later_instances():
    # Creating more instances of the class shrinks the sizes CPython gives
    # the values storage of *later* instances; an existing instance's memory
    # does not change, so neither may its size.
    hp = hpy()
    x, allocated = _traced_new(Lazy, [])
    before = hp.iso(x).size
    others = [Lazy([]) for _ in range(8)]
    assert hp.iso(x).size == before
    assert len(others) == 8


def test_instance_with_dict_same_size_for_same_class():
    hp = hpy()
    xs = [Lazy([]) for _ in range(5)]
    for x in xs:
        x.__dict__
    assert [hp.iso(x).size for x in xs] == [sys.getsizeof(x) for x in xs]
