"""Stat objects: table summaries that keep no reference to the objects.

A :class:`Stat` is what ``x.stat`` of a set, ``hp.load()`` of a dump file
and ``stat_a - stat_b`` give: the totals and rows (count, size, label) of a
printed table, and nothing else. The data, the printed text, differences,
slices and the dump format are the C engine's (``src/stat.c``,
``src/formats.c``); this module adds heapy's spelling of each operation,
paging, and file handling.

    >>> from guppy import hpy
    >>> hp = hpy()
    >>> st = hp.load(['.loader: _load_stat', '.format: SetFormat',
    ...               '.timemade: 0.0', '.count: 3', '.size: 100',
    ...               '.kindname: ', '.kindheader: Foo', '.numrows: 2',
    ...               '.r: 2 60 alpha beta', '.r: 1 40 gamma'])
    >>> print(st)
    Partition of a set of 3 objects. Total size = 100 bytes.
     Index  Count   %     Size   % Cumulative  % Foo
         0      2  67       60  60        60  60 alpha beta
         1      1  33       40  40       100 100 gamma
"""
from __future__ import annotations

import io
import os
from typing import IO, Any, Iterable, Iterator, List, Optional, Union

from guppy import _guppy
from guppy.heapy import Doc
from guppy.heapy.OutputHandling import MAX_MORE_LINES, AllPrinter, MorePrinter

__all__ = ["Stat", "StatRow", "PackageIterator", "load", "loadall"]

#: One row of a Stat: ``count``, ``size``, ``name``, ``index``,
#: ``cumulsize``. A C type (``src/stat.c``) named guppy.heapy.Part.StatRow.
StatRow = _guppy.StatRow

#: What ``load`` accepts: a file name, an open file or iterator of lines,
#: or an iterable of lines (str, or bytes in UTF-8).
Loadable = Union[str, "os.PathLike[str]", IO[Any], Iterable[Any]]


class StatIndexTypeError(TypeError, IndexError):
    """st[i] with an i that is not an int or a slice: a TypeError, and the
    IndexError heapy raises there, so either except clause catches it."""


