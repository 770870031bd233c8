"""Kinds and relations (guppy/heapy/Classifiers.py): briefs and reprs,
alt(), the algebra and its normal forms, selection (set & kind),
membership, relations and their algebra, bad input.

Selections are checked against a naive pure-Python reference (the class
of each object computed one by one) on sets built here.  guppy-api.md
sections 3 and 7 and reference case K give the expected texts; the
deliberate differences from guppy3 are in docs/differences.md.
"""

import sys
import types

import pytest

from guppy import _guppy, hpy
from guppy.heapy import Classifiers
from guppy.heapy.UniSet import IdentitySet

from ours import run_ours


@pytest.fixture
def hp():
    return hpy()


class Point:
    def __init__(self, x):
        self.x = x


class Sub(Point):
    pass


class Slotted:
    __slots__ = ('a',)


def tcr(t):
    return "'<type %s.%s at %s>'" % (t.__module__, t.__name__, hex(id(t)))


def members(x):
    """The members of a set, as a set of ids (NodeSet iteration)."""
    return {id(o) for o in _guppy.NodeSet.__iter__(x)}


def ids(objs):
    return {id(o) for o in objs}


@pytest.fixture
def world():
    """Objects of several kinds, with dicts owned by instances, and the set
    of all of them."""
    pts = [Point(1000 + i) for i in range(3)]
    sub = Sub(5)
    for p in pts + [sub]:
        p.__dict__
    objs = pts + [sub] + [p.__dict__ for p in pts + [sub]] + [
        'abc', 'de', 2 ** 64, 7, True, 1.25, ('t', 'u'), [1, 2, 3], [],
        {'k': 'v'}, {}, sys, types, Slotted(), None]
    return objs


# ---------------------------------------------------------------------------
# Briefs and reprs (case K, with the And-kind brief fixed)

def test_case_k_briefs(hp):
    briefs = [k.brief for k in [
        hp.Anything, hp.Nothing, hp.Type.Int, hp.Type(Point),
        hp.Clodo(dictof=Point), hp.Clodo(dictof=()), hp.Size(56),
        hp.Size(56).alt('>='), hp.Type(Point).alt('<='), ~hp.Type.Int,
        hp.Type.Int | hp.Type.Str, hp.Type.Int & hp.Size(28),
        hp.Module('sys'), hp.Module(), hp.Via("['x']", '.a'),
        hp.Rcs(hp.Clodo(dictof=())), hp.Rcs(), hp.Unity(),
        hp.findex(hp.Type.Int)(0), hp.findex(hp.Type.Int)(1)]]
    assert briefs == [
        '<Anything>', '<Nothing>', 'int', '%s.Point' % __name__,
        'dict of %s.Point' % __name__, 'dict (no owner)', '<size = 56>',
        '<size >= 56>', '<subtype of %s.Point>' % __name__, '~int',
        '(int | str)', '(<size = 28> & int)', 'sys', '~module',
        '<via "[\'x\']", \'.a\'>', '<referred by: dict (no owner)>',
        '<referred by: <Nothing>>', '<Anything>', 'int / 0', '<None>']


def test_str_is_brief(hp):
    for k in (hp.Type.Int, hp.Size(3) & hp.Type.Int, ~hp.Module('sys')):
        assert str(k) == k.brief


def test_reprs(hp):
    r = hp.reprefix
    assert repr(hp.Type.Int) == '%sType(%s)' % (r, tcr(int))
    assert repr(hp.Type(Point)) == '%sType(%s)' % (r, tcr(Point))
    assert repr(hp.Type.Module) == '%sType.Module' % r
    assert repr(hp.Type.Function) == '%sType.Lambda' % r  # last alias
    assert repr(hp.Type.Code) == '%sType.Code' % r
    assert repr(hp.Clodo(dictof=Point)) == '%sType(%s).dictof' % (
        r, tcr(Point))
    assert repr(hp.Clodo(dictof=())) == '%sNothing.dictof' % r
    assert repr(hp.Size(56)) == '%sSize(56)' % r
    assert repr(hp.Size(56).alt('<')) == "%sSize(56).alt('<')" % r
    assert repr(hp.Module('sys')) == "%sModule('sys')" % r
    assert repr(hp.Module()) == '~%sType.Module' % r
    assert repr(hp.Id(id(Point))) == '%sId(%s)' % (r, hex(id(Point)))
    assert repr(hp.Via("['x']")) == '%sVia("[\'x\']")' % r
    assert repr(hp.Via('.b', "['x']")) == '%sVia("[\'x\']", \'.b\')' % r
    assert repr(hp.Rcs()) == '%sClodo.sokind.refdby' % r
    assert repr(hp.Rcs(hp.Clodo(dictof=()))) == (
        '%sClodo.sokind(dictof=()).refdby' % r)
    assert repr(hp.Prod('/abs/file.py', 9)) == "%sProd('/abs/file.py', 9)" % r
    assert repr(hp.Prod('/abs/file.py')) == (
        "%sProd('/abs/file.py', None).alt('<')" % r)
    assert repr(hp.Prod()) == '%sProd()' % r
    assert repr(hp.Anything) == '%sAnything' % r
    assert repr(hp.findex(hp.Size(1))(0)) == '%sfindex(%sSize(1))(0)' % (
        r, r)
    assert repr(hp.Type.Int & hp.Size(28)) == '(%sSize(28) & %sType(%s))' % (
        r, r, tcr(int))
    assert repr(hp.Type.Str | hp.Type.Int) == '(%sType(%s) | %sType(%s))' % (
        r, tcr(int), r, tcr(str))
    assert repr(~hp.Clodo(dictof=())) == '~%sNothing.dictof' % r
    assert repr((~hp.Type.Int).dictof) == '(~%sType(%s)).dictof' % (
        r, tcr(int))


