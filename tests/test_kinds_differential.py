"""Kinds and relations against guppy3 (the oracle): the same script runs
under both, stdout compared after oracle.normalise (hex addresses only).

The script prints briefs and reprs of kinds and relations, and which of a
set of named objects each kind selects (set & kind, obj in kind), so the
comparison does not depend on table layout. Expressions where this
project deliberately differs are left out here and tested in
test_kinds.py against the text docs/differences.md gives; ALLOWED lists
them with their reasons, so each exclusion is explicit.
"""

import pytest

from oracle import guppy3_python, normalise, requires_guppy3, run_script
from ours import run_ours

pytestmark = requires_guppy3

#: Deliberate differences (docs/differences.md, section l), kept out of the
#: scripts.
ALLOWED = {
    'and-brief': "guppy3 closes And-kind briefs twice: '(<size = 28> & int))'",
    'prod-brief': "guppy3's brief of hp.Prod('prefix') raises TypeError",
    'invert-nothing': '~hp.Nothing is hp.Anything (guppy3: ~<Nothing>)',
    'finer-normal-forms': 'containment through alt(), Module and Id kinds '
                          '(hp.Type(P).alt("<=") & hp.Type(Sub) is Sub)',
    'via-strict': "hp.Via parses strictly ('[1' is an error, '.??' a "
                  "relation)",
    'kind-in-clodo': 'hp.Type.Int in hp.Clodo is True',
    'eq-not-convertible': 'kind == 5 is False, not TypeError',
    'messages': 'error messages that name our own objects',
}

SETUP = '''\
import sys, types
from guppy import hpy
hp = hpy()
class Point:
    def __init__(self, x): self.x = x
class Sub(Point):
    pass
pts = [Point(1000 + i) for i in range(3)]
sub = Sub(5)
for p in pts + [sub]:
    p.__dict__
holder = {'k': 'v'}
empty = {}
lst = [1, 2, 3]
objs = dict(p0=pts[0], p1=pts[1], p2=pts[2], sub=sub,
            d0=pts[0].__dict__, d1=pts[1].__dict__, d2=pts[2].__dict__,
            dsub=sub.__dict__, s1='abc', s2='de', big=2 ** 64, i7=7,
            t=True, f=1.25, tup=('t', 'u'), lst=lst, holder=holder,
            empty=empty, mod=sys, none=None)
S = hp.idset(objs.values())
names = {id(v): k for k, v in objs.items()}

def show(expr):
    try:
        v = eval(expr)
    except Exception as e:
        print(expr, '!', type(e).__name__)
        return
    print(expr, '|', getattr(v, 'brief', v), '|', repr(v))

def sel(expr):
    k = eval(expr)
    got = S & k
    print(expr, '=>', sorted(names[id(o)] for o in got.nodes),
          sorted(n for n, o in objs.items() if o in k)
          if not isinstance(k, type) else '')
'''

