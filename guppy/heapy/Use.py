"""The session object ``hpy()`` returns: heapy's top-level interface.

    >>> from guppy import hpy
    >>> hp = hpy()
    >>> hp.setrelheap()            # from now on, heap() shows what is new
    >>> data = [float(i) for i in range(3)]
    >>> h = hp.heap()              # IdentitySet of the new objects
"""
from __future__ import annotations

import sys
from typing import Any, Iterable, Optional, Union

from guppy import _guppy
from guppy.heapy.UniSet import (
    RELATIONS, EquivalenceRelation, IdentitySet, NothingSet)

__all__ = ["Session", "hpy"]

_DEFAULT_REPREFIX = "hpy()."


class Session(_guppy.Hidden):
    """Top level interface to Heapy: ``heap()``, ``iso()``, relations...

    Create one with :func:`guppy.hpy`. The session and everything it makes
    (sets, tables, printers) are invisible to ``heap()``.
    """

    __slots__ = ("_relheap", "_relations", "Nothing", "__weakref__")

    def __init__(self) -> None:
        self._relations = {name: EquivalenceRelation(name, code, self)
                           for name, code in RELATIONS.items()}
        nothing = NothingSet()
        nothing._er = self._relations["Clodo"]
        nothing._index_base = 0
        nothing._cumul_before = 0
        #: The empty set.
        self.Nothing = nothing
        self._relheap: IdentitySet = nothing

    def __repr__(self) -> str:
        return ("Top level interface to Heapy.\n"
                "Use eg: %sdoc for more info on %s." %
                (self.reprefix, self.reprefix[:-1]))

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
        if isinstance(er, EquivalenceRelation):
            return er
        if isinstance(er, str):
            name = er if er else "Unity"
            rel = self._relations.get(name)
            if rel is None:
                raise ValueError("by(): No such equivalence relation defined "
                                 "in heapy.Use: %r" % (er,))
            return rel
        raise TypeError("by(): expected an equivalence relation or its "
                        "name, not %s" % type(er).__name__)

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

    def iso(self, *objs: Any) -> IdentitySet:
        """The set of the given objects, by identity."""
        return self._set(_guppy.NodeSet(objs))

    def idset(self, iterable: Iterable[Any]) -> IdentitySet:
        """The set of the objects an iterable yields, by identity."""
        return self._set(_guppy.NodeSet(iterable))

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
        """Set the reference point of heap(): later heaps show only what
        became reachable since."""
        self.setrelheap(reachable)


def hpy() -> Session:
    """A new heapy session."""
    return Session()


for _mod in (__name__, "guppy.heapy.UniSet", "guppy.heapy.OutputHandling",
             "guppy"):
    _guppy.register_own_globals(sys.modules[_mod].__dict__)