def test_reprs_with_session_name():
    # repr names the session as __main__ does.
    out = run_ours('from guppy import hpy\nhp = hpy()\n'
                   'print(repr(hp.Size(3) & hp.Type.Module))\n'
                   'print(repr(hp.Clodo.refdby), repr(hp.Type.dictof))\n'
                   'print(repr(hp.Size & hp.Type), repr(hp.Clodo & hp.Type))\n')
    assert out == ('(hp.Type.Module & hp.Size(3))\n'
                   'hp.Clodo.refdby hp.Type.dictof\n'
                   '(hp.Size & hp.Type) hp.Clodo\n')


def test_brief_of_types(hp):
    import abc

    class M(abc.ABC):
        pass
    assert hp.Type(M).brief == '%s.M' % __name__
    assert hp.Type(abc.ABCMeta).brief == 'abc.ABCMeta'
    # named from the types module, which has NoneType since 3.10
    assert hp.Type(type(None)).brief == (
        'types.NoneType' if hasattr(types, 'NoneType')
        else 'builtins.NoneType')
    assert hp.Type(types.ModuleType).brief == 'module'
    assert hp.Clodo(dictof=M).brief == 'dict of %s.M' % __name__


def test_type_shortcuts(hp):
    for name, t in [('Int', int), ('Str', str), ('Dict', dict),
                    ('List', list), ('Tuple', tuple), ('Float', float),
                    ('Bytes', bytes), ('Type', type),
                    ('Module', types.ModuleType),
                    ('Function', types.FunctionType),
                    ('Code', types.CodeType), ('Frame', types.FrameType),
                    ('Method', types.MethodType), ('Bool', bool)]:
        k = getattr(hp.Type, name)
        assert k.get_ckc()[1] is t, name
    with pytest.raises(AttributeError):
        hp.Type.NoSuchThing
    with pytest.raises(AttributeError):
        hp.Type.Len                     # builtins.len is not a type
    with pytest.raises(AttributeError):
        hp.Type._private


def test_type_from_tc_repr(hp):
    s = '<type builtins.int at %s>' % hex(id(int))
    assert hp.Type(s) == hp.Type.Int
    assert hp.tc_repr(Point) == tcr(Point)[1:-1]
    assert hp.tc_adapt(hp.tc_repr(Point)) is Point
    with pytest.raises(ValueError) as e:
        hp.Type('junk')
    assert str(e.value).startswith("String argument to tc_adapt should be")
    with pytest.raises(ValueError) as e:
        hp.Type('<type builtins.str at %s>' % hex(id(int)))
    assert 'wrong __name__' in str(e.value)
    keep = Point(1).__dict__
    with pytest.raises(TypeError):
        hp.Type('<type builtins.int at %s>' % hex(id(keep)))


# ---------------------------------------------------------------------------
# alt()

def test_alt_type(hp):
    p = hp.Type(Point)
    assert [p.alt(op).brief for op in ('<', '<=', '>=', '>')] == [
        '<strict subtype of %s.Point>' % __name__,
        '<subtype of %s.Point>' % __name__,
        '<supertype of %s.Point>' % __name__,
        '<strict supertype of %s.Point>' % __name__]
    assert p.alt('==') is p
    assert p.alt('!=') == ~p
    objs = [Point(1), Sub(2), object(), 3]
    s = hp.idset(objs)
    assert members(s & p.alt('<=')) == ids(objs[:2])
    assert members(s & p.alt('<')) == ids(objs[1:2])
    assert members(s & hp.Type(Sub).alt('>=')) == ids(objs[:3])
    assert members(s & hp.Type(Sub).alt('>')) == ids([objs[0], objs[2]])
    assert True in hp.Type.Int.alt('<=') and True not in hp.Type.Int
    assert True not in hp.Type.Int.alt('>=')


def test_alt_size(hp):
    objs = ['x' * i for i in range(10, 15)]
    s = hp.idset(objs)
    n = hp.iso(objs[2]).size
    got = {op: members(s & hp.Size(n).alt(op))
           for op in ('<', '<=', '==', '!=', '>=', '>')}
    assert got == {'<': ids(objs[:2]), '<=': ids(objs[:3]),
                   '==': ids(objs[2:3]), '!=': ids(objs[:2] + objs[3:]),
                   '>=': ids(objs[2:]), '>': ids(objs[3:])}
    assert [hp.Size(n).alt(op).brief for op in ('<', '>=')] == [
        '<size < %d>' % n, '<size >= %d>' % n]


