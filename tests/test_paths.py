"""Shortest paths (x.sp, x.get_shpaths, pathsin, pathsout), Path objects and
hp.Root.

Each case runs as a fresh ``__main__`` (tests/ours.py), so the objects are
module globals or locals of functions the script defines, and the printed
paths are exact.  Names that vary per run are substituted in the child
before printing: the thread id of ``hp.Root.i0_t<tid>_...`` becomes
``<tid>``; addresses are normalised with ``oracle.normalise`` only where a
brief shows them.  The differential cases at the end run the same scripts
under guppy3 (module-level objects only: guppy3's own frames stand between
its root and the caller's, ours never appear, see docs/differences.md).
"""

import reprlib
import sys

import pytest

from oracle import guppy3_python, normalise, requires_guppy3, run_script
from ours import run_ours

PRELUDE = '''
import sys, threading
from guppy import hpy
hp = hpy()
TID = str(threading.get_ident())

def show(x):
    print(str(x).replace(TID, '<tid>'))
    print('---')
'''


def run(body):
    """Run PRELUDE + body; return the chunks printed by show() (and what
    is printed after the last one)."""
    chunks = run_ours(PRELUDE + body).split('---\n')
    if chunks[-1] == '':
        chunks.pop()            # text printed after the last show()
    return [c[:-1] if c.endswith('\n') else c for c in chunks]


# ---------------------------------------------------------------------------
# Globals, order and paging

def test_globals_in_key_order():
    out = run('''
x = []
aa = x
show(hp.iso(x).sp)
show(hp.iso(x).shpaths)
show(hp.iso(x).get_shpaths())
''')
    expected = (" 0: hp.Root.i0_modules['__main__'].__dict__['aa']\n"
                " 1: hp.Root.i0_modules['__main__'].__dict__['x']")
    assert out == [expected] * 3


def test_reprefix_is_the_session_name():
    out = run('''
x = []
other = hp
del hp
show(other.iso(x).sp)
hp = other
del other
show(hpy().iso(x).sp)
''')
    assert out == [
        " 0: other.Root.i0_modules['__main__'].__dict__['x']",
        " 0: hpy().Root.i0_modules['__main__'].__dict__['x']",
    ]


def test_paging_twelve_paths():
    out = run('''
x = []
many = {'k%02d' % i: x for i in range(12)}
p = hp.iso(x).get_shpaths(hp.iso(many))
show(p)
show(p.more)
show(p.more.more)
show(p.more.more.more)
show(p.all)
print(p.numpaths)
''')
    first = ''.join(" %d: Src['k%02d']\n" % (i, i) for i in range(10))
    assert out[0] == first + '<... 2 more paths ...>'
    assert out[1] == "10: Src['k10']\n11: Src['k11']"
    assert out[2] == '<No more paths>'
    assert out[3] == '<No more paths>'
    assert out[4] == first + "10: Src['k10']\n11: Src['k11']"


def test_paging_eleven_paths_prints_the_last_instead_of_a_footer():
    out = run('''
x = []
many = {'k%02d' % i: x for i in range(11)}
p = hp.iso(x).get_shpaths(hp.iso(many))
show(p)
show(p.more)
p.maxpaths = 4
show(p)
show(p.more)
show(p.more.more)
show(p.more.more.more)
''')
    lines = ["%2d: Src['k%02d']" % (i, i) for i in range(11)]
    assert out[0] == '\n'.join(lines)
    assert out[1] == '<No more paths>'
    assert out[2] == '\n'.join(lines[:4] + ['<... 7 more paths ...>'])
    assert out[3] == '\n'.join(lines[4:8] + ['<... 3 more paths ...>'])
    assert out[4] == '\n'.join(lines[8:])
    assert out[5] == '<No more paths>'


def test_unreachable_and_empty_print_nothing():
    out = run('''
show(repr(hp.Nothing.sp))
show(repr(hp.Nothing.sp.more))
show(repr(hp.Nothing.sp.all))
x = []
sp = hp.iso(x).get_shpaths(hp.iso([]))
show(repr(sp))
show(repr(sp.more))
print(sp.numpaths, sp.Src, sp.Dst, sp.sets)
''')
    assert out == [''] * 5 + ['0 <Nothing> <Nothing> ()']


# ---------------------------------------------------------------------------
# Graph shapes

