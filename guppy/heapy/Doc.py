"""Help on the session and its objects: ``hp.doc``, ``x.doc``, ``st.doc``.

``hp.doc`` prints the session's attributes in four columns, as heapy
lists them; ``hp.doc.heap`` prints the help on one of them. The same works
on a set (``x.doc``, ``x.doc.bytype``) and on a Stat (``st.doc``).

    >>> from guppy import hpy
    >>> hp = hpy()
    >>> print(hp.doc.heapu.synopsis)
    heapu(rma=1, abs=0, stat=1) -> Stat

The listings of the session and of sets name exactly the attributes
guppy3 lists, including the few this project does not provide (see
docs/differences.md); the help on such an attribute says so. The texts
are written for this project and describe what it does.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from guppy import _guppy

__all__ = ["AttributeHelp", "DocListing", "session_doc", "set_doc",
           "stat_doc", "SESSION_HELP", "SET_HELP", "STAT_HELP",
           "NOT_PROVIDED"]

#: Layout of a listing: 4 columns of 80 // 4 characters.
COLUMNS = 4
WIDTH = 80

#: In help texts, "$HP." stands for the session's prefix (hp.reprefix).
_HP = "$HP."

#: Names a listing shows for compatibility with guppy3 but that this
#: project does not provide (docs/differences.md). Their help says so.
NOT_PROVIDED = frozenset({"monitor", "fam", "get_examples",
                          "test_contains"})

_NOT_YET = ("\n\nNot built yet in this version of guppy-c: accessing it "
            "raises AttributeError.")


def format_columns(names: List[str], columns: int = COLUMNS,
                   width: int = WIDTH) -> str:
    """The names in columns, filled top to bottom, then left to right.

    Every cell but the last of a row is padded to width // columns
    characters, with at least one space after the name; each row ends with
    a newline, and the whole listing is right-stripped, so only the last
    line loses its trailing padding.
    """
    colw = width // columns
    nrows = (len(names) + columns - 1) // columns
    lines = []
    for row in range(nrows):
        cells = []
        for col in range(columns):
            i = col * nrows + row
            if i >= len(names):
                continue
            name = names[i]
            if col < columns - 1:
                name += " " * max(1, colw - len(name))
            cells.append(name)
        lines.append("".join(cells) + "\n")
    return "".join(lines).rstrip()


class AttributeHelp(_guppy.Hidden):
    """The help on one attribute: ``hp.doc.heap``. Its repr is the text."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    @property
    def text(self) -> str:
        """The help text."""
        return self._text

    @property
    def synopsis(self) -> str:
        """The first paragraph of the text."""
        return self._text.split("\n\n", 1)[0]

    def __repr__(self) -> str:
        return self._text

    __str__ = __repr__


class DocListing(_guppy.Hidden):
    """The attributes of an object, in columns: ``hp.doc``, ``x.doc``.

    ``listing.<name>`` is the help on one of them (an AttributeHelp);
    ``listing[i]`` is the i-th name. Calling the listing with ``'l'``
    lists the first paragraph of each help, with ``'L'`` each whole text.
    """

    __slots__ = ("_names", "_texts", "_owner", "_prefix", "_header",
                 "_footer", "_opts")

    def __init__(self, names: List[str], texts: Dict[str, str],
                 owner: Optional[type], prefix: str, header: str = "",
                 footer: str = "", opts: str = "") -> None:
        self._names = names
        self._texts = texts
        self._owner = owner
        self._prefix = prefix
        self._header = header
        self._footer = footer
        self._opts = opts

    def __call__(self, opts: str = "") -> "DocListing":
        if not isinstance(opts, str):
            raise TypeError("doc(): opts must be a str, not %s"
                            % type(opts).__name__)
        return DocListing(self._names, self._texts, self._owner,
                          self._prefix, self._header, self._footer, opts)

    def _help(self, name: str) -> AttributeHelp:
        text = self._texts.get(name)
        if text is None:
            text = "%s\n\n(No help written for this attribute.)" % name
        # The class is asked, not the object: a property is not run.
        if (self._owner is not None and name not in NOT_PROVIDED
                and not hasattr(self._owner, name)):
            text += _NOT_YET
        return AttributeHelp(text.replace(_HP, self._prefix))

    def __getattr__(self, name: str) -> AttributeHelp:
        # Only the listed names: nothing is invented.
        if name.startswith("_") or name not in self._names:
            raise AttributeError(
                "no help on %r: it is not one of the attributes listed"
                % (name,))
        return self._help(name)

    def __dir__(self) -> List[str]:
        return list(self._names)

    def __getitem__(self, index: int) -> str:
        return self._names[index]

    def __repr__(self) -> str:
        if "L" in self._opts:
            body = "".join("*** %s ***\n%r\n\n" % (n, self._help(n))
                           for n in self._names)
        elif "l" in self._opts:
            parts = []
            for n in self._names:
                t = self._help(n).synopsis
                if not (t.startswith(n) or t.startswith("x." + n)):
                    t = n
                parts.append(t + "\n\n")
            body = "".join(parts)
        else:
            body = format_columns(self._names)
        header = self._header + "\n" if self._header else ""
        footer = "\n" + self._footer if self._footer else ""
        return header + body + footer

    __str__ = __repr__


