#!/usr/bin/env python3
"""Fuzz target ``via``: relation strings, as hp.Via and path steps read them
(``_guppy.parse_relation``, src/relstr.c; ``canonical_relation`` and
``hp.Via`` in guppy/heapy/Classifiers.py).

The input bytes are the text, decoded as UTF-8 with ``surrogateescape``
(so invalid bytes become lone surrogates and the corpus stays readable).
Allowed answers: a ``(kind, value)`` pair, or ValueError naming a position
inside the text.  Invariants for a string that parses: an index literal
is what ``ast.literal_eval`` reads (where it reads it; up to the sign of
complex zeros, kept on purpose); its canonical form
(what byvia labels print) parses to the same kind and the same value (as
``repr``), is its own canonical form, and ``hp.Via`` of either is the same
kind, whose repr does not raise.

Run: ``python fuzz_via.py [-runs=N] [-max_total_time=S] [CORPUS...]``
(see _driver.py).
"""

import ast
import os
import re
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _driver  # noqa: E402

KINDS = {'index', 'attr', 'local', 'cell', 'key', 'hasattr', 'unknown',
         'stack', 'inter', 'inset'}
MESSAGE = re.compile(r'invalid relation string at position (\d+): ')

parse = canonical = hp = None


def setup():
    global parse, canonical, hp
    from guppy import _guppy, hpy
    from guppy.heapy.Classifiers import canonical_relation
    parse, canonical, hp = _guppy.parse_relation, canonical_relation, hpy()


def _literal(text):
    """What ast.literal_eval makes of the literal inside an index form,
    or None where it refuses (the parser accepts a little more, such as
    '(1+2j)' written without parentheses, and never recurses)."""
    inner = text[text.index('[') + 1:text.rindex(']')].strip()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')     # '\q': SyntaxWarning
            return (ast.literal_eval(inner),)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _unsigned_zeros(v):
    """v with the zeros of complex numbers made positive, in tuples too:
    the parser keeps the sign of '(-0-0j)' so that repr(parse(repr(k)))
    is repr(k) for every key byvia prints, where Python's reading of the
    same text computes -0.0 - 0j = (-0+0j)."""
    if isinstance(v, complex):
        return complex(v.real + 0.0, v.imag + 0.0)
    if isinstance(v, tuple):
        return tuple(_unsigned_zeros(x) for x in v)
    return v


def _same(a, b):
    return a[0] == b[0] and repr(a[1]) == repr(b[1]) and \
        type(a[1]) is type(b[1])


def test_one_input(data):
    text = data.decode('utf-8', 'surrogateescape')
    try:
        got = parse(text)
    except ValueError as e:
        m = MESSAGE.match(str(e))
        if not m or int(m.group(1)) > len(text):
            raise AssertionError('message does not name a position in '
                                 'the text: %r' % (str(e),)) from e
        return
    if not (isinstance(got, tuple) and len(got) == 2 and got[0] in KINDS):
        raise AssertionError('parse(%r) returned %r' % (text, got))
    if got[0] == 'index':
        ref = _literal(text)
        if ref is not None and (repr(_unsigned_zeros(ref[0])) !=
                                repr(_unsigned_zeros(got[1]))):
            raise AssertionError('%r: parsed %r, but Python reads %r'
                                 % (text, got[1], ref[0]))
    canon = canonical(text)
    again = parse(canon)
    if not _same(got, again):
        raise AssertionError('canonical form %r of %r parses to %r, not %r'
                             % (canon, text, again, got))
    if canonical(canon) != canon:
        raise AssertionError('canonical form %r is not canonical (%r)'
                             % (canon, canonical(canon)))
    k1, k2 = hp.Via(text), hp.Via(canon)
    if k1 != k2:
        raise AssertionError('hp.Via(%r) != hp.Via(%r)' % (text, canon))
    repr(k1)


if __name__ == '__main__':
    _driver.main(test_one_input, 'via', setup)
