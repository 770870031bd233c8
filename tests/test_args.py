"""Bad arguments to every public entry point (issue 6, "Bad input").

Each call below passes a wrong type or a wrong value to one argument of
the public surface (guppy-api.md: the session ``hp.*``, set methods and
properties, kinds and relations, Stat, shortest paths and their Path
objects, reference patterns, retained tables). It must raise TypeError
(wrong type) or ValueError (wrong value), never AttributeError or a crash,
with a message naming the argument (``'idset(): iterable ...'``) and, for
a wrong type, the type given.

Where heapy fixes the text of the error (``COMPAT`` below: hp.Type,
hp.Clodo, kind.alt, set algebra, Stat indexing and subtraction), the text
is kept and the argument follows it in parentheses; the test pins both.

The wrong-type cases of the parsers (``hp.Via``, ``hp.load``,
``hp.loadall``) are also in the fuzz harnesses' checks
(tests/fuzz/, ``test_fuzz_corpus.py``).
"""

import io
import re

import pytest

from guppy import hpy


class Plain:
    pass


@pytest.fixture(scope='module')
def env():
    hp = hpy()
    o = Plain()
    x = hp.iso([1], [2], 'abc')
    h = hp.iso(o)
    e = {'hp': hp, 'x': x, 'st': x.stat, 'o': o, 'h': h, 'sp': h.sp,
         'rp': h.rp, 'kind': hp.Type.Int, 'keep': [o]}
    e['path'] = e['sp'][0]
    yield e