def test_alt_rcs_via_prod_dictof_briefs(hp):
    r = hp.Rcs(hp.Type.List)
    assert [r.alt(op).brief for op in ('<', '<=', '>=', '>')] == [
        '<referred by less than: list>', '<referred by at most: list>',
        '<referred by at least: list>', '<referred by more than: list>']
    assert hp.Via('.a').alt('<').brief == "[< <via '.a'>]"
    assert hp.Prod('/x.py', 3).alt('>=').brief == '[>= /x.py:3]'
    d = hp.Clodo(dictof=Point).alt('<=')
    assert d.brief == 'dict of <subtype of %s.Point>' % __name__
    assert repr(d) == "%sType(%s).alt('<=').dictof" % (hp.reprefix,
                                                        tcr(Point))


@pytest.mark.parametrize('make', [
    lambda hp: hp.Module('sys'), lambda hp: hp.Id(id(sys)),
    lambda hp: hp.findex(hp.Type.Int)(0), lambda hp: hp.Anything,
    lambda hp: hp.Type.Int | hp.Type.Str, lambda hp: hp.Type.Int & hp.Size(3),
    lambda hp: ~hp.Type.Int, lambda hp: hp.Type.Int.alt('<')])
def test_alt_refused(hp, make):
    with pytest.raises(ValueError) as e:
        make(hp).alt('==')
    assert str(e.value).startswith('No alternative set for family ')


def test_alt_bad_op(hp):
    # heapy's text, then the argument; a wrong type is also a TypeError.
    for op in ('~', '='):
        with pytest.raises(ValueError) as e:
            hp.Size(3).alt(op)
        assert str(e.value) == ('No such comparison symbol: %r (alt(): op is '
                                '%r)' % (op, op))
        assert not isinstance(e.value, TypeError)
    for op in (1, None):
        with pytest.raises(ValueError) as e:
            hp.Size(3).alt(op)
        assert str(e.value) == ('No such comparison symbol: %r (alt(): op is '
                                '%s)' % (op, type(op).__name__))
        assert isinstance(e.value, TypeError)


# ---------------------------------------------------------------------------
# Algebra and normal forms

def test_and_normal_forms(hp):
    i, s = hp.Type.Int, hp.Type.Str
    assert (i & s) is hp.Nothing
    assert (i & i) is i
    assert (i & hp.Anything) is i and (hp.Anything & i) is i
    assert (i & hp.Nothing) is hp.Nothing
    assert (hp.Type.Int & hp.Size(28)).brief == '(<size = 28> & int)'
    assert (hp.Size(28) & hp.Type.Int).brief == '(int & <size = 28>)'
    assert (hp.Type.Dict & hp.Clodo(dictof=())).brief == 'dict (no owner)'
    assert (hp.Type.Int & hp.Clodo(dictof=())) is hp.Nothing
    assert (hp.Clodo(dictof=int) & hp.Clodo(dictof=str)) is hp.Nothing
    assert ((i | s) & i) is i
    assert ((i | s) & ~i) == s
    assert ((i | s) & hp.Size(28)).brief == (
        '((<size = 28> & int) | (<size = 28> & str))')
    three = hp.Type.Int & hp.Size(28) & hp.Module()
    assert three.brief == '(<size = 28> & int)'
    assert (~i & ~s).brief == '(~str & ~int)'
    assert (~i & hp.Size(28)).brief == '(~int & <size = 28>)'
    assert (hp.Size(28) & ~i).brief == '(~int & <size = 28>)'
    assert (hp.Type.Dict & ~hp.Clodo(dictof=())).brief == (
        '(~(dict (no owner)) & dict)')
    # containment decided through alt(), module and id kinds
    assert (hp.Type(Point).alt('<=') & hp.Type(Sub)) == hp.Type(Sub)
    assert (hp.Type(Point).alt('<=') & hp.Type.Int) is hp.Nothing
    assert (hp.Module('sys') & hp.Type.Module) == hp.Module('sys')
    assert (hp.Module('sys') & hp.Type.Int) is hp.Nothing
    assert (hp.Size(28).alt('<') & hp.Size(10)) == hp.Size(10)
    # dicts of overlapping owner kinds are not disjoint
    assert ((i | s).dictof & hp.Clodo(dictof=int)).brief == 'dict of int'


def test_or_normal_forms(hp):
    i, s, f = hp.Type.Int, hp.Type.Str, hp.Type.Float
    assert (i | i) is i
    assert (i | hp.Anything) is hp.Anything
    assert (i | hp.Nothing) is i
    assert (i | ~i) is hp.Anything
    assert (~i | s) == ~i
    assert (~i | hp.Size(28)).brief == '(<size = 28> | ~int)'
    assert ((i | s) | (f | i)).brief == '(float | int | str)'
    assert ((i | s) | hp.Size(28)).brief == '(<size = 28> | int | str)'
    assert (hp.Type.Dict | hp.Clodo(dictof=())) == hp.Type.Dict
    assert ((i & hp.Size(28)) | i) is i
    assert ((i & hp.Size(28)) | s).brief == '((<size = 28> & int) | str)'
    assert ((i & hp.Size(28)) | (i & ~hp.Size(28))) is i


