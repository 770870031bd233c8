"""Reference patterns: ``x.rp`` and ``x.get_rp(...)``.

A reference pattern is a tree of sets. Row 0 is x; the children of a row
are its referrers (or immediate dominators, or what ``ref`` returns),
partitioned by a relation (Clodo by default), shown depth first. A set
already shown is not expanded again, nor a set inside ``stopkind``, nor a
row at the depth limit. Rows are made as they are asked for (printing the
first page makes eleven): each batch of rows is made against ONE walk of
the heap (``x._with_referrers``, src/refpat.c: the references filed by
destination, so a row's referrers cost a few buckets, not a pass; for
imdom, ``_with_graph``'s reference graph), which is freed when the batch
is done, so a pattern never keeps the heap alive. The work per row is
Python, the work per object is the engine's. With ``src``, the heap is
what one tuple of src's members reaches, that tuple included, as heapy's
get_rp builds it.

Row names are the child indices as letters from row 0 (``_``): ``a`` is
the first child of row 0, ``ab`` the second child of ``a``; a run of more
than two equal letters is written once with its length (``aaa`` is
``a3``). ``rp.ab`` and ``rp[i]`` are the rows' sets.
"""
from __future__ import annotations

import numbers
from typing import Any, Callable, Iterator, List, Optional

from guppy import _guppy
from guppy.heapy.OutputHandling import MAX_MORE_LINES
from guppy.heapy.UniSet import RELATIONS, IdentitySet, _brief_items

__all__ = ["ReferencePattern", "get_rp", "name_of_path", "path_of_name"]

#: Default depth of a pattern, as guppy3's.
DEFAULT_DEPTH = 7
#: Width of a row, as heapy's line_length.
LINE_LENGTH = 80

_CODE_ID = RELATIONS["Id"]
_CODE_IDSET = RELATIONS["Idset"]
_CODE_TYPE = RELATIONS["Type"]
_CODE_CLODO = RELATIONS["Clodo"]


# ---------------------------------------------------------------------------
# Row names

def name_of_path(path: List[int]) -> str:
    """Child indices as a row name: [] is '_', [0, 0, 0, 1] is 'a3b'."""
    if not path:
        return "_"
    letters = "".join(chr(ord("a") + i) for i in path)
    out = []
    i = 0
    while i < len(letters):
        j = i
        while j < len(letters) and letters[j] == letters[i]:
            j += 1
        n = j - i
        out.append(letters[i] + str(n) if n > 2 else letters[i:j])
        i = j
    return "".join(out)


def path_of_name(name: str) -> Optional[List[int]]:
    """The child indices a row name stands for, or None if it is no row
    name (letters a-z, each optionally followed by a repeat count)."""
    if name == "_":
        return []
    if not name or not name[0].islower():
        return None
    path: List[int] = []
    i = 0
    while i < len(name):
        c = name[i]
        if not ("a" <= c <= "z"):
            return None
        j = i + 1
        while j < len(name) and name[j].isdigit():
            j += 1
        n = int(name[i + 1:j]) if j > i + 1 else 1
        path.extend([ord(c) - ord("a")] * n)
        i = j
    return path


# ---------------------------------------------------------------------------
# Rows

class _Row(_guppy.Hidden):
    """One line: a set, its kind label, and its place in the tree."""

    __slots__ = ("set", "label", "parent", "depth", "path", "seen",
                 "isroot", "children", "ready", "index")

    def __init__(self, set: IdentitySet, label: str,
                 parent: Optional["_Row"], path: List[int]) -> None:
        self.set = set
        self.label = label
        self.parent = parent
        self.depth = 0 if parent is None else parent.depth + 1
        self.path = path
        self.seen: Optional[_Row] = None
        self.isroot = False
        self.children: List[_Row] = []
        self.ready = False
        self.index = -1


def _render_items(row: Any, room: int, how: int) -> str:
    """Members of row rendered in address order while they fit in room,
    then sorted (as briefs do). how: 0 as briefs, 1 addresses (Id),
    2 as briefs but dicts as address*len (Type)."""
    if how == 0:
        return _brief_items(row, room)
    taken: List[str] = []
    used = 0
    for i, obj in enumerate(_guppy.NodeSet.__iter__(row)):
        if how == 1 or type(obj) is dict:
            r = "0x%x" % id(obj)
            if how == 2:
                r += "*%d" % len(obj)
        else:
            r = row._member_brief(i)[1]
        if used and used + len(r) + 2 >= room:
            taken[-1] += "..."
            break
        used += len(r) + 2
        taken.append(r)
    taken.sort()
    return ", ".join(taken)