# (id, call, exception, pattern the message must match). The pattern
# names the argument (and the bad type where it is a TypeError).
CASES = [
    # -- the session -------------------------------------------------------
    ('idset-int', lambda e: e['hp'].idset(5), TypeError,
     r'^idset\(\): iterable must be iterable, not int$'),
    ('idset-None', lambda e: e['hp'].idset(None), TypeError,
     r'^idset\(\): iterable .* not NoneType$'),
    ('iso-keyword', lambda e: e['hp'].iso(er=1), TypeError, r"'er'"),
    ('load-int', lambda e: e['hp'].load(5), TypeError,
     r'\(load\(\): fn is int\)$'),
    ('load-None', lambda e: e['hp'].load(None), TypeError,
     r'\(load\(\): fn is NoneType\)$'),
    ('loadall-int', lambda e: e['hp'].loadall(5), TypeError,
     r'\(loadall\(\): f is int\)$'),
    ('load-bad-text', lambda e: e['hp'].load(['junk']), ValueError,
     r'^line 1: '),
    ('setrelheap-int', lambda e: e['hp'].setrelheap(5), TypeError,
     r'^setrelheap\(\): reference must be an IdentitySet, not int$'),
    ('setref-reachable', lambda e: e['hp'].setref(reachable=5), TypeError,
     r'reference must be an IdentitySet, not int'),
    ('setref-unreachable', lambda e: e['hp'].setref(unreachable=5),
     TypeError, r'reference must be a Stat or an IdentitySet, not int'),
    ('setrelheapu-str', lambda e: e['hp'].setrelheapu('x'), TypeError,
     r'^setrelheapu\(\): reference must be .* not str$'),
    ('findex-int', lambda e: e['hp'].findex(e['kind'], 5), TypeError,
     r'^findex\(\): argument 2 must be a kind or a set, not int$'),
    ('union-int', lambda e: e['hp'].union(5), TypeError,
     r'^union\(\): sets must be an iterable .* not int$'),
    ('union-item', lambda e: e['hp'].union([e['kind'], 5]), TypeError,
     r'\(union\(\): item 1 of sets is int\)$'),
    ('sokind-int', lambda e: e['hp'].sokind(5), TypeError,
     r'\(sokind\(\): argument 1 is int\)$'),
    ('sokind-none', lambda e: e['hp'].sokind(), ValueError,
     r'^At least one argument must be given\.$'),
    ('tc_repr-int', lambda e: e['hp'].tc_repr(5), TypeError,
     r'\(tc_repr\(\): t is int\)$'),
    ('tc_adapt-str', lambda e: e['hp'].tc_adapt('junk'), ValueError,
     r"I got: 'junk'$"),
    # -- relations and kinds ---------------------------------------------------
    ('Size-str', lambda e: e['hp'].Size('x'), ValueError,
     r"^hp\.Size\(\): the size must be an int, not 'x'$"),
    ('Size-None', lambda e: e['hp'].Size(None), TypeError,
     r'^hp\.Size\(\): the size must be an int, not NoneType$'),
    ('Module-int', lambda e: e['hp'].Module(5), TypeError,
     r'^hp\.Module\(\): name must be a str, not int$'),
    ('Module-unknown', lambda e: e['hp'].Module('no_such_module_xyz'),
     ValueError, r"^No module 'no_such_module_xyz' in sys\.modules\.$"),
    ('Module-at-str', lambda e: e['hp'].Module(at='x'), TypeError,
     r'^hp\.Module\(\): at must be an int, not str$'),
    ('Id-str', lambda e: e['hp'].Id('x'), TypeError,
     r'^hp\.Id\(\): address must be an int, not str$'),
    ('Id-nothing-there', lambda e: e['hp'].Id(-1), ValueError,
     r'^No object found at address -0x1$'),
    ('Rcs-int', lambda e: e['hp'].Rcs(5), TypeError,
     r'argument 1 must be a kind or a sokind, not int$'),
    ('Via-int', lambda e: e['hp'].Via(5), TypeError,
     r'^hp\.Via\(\): argument 1 must be a relation string, not int$'),
    ('Via-syntax', lambda e: e['hp'].Via('[['), ValueError,
     r'^invalid relation string at position 1: '),
    ('Prod-int', lambda e: e['hp'].Prod(5), TypeError,
     r'\(hp\.Prod\(\): argument 1 is int\)$'),
    ('Prod-lineno', lambda e: e['hp'].Prod('f.py', 'x'), TypeError,
     r'^hp\.Prod\(\) argument 2 must be integer or None$'),
    ('Prod-keyword', lambda e: e['hp'].Prod(file='f.py'), TypeError,
     r'^hp\.Prod\(\) keyword arguments must be "filename" and "lineno"$'),
    ('dictof-int', lambda e: e['hp'].Clodo.dictof(5), TypeError,
     r'\(hp\.Clodo\.dictof\(\): owner is int\)$'),
    ('relation-getitem', lambda e: e['hp'].Type[5], TypeError,
     r"^IdentitySet or NodeSet expected, got <class 'int'>\.$"),
    # -- sets -------------------------------------------------------------------
    ('by-int', lambda e: e['x'].by(5), TypeError,
     r'^by\(\): Equivalence relation or string expected, not int$'),
    ('by-unknown', lambda e: e['x'].by('Junk'), ValueError,
     r'^by\(\): No such equivalence relation defined in heapy\.Use: '),
    ('getitem-float', lambda e: e['x'][1.5], TypeError,
     r'^set indices must be integers or slices, not float$'),
    ('getitem-step0', lambda e: e['x'][::0], ValueError,
     r'slice step cannot be zero'),
    ('getitem-step-negative', lambda e: e['x'][::-1], ValueError,
     r'^slice step must be positive$'),
    ('diff-int', lambda e: e['x'].diff(5), TypeError,
     r'^diff\(\): other must be an IdentitySet, not int$'),
    ('dump-int', lambda e: e['x'].dump(5), TypeError,
     r'^dump: expected a file name or an object with write\(\), not int$'),
    ('dump-mode-int', lambda e: e['x'].dump('/nonexistent/f', mode=5),
     TypeError, r'^dump\(\): mode must be a str, not int$'),
    ('dump-mode-read', lambda e: e['x'].dump('/nonexistent/f', mode='r'),
     ValueError, r"^dump\(\): mode must be 'a', 'w' or 'x', not 'r'$"),
    ('get_shpaths-src', lambda e: e['x'].get_shpaths(src=5), TypeError,
     r'^get_shpaths\(\): src must be an IdentitySet or None, not int$'),
    ('get_shpaths-avoid_nodes', lambda e: e['x'].get_shpaths(avoid_nodes=5),
     TypeError, r'^get_shpaths\(\): avoid_nodes must be .* not int$'),
    ('get_shpaths-avoid_edges', lambda e: e['x'].get_shpaths(avoid_edges=5),
     TypeError, r'^avoid_edges must be an EdgeSet .* not int$'),
    ('get_rp-depth-str', lambda e: e['x'].get_rp(depth='x'), TypeError,
     r'^get_rp\(\): depth must be an int, not str$'),
    ('get_rp-depth-negative', lambda e: e['x'].get_rp(depth=-1), ValueError,
     r'^get_rp\(\): depth must be >= 0, not -1$'),
    ('get_rp-er', lambda e: e['x'].get_rp(er=5), TypeError,
     r'^get_rp\(\): er must be an equivalence relation'),
    ('get_rp-src', lambda e: e['x'].get_rp(src=5), TypeError,
     r'^get_rp\(\): src must be an IdentitySet, not int$'),
    ('get_rp-stopkind', lambda e: e['x'].get_rp(stopkind=5), TypeError,
     r'^get_rp\(\): stopkind must be a kind or a set, not int$'),
    ('get_rp-ref', lambda e: e['x'].get_rp(ref='junk'), ValueError,
     r"^get_rp\(\): ref should be 'gc', 'gcx', 'imdom', or a callable$"),
    ('retained-index', lambda e: e['x'].retained[1.5], TypeError,
     r'^row index must be an int, not float$'),
    # -- Stat ---------------------------------------------------------------------
    ('stat-dump-int', lambda e: e['st'].dump(5), TypeError,
     r'^dump: expected a file name .* not int$'),
    ('stat-dump-mode', lambda e: e['st'].dump('/nonexistent/f', mode=None),
     TypeError, r'^dump\(\): mode must be a str, not NoneType$'),
    ('get_rows_of_kinds-int', lambda e: e['st'].get_rows_of_kinds(5),
     TypeError, r'^get_rows_of_kinds\(\): kinds must be an iterable of '
     r'labels, not int$'),
    ('get_rows_of_kinds-twice', lambda e: e['st'].get_rows_of_kinds(
        ['list', 'list']), ValueError,
     r"^get_rows_of_kinds: 'list' given twice$"),
    ('get_rows_n_and_other-N', lambda e: e['st'].get_rows_n_and_other('x'),
     TypeError, r'^get_rows_n_and_other\(\): N must be an int, not str$'),
    ('get_rows_n_and_other-sortby',
     lambda e: e['st'].get_rows_n_and_other(2, sortby='x'), ValueError,
     r"^Argument 'sortby' must be 'Size' or 'Count'\.$"),
    # -- shortest paths, Path, reference patterns -----------------------------
    ('sp-index-float', lambda e: e['sp'][1.5], TypeError,
     r'^path indices must be integers, not float$'),
    ('sp-maxpaths', lambda e: setattr(e['sp'], 'maxpaths', 'x'), TypeError,
     r'^maxpaths must be an int, not str$'),
    ('sp-avoided', lambda e: e['sp'].avoided('x'), TypeError,
     r'^levels must be ints, not str$'),
    ('sp-edges_at', lambda e: e['sp'].edges_at(None), TypeError,
     r'^levels must be ints, not NoneType$'),
    ('sp-iter-start', lambda e: list(e['sp'].iter('a')), TypeError,
     r'^iter\(\): start must be an int, not str$'),
    ('sp-iter-stop', lambda e: list(e['sp'].iter(0, 1.5)), TypeError,
     r'^iter\(\): stop must be an int, not float$'),
    ('rp-index', lambda e: e['rp'][1.5], TypeError,
     r'^reference pattern indices must be integers, not float$'),
]


