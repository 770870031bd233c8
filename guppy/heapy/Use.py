"""The session object ``hpy()`` returns: heapy's top-level interface.

    >>> from guppy import hpy
    >>> hp = hpy()
    >>> hp.setrelheap()            # from now on, heap() shows what is new
    >>> data = [float(i) for i in range(3)]
    >>> h = hp.heap()              # IdentitySet of the new objects
"""
from __future__ import annotations

import gc
import sys
import time
from typing import Any, Iterable, Optional, Union

from guppy import _guppy
from guppy.heapy import Doc, Part, SelfTest
from guppy.heapy import Classifiers
from guppy.heapy.Classifiers import Relation as EquivalenceRelation
from guppy.heapy.UniSet import IdentitySet, NothingSet

__all__ = ["Session", "hpy"]

_DEFAULT_REPREFIX = "hpy()."


class Session(_guppy.Hidden):
    """Top level interface to Heapy: ``heap()``, ``iso()``, relations...

    Create one with :func:`guppy.hpy`. The session and everything it makes
    (sets, tables, printers) are invisible to ``heap()``.
    """

    __slots__ = ("_relheap", "_relations", "Nothing", "Anything",
                 "__weakref__",
                 "_relheapu", "_relheapu_time")

    def __init__(self) -> None:
        # name -> relation, and the derived ones (er.dictof, er.refdby)
        # as they are made (Classifiers).
        self._relations = Classifiers.standard_relations(self)
        nothing = NothingSet()
        nothing._er = self._relations["Clodo"]
        nothing._index_base = 0
        nothing._cumul_before = 0
        #: The empty set.
        self.Nothing = nothing
        #: The kind of every object.
        self.Anything = Classifiers.anything(self)
        self._relheap: IdentitySet = nothing
        # Reference point of heapu(): None, an IdentitySet or a Stat.
        self._relheapu: Any = None
        self._relheapu_time = 0.0

    def __repr__(self) -> str:
        return ("Top level interface to Heapy.\n"
                "Use eg: %sdoc for more info on %s." %
                (self.reprefix, self.reprefix[:-1]))

    @property
    def doc(self) -> Doc.DocListing:
        """Help: the session's attributes; hp.doc.<attribute> for one."""
        return Doc.session_doc(self)

    # -- naming ---------------------------------------------------------------

    @property
    def reprefix(self) -> str:
        """The name this session is bound to in __main__, plus '.'
        ('hpy().' if none): the prefix of every repr it makes."""
        main = sys.modules.get("__main__")
        for name, value in list(getattr(main, "__dict__", {}).items()):
            if value is self and isinstance(name, str):
                return name + "."
        return _DEFAULT_REPREFIX

    @property
    def default_reprefix(self) -> str:
        return _DEFAULT_REPREFIX

    # -- relations ------------------------------------------------------------

    def _relation(self, er: Union[str, EquivalenceRelation]
                  ) -> EquivalenceRelation:
        """by()'s argument as a relation: a relation, or names joined by
        '&' ('Type&Size'; '' is Unity)."""
        return Classifiers.relation_by_name(self, er)

    @property
    def Clodo(self) -> EquivalenceRelation:
        """Class or dict owner: the default relation."""
        return self._relations["Clodo"]

    @property
    def Type(self) -> EquivalenceRelation:
        """Classify by type (all dicts in one row)."""
        return self._relations["Type"]

    @property
    def Size(self) -> EquivalenceRelation:
        """Classify by individual size."""
        return self._relations["Size"]

    @property
    def Unity(self) -> EquivalenceRelation:
        """Everything in one class."""
        return self._relations["Unity"]

    @property
    def Module(self) -> EquivalenceRelation:
        """Modules by name; everything else as ~module."""
        return self._relations["Module"]

    @property
    def Id(self) -> EquivalenceRelation:
        """Every object its own class."""
        return self._relations["Id"]

    @property
    def Idset(self) -> EquivalenceRelation:
        """Every object its own class, labelled by its brief."""
        return self._relations["Idset"]

    @property
    def Rcs(self) -> EquivalenceRelation:
        """Classify by the kinds (Clodo) of the referrers: hp.Clodo.refdby.
        hp.Rcs(k1, k2) is the kind 'referred to by exactly k1 and k2'."""
        return self._relations["Rcs"]

    @property
    def Via(self) -> EquivalenceRelation:
        """Classify by the names by which referrers refer to the object.
        hp.Via("['x']", '.a') is the kind of objects referred to so."""
        return self._relations["Via"]

    @property
    def Prod(self) -> EquivalenceRelation:
        """Classify by the line that allocated the object (tracemalloc).
        hp.Prod(filename, lineno), hp.Prod('prefix'), hp.Prod(function)."""
        return self._relations["Prod"]

    def findex(self, *kinds: Any) -> EquivalenceRelation:
        """The relation whose class of an object is the index of the first
        of kinds containing it, or len(kinds) if none does."""
        return Classifiers.findex(self, *kinds)

    def union(self, sets: Iterable[Any]) -> Any:
        """The union of a sequence of kinds and sets (Nothing if empty)."""
        return Classifiers.union(self, sets)

    def sokind(self, *kinds: Any) -> Classifiers.SoKind:
        """The set of the given kinds, all classes of one relation; its
        .refdby is the kind 'referred to by exactly these kinds'."""
        return Classifiers.sokind(self, *kinds)

    @property
    def sonokind(self) -> Classifiers.SoKind:
        """The empty set of kinds: .refdby is 'referred to by nothing'."""
        return Classifiers.sonokind(self)

    def tc_repr(self, t: type) -> str:
        """A type as '<type MODULE.NAME at 0xADDR>' (hp.Type accepts it)."""
        return Classifiers.tc_repr(t)

    def tc_adapt(self, k: Any) -> Any:
        """The type a tc_repr() string names (a type is returned as is)."""
        return Classifiers.tc_adapt(k)

    # -- sets -------------------------------------------------------------

    def _set(self, nodes: _guppy.NodeSet) -> IdentitySet:
        return IdentitySet._make(nodes, self._relations["Clodo"])

    def heap(self) -> IdentitySet:
        """The objects reachable from the roots, minus the reference set of
        setref()/setrelheap(), partitioned by Clodo."""
        nodes = _guppy.heap()
        if self._relheap:
            nodes = nodes._binop(self._relheap, "-")
        return self._set(nodes)

    @property
    def Root(self) -> Any:
        """The root of the heap (guppy.heapy.heapyc.RootStateType): the
        source of x.sp's paths. Its attributes are the roots as paths name
        them: i0_modules, i0_sysdict, ..., i0_t<thread>_<member>, and
        i0_t<thread>_f<n> for frame n of a thread's stack counted from the
        outermost (its frame object, made if it has none yet)."""
        return _guppy.Root

    def iso(self, *objs: Any) -> IdentitySet:
        """The set of the given objects, by identity."""
        return self._set(_guppy.NodeSet(objs))

    def idset(self, iterable: Iterable[Any]) -> IdentitySet:
        """The set of the objects an iterable yields, by identity."""
        if not hasattr(iterable, "__iter__"):
            raise TypeError("idset(): iterable must be iterable, not %s"
                            % type(iterable).__name__)
        return self._set(_guppy.NodeSet(iterable))

    # -- stat files (guppy/heapy/Part.py) -----------------------------------

    #: The class of x.stat and of what load() returns.
    Stat = Part.Stat

    def load(self, fn: Part.Loadable, use_readline: int = 0) -> Part.Stat:
        """Load a Stat written by Stat.dump (or x.dump).

        fn: a file name (its first package), an open file or iterator of
        lines (the next package: successive calls return successive
        samples, StopIteration at the end), or a list of lines.
        use_readline: read with readline(), for pipes.
        Raises FileNotFoundError, or ValueError naming the line for input
        that is not a well-formed package; nothing read is evaluated.
        """
        return Part.load(fn, bool(use_readline))

    def loadall(self, f: Part.Loadable, use_readline: int = 0
                ) -> Part.PackageIterator:
        """An iterator over every Stat in a dump file (a name, an open
        file or lines), one package in memory at a time; it ends cleanly
        at the end of the input."""
        return Part.loadall(f, bool(use_readline))

    def setrelheap(self, reference: Optional[IdentitySet] = None) -> None:
        """Make later heap() calls show only objects not in reference
        (default: the current heap). The reference keeps its objects alive
        until replaced (hp.setrelheap(hp.Nothing) resets)."""
        if reference is None:
            self._relheap = self._set(_guppy.heap())
        elif isinstance(reference, IdentitySet):
            self._relheap = reference
        else:
            raise TypeError("setrelheap(): reference must be an "
                            "IdentitySet, not %s" % type(reference).__name__)

    def setref(self, reachable: Optional[IdentitySet] = None,
               unreachable: Optional[Any] = None) -> None:
        """Set the reference points of heap() and heapu().

        With no argument, both are set to now: later heap() calls show
        only what became reachable since, and later heapu() calls show the
        change in counts and sizes of the unreachable objects. With
        arguments, only the given ones are set (see setrelheap() and
        setrelheapu())."""
        if reachable is None and unreachable is None:
            self.setrelheap()
            self.setrelheapu()
            return
        if reachable is not None:
            self.setrelheap(reachable)
        if unreachable is not None:
            self.setrelheapu(unreachable)

    def test(self, debug: bool = False) -> None:
        """Run a quick self-check of guppy-c and print one line per check
        and a verdict; raise AssertionError if a check fails.

        debug: if true, the first failure propagates as raised (for
        pdb.pm()) instead of being reported.
        """
        SelfTest.run(type(self), debug)

    def heapu(self, rma: int = 1, abs: int = 0, stat: int = 1) -> Any:
        """The objects alive but not reachable from the roots, by Type.

        Every object the collector tracks that no chain of references
        from the roots reaches, and everything those reach that the roots
        do not: objects kept alive by C code (caches of extension modules,
        leaked references). Garbage is collected twice first, as guppy3
        does, when there is cyclic garbage among them (otherwise
        collecting would change nothing). The profiler's own objects are
        left out; objects a set or the session holds count as reachable.

        rma: if false, reachable objects are not removed (the result is
        then every tracked object and what it reaches).
        abs: if true, ignore the reference point of setrelheapu().
        stat: if true (default), return the Stat of the set, relative to
        the reference point unless abs; if false, the IdentitySet itself
        (minus the reference point when that is a set).
        """
        nodes = _guppy.heapu(bool(rma), False)
        if nodes is None:
            # Cyclic garbage is among them: collect it, then look again.
            gc.collect()
            gc.collect()
            nodes = _guppy.heapu(bool(rma), True)
        h = IdentitySet._make(nodes, self.Type)
        ref = None if abs else self._relheapu
        if ref and isinstance(ref, IdentitySet):
            h = h - ref
        if not stat:
            return h
        # By Type even when empty (hp.Nothing is by Clodo): an empty
        # result must still subtract from a Type reference.
        st = h._stat(self.Type.code, Part.Stat)
        if ref and not isinstance(ref, IdentitySet):
            st = st - ref
        header = "Data from unreachable objects"
        if ref:
            header += " relative to: %s" % time.ctime(self._relheapu_time)
        st.firstheader = header + ".\n"
        return st

    def setrelheapu(self, reference: Optional[Any] = None,
                    stat: int = 1) -> None:
        """Set the reference point of heapu(): later calls report the
        difference from it.

        reference: a Stat or an IdentitySet; default: the current
        unreachable objects (absolute). With stat true (default), a set is
        stored as its Stat, which holds no objects; with stat false, a
        set is stored as is, holds its objects alive, and heapu()
        subtracts it by identity.
        """
        if reference is None:
            self._relheapu = None
            # Positional: on 3.10 a keyword call makes a bound method that
            # only this frame's value stack holds, which heapu would report.
            reference = self.heapu(1, 1, stat)
        if stat and isinstance(reference, IdentitySet):
            reference = reference.stat
        if isinstance(reference, Part.Stat):
            self._relheapu_time = reference.timemade
        elif isinstance(reference, IdentitySet):
            self._relheapu_time = time.time()
        else:
            raise TypeError("setrelheapu(): reference must be a Stat or an "
                            "IdentitySet, not %s" % type(reference).__name__)
        self._relheapu = reference


def hpy() -> Session:
    """A new heapy session."""
    return Session()


for _mod in (__name__, "guppy.heapy.UniSet", "guppy.heapy.OutputHandling",
             "guppy.heapy.Classifiers",
             "guppy.heapy.Doc", "guppy.heapy.Part", "guppy.heapy.Retained",
             "guppy.heapy.Path", "guppy.heapy.RefPat", "guppy"):
    _guppy.register_own_globals(sys.modules[_mod].__dict__)