def _kind_label(x: IdentitySet) -> str:
    """The label of x's kind under its own relation: 'list', or
    '(int | list)' for several classes."""
    code = x.er.code
    if code in (_CODE_ID, _CODE_IDSET):
        code = _CODE_CLODO
    from guppy.heapy import Classifiers
    labels = sorted(set(Classifiers.brief_labels(x, code)))
    if len(labels) == 1:
        return labels[0]
    return "(%s)" % " | ".join(labels)


# ---------------------------------------------------------------------------
# The pattern

class ReferencePattern(_guppy.Hidden):
    """The reference pattern of a set; print it, or take its rows:
    ``rp[i]`` and ``rp.<name>`` (``rp._``, ``rp.a``, ``rp.ab``) are the
    rows' sets, ``len(rp)`` the number of rows, ``iter(rp)`` the sets;
    ``.more`` and ``.all`` page through the text."""

    __slots__ = ("_session", "_x", "_depth", "_er", "_relimg", "_stopkind",
                 "_nocyc", "_lines", "_gen", "_seen", "_full", "_asked",
                 "_rel", "_name", "_src")

    def __init__(self, session: Any, x: IdentitySet, depth: int, er: Any,
                 relimg: Optional[Callable[[IdentitySet], IdentitySet]],
                 stopkind: Any, nocyc: bool, imdom: bool,
                 src: Optional[tuple] = None) -> None:
        self._session = session
        self._x = x
        self._depth = depth
        self._er = er
        self._relimg = relimg      # None: the engine's walk (self._rel)
        self._stopkind = stopkind
        self._nocyc = nocyc
        self._name = "imdom" if imdom else "referrers"
        self._src = src            # the root of the heap, or None
        self._lines: List[_Row] = []
        self._seen: dict = {}
        self._gen: Optional[Iterator[_Row]] = self._rows(x, _kind_label(x),
                                                         None, [])
        self._full = False         # the generator is exhausted
        self._asked = 0            # rows made "so far", as guppy3 counts
        self._rel: Any = None

    # -- making rows --------------------------------------------------------

    def _image(self, s: IdentitySet) -> IdentitySet:
        """What the children of a row with set s come from."""
        if self._relimg is not None:
            r = self._relimg(s)
            if not isinstance(r, IdentitySet):
                raise TypeError("get_rp(): ref must return an IdentitySet, "
                                "not %s" % type(r).__name__)
            return r
        nodes = self._rel(s, self._name == "imdom")
        return IdentitySet._make(nodes, self._session.Clodo)

    def _children_of(self, row: _Row, expand: bool) -> list:
        """(set, label) of each child of row; only whether there is one
        (a list of one None) when the row will not be expanded."""
        ch = self._image(row.set)
        if self._nocyc:
            r: Optional[_Row] = row
            while r is not None and ch.count:
                ch = ch - r.set
                r = r.parent
        if not ch.count:
            return []
        if not expand:
            return [None]
        er = self._er
        code = er.code
        from guppy.heapy import Classifiers
        part = ch.by(er)
        labels = Classifiers.brief_labels(part, code)
        out = []
        for i, label in enumerate(labels):
            nodes, _ = part._row(code, i)
            out.append((IdentitySet._make(nodes, self._session.Clodo),
                        label))
        return out

    def _rows(self, s: IdentitySet, label: str, parent: Optional[_Row],
              path: List[int]) -> Iterator[_Row]:
        row = _Row(s, label, parent, path)
        key = _guppy.NodeSet(s)
        row.seen = self._seen.get(key)
        expand = (row.seen is None and row.depth < self._depth
                  and (row.depth == 0 or not self._in_stopkind(s)))
        children = self._children_of(row, expand)
        row.isroot = not children
        if row.seen is None:
            self._seen[key] = row
        if parent is not None:
            parent.children.append(row)
        yield row
        if expand:
            for i, (cs, clabel) in enumerate(children):
                yield from self._rows(cs, clabel, row, path + [i])
        row.ready = True

    def _in_stopkind(self, s: IdentitySet) -> bool:
        return bool(s <= self._stopkind)

    def _make(self, upto: Optional[int]) -> None:
        """Make rows until row `upto` exists (all rows for None)."""
        if self._full or (upto is not None and upto < len(self._lines)):
            return

        def batch(rel: Any) -> None:
            self._rel = rel
            try:
                while upto is None or upto >= len(self._lines):
                    try:
                        row = next(self._gen)  # type: ignore[arg-type]
                    except StopIteration:
                        self._full = True
                        self._gen = None
                        return
                    row.index = len(self._lines)
                    self._lines.append(row)
            finally:
                self._rel = None

        if self._relimg is not None:
            batch(None)
        elif self._name == "imdom" and self._src is None:
            _guppy.NodeSet()._with_graph(batch)
        else:
            # Referrers, or imdom from src: one walk (src/refpat.c).
            self._x._with_referrers(batch, self._src)

    def _row_at(self, i: int) -> _Row:
        """Row i (made if needed); IndexError past the last."""
        if i < 0:
            raise IndexError("reference pattern row index out of range")
        self._make(i)
        self._asked = max(self._asked, min(i + 1, len(self._lines)))
        if i >= len(self._lines):
            raise IndexError("reference pattern row index out of range")
        return self._lines[i]

    def _row_named(self, name: str) -> Optional[_Row]:
        path = path_of_name(name)
        if path is None:
            return None
        row = self._row_at(0)
        for ix in path:
            # Make rows until the child exists or the row's subtree is done.
            while ix >= len(row.children) and not row.ready and not self._full:
                self._row_at(len(self._lines))
            if ix >= len(row.children):
                return None
            row = row.children[ix]
        return row

    # -- access ---------------------------------------------------------------

    def __getitem__(self, i: Any) -> IdentitySet:
        if not isinstance(i, numbers.Integral) or isinstance(i, bool):
            raise TypeError("reference pattern indices must be integers, "
                            "not %s" % type(i).__name__)
        i = int(i)
        if i < 0:
            self._make(None)
            self._asked = len(self._lines)
            i += len(self._lines)
        return self._row_at(i).set

    def __getattr__(self, name: str) -> IdentitySet:
        if name.startswith("__"):
            raise AttributeError(name)
        row = self._row_named(name)
        if row is None:
            raise AttributeError("reference pattern has no row named %r"
                                 % name)
        return row.set

    def __len__(self) -> int:
        self._make(None)
        self._asked = len(self._lines)
        return len(self._lines)

    def __iter__(self) -> Iterator[IdentitySet]:
        i = 0
        while True:
            try:
                yield self._row_at(i).set
            except IndexError:
                return
            i += 1

    # -- printing -------------------------------------------------------------

    def _title(self) -> str:
        return "Reference Pattern by <%s>." % self._er.rp_name()

    def _line(self, row: _Row) -> str:
        prestr = "%2d: %s " % (row.index, row.path and name_of_path(
            row.path) or "_")
        fill = (" " if row.index & 1 else "-") * 100
        fill = fill[len(prestr):9 + row.depth]
        if row.seen is not None:
            mark = "[^ %d]" % row.seen.index
        elif row.isroot:
            mark = "[R]"
        elif row.depth > 0 and self._in_stopkind(row.set):
            mark = "[S]"
        elif row.depth < self._depth:
            mark = "[-]"
        else:
            mark = "[+]"
        prefix = "%s%s %s " % (prestr, fill, mark)
        return prefix + self._summary(row, LINE_LENGTH - len(prefix))

    def _summary(self, row: _Row, room: int) -> str:
        s = row.set
        if not s.count:
            return "<Nothing>"
        head = "%d %s: " % (s.count, row.label)
        code = self._er.code if row.depth else None
        how = 1 if code == _CODE_ID else 2 if code == _CODE_TYPE else 0
        text = head + _render_items(s, room - len(head), how)
        if len(text) > room:
            text = text[:room - 3] + "..."
        return text

    def _render(self, start: int, count: int, title: bool) -> str:
        """Rows start.. (count of them, all for -1), with the title line
        if asked and the paging footer if more rows follow."""
        out = [self._title()] if title else []
        # Every row this page shows, and the one after it (for the
        # footer), made in one batch: one walk of the heap, not one a row.
        self._make(None if count < 0 else start + count)
        i = start
        while count < 0 or i < start + count:
            try:
                out.append(self._line(self._row_at(i)))
            except IndexError:
                break
            i += 1
        if count >= 0:
            try:
                self._row_at(i)
            except IndexError:
                pass
            else:
                msg = ""
                if self._full and self._asked >= len(self._lines):
                    msg = "%d more lines. " % (len(self._lines) - i)
                out.append("<%sType e.g. '_.more' for more.>" % msg)
        return "\n".join(out)

    def __repr__(self) -> str:
        return self._render(0, MAX_MORE_LINES, True)

    __str__ = __repr__

    @property
    def more(self) -> "_Page":
        """The rows after the first ten; ``.more`` again for the next."""
        return _Page(self, MAX_MORE_LINES, self)

    @property
    def all(self) -> "_Page":
        """Every row, with the title line."""
        return _Page(self, -1, self)


