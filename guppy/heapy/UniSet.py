"""Identity sets (heapy's IdentitySet) and equivalence relations.

An IdentitySet is a set of objects compared by identity, with an
equivalence relation (``er``, Clodo by default) that decides how it prints
and how ``len()`` and indexing see it: as the rows of its partition. The
members live in the C engine (``guppy._guppy.NodeSet``); this module only
adds the relation and heapy's spelling of each operation.
"""
from __future__ import annotations

from typing import Any, Iterator, Union, overload

from guppy import _guppy
from guppy.heapy import Doc
from guppy.heapy.OutputHandling import MAX_MORE_LINES, AllPrinter, MorePrinter
from guppy.heapy.Part import Stat

__all__ = [
    "IdentitySet", "IdentitySetMulti",
    "IdentitySetSingleton", "RELATIONS",
]

#: Longest brief, as heapy cuts them.
MAX_SUMMARY_LENGTH = 80


#: Relation name -> engine code (classify.h, GyBy).
RELATIONS = {
    "Clodo": 1, "Type": 2, "Size": 3, "Unity": 4, "Module": 5, "Id": 6,
    "Idset": 7, "Rcs": 8, "Via": 9, "Prod": 10,
}
_CODE_ID = RELATIONS["Id"]


def _is_set(x: object) -> bool:
    return isinstance(x, IdentitySet)