def test_diamond_two_paths_and_shared_child():
    out = run('''
bottom = ['b']
top = {'r': {'y': None}, 'l': {'x': None}}
top['l']['x'] = bottom
top['r']['y'] = bottom
twice = [bottom, 5, bottom]
show(hp.iso(bottom).get_shpaths(hp.iso(top)))
show(hp.iso(bottom).get_shpaths(hp.iso(twice)))
show(hp.iso(bottom).get_shpaths(hp.iso(top), avoid_nodes=hp.iso(top['l'])))
''')
    assert out == [" 0: Src['l']['x']\n 1: Src['r']['y']",
                   " 0: Src[0]\n 1: Src[2]",
                   " 0: Src['r']['y']"]


def test_counts_multiply_beyond_64_bits():
    out = run('''
bottom = ['b']
node = bottom
for i in range(70):             # 70 diamonds: 2**70 paths
    node = [node, node]
top = node
sp = hp.iso(bottom).get_shpaths(hp.iso(top))
print(sp.numpaths == 2 ** 70, sp.depth)
show(sp)
show(repr(sp[5]))
try:
    sp[2 ** 70]
except IndexError:
    print('IndexError')
''')
    lines = out[0].split('\n')
    assert lines[0].startswith('True 70')
    assert lines[1] == ' 0: Src' + '[0]' * 70
    assert lines[2] == ' 1: Src' + '[0]' * 69 + '[1]'
    assert lines[-1] == '<... %d more paths ...>' % (2 ** 70 - 10)
    assert out[1] == repr('%s' + '[0]' * 67 + '[1][0][1]')
    assert out[2] == 'IndexError'


def test_cycles_are_not_followed_twice():
    out = run('''
cyc = []
cyc.append(cyc)
leaf = ['leaf']
cyc.append(leaf)
ring = {}
ring['next'] = {'next': ring, 'leaf': leaf}
show(hp.iso(leaf).get_shpaths(hp.iso(cyc)))
show(hp.iso(leaf).get_shpaths(hp.iso(ring)))
show(hp.iso(cyc).get_shpaths(hp.iso(cyc)))
''')
    assert out == [" 0: Src[1]", " 0: Src['next']['leaf']", '']


def test_sets_attributes_slots_and_keys():
    out = run('''
class C:
    pass
class S:
    __slots__ = ('b', 'a')
t = ['t']
inst = C()
inst.zz = t
inst.aa = t
inst.__dict__                   # one relation on every version
slotted = S()
slotted.a = slotted.b = t
fs = frozenset([tuple(t)])
keyed = {'b': t, 'a': t}
class K:
    def __repr__(self):
        return 'K()'
k = K()
by_key = {k: 1}
long_key = {'x' * 50: t}
show(hp.iso(t).get_shpaths(hp.iso(slotted)))
show(hp.iso(t).get_shpaths(hp.iso(keyed)))
show(hp.iso(k).get_shpaths(hp.iso(by_key)))
show(hp.iso(t).get_shpaths(hp.iso(long_key)))
show(hp.iso(*fs).get_shpaths(hp.iso(fs)))
''')
    assert out[0] == " 0: Src.a\n 1: Src.b"
    assert out[1] == " 0: Src['a']\n 1: Src['b']"
    assert out[2] == " 0: Src.keys()[0]"
    assert out[3] == " 0: Src[%s]" % reprlib.repr('x' * 50)
    assert out[4] == " 0: list(Src)[0]"


def test_objects_held_by_code_constants():
    # A function's code object is a constant of the module's code, which
    # is running: the module frame (a root) reaches it first.
    out = run('''
def f():
    return ('const', 'tuple', 12345)
show(hp.iso(f.__code__.co_consts[1]).sp)
show(hp.iso(f.__code__).get_shpaths(hp.iso(f)))
''')
    assert out[0].startswith(" 0: hp.Root.i0_t<tid>_f0.f_code.co_consts[")
    assert out[0].endswith("].co_consts[1]")
    assert out[1] == ' 0: Src.__code__'


# ---------------------------------------------------------------------------
# Frames and threads

def test_locals_and_cells_of_a_running_function():
    out = run('''
class C:
    pass
def running():
    loc = C()
    lst = [loc]
    def inner():
        return loc
    show(hp.iso(lst).sp)
    show(hp.iso(loc).sp)
    show(hp.iso(inner.__closure__[0]).sp)
    show(hp.iso(lst).sp.Src)
running()
''')
    assert out[0] == " 0: hp.Root.i0_t<tid>_f1.f_locals['lst']"
    assert out[1] == (" 0: hp.Root.i0_t<tid>_f1.f_locals['lst'][0]\n"
                      " 1: hp.Root.i0_t<tid>_f1.f_locals ['loc']"
                      ".cell_contents")
    assert out[2] == " 0: hp.Root.i0_t<tid>_f1.f_locals ['loc']"
    assert out[3].endswith(' guppy.heapy.heapyc.RootStateType')