@pytest.mark.parametrize('name,call,exc,pattern', CASES,
                         ids=[c[0] for c in CASES])
def test_bad_argument(env, name, call, exc, pattern):
    with pytest.raises(exc) as e:
        call(env)
    assert type(e.value) is exc, (name, type(e.value))
    # Relation names carry the session's prefix: 'hp.' when hp is a
    # global of __main__, 'hpy().' here.
    msg = str(e.value).replace('hpy().', 'hp.')
    assert re.search(pattern, msg), (name, msg)


# heapy's own texts, kept for compatibility (tests/test_kinds.py and
# tests/test_stat.py pin them too), each followed by the argument it was
# about. Where heapy raises an exception of another class for a wrong type
# (alt(5): ValueError, st['a']: IndexError), the exception is both: a
# TypeError and heapy's class.
NOT_CONVERTIBLE = ('Argument is not automatically convertible to a UniSet '
                   'with correct _hiding_tag_.')
CLODO = ('Argument should be either\n    <type except dict>\n'
         '    dictof=<type>\n    dictof=()')
COMPAT = [
    ('Type-int', lambda e: e['hp'].Type(5), TypeError,
     'type, class or basestring expected (hp.Type(): argument 1 is int)'),
    ('Clodo-int', lambda e: e['hp'].Clodo(5), TypeError,
     CLODO + '\n(hp.Clodo(): kind is int)'),
    ('Clodo-dictof-int', lambda e: e['hp'].Clodo(dictof=5), TypeError,
     CLODO + '\n(hp.Clodo(): dictof is int)'),
    ('Clodo-dict', lambda e: e['hp'].Clodo(dict), TypeError,
     CLODO + '\n(hp.Clodo(): kind is dict)'),
    ('alt-symbol', lambda e: e['hp'].Size(3).alt('=<'), ValueError,
     "No such comparison symbol: '=<' (alt(): op is '=<')"),
    ('alt-int', lambda e: e['kind'].alt(5), (TypeError, ValueError),
     'No such comparison symbol: 5 (alt(): op is int)'),
    ('set-and-int', lambda e: e['x'] & 5, TypeError,
     NOT_CONVERTIBLE + ' (the other operand is int)'),
    ('set-or-str', lambda e: e['x'] | 'a', TypeError,
     NOT_CONVERTIBLE + ' (the other operand is str)'),
    ('kind-sub-int', lambda e: e['kind'] - 5, TypeError,
     NOT_CONVERTIBLE + ' (the other operand is int)'),
    ('disjoint-int', lambda e: e['x'].disjoint(5), TypeError,
     NOT_CONVERTIBLE + ' (disjoint(): other is int)'),
    ('stat-sub-int', lambda e: e['st'] - 5, TypeError,
     'Can only take difference with other Stat instance. '
     '(Stat - other: other is int)'),
    ('stat-index-str', lambda e: e['st']['a'], (TypeError, IndexError),
     'Stat indices must be integers or slices. (Stat[i]: i is str)'),
    ('theone-not-singleton', lambda e: e['x'].theone, ValueError,
     'theone requires a singleton set'),
]