class IdentitySet(_guppy.NodeSet):
    """A set of objects by identity, printed as a partition table.

    ``count`` and ``size`` are its totals, ``len(x)`` its number of rows,
    ``x[i]`` a row, ``x.bytype`` (and the other ``by...``) the same objects
    under another relation.

    >>> from guppy import hpy
    >>> hp = hpy()
    >>> print(hp.iso(1.5, 2.5).bytype)
    Partition of a set of 2 objects. Total size = 48 bytes.
     Index  Count   %     Size   % Cumulative  % Type
         0      2 100       48 100        48 100 float
    """

    __slots__ = ("_er", "_index_base", "_cumul_before")

    # -- construction -----------------------------------------------------

    @staticmethod
    def _make(nodes: _guppy.NodeSet, er: _kinds.Relation,
              index_base: int = 0, cumul_before: int = 0) -> "IdentitySet":
        """Wrap engine nodes as a set of the right class for its size."""
        count = nodes.count
        if count == 0:
            return er._session.Nothing
        cls = IdentitySetSingleton if count == 1 else IdentitySetMulti
        s = cls._from_nodes(nodes)
        s._er = er
        s._index_base = index_base
        s._cumul_before = cumul_before
        return s

    @classmethod
    def _from_nodes(cls, nodes: _guppy.NodeSet) -> "IdentitySet":
        return cls(nodes)   # shares the members' array: no copy

    # -- totals and members ------------------------------------------------

    @property
    def er(self) -> _kinds.Relation:
        """The equivalence relation the set is partitioned by."""
        return self._er

    @property
    def indisize(self) -> int:
        """Total individual size, as ``size``."""
        return self.size

    @property
    def nodes(self) -> _guppy.NodeSet:
        """The members, iterable in address order."""
        return _guppy.NodeSet(self)

    @property
    def theone(self) -> Any:
        """The only member; ValueError unless the set has exactly one."""
        if self.count != 1:
            raise ValueError("theone requires a singleton set")
        for x in _guppy.NodeSet.__iter__(self):
            return x
        raise AssertionError("unreachable")

    # -- partition ----------------------------------------------------------

    def __len__(self) -> int:
        return self._numrows(self._er.code)

    def __iter__(self) -> Iterator[Any]:
        raise TypeError("iteration over non-sequence")

    def __contains__(self, item: object) -> bool:
        return _guppy.NodeSet.__contains__(self, item)

    def __bool__(self) -> bool:
        return self.count != 0

    @overload
    def __getitem__(self, idx: int) -> "IdentitySet": ...
    @overload
    def __getitem__(self, idx: slice) -> "IdentitySet": ...

    def __getitem__(self, idx: Union[int, slice]) -> "IdentitySet":
        code = self._er.code
        n = self._numrows(code)
        if isinstance(idx, slice):
            start, stop, step = idx.indices(n)
            if step <= 0:
                raise ValueError("slice step must be positive")
            rows = tuple(range(start, stop, step))
            return IdentitySet._make(self._rowsel(code, rows), self._er)
        if not isinstance(idx, int):
            raise TypeError("set indices must be integers or slices, not %s"
                            % type(idx).__name__)
        i = idx + n if idx < 0 else idx
        if not 0 <= i < n:
            raise IndexError("Partition index out of range.")
        nodes, before = self._row(code, i)
        if code == _CODE_ID:
            return IdentitySet._make(nodes, self._er)
        return IdentitySet._make(nodes, self._er, self._index_base + i,
                                 self._cumul_before + before)

    @property
    def parts(self) -> list:
        """The rows of the table, each as a set, in table order."""
        return [self[i] for i in range(len(self))]

    def by(self, er: Union[str, _kinds.Relation]) -> "IdentitySet":
        """The same objects, partitioned by another relation."""
        er = self._er._session._relation(er)
        if er == self._er:
            return self
        return IdentitySet._make(self, er)

    @property
    def byclodo(self) -> "IdentitySet":
        """A copy of self, with 'Clodo' as the equivalence relation."""
        return self.by("Clodo")

    @property
    def bytype(self) -> "IdentitySet":
        """A copy of self, with 'Type' as the equivalence relation."""
        return self.by("Type")

    @property
    def bysize(self) -> "IdentitySet":
        """A copy of self, with 'Size' as the equivalence relation."""
        return self.by("Size")

    @property
    def byunity(self) -> "IdentitySet":
        """A copy of self, with 'Unity' as the equivalence relation."""
        return self.by("Unity")

    @property
    def bymodule(self) -> "IdentitySet":
        """A copy of self, with 'Module' as the equivalence relation."""
        return self.by("Module")

    @property
    def byid(self) -> "IdentitySet":
        """A copy of self, with 'Id' as the equivalence relation."""
        return self.by("Id")

    @property
    def byidset(self) -> "IdentitySet":
        """A copy of self, with 'Idset' as the equivalence relation."""
        return self.by("Idset")

    @property
    def byrcs(self) -> "IdentitySet":
        """A copy of self, with 'Rcs' (the kinds of each object's
        referrers) as the equivalence relation."""
        return self.by("Rcs")

    @property
    def byvia(self) -> "IdentitySet":
        """A copy of self, with 'Via' (the names each object is referred
        to by) as the equivalence relation."""
        return self.by("Via")

    @property
    def byprod(self) -> "IdentitySet":
        """A copy of self, with 'Prod' (the line that allocated each
        object, from tracemalloc) as the equivalence relation."""
        return self.by("Prod")

    # -- the reference graph ---------------------------------------------

    @property
    def referrers(self) -> "IdentitySet":
        """The objects in the heap that refer to any member, found in a
        reference graph of the whole heap built for this call."""
        return IdentitySet._make(self._referrers(),
                                 self._er._session._relations["Clodo"])

    @property
    def referents(self) -> "IdentitySet":
        """The objects any member refers to."""
        return IdentitySet._make(self._referents(),
                                 self._er._session._relations["Clodo"])

    @property
    def referrers_gc(self) -> "IdentitySet":
        """The referrers as gc.get_referrers finds them (gc-tracked
        objects only), minus the members themselves."""
        import gc
        import os
        import types
        here = os.path.dirname(os.path.dirname(__file__))
        found = _guppy.NodeSet(
            o for o in gc.get_referrers(*_guppy.NodeSet.__iter__(self))
            if not isinstance(o, _guppy.Hidden)
            and not (isinstance(o, types.FrameType)
                     and o.f_code.co_filename.startswith(here)))
        found = found._binop(self, "-")
        return IdentitySet._make(found, self._er._session._relations["Clodo"])

    @property
    def owners(self) -> "IdentitySet":
        """For the dicts among the members, the objects whose __dict__
        they are."""
        return IdentitySet._make(self._owners(),
                                 self._er._session._relations["Clodo"])

    # -- shortest paths (guppy/heapy/Path.py) ---------------------------------

    def get_shpaths(self, src: Any = None, avoid_nodes: Any = None,
                    avoid_edges: Any = ()) -> _paths.ShortestPaths:
        """The shortest paths from src (an IdentitySet; default: the
        root, hp.Root) to the members of self nearest it, never through a
        member of avoid_nodes nor along an edge of avoid_edges (an EdgeSet
        from sp.edges_at(), or (source, target) pairs). TypeError names a
        bad argument."""
        return _paths.shpaths(self, src, avoid_nodes, avoid_edges)

    @property
    def sp(self) -> _paths.ShortestPaths:
        """The shortest paths from the root: x.get_shpaths()."""
        return _paths.shpaths(self)

    @property
    def shpaths(self) -> _paths.ShortestPaths:
        """The shortest paths from the root: x.get_shpaths()."""
        return _paths.shpaths(self)

    @property
    def pathsin(self) -> _paths.ShortestPaths:
        """The one-step paths from each direct referrer:
        x.get_shpaths(x.referrers)."""
        return _paths.shpaths(self, self.referrers)

    @property
    def pathsout(self) -> _paths.ShortestPaths:
        """The one-step paths to each referent:
        x.referents.get_shpaths(x)."""
        return _paths.shpaths(self.referents, self)

    # -- reference patterns (guppy/heapy/RefPat.py) ---------------------------

    def get_rp(self, depth: Any = None, er: Any = None, imdom: Any = 0,
               bf: Any = 0, src: Any = None, stopkind: Any = None,
               nocyc: Any = False, ref: Any = None) -> Any:
        """The reference pattern of self: a tree of its referrers (the
        immediate dominators with imdom=1; ref='gc'/'gcx' for
        gc.get_referrers, or a callable set -> set) partitioned by er
        (default Clodo), depth first to depth (default 7). Sets already
        shown, or inside stopkind (default: modules, types, their dicts,
        code, frames), are not expanded; nocyc drops ancestors' members.
        bf is accepted and ignored, as in guppy3."""
        return _RefPat.get_rp(self, depth, er, imdom, bf, src, stopkind,
                             nocyc, ref)

    @property
    def rp(self) -> Any:
        """The reference pattern of self: x.get_rp()."""
        return _RefPat.get_rp(self)

    # -- dominators (src/dominators.c, guppy/heapy/Retained.py) ---------------

    @property
    def dominos(self) -> "IdentitySet":
        """The objects that would be freed if the members were: the members
        and everything reachable from them that the roots cannot reach
        without passing through a member (heapy's "dominated set").

        >>> from guppy import hpy
        >>> hp = hpy()
        >>> inner = [None]
        >>> outer = [inner, [None]]
        >>> hp.iso(outer).dominos.count     # outer and [None]; inner is global
        2
        """
        return IdentitySet._make(self._dominos(),
                                 self._er._session._relations["Clodo"])

    @property
    def domisize(self) -> int:
        """The total individual size of ``dominos``: the bytes freeing the
        members would give back."""
        return self._domisize()

    @property
    def imdom(self) -> "IdentitySet":
        """The immediate dominators: the referrers of the members that the
        roots reach without passing through another referrer (found in a
        reference graph of the whole heap built for this call)."""
        return IdentitySet._make(self._imdom(),
                                 self._er._session._relations["Clodo"])

    @property
    def retained(self) -> _Retained.RetainedTable:
        """The members ordered by the size each retains (keeps alive on its
        own) in the whole heap, largest first: the heap's biggest owners
        when printed for ``hp.heap()``. ``x.retained.bytype`` (and the
        other ``by...``) groups the members instead; docs/retained.md."""
        return _Retained.RetainedTable(
            self, self._er._session._relations["Id"])

    # -- printing ------------------------------------------------------------

    def _render(self, start: int, maxrows: int, title: bool) -> str:
        return self._table(self._er.code, start, maxrows, title,
                           self._index_base, self._cumul_before)

    def __repr__(self) -> str:
        return self._render(0, MAX_MORE_LINES, True)

    __str__ = __repr__

    @property
    def more(self) -> MorePrinter:
        """The rows after the first ten: ``x.more``, ``x.more.more``, ..."""
        return MorePrinter(self, MAX_MORE_LINES, self, self._render)

    @property
    def all(self) -> AllPrinter:
        """Every row of the table."""
        return AllPrinter(self, self._render)

    @property
    def brief(self) -> str:
        """A one-line summary: ``<count kind: items>``, at most 80 long.

        The set is grouped by its relation; groups are taken in the order
        of their kind objects' addresses, and each group's members in
        address order, until the line is full.
        """
        code = self._er.code
        if code in (RELATIONS["Id"], RELATIONS["Idset"]):
            code = RELATIONS["Clodo"]
        labels = _kinds.brief_labels(self, code)
        groups = []
        for i in range(len(labels)):
            row, _ = self._row(code, i)
            _, _, key = row._member_brief(0)
            groups.append((key, labels[i], row))
        groups.sort(key=lambda g: g[0])
        if len(groups) == 1:
            kind = groups[0][1]
        else:
            kind = "(%s)" % " | ".join(sorted(g[1] for g in groups))
        s = "<%d %s: " % (self.count, kind)
        used = len(s)
        parts = []
        for _, label, row in groups:
            text = _brief_items(row, MAX_SUMMARY_LENGTH - used)
            if len(groups) > 1:
                text = "<%d %s: %s>" % (row.count, label, text)
            parts.append(text)
            used += len(text) + 3
            if used > MAX_SUMMARY_LENGTH:
                break
        if len(parts) > 1:
            parts.sort(key=lambda t: t[t.index(" "):])
        s += " | ".join(parts) + ">"
        if len(s) > MAX_SUMMARY_LENGTH:
            s = s[:MAX_SUMMARY_LENGTH - 4] + "...>"
        return s

    # -- algebra -------------------------------------------------------------

    def _coerce(self, other: object,
                what: str = "the other operand") -> Any:
        """other as a set or a kind (a type becomes hp.Type(other));
        TypeError naming it as what otherwise."""
        if _is_set(other):
            return other
        return _kinds.as_uniset(self, other, what)

    def _binop_set(self, other: object, op: str) -> Any:
        o = self._coerce(other)
        if not _is_set(o):
            return _kinds.set_op(self, o, op)   # with a kind (Classifiers)
        return IdentitySet._make(self._binop(o, op), self._er)

    def __invert__(self) -> Any:
        """The kind of every object not in self."""
        return _kinds.invert(self)

    # -- kinds (guppy/heapy/Classifiers.py) ---------------------------------

    @property
    def kind(self) -> Any:
        """The union of the classes of the members under er, e.g.
        (int | str)."""
        return _kinds.set_kind(self)

    @property
    def dictof(self) -> Any:
        """The kind of the dicts owned by members of self."""
        return _kinds.set_dictof(self)

    @property
    def biper(self) -> Any:
        """The relation with two classes: 0, in self; 1, not in self."""
        return _kinds.set_biper(self)

    @property
    def maprox(self) -> Any:
        """x.maprox.attr, x.maprox[key]: the set of the members'
        attribute or item values (members without one are skipped)."""
        return _kinds.MappingProxy(self)

    def get_ckc(self) -> Any:
        """(hp.Idset, self.nodes, '<='): how membership is tested."""
        return _kinds.set_ckc(self)

    def get_render(self) -> Any:
        """A function rendering one member as byid tables do."""
        return _kinds.get_render()

    def __and__(self, other: object) -> "IdentitySet":
        return self._binop_set(other, "&")

    def __or__(self, other: object) -> "IdentitySet":
        return self._binop_set(other, "|")

    def __sub__(self, other: object) -> "IdentitySet":
        return self._binop_set(other, "-")

    def __xor__(self, other: object) -> "IdentitySet":
        return self._binop_set(other, "^")

    def __rand__(self, other: object) -> "IdentitySet":
        return self._coerce(other) & self

    def __ror__(self, other: object) -> "IdentitySet":
        return self._coerce(other) | self

    def __rsub__(self, other: object) -> "IdentitySet":
        return self._coerce(other) - self

    def __rxor__(self, other: object) -> "IdentitySet":
        return self._coerce(other) ^ self

    def __hash__(self) -> int:
        return _guppy.NodeSet.__hash__(self)

    # Comparisons with a plain type compare with hp.Type(type), as the
    # other operators do; with sets and kinds they are the engine's.
    def __le__(self, other: object) -> Any:
        if isinstance(other, type):
            return self <= self._coerce(other)
        return _guppy.NodeSet.__le__(self, other)

    def __lt__(self, other: object) -> Any:
        if isinstance(other, type):
            return self < self._coerce(other)
        return _guppy.NodeSet.__lt__(self, other)

    def __ge__(self, other: object) -> Any:
        if isinstance(other, type):
            return self >= self._coerce(other)
        return _guppy.NodeSet.__ge__(self, other)

    def __gt__(self, other: object) -> Any:
        if isinstance(other, type):
            return self > self._coerce(other)
        return _guppy.NodeSet.__gt__(self, other)

    def disjoint(self, other: "IdentitySet") -> bool:
        """True if self and other have no object in common."""
        return not (self & self._coerce(other, "disjoint(): other"))

    # -- statistics (guppy/heapy/Part.py) -------------------------------------

    @property
    def stat(self) -> Stat:
        """The table as a Stat: counts, sizes and labels, with no
        reference to the objects."""
        return self._stat(self._er.code, Stat)

    def diff(self, other: "IdentitySet") -> Stat:
        """self.stat - other.by(self.er).stat: what changed, by kind."""
        if not isinstance(other, IdentitySet):
            raise TypeError("diff(): other must be an IdentitySet, not %s"
                            % type(other).__name__)
        return self.stat - other.by(self._er).stat

    def dump(self, fn: Any, mode: str = "a") -> None:
        """Append the Stat of self to a file: self.stat.dump(fn, mode)."""
        self.stat.dump(fn, mode)

    @property
    def doc(self) -> Doc.DocListing:
        """Help: the attributes of sets; x.doc.<attribute> for one."""
        return Doc.set_doc(self)