class Stat(_guppy.StatTable):
    """A table summary: totals and rows, without the objects.

    ``count`` and ``size`` are the totals, ``numrows`` (``len(st)``) the
    number of rows, ``get_rows()`` the rows as :class:`StatRow` objects,
    ``st[i]`` and ``st[i:j]`` new Stats of some rows, ``st - other`` a
    DiffFormat Stat of the differences by row label, ``st.dump(file)``
    appends the text form that ``hp.load`` reads back.
    """

    __slots__ = ("_firstheader",)

    # -- header ---------------------------------------------------------------

    @property
    def firstheader(self) -> str:
        """A note set by heapu() (not printed, as in heapy); '' if none."""
        try:
            return self._firstheader
        except AttributeError:
            return ""

    @firstheader.setter
    def firstheader(self, value: str) -> None:
        self._firstheader = value

    # -- rows -----------------------------------------------------------------

    def get_row(self, idx: int) -> StatRow:
        """Row idx (negative counts from the end) as a StatRow;
        IndexError('Row index out of range.') past the table."""
        if not isinstance(idx, int):
            raise TypeError("row index must be an int, not %s"
                            % type(idx).__name__)
        if idx < 0:
            idx += self.numrows
        return self._row(idx)

    def get_rows(self, idx: int = 0) -> Iterator[StatRow]:
        """An iterator over the rows from idx on, in table order."""
        if not isinstance(idx, int):
            raise TypeError("row index must be an int, not %s"
                            % type(idx).__name__)
        return iter(self._rows(idx, self.numrows))

    @property
    def rows(self) -> List[StatRow]:
        """Every row, as a new list of StatRows (the whole table is read
        when the Stat is made)."""
        return self._rows(0, self.numrows)

    def get_rows_of_kinds(self, kinds: Iterable[str]
                          ) -> List[Optional[StatRow]]:
        """For each label in kinds (no repeats), its row, or None if the
        table has no row with that label; a label on several rows gives
        the first."""
        try:
            kinds = list(kinds)
        except TypeError:
            raise TypeError("get_rows_of_kinds(): kinds must be an iterable "
                            "of labels, not %s" % type(kinds).__name__
                            ) from None
        want = {}
        for i, kind in enumerate(kinds):
            if kind in want:
                raise ValueError("get_rows_of_kinds: %r given twice" % (kind,))
            want[kind] = i
        res: List[Optional[StatRow]] = [None] * len(kinds)
        left = len(kinds)
        for i, label in enumerate(self._labels()):
            j = want.get(label)
            if j is not None and res[j] is None:
                res[j] = self._row(i)
                left -= 1
                if not left:
                    break
        return res

    def get_rows_n_and_other(self, N: int, sortby: str = "Size"
                             ) -> List[StatRow]:
        """The N largest rows by sortby ('Size' or 'Count'), plus, if rows
        remain, one '<Other>' row of their totals (index and cumulsize
        None) placed before the first row smaller than it. A new list."""
        if not isinstance(N, int):
            raise TypeError("get_rows_n_and_other(): N must be an int, not %s"
                            % type(N).__name__)
        if sortby not in ("Size", "Count"):
            raise ValueError("Argument 'sortby' must be 'Size' or 'Count'.")
        rows = self._rows(0, self.numrows)
        if sortby == "Count":
            rows.sort(key=lambda r: r.count, reverse=True)
        if len(rows) <= N:
            return rows
        top = rows[:max(N, 0)]
        other = StatRow(self.count - sum(r.count for r in top),
                        self.size - sum(r.size for r in top), "<Other>")
        key = "size" if sortby == "Size" else "count"
        value = getattr(other, key)
        for i, r in enumerate(top):
            if getattr(r, key) < value:
                top.insert(i, other)
                break
        else:
            top.append(other)
        return top

    # -- indexing and differences --------------------------------------------

    def __getitem__(self, idx: Union[int, slice]) -> "Stat":
        """st[i]: a Stat of row i; st[i:j:k]: of those rows. Totals are
        recomputed and indices restart at 0."""
        n = self.numrows
        if isinstance(idx, slice):
            start, stop, step = idx.indices(n)
            return self._select(start, step, len(range(start, stop, step)))
        if isinstance(idx, int):
            if idx < 0:
                idx += n
            if not 0 <= idx < n:
                raise IndexError("Stat index out of range.")
            return self._select(idx, 1, 1)
        raise StatIndexTypeError("Stat indices must be integers or slices. "
                                 "(Stat[i]: i is %s)" % type(idx).__name__)

    def __sub__(self, other: "Stat") -> "Stat":
        """The differences self - other by row label, as a DiffFormat Stat
        (largest absolute size change first). TypeError unless other is a
        Stat; ValueError if the kind headers differ."""
        return self._sub(other)

    # -- printing -------------------------------------------------------------

    def __repr__(self) -> str:
        return self._render(0, MAX_MORE_LINES, True)

    __str__ = __repr__

    @property
    def more(self) -> MorePrinter:
        """The rows after the first ten: ``st.more``, ``st.more.more``..."""
        return MorePrinter(self, MAX_MORE_LINES, self, self._render)

    @property
    def all(self) -> AllPrinter:
        """Every row of the table."""
        return AllPrinter(self, self._render)

    @property
    def doc(self) -> Doc.DocListing:
        """Help: the attributes of Stats; st.doc.<attribute> for one."""
        return Doc.stat_doc(self)

    # -- files ----------------------------------------------------------------

    def dump(self, fn: Union[str, "os.PathLike[str]", IO[Any]],
             mode: str = "a") -> None:
        """Write the stat in heapy's dump format: append (mode 'a') to the
        file named fn, or write to fn if it has a write() method (text, or
        binary for UTF-8 bytes; it is not closed). hp.load() reads it."""
        if hasattr(fn, "write"):
            if isinstance(fn, (io.RawIOBase, io.BufferedIOBase)):
                self._dump(fn.write, True)      # UTF-8 bytes, one write()
            else:
                fn.write(self._dump())          # one str, one write()
            return
        if not isinstance(fn, (str, os.PathLike)):
            raise TypeError("dump: expected a file name or an object with "
                            "write(), not %s" % type(fn).__name__)
        if not isinstance(mode, str):
            raise TypeError("dump(): mode must be a str, not %s"
                            % type(mode).__name__)
        mode = mode.replace("t", "").replace("b", "")
        if mode.rstrip("+") not in ("a", "w", "x"):
            raise ValueError("dump(): mode must be 'a', 'w' or 'x', not %r"
                             % (mode,))
        # UTF-8 whatever the locale: the bytes are the text heapy writes.
        with open(fn, mode + "b") as f:
            self._dump(f.write, True)


# How _guppy._stat_load reads (src/formats.h, GyLoadMode).
_LINES, _READLINE, _CHUNKS, _FILE = 0, 1, 2, 3


def _read(lines: Any, mode: int, is_list: bool, lineno: int,
          where: Optional[str]) -> tuple:
    # A list of lines may end without an end line (heapy's own example
    # does); a file or stream may not, so a file cut after a row is an
    # error, not a shorter table.
    return _guppy._stat_load(Stat, lines, mode, is_list, lineno, where)


