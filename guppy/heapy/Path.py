"""Shortest paths to a set: ``x.sp``, ``x.get_shpaths()``, ``x.pathsin``,
``x.pathsout``, and the Path objects they list.

The engine (``guppy._guppy.PathGraph``, src/paths.c) finds the paths and
keeps the graph of them; this module names the source, pages the lines
and wraps single paths, edges and levels as Python objects.

    >>> from guppy import hpy
    >>> hp = hpy()
    >>> box = {'inner': [1.5]}
    >>> print(hp.iso(box['inner']).get_shpaths(hp.iso(box)))
     0: Src['inner']
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator, List, Optional, Tuple, Union

from guppy import _guppy
from guppy.heapy.UniSet import IdentitySet

__all__ = ["ShortestPaths", "Path", "PathStep", "EdgeSet", "shpaths"]

#: Paths a printed ShortestPaths shows before its "<... N more paths ...>".
MAX_PATHS = 10

_ROOT, _ONE, _MANY = "root", "one", "many"
_INSET = 9          # relate.h GY_REL_INSET: list(<source>)[i]


def _id_order(session: Any, objs: List[Any]) -> List[int]:
    """Positions of objs in the order of their byid table."""
    pos = {id(o): i for i, o in enumerate(objs)}
    s = session.idset(objs)
    ordered = s._row_keys(session.Id.code)
    return [pos[id(o)] for o in ordered]


class PathStep(_guppy.Hidden):
    """One step of a path: how an object refers to the next.

    ``kind`` is heapy's relation code (1 attribute, 2 item, 3 key
    position, 4 internal pointer, 6 frame variable, 7 cell, 9 set member,
    10 root member, 0 a stack frame's own frame object, -1 no name), ``r``
    the name, key or index; ``str()`` is the step with ``%s`` for what it
    starts from (``'%s.a'``, ``"%s['k']"``, ``'list(%s)[0]'``).
    """

    __slots__ = ("kind", "r", "_text")

    def __init__(self, kind: int, r: Any, text: str) -> None:
        self.kind = kind
        self.r = r
        self._text = text

    def __str__(self) -> str:
        if self.kind == _INSET:
            return "list(%s" + self._text
        return "%s" + self._text

    def __repr__(self) -> str:
        return "<guppy.heapy.Path.PathStep %r>" % str(self)


class Path(_guppy.Hidden):
    """One shortest path, as ``sp[i]`` gives it.

    ``str(p)`` is the path with ``%s`` for its source
    (``"%s.i0_modules['__main__'].__dict__['x']"``), ``repr(p)`` that
    string quoted, ``len(p)`` its number of steps; ``p.src`` and ``p.tgt``
    are one-object sets, ``p.path`` the sets and steps in turn.
    """

    __slots__ = ("index", "srcname", "_session", "_npre", "_post",
                 "_nodes", "_steps")

    def __init__(self, session: Any, index: int, srcname: str, npre: int,
                 post: str, nodes: Tuple[Any, ...],
                 steps: Tuple[Tuple[int, Any, str], ...]) -> None:
        self.index = index
        self.srcname = srcname
        self._session = session
        self._npre = npre
        self._post = post
        self._nodes = nodes
        self._steps = steps

    def _set(self, obj: Any) -> IdentitySet:
        # A stack frame that has returned since is shown as Nothing.
        if obj is None:
            return self._session.Nothing
        return self._session.iso(obj)

    @property
    def src(self) -> IdentitySet:
        """The source, as a one-object set."""
        return self._set(self._nodes[0])

    @property
    def tgt(self) -> IdentitySet:
        """The target reached, as a one-object set."""
        return self._set(self._nodes[-1])

    @property
    def path(self) -> List[Any]:
        """[source set, step, set, step, ..., target set]."""
        out: List[Any] = [self._set(self._nodes[0])]
        for (kind, r, text), node in zip(self._steps, self._nodes[1:]):
            out.append(PathStep(kind, r, text))
            out.append(self._set(node))
        return out

    def types(self) -> List[type]:
        """The type of each element of ``path``."""
        return [type(x) for x in self.path]

    def __len__(self) -> int:
        return len(self._steps)

    def __str__(self) -> str:
        return "list(" * self._npre + "%s" + self._post

    def __repr__(self) -> str:
        return repr(str(self))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Path) and str(self) == str(other)

    def __lt__(self, other: "Path") -> bool:
        return str(self) < str(other)

    def __hash__(self) -> int:
        return hash(str(self))


class EdgeSet(_guppy.Hidden):
    """The edges of a ShortestPaths at some levels (``sp.edges_at(0)``),
    usable as ``avoid_edges``; iterating gives (source, target) pairs."""

    __slots__ = ("_pg", "_levels")

    def __init__(self, pg: Any, levels: Tuple[int, ...]) -> None:
        self._pg = pg
        self._levels = levels

    def _items(self) -> List[Tuple[Any, int]]:
        return [(self._pg, k) for k in self._levels]

    def __iter__(self) -> Iterator[Tuple[Any, Any]]:
        for k in self._levels:
            yield from self._pg._edges(k)

    def __len__(self) -> int:
        return sum(len(self._pg._edges(k)) for k in self._levels)

    def __repr__(self) -> str:
        return "<guppy.heapy.Path.EdgeSet: %d edges at levels %s>" % (
            len(self), ", ".join(map(str, self._levels)) or "none")


AvoidEdges = Union[EdgeSet, Iterable[Tuple[Any, Any]]]


def _edge_items(avoid_edges: Any) -> List[Any]:
    """avoid_edges as the engine takes it; TypeError naming it."""
    if isinstance(avoid_edges, EdgeSet):
        return avoid_edges._items()
    if isinstance(avoid_edges, (str, bytes)) or avoid_edges is None:
        raise TypeError("avoid_edges must be an EdgeSet or an iterable of "
                        "(source, target) pairs, not %s"
                        % type(avoid_edges).__name__)
    try:
        items = list(avoid_edges)
    except TypeError:
        raise TypeError("avoid_edges must be an EdgeSet or an iterable of "
                        "(source, target) pairs, not %s"
                        % type(avoid_edges).__name__) from None
    out: List[Any] = []
    for item in items:
        if isinstance(item, EdgeSet):
            out.extend(item._items())
        elif isinstance(item, tuple) and len(item) == 2:
            out.append(item)
        else:
            raise TypeError("avoid_edges: each edge must be a (source, "
                            "target) pair, not %s" % type(item).__name__)
    return out


class ShortestPaths(_guppy.Hidden):
    """The shortest paths from a source (the root by default) to the
    nearest members of a set, printed one per line.

    ``numpaths`` counts them, ``sp[i]`` is one (a Path), ``sp.more`` the
    next page, ``sp.all`` every line; ``Src``, ``Dst`` and ``sets`` are
    the sources used, the targets reached and the objects at each level;
    ``edges_at(*levels)`` and ``avoided(*levels)`` look for other paths.
    """

    __slots__ = ("_pg", "_session", "_srcmode", "_rootname",
                 "_srcnames", "_src_er", "_avoid_nodes", "_avoid_edges",
                 "_maxpaths", "__weakref__")

    def __init__(self, session: Any, pg: Any, srcmode: str, src_er: Any,
                 avoid_nodes: Optional[IdentitySet],
                 avoid_edges: List[Any]) -> None:
        self._pg = pg
        self._session = session
        self._srcmode = srcmode
        # heapy names the root when the search is made.
        self._rootname = ("%sRoot" % session.reprefix
                          if srcmode == _ROOT else "")
        self._srcnames: dict = {}
        self._src_er = src_er
        self._avoid_nodes = avoid_nodes
        self._avoid_edges = avoid_edges
        self._maxpaths = MAX_PATHS
        sources = pg._level(0) if pg.depth else []
        if len(sources) > 1:
            pg._order_sources(_id_order(session, sources))

    # -- counts and levels --------------------------------------------------

    @property
    def numpaths(self) -> int:
        """The number of shortest paths (an int of any size)."""
        return int(self._pg.numpaths)

    @property
    def depth(self) -> int:
        """The number of steps in each path (0 if there is none)."""
        return int(self._pg.depth)

    @property
    def maxpaths(self) -> int:
        """Paths shown per page (default 10)."""
        return self._maxpaths

    @maxpaths.setter
    def maxpaths(self, value: int) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError("maxpaths must be an int, not %s"
                            % type(value).__name__)
        if value < 0:
            raise ValueError("maxpaths must be >= 0, not %d" % value)
        self._maxpaths = value

    def _level_set(self, k: int) -> IdentitySet:
        return self._session.idset(self._pg._level(k))

    @property
    def Src(self) -> IdentitySet:
        """The sources some path starts from."""
        if not self.depth:
            return self._session.Nothing
        return self._level_set(0)

    @property
    def Dst(self) -> IdentitySet:
        """The targets reached: the members of the set nearest the
        sources."""
        if not self.depth:
            return self._session.Nothing
        return self._level_set(self.depth)

    @property
    def sets(self) -> Tuple[IdentitySet, ...]:
        """The objects on the paths, level by level, sources first."""
        if not self.depth:
            return ()
        return tuple(self._level_set(k) for k in range(self.depth + 1))

    @property
    def edges(self) -> Tuple[EdgeSet, ...]:
        """The edges between consecutive levels, one EdgeSet per level."""
        return tuple(EdgeSet(self._pg, (k,)) for k in range(self.depth))

    def edges_at(self, *levels: int) -> EdgeSet:
        """The edges from the given levels to the next (0: the edges out
        of the sources); IndexError for a level without edges."""
        for k in levels:
            if not isinstance(k, int) or isinstance(k, bool):
                raise TypeError("levels must be ints, not %s"
                                % type(k).__name__)
            if not -self.depth <= k < self.depth:
                raise IndexError("level %d out of range" % k)
        return EdgeSet(self._pg, tuple(k % self.depth for k in levels))

    def avoided(self, *levels: int) -> "ShortestPaths":
        """The shortest paths from the same sources to the targets reached,
        avoiding the edges used at the given levels (and everything
        avoided so far)."""
        avoid = self._avoid_edges + self.edges_at(*levels)._items()
        src = None if self._srcmode == _ROOT else self.Src
        return _shpaths(self._session, self.Dst, src, self._avoid_nodes,
                        avoid, self._src_er)

    copy_but_avoid_edges_at_levels = avoided

    # -- single paths ---------------------------------------------------------

    def _srcname(self, pos: int) -> str:
        if self._srcmode == _ROOT:
            return self._rootname
        if self._srcmode == _ONE:
            return "Src"
        name = self._srcnames.get(pos)
        if name is None:
            obj = self._pg._sources()[pos]
            one = IdentitySet._make(_guppy.NodeSet((obj,)), self._src_er)
            name = self._srcnames[pos] = one.brief
        return name

    def _path(self, index: int) -> Path:
        srcpos, npre, post, nodes, steps = self._pg._path(index)
        return Path(self._session, index, self._srcname(srcpos), npre, post,
                    nodes, steps)

    def __getitem__(self, index: int) -> Path:
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError("path indices must be integers, not %s"
                            % type(index).__name__)
        n = self.numpaths
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("path index out of range")
        return self._path(index)

    def iter(self, start: int = 0, stop: Optional[int] = None
             ) -> Iterator[Path]:
        """The paths from number start (negative: from the end) up to
        stop."""
        for name, value in (("start", start), ("stop", stop)):
            if value is not None and not isinstance(value, int):
                raise TypeError("iter(): %s must be an int, not %s"
                                % (name, type(value).__name__))
        n = self.numpaths
        if start < 0:
            start += n
        if stop is None or stop > n:
            stop = n
        for i in range(max(start, 0), stop):
            yield self._path(i)

    def __iter__(self) -> Iterator[Path]:
        return self.iter()

    def aslist(self) -> List[Path]:
        """Every path, as a list."""
        return list(self.iter())

    # -- printing -------------------------------------------------------------

    def _next_start(self, start: int) -> int:
        """Where the page after the one starting at start begins."""
        n = self.numpaths
        if start >= n:
            return start
        rem = n - start
        if rem <= self._maxpaths + 1:
            return n
        return start + self._maxpaths

    def _render(self, start: int, all_lines: bool) -> str:
        n = self.numpaths
        if start >= n:
            return "<No more paths>" if n else ""
        rem = n - start
        footer = None
        count = rem
        if not all_lines and rem > self._maxpaths + 1:
            # A single path left over is printed instead of a footer.
            count = self._maxpaths
            footer = "<... %d more paths ...>" % (rem - count)
        lines = []
        for i, (srcpos, npre, post) in enumerate(self._pg._lines(start,
                                                                 count)):
            lines.append("%2d: %s%s%s" % (start + i, "list(" * npre,
                                          self._srcname(srcpos), post))
        if footer is not None:
            lines.append(footer)
        return "\n".join(lines).rstrip()

    def __repr__(self) -> str:
        return self._render(0, False)

    __str__ = __repr__

    @property
    def more(self) -> "PathsPage":
        """The next page of paths; ``.more`` again for the one after."""
        return PathsPage(self, self._next_start(0), self)

    @property
    def all(self) -> "PathsPage":
        """Every path, one per line."""
        return PathsPage(self, 0, self, all_lines=True)

    @property
    def top(self) -> "ShortestPaths":
        return self


class PathsPage(_guppy.Hidden):
    """A page of a printed ShortestPaths (``sp.more``, ``sp.all``)."""

    __slots__ = ("_top", "_start", "_prev", "_all")

    def __init__(self, top: ShortestPaths, start: int, prev: Any,
                 all_lines: bool = False) -> None:
        self._top = top
        self._start = start
        self._prev = prev
        self._all = all_lines

    def __repr__(self) -> str:
        return self._top._render(self._start, self._all)

    __str__ = __repr__

    @property
    def more(self) -> "PathsPage":
        start = (self._top.numpaths if self._all
                 else self._top._next_start(self._start))
        return PathsPage(self._top, start, self)

    @property
    def all(self) -> "PathsPage":
        return PathsPage(self._top, 0, self, all_lines=True)

    @property
    def prev(self) -> Any:
        return self._prev

    @property
    def top(self) -> ShortestPaths:
        return self._top


def _shpaths(session: Any, dst: IdentitySet, src: Optional[IdentitySet],
             avoid_nodes: Optional[IdentitySet], avoid_edges: List[Any],
             src_er: Any = None) -> ShortestPaths:
    pg = dst._shpaths(src, avoid_nodes, tuple(avoid_edges))
    if src is None:
        mode = _ROOT
    else:
        mode = _ONE if src.count == 1 else _MANY
        src_er = src.er
    if src_er is None:
        src_er = session.Clodo
    return ShortestPaths(session, pg, mode, src_er, avoid_nodes,
                         list(avoid_edges))


def shpaths(x: IdentitySet, src: Optional[IdentitySet] = None,
            avoid_nodes: Optional[IdentitySet] = None,
            avoid_edges: AvoidEdges = ()) -> ShortestPaths:
    """The shortest paths from src (default: the root) to the members of
    x nearest it (``x.get_shpaths``); TypeError naming a bad argument."""
    if src is not None and not isinstance(src, IdentitySet):
        raise TypeError("get_shpaths(): src must be an IdentitySet or "
                        "None, not %s" % type(src).__name__)
    if avoid_nodes is not None and not isinstance(avoid_nodes, IdentitySet):
        raise TypeError("get_shpaths(): avoid_nodes must be an IdentitySet "
                        "or None, not %s" % type(avoid_nodes).__name__)
    return _shpaths(x._er._session, x, src, avoid_nodes,
                    _edge_items(avoid_edges))