@pytest.mark.parametrize('name,call,exc,text', COMPAT,
                         ids=[c[0] for c in COMPAT])
def test_bad_argument_heapy_text(env, name, call, exc, text):
    classes = exc if isinstance(exc, tuple) else (exc,)
    with pytest.raises(classes[0]) as e:
        call(env)
    assert all(isinstance(e.value, c) for c in classes)
    if len(classes) == 1:
        assert type(e.value) is exc
    assert str(e.value) == text


def test_every_session_callable_is_covered(env):
    # A public callable of the session added later must get a case here.
    hp = env['hp']
    covered = {'idset', 'iso', 'load', 'loadall', 'setrelheap', 'setref',
               'setrelheapu', 'findex', 'union', 'sokind', 'tc_repr',
               'tc_adapt'}
    # heap(), test() take no argument worth checking (heapu's are
    # truth values); Stat is the class of x.stat, made by the engine.
    no_arguments_to_check = {'heap', 'test', 'heapu', 'Stat'}
    public = {n for n in dir(type(hp)) if not n.startswith('_')
              and callable(getattr(type(hp), n, None))
              and not isinstance(getattr(type(hp), n), property)}
    missing = public - covered - no_arguments_to_check
    assert not missing, sorted(missing)


def test_a_bad_argument_changes_nothing(env):
    # After every error above the session and the sets still work.
    hp, x = env['hp'], env['x']
    for _, call, exc, _ in CASES + [(c[0], c[1], c[2], None)
                                    for c in COMPAT]:
        with pytest.raises(exc):
            call(env)
    assert x.count == 3 and len(x) == 2
    assert str(x.stat) == str(x)
    f = io.StringIO()
    x.dump(f)
    assert str(hp.load(f.getvalue().splitlines())) == str(x)