def test_globals_seen_from_a_function_take_the_module_path():
    # The frame's globals, and the __globals__ of its local functions, are
    # the module's: no path through them.
    out = run('''
x = ['x']
def running():
    def local():
        return x
    import os
    show(hp.iso(x).sp)
running()
''')
    assert out == [" 0: hp.Root.i0_modules['__main__'].__dict__['x']"]


def test_locals_of_another_thread():
    out = run('''
ready = threading.Event()
done = threading.Event()
def worker():
    tloc = ['thread-local']
    ready.set()
    done.wait()
t = threading.Thread(target=worker)
t.start()
ready.wait()
import gc
tl = [o for o in gc.get_objects() if type(o) is list and o == ['thread-local']]
TID = str(t.ident)
show(hp.iso(*tl).sp)
f = getattr(hp.Root, 'i0_t%d_f3' % t.ident)
print(f.f_code.co_name)
done.set()
t.join()
''')
    # Thread._bootstrap, _bootstrap_inner, run, worker.
    assert out == [" 0: hp.Root.i0_t<tid>_f3.f_locals['tloc']", 'worker']


def test_no_path_runs_through_the_profilers_frames():
    out = run('''
x = ['x']
def deep(n):
    if n:
        return deep(n - 1)
    holder = [x]
    s = str(hp.iso(holder).sp) + str(hp.iso(x).sp.all)
    return s + str(hp.iso(x).sp.numpaths)
show(deep(3))
''')
    # The caller's frames are roots: x is nearer through holder.
    assert out == [" 0: hp.Root.i0_t<tid>_f4.f_locals['holder']"
                   " 0: hp.Root.i0_t<tid>_f4.f_locals['holder'][0]1"]
    assert '??' not in out[0]


def test_frame_object_is_the_frame_itself():
    out = run('''
def running():
    fr = sys._getframe()
    sp = hp.iso(fr).sp
    show(sp)
    show(sp[0].tgt.theone is fr)
    local = ['local']
    show(hp.iso(local).get_shpaths(hp.iso(fr)))     # from a frame source
running()
''')
    if sys.version_info >= (3, 11):
        assert out[0] == (" 0: hp.Root.i0_t<tid>_f1\n"
                          " 1: hp.Root.i0_t<tid>_f1.f_locals['fr']")
    else:
        assert out[0] == " 0: hp.Root.i0_t<tid>_f1"
    assert out[1] == 'True'
    assert out[2] == " 0: Src.f_locals['local']"


# ---------------------------------------------------------------------------
# hp.Root

def test_root_attributes():
    out = run('''
R = hp.Root
show(repr(R))
show(type(R).__module__ + '.' + type(R).__name__)
show(R.i0_modules is sys.modules and R.i0_sysdict is sys.__dict__)
show(R is hp.Root and R is hpy().Root)
def running():
    f0 = getattr(R, 'i0_t%s_f0' % TID)
    f1 = getattr(R, 'i0_t%s_f1' % TID)
    show((f0.f_code.co_name, f1.f_code.co_name, f1 is sys._getframe()))
    names = dir(R)
    show(['i0_t%s_f%d' % (TID, i) in names for i in range(3)])
running()
show('i0_modules' in dir(R))
for bad in ('i0_nonesuch', 'i0_t1_f0', 'i0_t%s_f99' % TID, 'nothing'):
    try:
        getattr(R, bad)
    except AttributeError:
        print(bad.replace(TID, '<tid>'), 'AttributeError')
''')
    assert out[:5] == ['RootState', 'guppy.heapy.heapyc.RootStateType',
                       'True', 'True', "('<module>', 'running', True)"]
    assert out[5] == '[True, True, False]'
    assert out[6] == 'True'


def test_root_unknown_names_raise():
    out = run_ours(PRELUDE + '''
for bad in ('i0_nonesuch', 'i0_t1_f0', 'i0_t%s_f99' % TID, 'i0_t0%s_f0' % TID,
            'nothing'):
    try:
        getattr(hp.Root, bad)
    except AttributeError:
        print('AttributeError')
''')
    assert out == 'AttributeError\n' * 5


