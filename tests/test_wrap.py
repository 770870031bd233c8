"""gy_wrap_fill (src/wrap.c) against textwrap of the running interpreter.

heapy wraps table headers with ``textwrap.fill(text, width,
subsequent_indent=' ' * indent)`` and rows with ``'\\n'.join(textwrap.wrap(
...))``; the C engine replaces both with ``_guppy._wrap_fill(text, width,
indent)``. Every comparison here is ``==`` on whole strings, which also
checks that the C result is a canonical str (CPython compares the storage
kind first). Skipped until the extension exposes ``_wrap_fill``.
"""

import random
import sys
import textwrap

import pytest

_guppy = pytest.importorskip('guppy._guppy')
if not hasattr(_guppy, '_wrap_fill'):
    pytest.skip('guppy._guppy has no _wrap_fill', allow_module_level=True)

wrap_fill = _guppy._wrap_fill

HEADER = ' Index  Count   %     Size   % Cumulative  % '

# Reference case W of docs (guppy-api.md): a row whose label is longer
# than the 55 columns left of 100 after the 45-column prefix.
ROW_W = ('     0      1  50       56  67        56  67 '
         '__main__.AVeryLongClassNameUsedToShowHowTheKindColumnWraps'
         'WhenItIsTooLongForTheLine')
ROW_W_WRAPPED = (
    '     0      1  50       56  67        56  67\n'
    + ' ' * 45 + '__main__.AVeryLongClassNameUsedToShowHowTheKindColumnWr\n'
    + ' ' * 45 + 'apsWhenItIsTooLongForTheLine')

FIXED = [
    HEADER + 'Referrers by Kind (class / dict of class)',
    HEADER + 'Kind (class / dict of class)',
    HEADER + 'Referrers by Kind (class / dict of class) ' * 4,
    ROW_W,
    '     1      1  50       28  33        84 100 int',
    # empty and blank
    '', ' ', '   ', ' ' * 300, '\t', '\n', '\n\n\t \r\x0b\x0c',
    # textwrap quirks kept on purpose (see wrap.c)
    'abcdefghi ' + 'x' * 20,          # full line before a long word
    ' ' * 200 + 'abc', ' ' * 50 + 'abc',  # all-blank first line
    'abc \x1c', 'abc \xa0', 'a \u3000 b \u2028 c', '\x1c\x1d\x1e\x1f',
    # hyphens and em-dashes (wordsep_re)
    'Look, goof-ball -- use the -b option!',
    'Hello there -- you goof-ball, use the -b option!',
    'a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p', 'ab-cd-ef-gh-ij-kl-mn-op-qr-st',
    'well-known self-referential dict-of-class-instances',
    '-' * 70, 'x' + '-' * 150 + 'y', 'ab--cd--ef', 'x.--y', 'foo!--bar',
    '1--2 a--_', 'ABC\xb2-DEF', 'ab_-cd', '_a-b_', 'ab-1c', 'ab-c1',
    # tabs, newlines, runs of spaces
    'tab\there\tand\tthere\t\tend', '\tlead', 'a\rb\tc\nd\te',
    'multiple    spaces   between     words    and trailing    ',
    'line1\nline2\nline3 dict of __main__.C\nmore text here',
    # long words, non-ASCII of every storage width
    'x' * 250, 'short', 'a' * 100, 'a' * 101,
    '\xfcber-gr\xf6\xdfe na\xefve-caf\xe9 r\xe9sum\xe9\u2014dash',
    '\u03b1\u03b2-\u03b3\u03b4-\u03b5\u03b6', '\uff21\uff22-\uff23\uff24',
    '\U0001F600' * 130, '\xe9' * 130 + ' ' + '\xfc' * 5, '\u0100' * 120,
]

WIDTHS = (1, 2, 3, 5, 7, 10, 20, 45, 46, 70, 99, 100, 101, 200)


def reference(text, width, indent):
    return textwrap.fill(text, width=width, subsequent_indent=' ' * indent)


def test_case_w():
    assert wrap_fill(ROW_W, 100, 45) == ROW_W_WRAPPED
    assert reference(ROW_W, 100, 45) == ROW_W_WRAPPED


def test_header_fill():
    text = HEADER + 'Referrers by Kind (class / dict of class)'
    assert wrap_fill(text, 100, 45) == text   # fits: unchanged
    long = HEADER + 'Referrers by Kind (class / dict of class) ' * 2
    assert wrap_fill(long, 100, 45) == reference(long, 100, 45)