# ---------------------------------------------------------------------------
# The session: hp.doc

_SESSION_NAMES = sorted([
    "Anything", "Clodo", "Id", "Idset", "Module", "Nothing", "Prod", "Rcs",
    "Root", "Size", "Type", "Unity", "Via", "doc", "findex", "heap",
    "heapu", "idset", "iso", "load", "monitor", "pb", "setref", "test",
])

SESSION_HELP: Dict[str, str] = {
    "Anything": """\
Anything: Kind

The kind that contains every object: x & $HP.Anything is x, and every
object is in it. It is the single class of the Unity relation, whose row
label is <Anything>.""",

    "Clodo": """\
Clodo: EquivalenceRelation

Classifies objects by class or dict owner, the default relation of every
set (x.byclodo). An object's class is its type, shown by name (int,
__main__.Point, types.FrameType); a dict that is the __dict__ of some
object is classed as "dict of <the owner's type>" (dict of module, dict
of type, dict of __main__.Point), and any other dict as "dict (no
owner)". Only exact dicts are split by owner.

Calling it makes a kind: $HP.Clodo(T) is the objects of type T (T not
dict), $HP.Clodo(dictof=T) the dicts owned by a T, and
$HP.Clodo(dictof=()) the dicts with no owner.""",

    "Id": """\
Id: EquivalenceRelation

Every object in a class of its own. x.byid prints one row per object,
largest first, with a rendering of each: the value of strs, bytes and
numbers, the name of modules, functions and types, the owner of a dict,
otherwise the address. Calling it with an address, $HP.Id(addr), makes
the kind of the object at that address.""",

    "Idset": """\
Idset: EquivalenceRelation

Every object in a class of its own, like Id, but each row is labelled by
the object's brief (<1 str: 'abc'>) and rows are ordered as in other
partitions: by size, then label. For large sets Id is faster.
$HP.Idset(obj) is the set holding just obj.""",

    "Module": """\
Module: EquivalenceRelation

Classifies modules by name, one class per module, and puts every object
that is not a module in one class, labelled ~module. Calling it makes a
kind: $HP.Module('sys') (by name), $HP.Module(at=address) (by address),
$HP.Module() (everything that is not a module).""",

    "Nothing": """\
Nothing: IdentitySet

The empty set. There is one per session: an operation whose result is
empty returns it, so (a & b) is $HP.Nothing is a valid test. It prints as
<Nothing>, is false, has length 0; setrelheap($HP.Nothing) resets the
reference point of heap().""",

    "Prod": """\
Prod: EquivalenceRelation

Classifies objects by producer: the file and line where the object was
allocated, as tracemalloc recorded it (label <file>:<line>, or unknown
when tracemalloc was not tracing at the time). Start tracing early with
tracemalloc.start() or python -X tracemalloc. Calling it makes a kind:
$HP.Prod(filename, lineno), $HP.Prod('path prefix'), $HP.Prod(function)
(the lines of its source), $HP.Prod() (unknown producer).""",

    "Rcs": """\
Rcs: EquivalenceRelation

Classifies objects by their referrers: the class of an object is the set
of Clodo classes of the objects that refer to it (label like
"dict of __main__.Point, list"; <Nothing> for objects no visible object
refers to). Useful to see what holds the objects of one row. Its repr
is $HP.Clodo.refdby. Referrers are found in the reachable heap, without
the profiler's own objects.""",

    "Root": """\
Root: RootState

The root of the heap: the object every path printed by x.sp starts from.
Its attributes name where each reference comes from: i0_modules
(sys.modules), i0_sysdict, i0_builtins and the other interpreter members,
and for each thread i0_t<thread id>_<member> (exception, dict,
context...) and i0_t<thread id>_f<n> for the frames of its stack
(numbered from the outermost). Unlike guppy3, the frames of every
thread are roots, not just the caller's.""",

    "Size": """\
Size: EquivalenceRelation

Classifies objects by individual size, in bytes: what sys.getsizeof
reports, plus the storage of instance attributes that no __sizeof__
counts when the instance has no __dict__ yet (3.11+). Rows are labelled
by the size. Calling it makes a kind: $HP.Size(56) is the objects of
exactly 56 bytes.""",

    "Type": """\
Type: EquivalenceRelation

Classifies objects by type, like Clodo but with all dicts in one class
(x.bytype). Calling it with a type makes the kind of its instances:
$HP.Type(float); shortcuts such as $HP.Type.Int, $HP.Type.Dict and
$HP.Type.Module name common types.""",

    "Unity": """\
Unity: EquivalenceRelation

Puts every object in a single class, labelled <Anything>: x.byunity
prints a one-row table with the set's totals. Calling it gives
$HP.Anything.""",

    "Via": """\
Via: EquivalenceRelation

Classifies objects by how they are referred to: the class of an object
is the set of edges leading to it from its referrers, each written as
heapy writes a path step ('[0]', "['key']", '.attr', '.__dict__',
'->ob_type', ".f_locals['name']"). Objects with no visible referrer get
an empty label. Calling it makes a kind: $HP.Via("['x']").""",

    "doc": """\
doc: DocListing

Help on the session: printing $HP.doc lists its attributes in columns,
and $HP.doc.<attribute> is the help on one of them, e.g. $HP.doc.heap.
Sets and Stat objects have their own: x.doc, x.doc.bytype.
$HP.doc('l') lists the first paragraph of every help text and
$HP.doc('L') every text in full. A name not in the listing raises
AttributeError.""",

    "findex": """\
findex(*kinds) -> EquivalenceRelation

A relation from a list of kinds: the class of an object is the index of
the first kind that contains it, or len(kinds) if none does (label
"<kind> / <index>", or <None>). x.by($HP.findex($HP.Type.Int,
$HP.Type.Str)) splits x into ints, strs and the rest.""",

    "heap": """\
heap() -> IdentitySet

The objects reachable from the roots: every module and the interpreter's
own state, and the stack of every thread. The profiler's own objects,
frames and everything reachable only through them are left out. The set
is partitioned by Clodo; print it for the table.

After setref() or setrelheap(), only the objects that are reachable now
and were not in the reference set are returned. Unlike guppy3, heap()
does not collect garbage first (cyclic garbage is not reachable anyway),
and looking creates no instance __dict__ or frame object.""",

    "heapu": """\
heapu(rma=1, abs=0, stat=1) -> Stat

Statistics of the objects that are alive but not reachable from the
roots: objects held by C code, such as caches inside extension modules
or the interpreter, references an extension leaked, callbacks a C
library keeps. The walk starts from every object the garbage collector
tracks that no chain of references from the roots reaches, and adds
everything those reach that the roots do not. Cyclic garbage is never
reported: if there is any among them, gc.collect() runs twice and the
walk is repeated, as guppy3 collects before every call. The profiler's
own objects are left out, and objects that a set or the session holds
count as reachable.

The result is a Stat by Type, not the objects, so that looking does not
make them reachable. After setref() or setrelheapu(), it is the
difference from the reference point (a difference table).

    rma    if false, do not remove the reachable objects: the result is
           then every tracked object and what it reaches
    abs    if true, ignore the reference point
    stat   if false, return the IdentitySet itself (minus the reference
           point when that is a set); holding it makes its objects
           reachable for later calls

It costs a walk of the reachable heap plus one test per tracked object,
and two full collections only when there is garbage; see docs/heapu.md.""",

    "idset": """\
idset(iterable) -> IdentitySet

The set of the objects the iterable yields, compared by identity:
duplicates collapse. The set holds strong references to its objects.
$HP.idset([]) is $HP.Nothing.""",

    "iso": """\
iso(*objects) -> IdentitySet

The set of the given objects, compared by identity: duplicates collapse,
and equal but distinct objects stay distinct. print($HP.iso(x)) shows the
table of x alone. The set holds strong references to its objects;
$HP.iso() is $HP.Nothing.""",

    "load": """\
load(fn, use_readline=0) -> Stat

Read a Stat written by x.dump() or st.dump(), by this project or by
guppy3. fn is a file name (the first sample in the file is read), an
open file or other iterator of lines (each call reads the next sample,
so repeated calls walk through a file of many dumps), or a list of lines.
use_readline=1 reads with readline(), for pipes. Missing files raise
FileNotFoundError; malformed ones ValueError with the line number.
Nothing read is ever evaluated.""",

    "monitor": """\
monitor

Not provided. guppy3 lists monitor here, but its remote monitor was
removed in guppy3 3.1.5 and accessing $HP.monitor raises AttributeError
there too. guppy-c keeps the name in this listing only so that the
listing matches guppy3's; $HP.monitor raises AttributeError.""",

    "pb": """\
pb(filename=None)

In guppy3, a graphical profile browser (Tkinter) over a file of Stat
samples written by dump(). guppy-c reads such files with load() and
loadall(); print the Stats, or subtract them to compare samples.""",

    "setref": """\
setref(reachable=None, unreachable=None)

Set reference points for later measurements. With no argument: heap()
will show only the objects that became reachable after this call, and
heapu() the change in the counts and sizes of the unreachable objects
since this call. With arguments, only the given reference is set:
reachable is a set for heap() (as setrelheap()), unreachable a Stat or
set for heapu() (as setrelheapu()).

The reachable reference holds strong references to every object of the
old heap, so objects the program drops afterwards stay alive until the
reference is replaced, e.g. with $HP.setref(reachable=$HP.Nothing).""",

    "test": """\
test(debug=False) -> None

A quick self-check of this installation, in a fresh session (your
reference points are left alone): it makes known objects and checks that
heap() finds them and prints their table exactly, individual sizes
against sys.getsizeof, set algebra, that heapu() finds an object only C
code holds, a Stat dump and load round trip, and that every listed
attribute has help. It prints one line per check (ok, FAIL with the
reason, or skip) and a last line, "OK (N checks)" or "FAILED (...)";
after a failure it raises AssertionError naming it. test(debug=True)
lets the first failure propagate as raised, for pdb.pm().""",
}


