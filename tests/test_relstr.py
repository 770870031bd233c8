"""The relation-string parser behind hp.Via (src/relstr.c,
guppy._guppy.parse_relation): every form byvia labels and path steps
print, literals exactly as Python reads them (ast.literal_eval is the
reference, never eval), and hostile input refused with a ValueError that
names the position, in linear time.
"""

import ast
import random
import time

import pytest

from guppy import _guppy, hpy
from guppy.heapy.Classifiers import canonical_relation

parse = _guppy.parse_relation


@pytest.mark.parametrize('text,expected', [
    ("['x']", ('index', 'x')),
    ('["x"]', ('index', 'x')),
    ('[0]', ('index', 0)),
    ('[-3]', ('index', -3)),
    ('[1.5]', ('index', 1.5)),
    ("[(1, 'a')]", ('index', (1, 'a'))),
    ('[()]', ('index', ())),
    ('[(1,)]', ('index', (1,))),
    ("[b'x']", ('index', b'x')),
    ('[None]', ('index', None)),
    ('[True]', ('index', True)),
    ('[False]', ('index', False)),
    ('[Ellipsis]', ('index', Ellipsis)),
    ('[1j]', ('index', 1j)),
    ('[(1+2j)]', ('index', 1 + 2j)),
    ('[(1-2j)]', ('index', 1 - 2j)),
    ('[0x1f]', ('index', 31)),
    ('[1_000]', ('index', 1000)),
    ('[.5]', ('index', 0.5)),
    ('[1e+16]', ('index', 1e16)),
    ('[ ( 1 , 2 , ) ]', ('index', (1, 2))),
    ('.a', ('attr', 'a')),
    ('.__dict__', ('attr', '__dict__')),
    ('.cell_contents', ('attr', 'cell_contents')),
    ('.f_locals', ('attr', 'f_locals')),
    ('.keys', ('attr', 'keys')),
    ('.\u00e9t\u00e9', ('attr', '\u00e9t\u00e9')),
    ("_.a", ('attr', 'a')),
    ("_['x']", ('index', 'x')),
    ('->ob_type', ('inter', 'ob_type')),
    ('->f_locals', ('inter', 'f_locals')),
    ("->f_valuestack[2]", ('stack', 2)),
    (".f_locals['n']", ('local', 'n')),
    (".f_locals ['n']", ('cell', 'n')),
    ('.keys()[3]', ('key', 3)),
    ('.__dict__.keys()[0]', ('hasattr', 0)),
    ('list(_)[0]', ('inset', 0)),
    ('.??', ('unknown', None)),
])
def test_forms(text, expected):
    assert parse(text) == expected
    # the parsed value keeps its type (True is not 1)
    assert type(parse(text)[1]) is type(expected[1])


@pytest.mark.parametrize('value', [
    'x', "it's", '"q"', "'\"", '\n\t\x00\x7f\x80\xff\u1234\U0001f600\ud800',
    '\\', 'a\\nb', b'\x00\xff\'"\\', b'', '', 1, -1, 0, 2 ** 100, -2 ** 70,
    1.5, -0.0, 1e300, 1e-300, float('inf'), float('-inf'), 0.1,
    123456789.123456789, 1j, -1j, complex(1, -2), complex(-0.0, 1),
    complex(-1.5, float('inf')), None, True, False, (), (1,),
    ('a', (b'b', (None,))), Ellipsis, ((((),),),),
], ids=repr)
def test_repr_round_trip(value):
    # hp.Via compares the parsed relation, written back with repr, to the
    # labels byvia prints: repr(parse(repr(key))) must be repr(key).
    text = '[%r]' % (value,)
    kind, got = parse(text)
    assert kind == 'index'
    assert '[%r]' % (got,) == text
    assert canonical_relation(text) == text


def test_nan():
    kind, v = parse('[nan]')
    assert v != v
    assert canonical_relation('[nan]') == '[nan]'
    assert canonical_relation('[(nan+nanj)]') == '[(nan+nanj)]'
    assert canonical_relation('[-inf]') == '[-inf]'