def test_invert_sub_xor(hp):
    i, s = hp.Type.Int, hp.Type.Str
    assert ~~i is i
    assert (~hp.Nothing) is hp.Anything and (~hp.Anything) is hp.Nothing
    assert (~(i | s)).brief == '(~int & ~str)'
    assert (~(i & hp.Size(28))).brief == '(~<size = 28> | ~int)'
    assert (~hp.Clodo(dictof=())).brief == '~(dict (no owner))'
    assert (~hp.Module('sys')).brief == '~sys'
    assert (i - s) is i and (i - i) is hp.Nothing
    assert (i ^ s).brief == '(int | str)' and (i ^ i) is hp.Nothing


def test_order_between_kinds(hp):
    assert hp.Type.Int <= hp.Anything and not hp.Anything <= hp.Type.Int
    assert hp.Size(5).alt('<') <= hp.Anything
    assert hp.Type.Int <= hp.Type.Int | hp.Type.Str
    assert hp.Clodo(dictof=Point) < hp.Type.Dict
    assert hp.Type.Dict > hp.Clodo(dictof=Point)
    assert not hp.Type.Int <= hp.Type.Dict and not hp.Type.Int >= hp.Type.Dict
    assert hp.Type(Sub) <= hp.Type(Point).alt('<=')
    assert not hp.Type(Point) <= hp.Type(Sub).alt('<=')
    assert hp.Nothing <= hp.Type.Int
    assert hp.Type.Int == hp.Clodo(int) and hp.Type.Int == int
    assert hp.Type.Int != hp.Type.Str
    assert hp.Type.Int != 5 and not (hp.Type.Int == 5)
    assert len({hp.Type.Int, hp.Clodo(int), hp.Type.Str}) == 2
    assert hash(hp.Size(3) & hp.Type.Int) == hash(hp.Type.Int & hp.Size(3))
    assert hp.Type.Int.disjoint(hp.Type.Str)
    assert not hp.Type.Int.disjoint(hp.Size(28))


# ---------------------------------------------------------------------------
# Sets and kinds

def test_set_and_kind_against_reference(hp, world):
    s = hp.idset(world)
    owned = {id(p.__dict__): type(p) for p in world
             if isinstance(p, Point)}

    def size(o):
        return hp.iso(o).size

    cases = [
        (hp.Type.Int, lambda o: type(o) is int),
        (hp.Type.Dict, lambda o: type(o) is dict),
        (int, lambda o: type(o) is int),
        (hp.Clodo(dictof=Point), lambda o: owned.get(id(o)) is Point),
        (hp.Clodo(dictof=Point).alt('<='),
         lambda o: owned.get(id(o)) in (Point, Sub)),
        (hp.Clodo(dictof=()),
         lambda o: type(o) is dict and id(o) not in owned),
        (hp.Anything.dictof, lambda o: id(o) in owned),
        ((~hp.Type(Sub)).dictof, lambda o: owned.get(id(o)) is Point),
        (hp.iso(world[0], world[3]).dictof,
         lambda o: o is world[0].__dict__ or o is world[3].__dict__),
        (hp.Size(size(world[0])).dictof, lambda o: id(o) in owned),
        (hp.Size(28), lambda o: size(o) == 28),
        (hp.Size(60).alt('>'), lambda o: size(o) > 60),
        (hp.Module('sys'), lambda o: o is sys),
        (hp.Module(), lambda o: not isinstance(o, types.ModuleType)),
        (hp.Type.Module, lambda o: isinstance(o, types.ModuleType)),
        (hp.Id(id(world[1])), lambda o: o is world[1]),
        (hp.Type.Int | hp.Type.Str, lambda o: type(o) in (int, str)),
        (hp.Type.Int & hp.Size(28), lambda o: type(o) is int
         and size(o) == 28),
        (~hp.Type.Dict, lambda o: type(o) is not dict),
        (hp.findex(hp.Type.Int, hp.Type.Str)(1), lambda o: type(o) is str),
        (hp.findex(hp.Type.Int, hp.Type.Str)(2),
         lambda o: type(o) not in (int, str)),
        (hp.Anything, lambda o: True),
        (hp.iso(world[0], 'not in world'), lambda o: o is world[0]),
        (~hp.iso(world[0]), lambda o: o is not world[0]),
    ]
    for kind, ref in cases:
        want = ids([o for o in world if ref(o)])
        got = s & kind
        assert members(got) == want, kind
        assert isinstance(got, IdentitySet)
        if not want:
            assert got is hp.Nothing
        assert members(s - kind) == ids(world) - want, kind
        if isinstance(kind, type):
            continue
        for o in world:
            assert (o in kind) == ref(o), (kind, o)
        # the selection leaves the set's own partition alone
        assert s._part_spec() in (None, 1)