def _brief_items(row: _guppy.NodeSet, room: int) -> str:
    """Renderings of row's members in address order while they fit in
    room (the last one taken marked '...'), then sorted as strings."""
    taken: list = []
    used = 0
    for i in range(row.count):
        r = row._member_brief(i)[1]
        if used and used + len(r) + 2 >= room:
            taken[-1] += "..."
            break
        used += len(r) + 2
        taken.append(r)
    taken.sort()
    return ", ".join(taken)


class IdentitySetMulti(IdentitySet):
    """An IdentitySet of zero or several objects."""

    __slots__ = ()


class IdentitySetSingleton(IdentitySet):
    """An IdentitySet of exactly one object."""

    __slots__ = ()


class NothingSet(IdentitySetMulti):
    """The empty set, ``hp.Nothing``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "%sNothing" % self._er._session.reprefix

    def __str__(self) -> str:
        return "<Nothing>"

    @property
    def brief(self) -> str:
        return "<Nothing>"

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def by(self, er: Union[str, _kinds.Relation]) -> "IdentitySet":
        self._er._session._relation(er)
        return self

    @property
    def more(self) -> MorePrinter:
        return MorePrinter(self, 0, self, lambda *a: "")


NothingSet.__name__ = "IdentitySetMulti"
NothingSet.__qualname__ = "IdentitySetMulti"


# Kinds use sets and sets use kinds: imported last, as a module, so that
# either module may be imported first.
from guppy.heapy import Classifiers as _kinds  # noqa: E402
from guppy.heapy import Path as _paths  # noqa: E402
from guppy.heapy import Retained as _Retained  # noqa: E402
from guppy.heapy import RefPat as _RefPat  # noqa: E402