def _is_name(fn: Any) -> bool:
    return isinstance(fn, (str, os.PathLike))


def _open(fn: Any) -> Any:
    # Unbuffered: the loader reads a file straight into the stat's buffer
    # (readinto). Something else by that name (a named pipe) is read a
    # line at a time, through a buffer.
    f = open(fn, "rb", buffering=0)
    return f if f.seekable() else io.BufferedReader(f)


def _stream_mode(f: Any, use_readline: bool) -> int:
    # A binary file we may seek in is read in chunks (put back after each
    # package); anything else a line at a time.
    if use_readline:
        return _READLINE
    if type(f) in (io.BufferedReader, io.FileIO) and f.seekable():
        # The io module's own files fill the loader's buffer with
        # readinto() and keep no view of it.
        return _FILE
    if isinstance(f, io.BufferedReader) and f.seekable():
        return _CHUNKS      # a subclass: its read(), whatever it does
    return _LINES


def load(fn: Loadable, use_readline: bool = False) -> Stat:
    """Read one Stat from heapy's dump format.

    fn: a file name (its first package is read), an open file or other
    iterator of lines (the next package is read, so successive calls
    return successive samples; StopIteration at the end), or an iterable
    of lines such as a list (its first package; the end line may be left
    out). Lines are str, or bytes in UTF-8, with or without their newline.
    use_readline: read an open file with readline() (for pipes).

    Raises FileNotFoundError for a missing file, ValueError naming the line
    for input that is not a well-formed package (only the loader
    '_load_stat' exists; nothing read is evaluated), TypeError for
    anything else. The whole package is checked here, so the Stat
    returned never raises ValueError later (a file's rows are made when
    first asked for, from the text already checked).
    """
    if _is_name(fn):
        with _open(fn) as f:
            st, _ = _read(f, _stream_mode(f, False), False, 1,
                          os.fsdecode(fn))
        if st is None:
            raise ValueError("%s, line 1: expected '.loader: _load_stat', "
                             "got end of input" % os.fsdecode(fn))
        return st
    if hasattr(fn, "__next__"):
        st, _ = _read(fn, _stream_mode(fn, bool(use_readline)), False, 1,
                      None)
        if st is None:
            raise StopIteration
        return st
    if hasattr(fn, "__iter__"):
        st, _ = _read(iter(fn), _LINES, True, 1, None)
        if st is None:
            raise ValueError("line 1: expected '.loader: _load_stat', got "
                             "end of input")
        return st
    raise TypeError(
        "Argument should be a string, file or an iterable yielding strings."
        " (load(): fn is %s)" % type(fn).__name__)


def loadall(f: Loadable, use_readline: bool = False) -> "PackageIterator":
    """Every Stat of a dump file, in order: an iterator that reads one
    package at a time (memory for one sample) and ends at the end of the
    input. f: a file name, an open file or iterator of lines, or an
    iterable of lines. Errors as load(), with line numbers counted from
    where reading began."""
    return PackageIterator(f, bool(use_readline))


class PackageIterator(_guppy.Hidden):
    """What loadall() returns: the Stats of a dump, read as they are
    asked for. Invisible to heap(), like the rest of the profiler. A file
    it opened itself is closed at the end, or by close()."""

    __slots__ = ("_lines", "_mode", "_is_list", "_where", "_lineno",
                 "_file")

    def __init__(self, f: Loadable, use_readline: bool) -> None:
        self._file: Optional[IO[bytes]] = None
        self._where: Optional[str] = None
        self._is_list = False
        self._lineno = 1
        if _is_name(f):
            self._file = _open(f)
            self._where = os.fsdecode(f)
            self._lines: Any = self._file
            self._mode = _stream_mode(self._file, False)
        elif hasattr(f, "__next__"):
            self._lines = f
            self._mode = _stream_mode(f, use_readline)
        elif hasattr(f, "__iter__"):
            self._lines = iter(f)
            self._mode = _LINES
            self._is_list = True
        else:
            raise TypeError("Argument should be a string, file or an "
                            "iterable yielding strings. (loadall(): f is %s)"
                            % type(f).__name__)

    def __iter__(self) -> "PackageIterator":
        return self

    def __next__(self) -> Stat:
        if self._lines is None:
            raise StopIteration
        st, n = _read(self._lines, self._mode, self._is_list, self._lineno,
                      self._where)
        if st is None:
            self.close()
            raise StopIteration
        self._lineno += n
        return st

    def close(self) -> None:
        """Stop: close the file if loadall() opened it."""
        self._lines = None
        if self._file is not None:
            self._file.close()
            self._file = None