BRIEFS = [
    'hp.Anything', 'hp.Nothing', 'hp.Type.Int', 'hp.Type(Point)',
    'hp.Clodo(dictof=Point)', 'hp.Clodo(dictof=())', 'hp.Size(56)',
    "hp.Size(56).alt('>=')", "hp.Type(Point).alt('<=')", '~hp.Type.Int',
    'hp.Type.Int | hp.Type.Str', 'hp.Module("sys")', 'hp.Module()',
    'hp.Via("[\'x\']", ".a")', 'hp.Rcs(hp.Clodo(dictof=()))', 'hp.Rcs()',
    'hp.Unity()', 'hp.findex(hp.Type.Int)(0)', 'hp.findex(hp.Type.Int)(1)',
    'hp.Type.Module', 'hp.Type.Function', 'hp.Type.Code', 'hp.Type.Dict',
    'hp.Type(type(None))', "hp.Type('<type builtins.int at %s>' % hex(id(int)))",
    'hp.Clodo(int)', 'hp.Size("56")', "hp.Size(56).alt('<')",
    "hp.Size(56).alt('==')", "hp.Size(56).alt('!=')",
    "hp.Type(Point).alt('<')", "hp.Type(Point).alt('>=')",
    "hp.Type(Point).alt('>')", "hp.Type(Point).alt('!=')",
    'hp.Type.Str | hp.Type.Int', 'hp.Type.Int & hp.Type.Str',
    'hp.Type.Int & hp.Type.Int', 'hp.Type.Int & hp.Anything',
    'hp.Type.Int | hp.Anything', 'hp.Module(at=id(sys))',
    # (the repr of several kinds of Rcs: in guppy3 an address order)
    "hp.Rcs(hp.Type.Int, hp.Type.Str).brief", 'hp.Prod("/abs/file.py", 9)',
    'hp.Prod()', 'hp.Clodo.dictof', 'hp.Type.dictof', 'hp.Clodo.refdby',
    'hp.Rcs', 'hp.Size & hp.Type', 'hp.Type & hp.Size', 'hp.Clodo & hp.Type',
    'hp.Type & hp.Clodo', 'hp.Unity & hp.Type', 'hp.Size.refdby',
    'hp.Clodo.dictof(hp.Type.Int)', 'hp.Clodo.dictof(None)',
    'hp.Clodo.dictof(hp.Nothing)', 'hp.Size.dictof(hp.Size(56))',
    "hp.Type[hp.iso(1, 'a')]", "hp.Clodo[hp.iso(1, 'a', {})]",
    'hp.Clodo.sokind(int)(dictof=()).refdby', 'hp.Size.sokind(5)(6).refdby',
    "hp.Rcs(hp.Clodo.sokind(int)).alt('<')",
    "hp.Rcs(hp.Clodo.sokind(int)).alt('>=')",
    "hp.Rcs(hp.Clodo.sokind(int)).alt('!=')",
    "hp.Via('.a').alt('<')", "hp.Prod('/x.py', 3).alt('>=')",
    "hp.Clodo(dictof=Point).alt('<=')", 'hp.Id(id(Point))',
    'hp.Type.Int.dictof', 'hp.Type.Int - hp.Type.Str',
    '(hp.Type.Int | hp.Type.Str) & hp.Type.Int',
    '(hp.Type.Int | hp.Type.Str) & ~hp.Type.Int',
    '~hp.Clodo(dictof=())', '~hp.Module("sys")', 'hp.Size(28) | hp.Type.Int',
    'hp.Type.Dict & hp.Clodo(dictof=())', 'hp.Type.Dict | hp.Clodo(dictof=())',
    'hp.Type.Int & hp.Clodo(dictof=())', 'hp.Type.Int & int',
    "hp.iso(1, 'a') - hp.Type.Int", "hp.iso(1, 'a') & ~hp.Type.Int",
    "hp.iso(1, 'a').kind", 'hp.iso(1, 2).bysize.kind',
    'hp.Nothing.dictof', 'hp.Clodo.dictof(hp.Clodo(dictof=()))',
    'hp.Size(28).dictof', "hp.Size(28).alt('<').dictof",
    '(hp.Type.Int | hp.Type.Str).dictof', '(~hp.Type.Int).dictof',
    "hp.Via('->ob_type')", "hp.Via('->f_valuestack[2]')",
    "hp.Via('list(_)[0]')", "hp.Via(\".f_locals['n']\")",
    "hp.Via(\".f_locals ['n']\")", "hp.Via('.keys()[2]')",
    "hp.Via('.__dict__.keys()[0]')", "hp.Via('_.a')", 'hp.Via("_[\'x\']")',
    'hp.Via("[1.5]")', 'hp.Via("[(1,\'a\')]")', 'hp.Via("[b\'x\']")',
    'hp.Via("[None]")', "hp.Via('[\"x\"]')", "hp.Via('[-3]')",
    "hp.Via('[1j]')", "hp.Via('[(1+2j)]')", 'hp.Via()',
    'hp.findex(hp.Type.Int, hp.Size(28))(1)',
    'hp.findex(hp.Type.Int, hp.Size(28))(2)',
    # bad input whose exception type guppy3 shares
    'hp.Type(5)', "hp.Type('junk')", 'hp.Clodo(dict)', 'hp.Clodo()',
    'hp.Size("x")', "hp.Size(56).alt('~')", "hp.Module('nosuch')",
    'hp.Module(at=id(5))', 'hp.Id(12345)', 'hp.Id("0x10")',
    "hp.Module('sys').alt('<')", 'hp.Anything.alt("==")',
    "hp.Type.Int.alt('<').alt('<')", "hp.Rcs(hp.Size(5))",
    'hp.Rcs(hp.Size.sokind(5))', "hp.Prod('/x.py', 3, 4)", 'hp.Prod(3, 4)',
    "hp.Prod(filename='/x.py')", "hp.iso(1) & 5", 'hp.Type.Int & 5',
    'hp.Clodo.sokind()',
]