# ---------------------------------------------------------------------------
# Path objects and the rest of the ShortestPaths API

def test_path_objects():
    out = run('''
x = []
aa = x
sp = hp.iso(x).sp
p = sp[1]
show((sp.numpaths, len(p), sp.depth, p.index))
show(repr(p))
show(str(p))
show(p.src.theone is hp.Root and p.tgt.theone is x)
show([t.__name__ for t in p.types()])
show([str(s) for s in p.path[1::2]])
show([s.kind for s in p.path[1::2]])
show([s.r for s in p.path[1::2]])
show(repr(sp[-1]) == repr(p) and repr(sp[-2]) == repr(sp[0]))
for bad in (2, -3):
    try:
        sp[bad]
    except IndexError:
        print('IndexError', bad)
show([repr(q) for q in sp])
show([repr(q) for q in sp.iter(1)] == [repr(sp[1])])
show(len(sp.aslist()))
show(sp[0] < sp[1] and sp[0] == sp[0] and sp[0] != sp[1])
''')
    assert out[0] == '(2, 4, 4, 1)'
    assert out[1] == '"%s.i0_modules[\'__main__\'].__dict__[\'x\']"'
    assert out[2] == "%s.i0_modules['__main__'].__dict__['x']"
    assert out[3] == 'True'
    assert out[4] == ("['IdentitySetSingleton', 'PathStep', "
                      "'IdentitySetSingleton', 'PathStep', "
                      "'IdentitySetSingleton', 'PathStep', "
                      "'IdentitySetSingleton', 'PathStep', "
                      "'IdentitySetSingleton']")
    assert out[5] == ("['%s.i0_modules', \"%s['__main__']\", "
                      "'%s.__dict__', \"%s['x']\"]")
    assert out[6] == '[10, 2, 1, 2]'
    assert out[7] == "['i0_modules', '__main__', '__dict__', 'x']"
    assert out[8] == 'True'
    assert out[9] == 'IndexError 2\nIndexError -3\n[' + ', '.join([
        repr(repr("%s.i0_modules['__main__'].__dict__['aa']")),
        repr(repr("%s.i0_modules['__main__'].__dict__['x']"))]) + ']'
    assert out[10:] == ['True', '2', 'True']


def test_levels_edges_and_avoided():
    out = run('''
bottom = ['b']
top = {'l': {'x': bottom}, 'r': {'y': bottom}}
sp = hp.iso(bottom).get_shpaths(hp.iso(top))
show([s.count for s in sp.sets])
show(sp.Src.theone is top and sp.Dst.theone is bottom)
e = sp.edges_at(1)
show(len(e))
show(sorted((a is top['l'] or a is top['r'], b is bottom) for a, b in e))
show(sp.avoided(0))
show(sp.avoided(1))
show(hp.iso(bottom).get_shpaths(hp.iso(top), avoid_edges=[(top, top['l'])]))
show(hp.iso(bottom).get_shpaths(hp.iso(top), avoid_edges=sp.edges_at(1)))
x = []
root_sp = hp.iso(x).sp
show(root_sp.avoided(0))            # the root keeps its name
show(root_sp.edges_at(3, -1).__class__.__name__)
''')
    assert out[0] == '[1, 2, 1]'
    assert out[1] == 'True'
    assert out[2] == '2'
    assert out[3] == '[(True, True), (True, True)]'
    assert out[4] == ''
    assert out[5] == ''
    assert out[6] == " 0: Src['r']['y']"
    assert out[7] == ''
    # Without the root's edge to sys.modules, x is found through sys.
    assert out[8] == (" 0: hp.Root.i0_sysdict['modules']['__main__']"
                      ".__dict__['x']")
    assert out[9] == 'EdgeSet'


def test_pathsin_and_pathsout():
    out = run('''
class C:
    pass
x = ['x']
c = C()
c.__dict__['attr'] = x
d = {'key': ['y']}
big = {'key': x}
big.update(('k%d' % i, i) for i in range(100))
l1 = [0, x] + [None] * 40
tup = (x,)
show(hp.iso(x).pathsin)          # referrers in byid order: by size
show(hp.iso(C).pathsout.all)
show(hp.iso(d).pathsout)
''')
    expected = [" <1 dict (no owner): 0xADDR*101>['key']",
                " <1 dict of module: __main__>['x']",
                " <1 list: 0xADDR*42>[1]",
                " <1 dict of __main__.C: 0xADDR>['attr']",
                " <1 tuple: 0xADDR*1>[0]"]
    if sys.version_info >= (3, 13):
        # The instance keeps its values inline after its dict is made.
        expected.insert(4, " <1 __main__.C: 0xADDR>.attr")
    assert normalise(out[0]) == '\n'.join(
        '%2d:%s' % (i, line) for i, line in enumerate(expected))
    assert out[1] == '\n'.join(' %d: Src.%s' % (i, a) for i, a in enumerate(
        ['__base__', '__bases__', '__dict__', '__mro__', '__name__',
         '__qualname__']))
    # The walk follows str keys, which CPython's dict traverse skips.
    assert out[2] == " 0: Src['key']\n 1: Src.keys()[0]"