class _Page(_guppy.Hidden):
    """A page of a printed reference pattern (``rp.more``, ``rp.all``)."""

    __slots__ = ("_top", "_start", "_prev")

    def __init__(self, top: ReferencePattern, start: int, prev: Any) -> None:
        self._top = top
        self._start = start
        self._prev = prev

    def __repr__(self) -> str:
        if self._start < 0:
            return self._top._render(0, -1, True)
        return self._top._render(self._start, MAX_MORE_LINES, False)

    __str__ = __repr__

    @property
    def more(self) -> "_Page":
        if self._start < 0:
            return self
        return _Page(self._top, self._start + MAX_MORE_LINES, self)

    @property
    def all(self) -> "_Page":
        return _Page(self._top, -1, self)

    @property
    def prev(self) -> Any:
        return self._prev

    @property
    def top(self) -> ReferencePattern:
        return self._top


# ---------------------------------------------------------------------------
# Making one

def _default_stopkind(session: Any) -> Any:
    T = session.Type
    return (T.Module | T.Type | T.Module.dictof | T.Type.dictof | T.Code
            | T.Frame)


def get_rp(x: IdentitySet, depth: Any = None, er: Any = None,
           imdom: Any = 0, bf: Any = 0, src: Any = None,
           stopkind: Any = None, nocyc: Any = False,
           ref: Any = None) -> ReferencePattern:
    """x's reference pattern (see ReferencePattern); each bad argument is
    a TypeError or ValueError naming it."""
    session = x.er._session
    if depth is None:
        depth = DEFAULT_DEPTH
    elif not isinstance(depth, numbers.Integral) or isinstance(depth, bool):
        raise TypeError("get_rp(): depth must be an int, not %s"
                        % type(depth).__name__)
    elif depth < 0:
        raise ValueError("get_rp(): depth must be >= 0, not %d" % depth)
    if er is None:
        er = session.Clodo
    else:
        try:
            er = session._relation(er)
        except (TypeError, ValueError, AttributeError) as e:
            raise TypeError("get_rp(): er must be an equivalence relation "
                            "(%s)" % e) from None
    root: Optional[tuple] = None
    if src is not None:
        if not isinstance(src, IdentitySet):
            raise TypeError("get_rp(): src must be an IdentitySet, not %s"
                            % type(src).__name__)
        # As heapy: the heap is what one tuple of src's members reaches,
        # the tuple included (it shows as the pattern's last referrer).
        root = tuple(_guppy.NodeSet.__iter__(src))
    if stopkind is None:
        stopkind = _default_stopkind(session)
    else:
        try:
            x._coerce(stopkind)
        except TypeError:
            raise TypeError("get_rp(): stopkind must be a kind or a set, "
                            "not %s" % type(stopkind).__name__) from None
    relimg: Optional[Callable[[IdentitySet], IdentitySet]] = None
    use_imdom = bool(imdom)
    if not use_imdom and ref is not None:
        if isinstance(ref, str) and ref in ("gc", "gcx"):
            def relimg(s: IdentitySet) -> IdentitySet:
                return s.referrers_gc
        elif isinstance(ref, str) and ref == "imdom":
            use_imdom = True
        elif callable(ref):
            relimg = ref
        else:
            raise ValueError("get_rp(): ref should be 'gc', 'gcx', 'imdom', "
                             "or a callable")
    del bf      # guppy3 takes it and ignores it: always depth first
    return ReferencePattern(session, x, int(depth), er, relimg, stopkind,
                            bool(nocyc), use_imdom, root)