@pytest.mark.parametrize('literal', [
    r"'\n\x41\u00e9\U0001F600\N{BULLET}\101\q\'\"\\'",
    r"'\N{LATIN SMALL LETTER E WITH ACUTE}'",
    r"'\0\7\77\777'", r"'\a\b\f\v\r\t'", "'a\\\nb'",
    r"b'\xff\n\u1234\377\N{x}'", r"r'\n\''", r"rb'\x'", r"R'a\\'",
    r"Rb'\''", r"bR'x'", r"BR'y'", r"u'x'", r"U'\u1234'",
    r"'\U0010ffff'", r"'\ud800'", "'\u00e9\u4e2d'", '"\'"', "'\"'",
    '1_0.5e-3'.replace('_', ''), '0o17', '0b101', '0XfF', '1E5', '5J',
    '(1, (2, (3,)), "x")', '(-1.5-0j)', '-2j',
])
@pytest.mark.filterwarnings('ignore::DeprecationWarning')
@pytest.mark.filterwarnings('ignore::SyntaxWarning')
def test_literals_as_python_reads_them(literal):
    assert parse('[%s]' % literal) == ('index', ast.literal_eval(literal))


@pytest.mark.parametrize('text,pos,what', [
    ('', 0, "expected '[', '.', '->' or 'list(_)[' to begin"),
    ('junk', 0, "expected '[', '.', '->' or 'list(_)[' to begin"),
    ('[', 1, 'expected a literal, found the end'),
    ('[1', 2, "unbalanced '['"),
    ('[(1,2]', 5, "expected ',' or ')'"),
    ('[(1,2', 5, "unbalanced '('"),
    ('[1]]', 3, "unexpected text after ']'"),
    ('[1] ', 3, "unexpected text after ']'"),
    ('[1,2]', 2, "expected ']'"),
    ("['a' 'b']", 5, "expected ']'"),
    ('.a b', 2, 'expected a name'),
    ('.', 1, 'expected a name'),
    ('.1a', 1, 'expected a name'),
    ('.keys()', 5, 'expected a name'),
    ('-x', 1, "expected '>' after '-'"),
    ('->', 2, 'expected a name'),
    ('->a.b', 3, 'expected a name'),
    ('[x]', 1, 'expected a literal'),
    ('[hp]', 1, 'expected a literal'),
    ('[__import__("os")]', 1, 'expected a literal'),
    ('[nano]', 1, 'expected a literal'),
    ('[None1]', 1, 'expected a literal'),
    ("[f'x']", 1, 'expected a literal'),
    ("[ub'x']", 1, 'expected a literal'),
    ("[rr'x']", 1, 'expected a literal'),
    ("['abc]", 1, 'unterminated string literal'),
    ("['a\nb']", 1, 'unterminated string literal'),
    ("['''a''']", 1, 'triple-quoted strings are not accepted'),
    ("[b'\u00e9']", 3, 'bytes can only contain ASCII literal characters'),
    (r"[b'\777']", 3, 'octal escape out of range in bytes'),
    (r"['\x4']", 2, 'truncated hexadecimal escape'),
    (r"['\u12']", 2, 'truncated hexadecimal escape'),
    (r"['\U00110000']", 2, 'illegal Unicode character in \\U escape'),
    (r"['\N{NO SUCH NAME}']", 5, 'unknown Unicode character name'),
    (r"['\N{BULLET']", 2, 'unterminated \\N{...} escape'),
    (r"['\N{}']", 5, 'bad character name in \\N{...}'),
    (r"['\N{BU\LLET}']", 7, 'bad character name in \\N{...}'),
    (r"['\Nx']", 4, "expected '{' after \\N"),
    ('[1+2]', 2, 'expected an imaginary part'),
    ('[1__0]', 1, 'bad integer literal'),
    ('[012]', 1, 'bad integer literal'),
    ('[0x]', 1, 'bad integer literal'),
    ('[1e]', 2, 'bad number'),
    ('[1.2.3]', 4, 'bad number'),
    ('[1_0.5]', 2, 'bad character in number'),
    ('.keys()[-1]', 8, 'expected a non-negative integer'),
    ('.keys()[a]', 8, 'expected a non-negative integer'),
    ('.keys()[1', 9, "unbalanced '['"),
    ('list(_)[x]', 8, 'expected a non-negative integer'),
    ('->f_valuestack[1]x', 17, "unexpected text after ']'"),
    ('.f_locals[1]', 10, 'expected a string literal'),
    (".f_locals ['n'", 14, "unbalanced '['"),
    ('.keys()[1234567890123456789]', 8, 'index too large'),
])
def test_malformed(text, pos, what):
    with pytest.raises(ValueError) as e:
        parse(text)
    assert str(e.value) == 'invalid relation string at position %d: %s: %r' % (
        pos, what, text)


