"""The fuzz corpora, replayed: every input in tests/fuzz/corpus/<target>/
goes once through its harness (tests/fuzz/fuzz_<target>.py), with the
harness's invariants, on every CPython of the suite.  This is the
regression half of fuzzing: inputs that once found something, and inputs
that reach new code, stay tested on every change.  The fuzzing itself runs
in .ci/run's fuzz job (tools/fuzz.sh).  Also: the parsers' entry points
answer wrong types with TypeError.
"""

import importlib
import os
import sys

import pytest

from guppy import _guppy, hpy

FUZZ = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fuzz')
sys.path.insert(0, FUZZ)

TARGETS = ['via', 'load', 'args']


def _inputs(target):
    d = os.path.join(FUZZ, 'corpus', target)
    return sorted(os.listdir(d))


@pytest.mark.parametrize('target', TARGETS)
def test_corpus_replays_without_finding(target):
    harness = importlib.import_module('fuzz_' + target)
    harness.setup()
    d = os.path.join(FUZZ, 'corpus', target)
    names = _inputs(target)
    assert len(names) >= 10, 'corpus %s is (nearly) empty' % d
    for name in names:
        with open(os.path.join(d, name), 'rb') as f:
            data = f.read()
        try:
            harness.test_one_input(data)
        except Exception as e:
            raise AssertionError('%s/%s: %s: %s'
                                 % (target, name, type(e).__name__, e)) from e


def test_the_harness_can_fail():
    """A planted wrong answer (a parser that accepts everything) is caught
    by the via harness's invariants."""
    harness = importlib.import_module('fuzz_via')
    harness.setup()
    real = harness.parse
    harness.parse = lambda text: ('index', 0)
    try:
        with pytest.raises(AssertionError):
            harness.test_one_input(b"['x']")
    finally:
        harness.parse = real


@pytest.mark.parametrize('call', [
    lambda hp: _guppy.parse_relation(b"['x']"),
    lambda hp: _guppy.parse_relation(None),
    lambda hp: hp.Via(3),
    lambda hp: hp.Via("['x']", b'.a'),
    lambda hp: hp.load(3),
    lambda hp: hp.load([b'.loader: _load_stat', 3]),
    lambda hp: hp.load([None]),
    lambda hp: list(hp.loadall(3.5)),
], ids=['parse-bytes', 'parse-none', 'via-int', 'via-bytes', 'load-int',
        'load-int-line', 'load-none-line', 'loadall-float'])
def test_wrong_types_are_type_errors(call):
    hp = hpy()
    with pytest.raises(TypeError) as e:
        call(hp)
    assert str(e.value)