def test_bad_input_names_the_argument():
    out = run_ours(PRELUDE + '''
x = []
s = hp.iso(x)
for kw, value in [('src', 5), ('src', [x]), ('avoid_nodes', [x]),
                  ('avoid_edges', 5), ('avoid_edges', [(1, 2, 3)]),
                  ('avoid_edges', None)]:
    try:
        s.get_shpaths(**{kw: value})
    except TypeError as e:
        print(kw in str(e), type(e).__name__)
sp = s.sp
for value, exc in [(-1, ValueError), ('3', TypeError)]:
    try:
        sp.maxpaths = value
    except exc as e:
        print('maxpaths' in str(e), type(e).__name__)
for level in (4, -5):
    try:
        sp.edges_at(level)
    except IndexError:
        print('IndexError')
try:
    sp['0']
except TypeError:
    print('TypeError')
''')
    assert out == ('True TypeError\n' * 6 + 'True ValueError\n'
                   'True TypeError\nIndexError\nIndexError\nTypeError\n')


def test_keys_whose_compare_and_repr_raise():
    out = run('''
class Bad:
    def __init__(self, n):
        self.n = n
    def __lt__(self, other):
        raise ValueError('no order')
    def __repr__(self):
        raise RuntimeError('no repr')
    def __hash__(self):
        return self.n
t = ['t']
keys = [Bad(1), Bad(2)]
d = {keys[1]: t, keys[0]: t, 'plain': t}
sp = hp.iso(t).get_shpaths(hp.iso(d))
show(sp)
show(sorted(keys, key=id) == [sp[i].path[1].r for i in (0, 1)])
''')
    # Keys of one type that cannot be ordered go by address, keys of
    # different types by their types' addresses; reprlib shows a failing
    # repr as an instance.
    lines = normalise(out[0]).split('\n')
    assert sorted(line[4:] for line in lines) == [
        "Src['plain']", 'Src[<Bad instance at 0xADDR>]',
        'Src[<Bad instance at 0xADDR>]']
    assert lines[1][4:] == 'Src[<Bad instance at 0xADDR>]'
    assert out[1] == 'True'


def test_deep_chain_without_recursion():
    out = run('''
head = node = {}
for i in range(20000):
    node['n'] = {}
    node = node['n']
node['leaf'] = leaf = ['leaf']
sp = hp.iso(leaf).get_shpaths(hp.iso(head))
print(sp.numpaths, sp.depth, len(sp[0]))
show(str(sp) == ' 0: Src' + "['n']" * 20000 + "['leaf']")
''')
    assert out == ['1 20001 20001\nTrue']


def test_repeated_calls_keep_nothing():
    # 40 rounds of a dozen calls: a leaked object or block per call would
    # show as 480 or more; interpreter caches settle at about 100-250
    # blocks whatever the number of rounds.
    out = run_ours(PRELUDE + '''
import gc
class C:
    pass
x = C()
box = {'a': x, 'b': [x]}
def rounds(n):
    for _ in range(n):
        sp = hp.iso(x).sp
        str(sp); str(sp.more); str(sp.all); sp.numpaths
        p = sp[0]
        str(p), repr(p), p.path, p.src, p.tgt, len(p)
        str(hp.iso(x).get_shpaths(hp.iso(box)).avoided(0))
        str(hp.iso(x).pathsin), str(hp.iso(box).pathsout)
        list(sp.edges_at(0)), sp.sets
        dir(hp.Root), hp.Root.i0_modules
rounds(15)
gc.collect()
before = len(gc.get_objects()), sys.getallocatedblocks()
rounds(40)
gc.collect()
after = len(gc.get_objects()), sys.getallocatedblocks()
print(after[0] - before[0] < 40, after[1] - before[1] < 400)
''')
    assert out == 'True True\n'