def test_selection_reuses_printed_partition(hp, world):
    s = hp.idset(world)
    str(s)                               # partition by Clodo, cached
    assert s._part_spec() == 1
    assert members(s & hp.Type.Dict) == ids(
        [o for o in world if type(o) is dict])
    assert s._part_spec() == 1
    t = s.bytype
    str(t)
    assert members(t & hp.Type(Point).alt('<=')) == ids(world[:4])


def test_set_algebra_with_kinds(hp):
    a, b = [1], 'b'
    x = hp.iso(1, a, b)
    assert (x & int).count == 1
    assert (x & hp.Type.Int) == hp.iso(1)
    assert (hp.Type.Int & x) == hp.iso(1)
    assert (x - hp.Type.Int) == hp.iso(a, b)
    u = x | hp.Type.Int
    assert u.brief == "(<2 (list | str): <1 list: %s*1> | <1 str: 'b'>> | int)" \
        % hex(id(a)) or isinstance(u, Classifiers.Kind)
    assert isinstance(hp.iso(1) | hp.Type.Int, Classifiers.TypeKind)
    assert (hp.iso(1) | hp.Type.Int) == hp.Type.Int
    assert (hp.Type.Int | hp.iso(1)) == hp.Type.Int
    assert (x & hp.Type.Dict) is hp.Nothing
    assert (~x).brief.startswith('~<3 (int | list | str): ')
    assert (x & ~hp.Type.Int) == hp.iso(a, b)
    assert (x ^ hp.Type.Int).brief.startswith('((~<')
    assert hp.iso(1) <= hp.Type.Int and not x <= hp.Type.Int
    assert hp.Type.Int >= hp.iso(1)
    assert not (hp.iso(1) == hp.Type.Int)
    assert hp.Nothing <= hp.Type.Int
    assert (hp.Anything & x) is x or (hp.Anything & x) == x
    assert (hp.Nothing & hp.Type.Int) is hp.Nothing
    assert hp.iso(1, 2).disjoint(hp.Type.Str)
    assert hp.Id(id(a)) <= x


@pytest.mark.parametrize('bad', [5, 'x', None, 1.5, [1], object()],
                         ids=repr)
def test_not_convertible(hp, bad):
    msg = ('Argument is not automatically convertible to a UniSet with '
           'correct _hiding_tag_. (the other operand is %s)'
           % type(bad).__name__)
    x = hp.iso(1)
    for f in (lambda: x & bad, lambda: x | bad, lambda: x - bad,
              lambda: x ^ bad, lambda: hp.Type.Int & bad,
              lambda: hp.Type.Int | bad, lambda: hp.Type.Int <= bad,
              lambda: bad & hp.Type.Int):
        with pytest.raises(TypeError) as e:
            f()
        assert str(e.value) == msg


def test_set_kind_dictof_biper_ckc(hp):
    p = Point(1)
    p.__dict__
    x = hp.iso(1, 'a')
    assert x.kind.brief == '(int | str)'
    assert hp.iso(1, 2).kind is not None and hp.iso(1, 2).kind == hp.Type.Int
    assert x.bytype.kind.brief == '(int | str)'
    assert hp.iso(1, 'ab').bysize.kind.brief == (
        '(<size = 28> | <size = %d>)' % sys.getsizeof('ab'))
    assert hp.iso(1, sys).bymodule.kind.brief == '(sys | ~module)'
    assert hp.iso(1).byunity.kind is hp.Anything
    assert hp.iso(1, 'a').byidset.kind == hp.iso(1, 'a')
    assert hp.iso(p).dictof.brief == 'dict of <1 %s.Point: %s>' % (
        __name__, hex(id(p)))
    assert members(hp.iso(p.__dict__, {}) & hp.iso(p).dictof) == ids(
        [p.__dict__])
    assert hp.Nothing.dictof.brief == 'dict (no owner)'
    biper = x.biper
    t = hp.iso(1, 2.5).by(biper)
    assert str(t).splitlines()[1].endswith('First Matching Kind / Index')
    assert sorted(t._row_labels(t.er.code)) == [
        "<2 (int | str): <1 int: 1> | <1 str: 'a'>> / 0", '<None>']
    rel, arg, op = x.get_ckc()
    assert rel is hp.Idset and op == '<=' and arg == x.nodes
    assert hp.Type.Int.get_ckc() == (hp.Type, int, '==')
    assert hp.Size(4).alt('<').get_ckc() == (hp.Size, 4, '<')
    assert hp.Clodo(dictof=Point).get_ckc() == (hp.Type.dictof, Point, '==')
    assert (~hp.Type.Int).get_ckc()[2] == '!='
    assert (hp.Type.Int | hp.Type.Str).get_ckc()[1:] == (2, '<')
    render = hp.Type.Int.get_render()
    assert render(5) == '5' and render('abc') == "'abc'"
    assert x.get_render()(sys) == 'sys'


def test_maprox(hp):
    class A:
        pass
    a, b, c = A(), A(), A()
    a.v, b.v = 'one', [2]
    x = hp.iso(a, b, c)
    assert x.maprox.v == hp.iso('one', b.v)
    d1, d2 = {'k': 1.5}, {'j': 2}
    assert hp.iso(d1, d2).maprox['k'] == hp.iso(d1['k'])
    with pytest.raises(TypeError):      # only KeyError, IndexError skip
        hp.iso(d1, [9]).maprox['k']
    assert hp.iso([7, 8], (9,)).maprox[1] == hp.iso(8)
    assert x.maprox.nothere is hp.Nothing