def session_doc(session: Any) -> DocListing:
    """The listing of ``hp.doc`` for session."""
    prefix = session.reprefix
    return DocListing(
        _SESSION_NAMES, SESSION_HELP, type(session), prefix,
        header="Top level interface to Heapy. Available attributes:",
        footer="Use eg: %sdoc.<attribute> for info on <attribute>."
        % prefix)


# ---------------------------------------------------------------------------
# Sets: x.doc

_SET_NAMES = sorted([
    "all", "biper", "brief", "by", "byclodo", "byid", "byidset",
    "bymodule", "byprod", "byrcs", "bysize", "bytype", "byunity", "byvia",
    "count", "dictof", "diff", "disjoint", "doc", "dominos", "domisize",
    "dump", "er", "fam", "get_ckc", "get_examples", "get_render", "get_rp",
    "get_shpaths", "imdom", "indisize", "kind", "maprox", "more", "nodes",
    "owners", "partition", "parts", "pathsin", "pathsout", "prod",
    "referents", "referrers", "rp", "shpaths", "size", "sp", "stat",
    "test_contains", "theone",
])


def _by(name: str, what: str) -> str:
    return ("x.by%s -> IdentitySet\n\nThe same objects, partitioned by %s "
            "(x.by($HP.%s)).%s" % (name.lower(), name, name, what))