def test_paths_hold_their_objects_and_cycles_collect():
    out = run_ours(PRELUDE + '''
import gc, weakref
class C:
    pass
x = C()
r = weakref.ref(x)
sp = hp.iso(x).sp
del x
gc.collect()
print(r() is not None, sp.numpaths)
x = sp.Dst.theone
x.paths = sp                    # x -> sp -> its path graph -> x
del x, sp
gc.collect()
print(r() is None)
''')
    assert out == 'True 1\nTrue\n'


# ---------------------------------------------------------------------------
# Differential: guppy3 prints the same for module-level objects

DIFF_SCRIPT = '''
from guppy import hpy
hp = hpy()
class C:
    pass
class S:
    __slots__ = ('a', 'b')
x = [1]
aa = x
many = {'k%02d' % i: x for i in range(12)}
eleven = {'e%02d' % i: [] for i in range(11)}
target = []
for v in eleven.values():
    v.append(target)
inst = C()
inst.attr = target2 = []
inst.other = target2
inst.__dict__
s = S(); s.a = target2; s.b = target2
d = {'z': target2, 'a': target2, 'm': target2}
nums = {3: target2, 1: target2, 2: target2, 6: 0, 5: 0, 4: 0}
tup = (target2, target2)
top = {'l': {'x': None}, 'r': {'y': None}}
bottom = ['bottom']
top['l']['x'] = bottom
top['r']['y'] = bottom
cyc = []
cyc.append(cyc)
cyc.append(bottom)
class K:
    def __repr__(self):
        return 'K()'
kobj = K()
keyholder = {kobj: 5}
longkey = {'a' * 100: bottom}
fs = frozenset([(1, 2)])
print(hp.iso(x).sp)
print(hp.iso(target).get_shpaths(hp.iso(*eleven.values())))
print(hp.iso(target2).get_shpaths(hp.iso(inst)))
print(hp.iso(target2).get_shpaths(hp.iso(s)))
print(hp.iso(target2).get_shpaths(hp.iso(d)))
print(hp.iso(target2).get_shpaths(hp.iso(nums)))
print(hp.iso(target2).get_shpaths(hp.iso(tup)))
print(hp.iso(target2).sp)
print(hp.iso(bottom).sp)
print(hp.iso(bottom).get_shpaths(hp.iso(top)))
print(hp.iso(bottom).get_shpaths(hp.iso(top), avoid_nodes=hp.iso(top['r'])))
print(hp.iso(bottom).get_shpaths(hp.iso(cyc)))
print(hp.iso(kobj).get_shpaths(hp.iso(keyholder)))
print(hp.iso(target2).get_shpaths(hp.iso(longkey)))
print(hp.iso(*fs).get_shpaths(hp.iso(fs)))
print(hp.iso(C).sp)
print(hp.iso(target2).pathsin.all)
print(repr(hp.Nothing.sp))
sp = hp.iso(x).sp
print(repr(sp[0]), str(sp[1]), len(sp[0]))
print(sp.all)
print(repr(sp.more))
print([len(z.nodes) for z in sp.sets])
'''


PAGING_SCRIPT = '''
from guppy import hpy
hp = hpy()
x = [1]
many = {'k%02d' % i: x for i in range(12)}
eleven = {'e%02d' % i: [] for i in range(11)}
target = []
for v in eleven.values():
    v.append(target)
p = hp.iso(x).get_shpaths(hp.iso(many))
print(p); print(p.more); print(p.more.more); print(p.numpaths)
p = hp.iso(target).get_shpaths(hp.iso(eleven))
print(p); print(repr(p.more)); print(p.numpaths)
sp = hp.iso(x).sp
print(sp.numpaths, repr(sp[-1]))
'''


@requires_guppy3
def test_sp_differential():
    theirs = run_script(guppy3_python(), DIFF_SCRIPT)
    ours = run_ours(DIFF_SCRIPT)
    assert normalise(ours) == normalise(theirs)


# guppy3's counts are wrong on 3.13: numpaths is 8 for the 2 paths to a
# global (it counts the heap's edges between two objects, not the names
# it prints), so its footers are off and sp[-1] fails an assertion. The
# counts are compared on the versions where guppy3 gets them right.
@requires_guppy3
@pytest.mark.skipif(sys.version_info >= (3, 13),
                    reason='guppy3 miscounts paths on 3.13')
def test_sp_paging_differential():
    theirs = run_script(guppy3_python(), PAGING_SCRIPT)
    ours = run_ours(PAGING_SCRIPT)
    assert ours == theirs
