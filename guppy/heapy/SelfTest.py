"""``hp.test()``: a quick self-check of an installation.

Each check builds a few objects of its own, asks the engine about them,
and compares the answer with one worked out here in plain Python (sizes
from ``sys.getsizeof``, tables from heapy's format rules). It runs in a
fresh session, so the caller's reference points are left alone, and takes
well under a second on a small heap (heapu() and the heap walk grow with
the heap).

Output, one line per check and a verdict::

    guppy-c 0.1.0 self-test on CPython 3.11.7
    ok    heap() finds 100 new objects; their table is exact
    ...
    OK (6 checks)

A failed check prints ``FAIL`` with the reason; the others still run, and
the verdict line is ``FAILED (...)`` followed by an AssertionError naming
the first failure, so scripts and CI stop on it. ``debug=True`` lets the
first failure propagate as raised, for ``pdb.pm()``.

This module's frames are not the profiler's own: heap() sees the objects
its checks hold in local variables, as it would a user's.
"""
from __future__ import annotations

import gc
import io
import platform
import sys
import weakref
from typing import Any, Callable, List, Optional, TextIO, Tuple

__all__ = ["run", "Probe"]


class Probe:
    """The objects the checks count: fixed size, no __dict__."""

    __slots__ = ("value", "__weakref__")

    def __init__(self, value: int) -> None:
        self.value = value


class _Skip(Exception):
    """A check that cannot run here (a missing feature or module)."""


def _percent(part: int, whole: int) -> int:
    return int("%.0f" % (part * 100.0 / whole)) if whole else 0


def _set_table(objs: List[Any], label_of: Callable[[Any], str],
               header: str) -> str:
    """The SetFormat table of objs, worked out independently of the
    engine: sizes from sys.getsizeof, rows by size (descending) then
    label."""
    rows: dict = {}
    for o in objs:
        c, s = rows.get(label_of(o), (0, 0))
        rows[label_of(o)] = (c + 1, s + sys.getsizeof(o))
    count, total = len(objs), sum(s for c, s in rows.values())
    lines = ["Partition of a set of %d object%s. Total size = %d bytes."
             % (count, "" if count == 1 else "s", total),
             " Index  Count   %     Size   % Cumulative  % " + header]
    cumul = 0
    order = sorted(rows.items(), key=lambda kv: (-kv[1][1], kv[0]))
    for i, (label, (c, s)) in enumerate(order):
        cumul += s
        lines.append("%6d %6d %3d %8d %3d %9d %3d %s" % (
            i, c, _percent(c, count), s, _percent(s, total), cumul,
            _percent(cumul, total), label))
    return "\n".join(lines)