SET_HELP: Dict[str, str] = {
    "all": """\
x.all -> printer

The whole table of x: printing it shows every row, where printing x shows
the first ten.""",

    "biper": """\
x.biper -> EquivalenceRelation

A relation with two classes: in x (class 0) and not in x (class 1), as
$HP.findex(x). y.by(x.biper) splits y into the part inside x and the
rest.""",

    "brief": """\
x.brief -> str

A one-line summary of x, at most 80 characters: <count kind: items>, e.g.
<3 int: 1, 2, 3>. The kind is the class of the objects, or (a | b) when
there are several; the items are renderings of the first objects in
address order, until the line is full. str() of a kind is its brief.""",

    "by": """\
x.by(er) -> IdentitySet

The same objects, partitioned by another equivalence relation: er is a
relation such as $HP.Type, or its name, 'Type'. Returns x itself if it
is already partitioned by er. The set shares its objects with x; the
new partition is computed when first printed or indexed.""",

    "byclodo": _by("Clodo", " Class or dict owner: the default."),
    "byid": _by("Id", " One row per object, with its rendering."),
    "byidset": _by("Idset", " One row per object, labelled by its brief."),
    "bymodule": _by("Module", " One row per module, one for the rest."),
    "byprod": _by("Prod", " By the line that allocated each object; needs "
                  "tracemalloc tracing."),
    "byrcs": _by("Rcs", " By the classes of each object's referrers."),
    "bysize": _by("Size", " By individual size."),
    "bytype": _by("Type", " By type, with all dicts in one row."),
    "byunity": _by("Unity", " All in one row."),
    "byvia": _by("Via", " By the edges each object is referred to "
                 "through."),

    "count": """\
x.count -> int

The number of objects in x. (len(x) is the number of rows of its
table.)""",

    "dictof": """\
x.dictof -> Kind

The dicts owned by an object of x: the __dict__ of each member that has
one. h & x.dictof selects them from a set h.""",

    "diff": """\
x.diff(y) -> Stat

The difference table of x and y: x.stat - y.by(x.er).stat, the change in
count and size of each row, largest change first.""",

    "disjoint": """\
x.disjoint(y) -> bool

True if x and y have no object in common.""",

    "doc": """\
x.doc -> DocListing

The attributes of sets, in columns; x.doc.<attribute> is the help on one
of them, e.g. x.doc.bytype.""",

    "dominos": """\
x.dominos -> IdentitySet

The objects that would be freed if the objects of x were: x itself and
everything reachable from x that cannot be reached from the roots
without passing through x. Computed on the reachable heap without the
profiler's own objects.""",

    "domisize": """\
x.domisize -> int

The total size of x.dominos: the memory that freeing x would give back.""",

    "dump": """\
x.dump(fn, mode='a')

Write the table of x, as a Stat (counts, sizes and labels, not the
objects), in heapy's text format: to the file named fn, appended by
default, or to any object with a write() method. Read it back with
$HP.load(); guppy3 can read it too. Same as x.stat.dump(fn, mode).""",

    "er": """\
x.er -> EquivalenceRelation

The relation x is partitioned by, e.g. $HP.Clodo. It decides how x
prints, what len(x) counts and what x[i] returns.""",

    "fam": """\
x.fam

Not provided. In guppy3 this is the set's internal "family" object,
which implements its operations. guppy-c has no families (a set is one
class with ordinary methods), so x.fam raises AttributeError.""",

    "get_ckc": """\
x.get_ckc() -> (classifier, class, comparison)

How x is defined as a kind: the classifier, the class and the comparison
used to test membership. For an IdentitySet that is its identity
classifier, its objects and '<='.""",

    "get_examples": """\
x.get_examples

Not provided. A hook of guppy3's specification-testing framework, which
this project does not include; x.get_examples raises AttributeError.""",

    "get_render": """\
x.get_render() -> function

The function that renders one object of x as its table row shows it
under byid (the value of an int, the name of a module, an address).""",

    "get_rp": """\
x.get_rp(depth=None, er=None, imdom=0, bf=0, src=None, stopkind=None,
         nocyc=False, ref=None) -> ReferencePattern

The reference pattern of x with options (x.rp uses the defaults): depth
is how many levels of referrers to show (default 7), er the relation
the referrers are partitioned by (default Clodo), imdom=1 follows
immediate dominators instead of referrers, stopkind a kind not to expand
further (default: modules, types, their dicts, code and frames), nocyc
leaves out referrers already on the way from x, and src a set whose
objects stand in for the root: the heap is then what a tuple of them
reaches, that tuple included.""",

    "get_shpaths": """\
x.get_shpaths(src=None, avoid_nodes=None, avoid_edges=()) -> ShortestPaths

The shortest paths to the objects of x (x.sp uses the defaults): from
the objects of src instead of the root, avoiding the objects of
avoid_nodes, or the edges of avoid_edges.""",

    "imdom": """\
x.imdom -> IdentitySet

The immediate dominators of x: the referrers of x that are reachable
from the roots without passing through any other referrer of x.""",

    "indisize": """\
x.indisize -> int

The total individual size of the objects of x, in bytes: the same as
x.size.""",

    "kind": """\
x.kind -> Kind

The union of the classes of the objects of x under x.er, e.g. (float |
int | list) for a set classified by Clodo.""",

    "maprox": """\
x.maprox -> proxy

Applies an attribute access or index to every object of x: x.maprox.a is
the set of the values of attribute a of the objects that have one,
x.maprox[k] the set of the values at key or index k. Objects without it
are skipped.""",

    "more": """\
x.more -> printer

The next rows of the table: printing x shows the first ten rows, x.more
the ten after them, x.more.more the next ten. In the interactive shell,
_.more continues from whatever was printed last.""",

    "nodes": """\
x.nodes -> NodeSet

The objects of x themselves, to iterate over (in address order) or test
membership in: for o in x.nodes: ... (iterating x itself is refused,
because len(x) counts rows, not objects).""",

    "owners": """\
x.owners -> IdentitySet

The owners of the dicts of x: for each dict that is the __dict__ of some
object (instance, module, class), that object. Other members contribute
nothing.""",

    "partition": """\
x.partition -> Partition

The partition of x under x.er as an object: its rows with counts and
sizes, the set of each row (get_set(i)) and its Stat (get_stat()).
Printing it prints the table.""",

    "parts": """\
x.parts -> list

The rows of the table of x, each as a set, in table order: x.parts[i] is
x[i].""",

    "pathsin": """\
x.pathsin -> ShortestPaths

The one-step paths into x: for each object referring to a member of x,
that object's brief and the edge, e.g. <1 dict of __main__.A: 0x...>['b'].""",

    "pathsout": """\
x.pathsout -> ShortestPaths

The one-step paths out of x: each edge from a member of x to an object
it refers to, e.g. Src.__dict__.""",

    "prod": """\
x.prod -> printer

For a set of one object: the traceback of where it was allocated, as
tracemalloc recorded it (most recent call first). Raises RuntimeError
when tracemalloc is not tracing.""",

    "referents": """\
x.referents -> IdentitySet

The objects that the objects of x refer to directly, by the same edges
as the heap walk (tp_traverse, completed for types, code objects and
dict keys). The profiler's own objects are left out.""",

    "referrers": """\
x.referrers -> IdentitySet

The objects that refer directly to an object of x, among the objects
reachable from the roots (the profiler's own left out).""",

    "rp": """\
x.rp -> ReferencePattern

The reference pattern of x: a tree of who refers to x, by class. Row 0
is x; under each row are its referrers, partitioned by Clodo, to a
depth of 7; modules, types, their dicts, code and frames are not
expanded. rp[i] or rp.<row name> (rp.a, rp.ab) is the set of a row.""",

    "shpaths": """\
x.shpaths -> ShortestPaths

The same as x.sp: the shortest paths from the root to x.""",

    "size": """\
x.size -> int

The total individual size of the objects of x, in bytes. An object's
individual size is what sys.getsizeof reports for it: the object and the
memory it alone owns (a list's item array, a dict's table), not the
objects it refers to. For an instance of 3.11+ without a __dict__ yet,
the storage of its attributes is included, which no __sizeof__ counts.
See also domisize.""",

    "sp": """\
x.sp -> ShortestPaths

The shortest paths from the root to the objects of x, one per line, each
written as an expression that would reach the object, e.g.
$HP.Root.i0_modules['__main__'].__dict__['x']. Only the objects found at
the smallest depth are targets. Ten paths are printed; .more shows more.
The profiler's own frames and objects are not on any path.""",

    "stat": """\
x.stat -> Stat

The table of x as a Stat: the counts, sizes and labels of its rows
without the objects, so that holding it keeps nothing alive. Stats
print like sets, subtract (st1 - st2, a difference table) and dump to
files.""",

    "test_contains": """\
x.test_contains

Not provided. A hook of guppy3's specification-testing framework, which
this project does not include; use `obj in x.nodes` to test membership.""",

    "theone": """\
x.theone -> object

The only object of a set of one; ValueError if x has any other number
of objects.""",
}