def test_brief_of_sets_by_other_relations(hp):
    # guppy3 raises TypeError for a set partitioned by Size (spec 11.6).
    x = hp.iso(1, 'ab')
    n = sys.getsizeof('ab')
    assert x.bysize.brief == ("<2 (<size = 28> | <size = %d>): "
                              "<1 <size = 28>: 1> | <1 <size = %d>: 'ab'>>"
                              % (n, n))
    assert x.bysize.parts[0].brief.startswith('<1 <size = ')
    assert hp.iso(1, 2).bysize.brief == '<2 <size = 28>: 1, 2>'


def test_prod_brief_does_not_crash(hp):
    # guppy3 raises TypeError (spec 11.7).
    assert hp.Prod('/abs/').brief == '[< /abs/]'
    k = hp.Prod(test_prod_brief_does_not_crash)
    assert k.brief.startswith('([>= line ')
    assert hp.Prod(None, 3).brief == 'line 3'


# ---------------------------------------------------------------------------
# Relations

def test_relation_reprs_and_memo(hp):
    r = hp.reprefix
    assert hp.Clodo.refdby is hp.Rcs
    assert hp.Type.dictof is hp.Type.dictof
    assert repr(hp.Rcs) == '%sClodo.refdby' % r
    assert repr(hp.Type.dictof) == '%sType.dictof' % r
    assert repr(hp.Size.refdby) == '%sSize.refdby' % r
    assert repr((hp.Size & hp.Type).dictof) == '(%sSize & %sType).dictof' % (
        r, r)
    # str() names heapy's classifier class, as guppy3 prints it
    for er, cname in [(hp.Clodo, 'ByClassOrDictOwner'), (hp.Type, 'ByType'),
                      (hp.Size, 'ByIndiSize'), (hp.Unity, 'ByUnity'),
                      (hp.Module, 'ByModule'), (hp.Id, 'ByIdentity'),
                      (hp.Idset, 'ByIdentitySet'), (hp.Rcs, 'ByRetClaSet'),
                      (hp.Via, 'ByInRel'), (hp.Prod, 'ByProd'),
                      (hp.Type.dictof, 'ByDictOwner'),
                      (hp.Size & hp.Type, 'AndClassifier'),
                      (hp.findex(), 'ByFindex')]:
        assert str(er) == ('Equiv. relation <guppy.heapy.Classifiers.%s '
                           'object at %s>' % (cname, hex(id(er))))
        assert er.brief == str(er)


def test_relation_and(hp):
    assert (hp.Clodo & hp.Type) is hp.Clodo
    assert (hp.Type & hp.Clodo) is hp.Clodo
    assert (hp.Unity & hp.Type) is hp.Type
    st = hp.Size & hp.Type
    assert repr(st) == '(%sSize & %sType)' % (hp.reprefix, hp.reprefix)
    assert repr(hp.Type & hp.Size) == '(%sType & %sSize)' % (
        hp.reprefix, hp.reprefix)
    assert st == hp.Size & hp.Type and st != hp.Type & hp.Size
    assert (st & hp.Type) == st and (st & hp.Module).parts == (
        hp.Size, hp.Type, hp.Module)
    with pytest.raises(TypeError):
        hp.Size & 5


def test_relation_order(hp):
    assert hp.Clodo < hp.Type < hp.Unity
    assert not hp.Type < hp.Clodo
    assert hp.Size < hp.Unity and hp.Id < hp.Unity and hp.Rcs < hp.Unity
    assert (hp.Size & hp.Type) < hp.Size and (hp.Size & hp.Type) < hp.Type
    assert hp.Type <= hp.Type and hp.Type >= hp.Clodo
    assert not hp.Size <= hp.Type


def test_set_in_relation(hp):
    assert hp.iso([], []) in hp.Size
    assert hp.iso([], [1]) not in hp.Size
    assert hp.Nothing not in hp.Size
    assert hp.iso(1, 2) in hp.Type
    assert hp.Type.Int in hp.Type and hp.Type.Int not in hp.Size
    assert hp.Type.Int in hp.Clodo        # guppy3: False (differences.md)
    assert hp.Clodo(dictof=Point) in hp.Clodo
    assert hp.Type.Int.alt('<') not in hp.Type
    assert 5 not in hp.Type


def test_relation_getitem(hp):
    assert hp.Type[hp.iso(1, 'a')].brief == '(int | str)'
    assert hp.Clodo[hp.iso(1, 'a', {})].brief == '(dict (no owner) | int | str)'
    assert hp.Size[hp.iso(1)] == hp.Size(28)
    assert hp.Type[hp.Nothing] is hp.Nothing
    with pytest.raises(TypeError):
        hp.Type[[1, 2]]


