"""Reproductions of what the static checks of .ci/run found (cppcheck on
src/, see tools/cppcheck-suppressions.txt).  A finding that is a real bug
gets a test here; while the bug stands the test is a strict xfail, so the
fix turns it into a failure that asks for the xfail, and the suppression,
to go.
"""

import pytest

from guppy import _guppy, hpy


class RaisingEq:
    """A 'python' relation whose callable's __eq__ raises."""

    def __init__(self, ns):
        self.ns = ns

    def __call__(self, nodes):
        return ([self.ns], ['all'], [None], 'Header')

    def __eq__(self, other):
        raise RuntimeError('eq')

    __hash__ = object.__hash__


def test_raising_eq_while_matching_the_cached_partition_is_raised():
    """cppcheck (knownConditionTrueFalse) found nodeset_partition folding
    the -1 of a raising __eq__ into 1: the cached partition came back with
    the exception set (SystemError). Fixed; the exception now propagates."""
    hp = hpy()
    ns = _guppy.NodeSet(hp.iso(1, 'a', 2.0))
    assert ns._numrows(('python', RaisingEq(ns))) == 1
    # A second spec whose comparison with the cached one raises.
    with pytest.raises(RuntimeError, match='eq'):
        ns._numrows(('python', RaisingEq(ns)))