def set_doc(x: Any) -> DocListing:
    """The listing of ``x.doc`` for an IdentitySet x."""
    er = getattr(x, "_er", None)
    session = getattr(er, "_session", None)
    prefix = session.reprefix if session is not None else "hpy()."
    return DocListing(_SET_NAMES, SET_HELP, type(x), prefix)


# ---------------------------------------------------------------------------
# Stat objects: st.doc

STAT_HELP: Dict[str, str] = {
    "all": """\
x.all -> printer

The whole table of the Stat: printing it shows every row.""",

    "b_count": """\
x.b_count -> int

In a difference table (x = A - B), the total count of B.""",

    "b_size": """\
x.b_size -> int

In a difference table (x = A - B), the total size of B.""",

    "count": """\
x.count -> int

The total number of objects the table counts (in a difference table, the
change).""",

    "doc": """\
x.doc -> DocListing

The attributes of Stat objects, in columns; x.doc.<attribute> is the
help on one of them.""",

    "dump": """\
x.dump(fn, mode='a')

Write the Stat in heapy's text format to the file named fn (appended by
default) or to any object with a write() method. $HP.load() reads it
back, and so does guppy3. A file can hold many Stats one after the
other: $HP.loadall() reads them all.""",

    "firstheader": """\
x.firstheader -> str

A line describing where the data comes from, set by heapu(): 'Data from
unreachable objects.' or '... relative to: <time>.'. Not printed, as in
guppy3.""",

    "format_name": """\
x.format_name -> str

The table format: 'SetFormat' (a partition), 'IdFormat' (one row per
object, as byid prints) or 'DiffFormat' (a difference).""",

    "get_row": """\
x.get_row(i) -> StatRow

Row i of the table, with its index, count, size, cumulsize and name (the
label).""",

    "get_rows": """\
x.get_rows(start=0) -> list

The rows of the table from start on, as StatRow objects.""",

    "get_rows_n_and_other": """\
x.get_rows_n_and_other(n, sortby='Size') -> list

The first n rows and one more row, <Other>, summing the rest, placed
where its size (or count, with sortby='Count') puts it.""",

    "get_rows_of_kinds": """\
x.get_rows_of_kinds(names) -> list

The rows whose labels are the given names, in that order; None for a
name with no row.""",

    "kindheader": """\
x.kindheader -> str

The title of the label column, e.g. 'Kind (class / dict of class)' or
'Type'. Two Stats can be subtracted only if their kindheaders match.""",

    "kindname": """\
x.kindname -> str

For a one-row-per-object table, the kind of all its objects as the
title shows it ('<str>', '<mixed>'); '' otherwise.""",

    "loader": """\
x.loader -> str

The name of the loader written at the top of a dump, '_load_stat'.""",

    "more": """\
x.more -> printer

The next ten rows of the table, as for sets.""",

    "numrows": """\
x.numrows -> int

The number of rows of the table (also len(x)).""",

    "rows": """\
x.rows -> list

The rows of the table, as StatRow objects.""",

    "size": """\
x.size -> int

The total size, in bytes, of the objects the table counts (in a
difference table, the change).""",

    "timemade": """\
x.timemade -> float

When the table was made, in seconds since the epoch (time.time()); for a
difference, when the subtraction was done.""",
}


def stat_doc(st: Any) -> DocListing:
    """The listing of ``st.doc`` for a Stat st: its public attributes."""
    # Listed from the object itself, so every name exists (owner None).
    names = sorted(n for n in dir(st) if not n.startswith("_"))
    return DocListing(names, STAT_HELP, None, "hpy().")