BOOLS = [
    'True in hp.Type.Int', "True in hp.Type.Int.alt('>=')",
    "True in hp.Type.Int.alt('<=')", 'hp.Type.Int == hp.Clodo(int)',
    'hp.iso([], []) in hp.Size', 'hp.iso([], [1]) in hp.Size',
    'hp.Type.Int in hp.Type', 'hp.Type.Int in hp.Size',
    'hp.Size < hp.Unity', 'hp.Clodo < hp.Type', 'hp.Type < hp.Clodo',
    'hp.Rcs < hp.Unity', '(hp.Size & hp.Type) < hp.Size',
    'hp.Type.Int <= hp.Anything', 'hp.Type.Int <= hp.Type.Int | hp.Type.Str',
    'hp.Type.Int <= hp.Type.Dict', 'hp.Clodo(dictof=Point) <= hp.Type.Dict',
    'hp.Type.Dict > hp.Clodo(dictof=Point)', 'hp.iso(1) <= hp.Type.Int',
    'hp.iso(1) == hp.Type.Int', 'hp.Type.Int == int',
    "hp.iso(1, 2).disjoint(hp.Type.Str)", 'hp.Type.Int.disjoint(hp.Type.Str)',
    'hp.Clodo.refdby is hp.Rcs', 'hp.Nothing <= hp.Type.Int',
]

SELECTIONS = [
    'hp.Type.Int', 'hp.Type.Dict', 'int', 'hp.Type(Point)',
    'hp.Clodo(dictof=Point)', "hp.Clodo(dictof=Point).alt('<=')",
    'hp.Clodo(dictof=())', 'hp.Clodo(dictof=Sub)', "hp.Size(56)",
    "hp.Size(56).alt('<')", "hp.Size(56).alt('>=')",
    "hp.Type(object).alt('>=')", "hp.Type(Point).alt('<=')",
    "hp.Type(Point).alt('<')", 'hp.Type.Module', 'hp.Module("sys")',
    'hp.Module()', '~hp.Type.Dict', 'hp.Type.Int | hp.Type.Str',
    'hp.Size(56) & hp.Type(Point)', 'hp.Type.Tuple.dictof',
    'hp.iso(pts[0]).dictof', '(hp.Type(Point) | hp.Type.Int).dictof',
    'hp.Size(56).dictof', 'hp.Type.Module.dictof',
    'hp.findex(hp.Type.Int, hp.Type.Str)(1)',
    'hp.findex(hp.Type.Int, hp.Type.Str)(2)', 'hp.iso(pts[0])',
    '~hp.iso(pts[0])', 'hp.Id(id(pts[1]))', 'hp.Anything', 'hp.Nothing',
    'hp.Type.Int - hp.iso(7)', "hp.iso(7, 'abc') ^ hp.Type.Int",
]


def script():
    lines = [SETUP]
    lines += ['show(%r)' % e for e in BRIEFS]
    lines += ['show(%r)' % e for e in BOOLS]
    lines += ['sel(%r)' % e for e in SELECTIONS]
    lines += ['print(S.by(hp.Size & hp.Type))',
              'print(S.by(hp.Size.dictof))',
              'print(S.by(hp.findex(hp.Type.Int, hp.Type.Str)))',
              'print(S.by(hp.Type.dictof).kind)',
              'print(S.by(hp.Size & hp.Type).kind.brief.count("&"))',
              'print(hp.iso(*pts).by(hp.Type.dictof))']
    return '\n'.join(lines) + '\n'


def test_kinds_same_as_guppy3():
    source = script()
    theirs = normalise(run_script(guppy3_python(), source)).splitlines()
    ours = normalise(run_ours(source)).splitlines()
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a == b


def test_excluded_really_differ():
    # Each exclusion must be needed: guppy3 really prints otherwise.
    source = SETUP + '\n'.join([
        'show("hp.Type.Int & hp.Size(28)")',
        'show("~hp.Nothing")',
        "show(\"hp.Type(Point).alt('<=') & hp.Type(Sub)\")",
        'show("hp.Via(\'[1\')")',
        'show("hp.Type.Int in hp.Clodo")',
    ]) + '\n'
    theirs = normalise(run_script(guppy3_python(), source)).splitlines()
    ours = normalise(run_ours(source)).splitlines()
    assert len(theirs) == len(ours) == 5
    for a, b in zip(ours, theirs):
        assert a != b
    assert theirs[0].split(' | ')[1] == '(<size = 28> & int))'
    assert ours[0].split(' | ')[1] == '(<size = 28> & int)'