def test_dictof_relation_kinds(hp):
    assert hp.Clodo.dictof(None).brief == '~dict'
    assert hp.Clodo.dictof(hp.Nothing).brief == 'dict (no owner)'
    assert hp.Size.dictof(hp.Size(56)).brief == 'dict of <size = 56>'
    assert repr(hp.Size.dictof(hp.Size(56))) == '%sSize(56).dictof' % (
        hp.reprefix)
    assert hp.Clodo.dictof(hp.Clodo(dictof=())).brief == (
        'dict of dict (no owner)')
    assert repr(hp.Clodo.dictof(hp.Clodo(dictof=()))) == (
        '%sNothing.dictof.dictof' % hp.reprefix)


def test_sokind_and_rcs_kinds(hp):
    r = hp.reprefix
    sk = hp.Clodo.sokind(int)(dictof=())
    assert repr(sk) == "%sClodo.sokind(%s)(dictof=())" % (r, tcr(int))
    assert sk.refdby.brief == '<referred by: dict (no owner), int>'
    assert repr(sk.refdby) == repr(sk) + '.refdby'
    assert hp.Rcs(hp.Clodo(dictof=Point), hp.Type.Int).brief == (
        '<referred by: dict of %s.Point, int>' % __name__)
    assert hp.Rcs(sk) == sk.refdby
    assert hp.Size.sokind(5)(6).refdby.brief == (
        '<referred by:         5,         6>')
    assert hp.sokind(hp.Type.Int, hp.Type.Str).er is hp.Type
    assert repr(hp.sonokind) == '%ssonokind' % r
    assert hp.sonokind.refdby.brief == '<referred by: <Nothing>>'
    with pytest.raises(ValueError):
        hp.sokind()
    with pytest.raises(ValueError):
        hp.sokind(hp.Type.Int, hp.Size(3))
    with pytest.raises(ValueError):
        hp.sokind(hp.Size(3).alt('<'))


class Holder:
    pass


def _referred(hp):
    # The lists are referred to only by the holders (no frame refers to
    # them once this returns: the set holding them is hidden).
    a1, a2, a3 = ['a1'], ['a2'], ['a3']
    c = Holder()
    c.attr = a1
    c.__dict__
    holders = [[a1, a2], (a2, a3), {'one': a1, 'three': a3}, c]
    return hp.iso(a1, a2, a3), [a1, a2, a3], holders


def test_rcs_and_via_selection(hp):
    r, (a1, a2, a3), holders = _referred(hp)
    outer = [a1, a2, a3]
    # ... and by `outer` (a list, item i) and this frame's locals.
    assert members(r & hp.Rcs(hp.Type.List).alt('>=')) == ids([a1, a2, a3])
    assert members(r & hp.Rcs(hp.Type.List, hp.Type.Tuple).alt('>=')) == ids(
        [a2, a3])
    assert members(r & hp.Rcs(hp.Clodo(dictof=())).alt('>=')) == ids([a1, a3])
    assert members(r & hp.Rcs(hp.Type.Tuple).alt('<=')) == set()
    assert members(r & hp.Via('[0]').alt('>=')) == ids([a1, a2])
    assert members(r & hp.Via('[1]').alt('>=')) == ids([a2, a3])
    assert members(r & hp.Via("['one']", '[0]').alt('>=')) == ids([a1])
    assert members(r & hp.Via('[0]')) == set()
    del outer, a1, a2, a3
    # the kinds of byrcs and byvia rows select those rows
    for part in r.byrcs.parts + r.byvia.parts + r.by(
            hp.Size & hp.Rcs).parts:
        assert (r & part.kind) == part
    del holders


def test_by_names(hp):
    x = hp.iso(1, 'a', [])
    assert x.by('Type&Size').er == hp.Type & hp.Size
    assert x.by('Rcs').er is hp.Rcs
    assert x.by('Via').er is hp.Via
    assert x.by('').er is hp.Unity
    for bad, shown in [('type', 'er_type'), ('Nosuch', 'Nosuch'),
                       ('Clodo&', 'er_'), ('TYPE', 'er_TYPE')]:
        with pytest.raises(ValueError) as e:
            x.by(bad)
        assert str(e.value) == ('by(): No such equivalence relation defined '
                                'in heapy.Use: %r' % shown)
    with pytest.raises(TypeError):
        x.by(3)


# ---------------------------------------------------------------------------
# Making kinds: bad input

def test_clodo_arguments(hp):
    msg = ('Argument should be either\n    <type except dict>\n'
           '    dictof=<type>\n    dictof=()\n(hp.Clodo(): %s)')
    for args, kw, given in [
            ((dict,), {}, 'kind is dict'), ((), {}, 'no argument given'),
            ((Point,), {'dictof': int}, 'both kind and dictof given'),
            ((5,), {}, 'kind is int'), ((), {'dictof': 5}, 'dictof is int')]:
        with pytest.raises(TypeError) as e:
            hp.Clodo(*args, **kw)
        assert str(e.value) == msg % given
    assert hp.Clodo(int) is not None and hp.Clodo(int) == hp.Type.Int