def test_message_shows_bounded_text():
    text = '[' + 'x' * 10000
    with pytest.raises(ValueError) as e:
        parse(text)
    msg = str(e.value)
    assert msg.endswith("'" + '[' + 'x' * 59 + "'...")
    assert len(msg) < 200


def test_not_a_str():
    for bad in (b"['x']", None, 5, ["['x']"]):
        with pytest.raises(TypeError):
            parse(bad)


def test_deep_nesting_refused_not_recursed():
    ok = '[' + '(' * 63 + ')' * 63 + ']'
    assert parse(ok)[0] == 'index'
    for depth in (65, 1000, 100000):
        with pytest.raises(ValueError) as e:
            parse('[' + '(' * depth + ')' * depth + ']')
        assert 'literal nested too deeply' in str(e.value)


def test_huge_numbers_refused():
    with pytest.raises(ValueError) as e:
        parse('[' + '9' * 5000 + ']')
    assert 'number too long' in str(e.value)
    assert parse('[' + '9' * 4000 + ']')[1] == int('9' * 4000)
    with pytest.raises(ValueError) as e:
        parse('[(%s+1j)]' % ('9' * 400))     # real part beyond a double
    assert 'real part too large' in str(e.value)
    assert parse('[1e999]')[1] == float('inf')


def test_long_input_is_linear():
    # 2 MB of string literal and 200k tuple items: well under a second each
    # (a quadratic parser would take minutes).
    big = "['" + 'ab\\n' * 500000 + "']"
    t0 = time.perf_counter()
    kind, v = parse(big)
    assert len(v) == 1500000
    many = '[(' + '1, ' * 200000 + ')]'
    kind, v = parse(many)
    assert len(v) == 200000
    assert time.perf_counter() - t0 < 5


def test_fuzz_never_crashes():
    # Random texts from the alphabet of relation strings: each either
    # parses, and then reads back to the same canonical string, or raises
    # ValueError; nothing else.
    rng = random.Random(20240607)
    alphabet = list("[](),.'\"\\_-> 0123456789abcefjnxuNUrRbB{}?lits:+\n") \
        + ['\u00e9', '\x00', '\ud800', 'list(_)[', '.keys()[', '.f_locals[',
           '->f_valuestack[', 'None', 'True', 'inf', 'nan', '\\N{BULLET}']
    parsed = 0
    for _ in range(20000):
        n = rng.randint(0, 14)
        text = ''.join(rng.choice(alphabet) for _ in range(n))
        if rng.random() < 0.5:
            text = '[' + text + ']'
        try:
            kind, value = parse(text)
        except ValueError:
            continue
        parsed += 1
        canon = canonical_relation(text)
        assert canonical_relation(canon) == canon
    assert parsed > 100


@pytest.mark.filterwarnings('ignore::DeprecationWarning')
@pytest.mark.filterwarnings('ignore::SyntaxWarning')
def test_fuzz_mutated_reprs():
    rng = random.Random(7)
    seeds = ["['key']", '[(1, "two", b\'3\')]', ".f_locals['x']", '[1.5e-07]',
             '[(1+2j)]', "->f_valuestack[12]", '.keys()[4]']
    for _ in range(20000):
        s = list(rng.choice(seeds))
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(s) + 1)
            op = rng.random()
            if op < 0.4 and s:
                del s[min(i, len(s) - 1)]
            elif op < 0.8:
                s.insert(i, rng.choice("[]()'\"\\,. xj1"))
            elif s:
                s[min(i, len(s) - 1)] = rng.choice("[]()'\"\\,. xj1")
        text = ''.join(s)
        try:
            kind, value = parse(text)
        except ValueError:
            continue
        if kind == 'index':
            inner = text[text.index('[') + 1:text.rindex(']')]
            try:
                expected = ast.literal_eval(inner.strip())
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                continue        # we accept a little more (e.g. '(1+2j)')
            if isinstance(expected, (str, bytes, int, float, complex, tuple,
                                     type(None))):
                assert repr(value) == repr(expected), text


def test_via_uses_the_parser(hp=None):
    hp = hpy()
    assert hp.Via('["x"]') == hp.Via("['x']")
    assert hp.Via('_.a').brief == "<via '.a'>"
    assert hp.Via("[(1,'a')]").brief == '<via "[(1, \'a\')]">'
    assert hp.Via('.??').brief == "<via '.??'>"
    for bad in ('[__import__("os").system("true")]', '[hp.heap()]',
                "[(lambda: 1)()]", '[1 if 1 else 2]', "['a'+'b']"):
        with pytest.raises(ValueError):
            hp.Via(bad)