@pytest.mark.parametrize('text', FIXED, ids=repr)
def test_fixed(text):
    for width in WIDTHS:
        for indent in sorted({0, 1, 4, width // 2, width - 1, 45}):
            assert wrap_fill(text, width, indent) == \
                reference(text, width, indent), (width, indent)


def test_fill_equals_joined_wrap():
    # The premise of one C function for both of heapy's calls.
    for text in FIXED:
        for width in (5, 45, 100):
            wrapped = textwrap.wrap(text, width=width,
                                    subsequent_indent=' ' * 3)
            assert '\n'.join(wrapped) == reference(text, width, 3)


def test_unchanged_is_same_object():
    row = '     1      1  50       28  33        84 100 int'
    assert wrap_fill(row, 100, 45) is row
    assert wrap_fill('abc def ', 10, 2) == 'abc def'   # trailing blank


def test_indent_not_below_zero():
    for text in ('a b c d e f g h', 'x' * 30):
        assert wrap_fill(text, 5, -3) == reference(text, 5, -3)


def test_errors():
    with pytest.raises(TypeError):
        wrap_fill(b'abc', 10, 0)
    for width in (0, -5):
        with pytest.raises(ValueError, match='invalid width'):
            wrap_fill('', width, 0)
        with pytest.raises(ValueError):
            reference('', width, 0)
    # ' ' * indent cannot be built in Python either
    with pytest.raises(MemoryError):
        wrap_fill('x' * 30, 10, sys.maxsize - 5)


# Random corpus: letters, digits, spaces, hyphens, tabs, newlines, other
# ASCII whitespace, punctuation (textwrap's word_punct and others),
# non-ASCII letters, digits and numbers of 1-, 2- and 4-byte storage,
# Unicode spaces that str.strip() removes but the regex does not split on.
ALPHABET = (
    'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
    '     ---\n\t_!"\'&.,?;:()[]{}<>/\\@#*+=|~'
    '\xe9\xfc\xdf\xf8\u0142\xe7\xf1\u017e\u03b1\u03b2\u03b3\u03b4'
    '\u0416\u0436\u05e9\u05d0\u4e2d\u6587\u5b57\ud55c\u56fd'
    '\xb2\u0660\u2160'
    '\xa0\u2003\u3000\x1c\x85\u2028\r\x0b\x0c\u2014\u2013'
    '\U0001F600\U00010400')


def random_text(rng):
    n = rng.randint(0, rng.choice((0, 1, 2, 5, 10, 20, 40, 80, 120, 200,
                                   400)))
    mode = rng.random()
    if mode < 0.15:
        pool = 'ab- '
    elif mode < 0.3:
        pool = 'a-b -c\tx\n'
    else:
        pool = ALPHABET
    return ''.join(rng.choice(pool) for _ in range(n))


@pytest.mark.parametrize('seed', [20240601], ids=lambda s: 'seed=%d' % s)
def test_random_corpus(seed):
    rng = random.Random(seed)
    failures = []
    for _ in range(20000):
        text = random_text(rng)
        width = rng.randint(5, 120)
        indent = rng.randint(0, min(60, width - 1))
        expected = reference(text, width, indent)
        if wrap_fill(text, width, indent) != expected:
            failures.append((text, width, indent))
    assert failures == []


@pytest.mark.parametrize('seed', [7], ids=lambda s: 'seed=%d' % s)
def test_random_narrow(seed):
    # Tiny widths and indents at or past the width: textwrap's
    # "space_left = 1" path, one code point per continuation line.
    rng = random.Random(seed)
    failures = []
    for _ in range(2000):
        text = random_text(rng)
        width = rng.randint(1, 12)
        indent = rng.randint(0, 20)
        if wrap_fill(text, width, indent) != reference(text, width, indent):
            failures.append((text, width, indent))
    assert failures == []


# One code point in the positions where textwrap's regex classes decide
# (letter after and before a hyphen, \w after an em-dash, word
# punctuation before one, blank chunk at line end and start). The full
# range takes about a minute per interpreter; this samples it.
PROBES = [
    (lambda c: 'z ab-' + c + 'x', 5),
    (lambda c: 'z ab-x' + c, 5),
    (lambda c: 'z ' + c + 'b-xy', 5),
    (lambda c: 'z a' + c + '-xy', 5),
    (lambda c: 'zz a--' + c, 6),
    (lambda c: 'zz ' + c + '--a', 6),
    (lambda c: 'a ' + c, 10),
    (lambda c: 'aaaa ' + c + ' b', 4),
    (lambda c: 'ab-' + c * 3 + '-cd ' + c, 4),
]

CODE_POINTS = sorted(set(range(0x800)) | set(range(0x800, 0x110000, 61))
                     | {0x85, 0xa0, 0x1680, 0x2000, 0x200b, 0x2028, 0x202f,
                        0x3000, 0xfeff, 0xd800, 0xdfff, 0x2160, 0x0660,
                        0xff10, 0x1d7ce, 0x10ffff})


def test_character_classes():
    failures = []
    for cp in CODE_POINTS:
        c = chr(cp)
        for make, width in PROBES:
            text = make(c)
            if wrap_fill(text, width, 1) != reference(text, width, 1):
                failures.append(text)
    assert failures == []