def test_kind_constructor_errors(hp):
    with pytest.raises(TypeError) as e:
        hp.Type(5)
    assert str(e.value) == ('type, class or basestring expected '
                            '(hp.Type(): argument 1 is int)')
    with pytest.raises(TypeError):
        hp.Type()
    assert hp.Size('56') == hp.Size(56) and hp.Size(2.5) == hp.Size(2)
    with pytest.raises(ValueError):
        hp.Size('x')
    with pytest.raises(TypeError) as e:
        hp.Size(None)
    assert 'NoneType' in str(e.value)
    with pytest.raises(ValueError) as e:
        hp.Module('nosuch.module')
    assert 'nosuch.module' in str(e.value)
    with pytest.raises(TypeError):
        hp.Module(at=id(Point))
    with pytest.raises(ValueError) as e:
        hp.Module('os', at=id(sys))
    assert str(e.value) == "The specified module has not name 'os' but 'sys'."
    assert hp.Module(at=id(sys)) == hp.Module('sys')
    for addr in (12345, 0, -1, 2 ** 64, 2 ** 100):
        with pytest.raises(ValueError) as e:
            hp.Id(addr)
        assert str(e.value) == 'No object found at address %s' % hex(addr)
    with pytest.raises(TypeError):
        hp.Id('0x1234')
    with pytest.raises(TypeError) as e:
        hp.Via(5)
    assert 'argument 1' in str(e.value)
    with pytest.raises(ValueError) as e:
        hp.Via('.a', '[1')
    assert 'position 2' in str(e.value)
    with pytest.raises(TypeError) as e:
        hp.findex(hp.Type.Int, 5)
    assert 'argument 2' in str(e.value)
    with pytest.raises(TypeError):
        hp.findex(hp.Type.Int)('a')
    with pytest.raises(ValueError) as e:
        hp.Rcs(hp.Size(5))
    assert str(e.value).startswith('get_kindarg: argument with classifier ')
    with pytest.raises(TypeError):
        hp.Rcs(5)
    with pytest.raises(ValueError) as e:
        hp.Rcs(hp.Size.sokind(5))
    assert str(e.value) == ("Expected a SoKind with the 'Clodo' classifier, "
                            "argument had 'Size'.")
    rn = hp.Prod._reprname()
    for args, kw, msg in [
            (('/x', 1, 2), {}, '%s() takes from 0 to 2 positional arguments '
             'but 3 were given' % rn),
            ((3, 4), {}, '%s() argument 1 must be string or None' % rn),
            (('/x', 'a'), {}, '%s() argument 2 must be integer or None' % rn),
            ((), {'filename': '/x'}, '%s() keyword arguments must be '
             '"filename" and "lineno"' % rn),
            (('/x',), {'lineno': 1}, '%s() takes either positional or '
             'keyword arguments' % rn)]:
        with pytest.raises(TypeError) as e:
            hp.Prod(*args, **kw)
        assert str(e.value) == msg
    assert hp.Prod(filename='/x', lineno=3) == hp.Prod('/x', 3)


def test_id_and_module_find_objects(hp):
    p = Point(3)
    assert hp.Id(id(p)).brief == '<id %s>' % hex(id(p))
    assert p in hp.Id(id(p)) and Point(3) not in hp.Id(id(p))
    assert hp.Id(id(int)).get_ckc()[1] is int       # a static type
    assert hp.Idset(p) == hp.iso(p)
    assert hp.Unity(1, 2) is hp.Anything


def test_hostile_metaclass(hp):
    class Meta(type):
        def __eq__(cls, other):
            raise RuntimeError('eq')

        def __hash__(cls):
            raise RuntimeError('hash')

        def __repr__(cls):
            raise RuntimeError('repr')

        def __subclasscheck__(cls, sub):
            raise RuntimeError('subclasscheck')

    class H(metaclass=Meta):
        pass
    h = H()
    k = hp.Type(H)
    assert k.brief == '%s.H' % __name__
    assert repr(k) == '%sType(%s)' % (hp.reprefix, tcr(H))
    x = hp.iso(h, 1)
    assert members(x & k) == ids([h])
    assert members(x & k.alt('<=')) == ids([h])
    assert members(x & hp.Type(object).alt('>=')) == set()
    assert h in k and 1 not in k


def test_kinds_are_hidden(hp):
    import gc
    p = Point(7)
    k = hp.Id(id(p))
    kinds = [k, hp.Type(Point) | hp.Type.Int, hp.Size(3), hp.Type.dictof]
    h = hp.heap()
    for x in kinds:
        assert x not in h
    assert isinstance(k, _guppy.Hidden)
    del gc


def test_and_of_three_header(hp):
    x = hp.iso(1, 'a')
    er = hp.Size & hp.Type & hp.Module
    assert er.parts == (hp.Size, hp.Type, hp.Module)
    lines = str(x.by(er)).splitlines()
    assert lines[1].endswith('% Individual Size & Type & Module')


def test_set_compared_with_a_plain_type(hp):
    """A type on the right of <, <=, >, >= is hp.Type(type), as guppy3
    converts it."""
    x = hp.iso(1, 2)
    assert (x <= int, x < int, hp.iso(1, 'a') <= int, x >= int) == (
        True, True, False, False)