def _check(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(what)


# -- the checks: each returns its one-line description or raises ----------

def check_heap(hp: Any) -> str:
    hp.setrelheap()
    probes = [Probe(i) for i in range(100)]
    h = hp.heap()
    mine = hp.iso(*probes)
    _check(mine <= h, "heap() misses objects made after setrelheap()")
    _check(hp.iso(probes) <= h, "heap() misses the list holding them")
    name = "%s.Probe" % __name__
    want = _set_table(probes, lambda o: name, "Type")
    got = str(mine.bytype)
    _check(got == want, "table differs:\n%s\nexpected:\n%s" % (got, want))
    hp.setrelheap(hp.Nothing)
    return "heap() finds 100 new objects; their table is exact"


def check_table(hp: Any) -> str:
    objs = [1.5, 2.5, "abc", "de", [1, 2], (3, "x")]
    want = _set_table(objs, lambda o: type(o).__name__,
                      "Kind (class / dict of class)")
    got = str(hp.iso(*objs))
    _check(got == want, "table differs:\n%s\nexpected:\n%s" % (got, want))
    return "a table of floats, strs, a list and a tuple is exact"


def check_sizes(hp: Any) -> str:
    class WithDict:
        pass

    w = WithDict()
    w.a = 1
    w.__dict__                          # the dict exists: sizes as getsizeof
    samples = [0, 10 ** 30, 1.0, 1j, "", "abc" * 10, "\u20ac", b"xy",
               bytearray(b"abc"), [], [1, 2, 3], (), (1, 2), {}, {"a": 1},
               set(), frozenset({1}), range(3), w, w.__dict__, WithDict,
               check_sizes, sys, Probe(1)]
    for o in samples:
        got, want = hp.iso(o).size, sys.getsizeof(o)
        _check(got == want, "size of %s: %d, sys.getsizeof says %d"
               % (type(o).__name__, got, want))
    return ("individual sizes equal sys.getsizeof for %d kinds of objects"
            % len(samples))


def check_algebra(hp: Any) -> str:
    x, y, z, w = Probe(1), Probe(2), Probe(3), Probe(4)
    a, b = hp.iso(x, y, z), hp.iso(y, z, w)
    _check((a & b) == hp.iso(y, z), "a & b")
    _check((a | b) == hp.iso(x, y, z, w), "a | b")
    _check((a - b) == hp.iso(x), "a - b")
    _check((a ^ b) == hp.iso(x, w), "a ^ b")
    _check(hp.iso(y) <= a and not a <= b, "<=")
    _check((a & hp.iso(w)) is hp.Nothing, "empty result is Nothing")
    _check(not a.disjoint(b) and a.disjoint(hp.iso(w)), "disjoint")
    _check(hp.iso(x, x, y).count == 2, "duplicates collapse")
    _check(hash(hp.iso(x, y)) == hash(hp.iso(y, x)), "hash")
    return "set algebra by identity: & | - ^ <= == disjoint hash"


def check_heapu(hp: Any) -> str:
    try:
        import ctypes
        incref, decref = ctypes.pythonapi.Py_IncRef, ctypes.pythonapi.Py_DecRef
    except (ImportError, AttributeError):
        raise _Skip("ctypes.pythonapi is not available")
    o = Probe(7)
    ref = weakref.ref(o)
    incref(ctypes.py_object(o))          # a reference no object accounts for
    del o
    try:
        u = hp.heapu(stat=0, abs=1)
        _check(ref() in u.nodes,
               "heapu() misses an object only C code holds")
        del u
    finally:
        if ref() is not None:
            decref(ctypes.py_object(ref()))
    gc.collect()
    _check(ref() is None, "the object outlived its release")
    return "heapu() finds an object held only by C code"


def check_stat(hp: Any) -> str:
    objs = [1.5, "abc", [1, 2]]
    x = hp.iso(*objs)
    if not hasattr(x, "stat") or not hasattr(hp, "load"):
        raise _Skip("Stat objects are not built in this version")
    st = x.stat
    f = io.StringIO()
    st.dump(f)
    back = hp.load(f.getvalue().splitlines(True))
    _check(str(back) == str(st), "loaded Stat prints differently:\n%s\n"
           "expected:\n%s" % (back, st))
    _check((back.count, back.size) == (x.count, x.size), "totals")
    return "a Stat dumped and loaded prints the same table"


def check_doc(hp: Any) -> str:
    from guppy.heapy import Doc
    for listing, table in ((hp.doc, Doc.SESSION_HELP),
                           (hp.iso(1).doc, Doc.SET_HELP)):
        missing = [n for n in listing if n not in table]
        _check(not missing, "no help on %s" % ", ".join(missing))
    return "doc: every listed attribute has a help text"


CHECKS: Tuple[Tuple[str, Callable[[Any], str]], ...] = (
    ("heap", check_heap),
    ("table", check_table),
    ("sizes", check_sizes),
    ("algebra", check_algebra),
    ("heapu", check_heapu),
    ("stat", check_stat),
    ("doc", check_doc),
)


def run(session_type: type, debug: bool = False,
        out: Optional[TextIO] = None) -> None:
    """Run every check in a new session of session_type, printing a line
    per check and a verdict to out (default sys.stdout). Raises
    AssertionError if a check failed."""
    import guppy
    write = (out or sys.stdout).write
    write("guppy-c %s self-test on %s %s\n" % (
        guppy.__version__, platform.python_implementation(),
        platform.python_version()))
    failed: List[Tuple[str, str]] = []
    skipped = 0
    for name, check in CHECKS:
        hp = session_type()
        try:
            line = check(hp)
        except _Skip as e:
            skipped += 1
            write("skip  %s: %s\n" % (name, e))
            continue
        except Exception as e:
            if debug:
                raise
            reason = "%s: %s" % (type(e).__name__, e)
            failed.append((name, reason))
            write("FAIL  %s: %s\n" % (name, reason))
            continue
        write("ok    %s\n" % line)
    ran = len(CHECKS) - skipped
    extra = ", %d skipped" % skipped if skipped else ""
    if failed:
        write("FAILED (%d of %d checks%s: %s)\n" % (
            len(failed), ran, extra, ", ".join(n for n, _ in failed)))
        raise AssertionError("guppy self-test failed: %s: %s" % failed[0])
    write("OK (%d checks%s)\n" % (ran, extra))
