"""Kinds (symbolic sets of objects) and the equivalence relations that
make them: ``hp.Type.Int``, ``hp.Clodo(dictof=C)``, ``h & hp.Size(56)``.

A *relation* (``hp.Clodo``, ``hp.Type``, ``hp.Size & hp.Type``,
``hp.Type.dictof``, ...) classifies objects. The C engine partitions a set
by it, given the relation's ``code``: an int for the basic relations, a
tuple for derived ones ('and', 'dictof', 'refdby', 'python'; see
src/classify.h). Each row of a partition has a *key*, its class as a
Python value (``NodeSet._row_keys``).

Calling a relation makes a *kind*: a symbolic set, such as every int now
or later (``hp.Type.Int``), printed by its ``brief``. Kinds combine with
``& | ~ - ^`` into normalised forms: the smaller of two nested kinds,
Nothing for provably disjoint ones, else And, Or and Invert kinds.
Deciding containment and disjointness is sound but not complete: where it
cannot prove either, the kinds stay combined.

Selection, ``set & kind``, is linear in the set: the set is partitioned by
the kind's relation in C, each *row* (not each object) is tested against
the kind here, and the matching rows are selected in C. Per selection:
one classification pass, O(rows) Python, one pass to select.

Every class derives from ``guppy._guppy.Hidden``: heap() never reports a
kind, a relation or what only they hold (an ``hp.Id`` kind's object).
"""
from __future__ import annotations

import builtins
import inspect
import operator
import sys
import types
from typing import (Any, Callable, Dict, FrozenSet, Iterable, List,
                    Optional, Sequence, Tuple, Union)

from guppy import _guppy
from guppy.heapy import UniSet as _u

__all__ = [
    "Relation", "Kind", "SoKind", "MappingProxy", "standard_relations",
    "tc_repr", "tc_adapt",
]

# Engine codes of the basic relations (src/classify.h, GyBy).
CLODO, TYPE, SIZE, UNITY, MODULE, ID, IDSET, RCS, VIA, PROD = range(1, 11)

#: The comparison symbols of kind.alt().
OPS = ("<", "<=", "==", "!=", ">", ">=")

_NOT_CONVERTIBLE = ("Argument is not automatically convertible to a "
                    "UniSet with correct _hiding_tag_.")

_CLODO_ARG_ERROR = """\
Argument should be either
    <type except dict>
    dictof=<type>
    dictof=()"""

_TC_ADAPT_ERROR = ("String argument to tc_adapt should be of form\n"
                   "'<class MODULE.NAME at 0xADDR>' or\n"
                   "'<type MODULE.NAME at 0xADDR>' or\n"
                   "'<at 0xADDR>'. I got: %r")

Key = Any
Ckc = Tuple["Relation", Any, str]
UniSet = Union["Kind", "_u.IdentitySet"]


class _Marker(_guppy.Hidden):
    """A unique, printable placeholder value."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def __repr__(self) -> str:
        return self._text


#: The ckc argument of ``hp.Nothing.dictof``: dicts without an owner.
NO_OWNER = _Marker("<no owner>")


# ---------------------------------------------------------------------------
# Small helpers

def _isset(x: object) -> bool:
    return isinstance(x, _u.IdentitySet)


def _isnothing(x: object) -> bool:
    return isinstance(x, _u.IdentitySet) and x.count == 0


def _session_of(x: Any) -> Any:
    if isinstance(x, _u.IdentitySet):
        return x._er._session
    return x._session


def _render_one(obj: object) -> str:
    """The rendering of obj in a byid table (C, never a user repr)."""
    return _guppy.NodeSet((obj,))._member_brief(0)[1]


def _type_name(t: type) -> str:
    """A type's name as heapy prints it: int, module, __main__.C, ..."""
    return _render_one(t)


def _type_attr(t: type, name: str) -> str:
    # type's own descriptors: a metaclass cannot intercept them.
    try:
        v = type.__dict__[name].__get__(t, type)
    except Exception:
        return "?"
    return v if isinstance(v, str) else "?"


def tc_repr(t: type) -> str:
    """A type as the string hp.Type() accepts back:
    '<type MODULE.NAME at 0xADDR>'."""
    if not isinstance(t, type):
        raise TypeError("type expected (tc_repr(): t is %s)"
                        % type(t).__name__)
    return "<type %s.%s at %s>" % (_type_attr(t, "__module__"),
                                   _type_attr(t, "__name__"), hex(id(t)))


def obj_at(address: int) -> Any:
    """The object at an address: looked up among the objects the collector
    tracks and those heap() reaches (never by dereferencing the address).
    ValueError if none is there."""
    import gc
    if not 0 < address <= 2 * sys.maxsize + 1:
        raise ValueError("No object found at address %s" % hex(address))
    for source in (gc.get_objects, _guppy.heap):
        found = _guppy.NodeSet(source())._obj_at(address)
        if found:
            return found[0]
    raise ValueError("No object found at address %s" % hex(address))


def tc_adapt(k: Any, where: str = "tc_adapt(): k") -> Any:
    """A type from a type or from its tc_repr() string. where names the
    argument in the error, after heapy's text."""
    if isinstance(k, type):
        return k
    if not isinstance(k, str):
        raise TypeError("type, class or basestring expected (%s is %s)"
                        % (where, type(k).__name__))
    if not (k.startswith("<") and k.endswith(">")):
        raise ValueError(_TC_ADAPT_ERROR % k)
    s = k.lstrip("<").rstrip(">").split(" ")
    if len(s) < 2:
        raise ValueError(_TC_ADAPT_ERROR % k)
    try:
        addr = int(s[-1], 0)
    except ValueError:
        raise ValueError(_TC_ADAPT_ERROR % k) from None
    word = s[0]
    if word == "at":
        if len(s) != 2:
            raise ValueError(_TC_ADAPT_ERROR % k)
        return obj_at(addr)
    if len(s) != 4 or word not in ("type", "class") or s[2] != "at":
        raise ValueError(_TC_ADAPT_ERROR % k)
    names = s[1].split(".")
    if len(names) < 2:
        raise ValueError(_TC_ADAPT_ERROR % k)
    t = obj_at(addr)
    if not isinstance(t, type):
        raise TypeError("%s object expected" % word)
    module, name = ".".join(names[:-1]), names[-1]
    if _type_attr(t, "__module__") != module:
        raise ValueError("The %s %s has wrong __module__, expected %r."
                         % (word, _type_name(t), module))
    if _type_attr(t, "__name__") != name:
        raise ValueError("The %s %s has wrong __name__, expected %r."
                         % (word, _type_name(t), name))
    return t


_INVTYPES: Dict[type, str] = {}


def _type_shortcut(t: type) -> Optional[str]:
    """X if the types module exports t as XType (the last such name)."""
    if not _INVTYPES:
        for k, v in vars(types).items():
            if k.endswith("Type") and isinstance(v, type):
                _INVTYPES[v] = k[:-4]
    for k, v in _INVTYPES.items():
        if k is t:
            return v
    return None


class ComparisonTypeError(TypeError, ValueError):
    """alt() of something that is not a str: a TypeError, and the
    ValueError heapy raises there, so either except clause catches it."""


def _check_op(op: object) -> str:
    if not isinstance(op, str):
        raise ComparisonTypeError("No such comparison symbol: %r (alt(): op "
                                  "is %s)" % (op, type(op).__name__))
    if op not in OPS:
        raise ValueError("No such comparison symbol: %r (alt(): op is %r)"
                         % (op, op))
    return op


_OTHER = "the other operand"


def _as_uniset(session: Any, x: object, what: Optional[str] = None) -> UniSet:
    """x as a kind or set: kinds and sets as they are, a type as
    hp.Type(x); TypeError otherwise, heapy's text followed by what x was
    (what: the argument's name, if the caller does not add its own)."""
    if isinstance(x, (Kind, _u.IdentitySet)):
        return x
    if isinstance(x, type):
        return TypeKind(session, x)
    if isinstance(x, _guppy.NodeSet):
        return session.idset(x)
    if what is None:
        raise TypeError(_NOT_CONVERTIBLE)
    raise TypeError("%s (%s is %s)" % (_NOT_CONVERTIBLE, what,
                                       type(x).__name__))


Pred = Callable[[Key], bool]


def _sel_key(ns: _guppy.NodeSet, code: Any, pred: Pred,
             alt: Optional[Tuple[Any, Pred]] = None) -> _guppy.NodeSet:
    """The members of ns whose row key under code satisfies pred. alt, an
    equivalent (code, pred), is used instead if ns has that partition."""
    if not ns.count:
        return ns
    cached = ns._part_spec()
    if cached == code:
        work = ns
    elif alt is not None and cached == alt[0]:
        work, (code, pred) = ns, alt
    else:
        # A fresh NodeSet shares ns's members but has its own partition
        # cache, so selecting does not replace the partition ns prints by.
        work = _guppy.NodeSet(ns)
    keys = work._row_keys(code)
    rows = tuple(i for i, k in enumerate(keys) if pred(k))
    if len(rows) == len(keys):
        return ns
    return work._rowsel(code, rows)


def _sel_ckc(ns: _guppy.NodeSet, rel: "Relation", arg: Any,
             op: str) -> _guppy.NodeSet:
    alt = None
    if isinstance(rel, TypeRelation):
        # Clodo refines Type: a set printed by Clodo needs no new pass.
        def by_clodo(k: Key) -> bool:
            return rel._cmp(dict if isinstance(k, tuple) else k, arg, op)
        alt = (CLODO, by_clodo)
    return _sel_key(ns, rel.code, lambda k: rel._cmp(k, arg, op), alt)


def _sel_any(ns: _guppy.NodeSet, rel: "Relation",
             ckcs: List[Tuple["Relation", Any, str]]) -> _guppy.NodeSet:
    """The members of ns in any of the kinds (rel, arg, op) in ckcs."""
    if len(ckcs) == 1:
        return _sel_ckc(ns, *ckcs[0])

    def pred(k: Key) -> bool:
        return any(rel._cmp(k, arg, op) for _, arg, op in ckcs)
    alt = None
    if isinstance(rel, TypeRelation):
        def by_clodo(k: Key) -> bool:
            return pred(dict if isinstance(k, tuple) else k)
        alt = (CLODO, by_clodo)
    return _sel_key(ns, rel.code, pred, alt)


def select(kind: UniSet, ns: _guppy.NodeSet) -> _guppy.NodeSet:
    """The members of ns (a NodeSet or IdentitySet) that are in kind, as a
    plain NodeSet."""
    if not ns.count:
        return ns
    if isinstance(kind, _u.IdentitySet):
        return ns._binop(kind, "&")
    return kind._sel(ns)


def _wrap(session: Any, nodes: _guppy.NodeSet) -> "_u.IdentitySet":
    return _u.IdentitySet._make(nodes, session.Clodo)


# ---------------------------------------------------------------------------
# Relations

class Relation(_guppy.Hidden):
    """An equivalence relation: ``hp.Clodo``, ``hp.Type``, ``hp.Size``...

    ``x.by(er)`` partitions a set by it; calling it makes a kind
    (``hp.Size(56)``); ``er[x]`` is the union of the kinds of x's members;
    ``er1 & er2`` classifies by both; ``er.dictof`` classifies dicts by
    their owner, ``er.refdby`` objects by their referrers.
    """

    __slots__ = ("_session", "code", "name")

    # The class each row of its partition is (for the partial order).
    def __init__(self, session: Any, name: str, code: Any) -> None:
        self._session = session
        self.name = name
        self.code = code

    # -- naming ---------------------------------------------------------

    def _reprname(self) -> str:
        return self._session.reprefix + self.name

    def __repr__(self) -> str:
        return self._reprname()

    #: heapy's name for the classifier behind the relation, in str().
    _cname = "Classifier"

    def __str__(self) -> str:
        return "Equiv. relation <guppy.heapy.Classifiers.%s object at %s>" % (
            self._cname, hex(id(self)))

    @property
    def brief(self) -> str:
        """As str(): 'Equiv. relation <Clodo classifier>'."""
        return str(self)

    # -- identity and order ---------------------------------------------

    def _eqkey(self) -> object:
        return id(self)

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if type(other) is not type(self):
            return False
        return self._eqkey() == other._eqkey()  # type: ignore[attr-defined]

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._eqkey()))

    def _supers(self) -> List["Relation"]:
        """The relations this one refines, itself included."""
        return [self, self._session.Unity]

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Relation):
            return NotImplemented
        return any(s == other for s in self._supers())

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Relation):
            return NotImplemented
        return other <= self

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Relation):
            return NotImplemented
        return self <= other and self != other

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Relation):
            return NotImplemented
        return other < self

    def __and__(self, other: "Relation") -> "Relation":
        if not isinstance(other, Relation):
            raise TypeError("unsupported operand for &: %s and %s"
                            % (type(self).__name__, type(other).__name__))
        ers: List[Relation] = []
        for x in (self, other):
            ers.extend(x._parts() if isinstance(x, AndRelation) else [x])
        ers = _minimals(ers, lambda a, b: a <= b)
        if len(ers) == 1:
            return ers[0]
        return AndRelation(self._session, tuple(ers))

    # -- kinds ------------------------------------------------------------

    def __call__(self, *args: Any, **kwds: Any) -> UniSet:
        raise TypeError("%s does not make kinds" % self._reprname())

    def _kind_of_key(self, key: Key) -> UniSet:
        """The kind of the row with this key."""
        raise NotImplementedError

    def _key_of_kind(self, kind: UniSet) -> Key:
        """The row key of a kind that is one class of this relation;
        ValueError if it is not."""
        rel, arg, op = _ckc(kind)
        if rel != self or op != "==":
            raise ValueError("get_kindarg: argument with classifier %s "
                             "expected" % self._reprname())
        return arg

    def _userkindargrepr(self, kind: UniSet) -> str:
        """The argument text that rebuilds kind by calling this relation."""
        return repr(self._key_of_kind(kind))

    def _tabrender(self, kind: UniSet, ctx: str = "") -> str:
        """kind as a row label (ctx 'and' inside a combined relation)."""
        return kind.brief

    # Row key comparisons; arg is a kind's ckc argument.
    def _key_eq(self, key: Key, arg: Any) -> bool:
        return key is arg

    def _key_le(self, a: Key, b: Key) -> bool:
        raise ValueError("This classifier supports only equality selection.")

    def _cmp(self, key: Key, arg: Any, op: str) -> bool:
        """Whether a row with this key is in the kind (self, arg, op)."""
        if op == "==":
            return self._key_eq(key, arg)
        if op == "!=":
            return not self._key_eq(key, arg)
        if op in ("<", ">") and self._key_eq(key, arg):
            return False
        if op in ("<", "<="):
            return self._key_le(key, arg)
        return self._key_le(arg, key)

    # -- public -------------------------------------------------------------

    def __contains__(self, x: object) -> bool:
        """A set whose members are all in one class, or a kind that is one
        class of this relation."""
        if isinstance(x, _guppy.NodeSet):
            return _guppy.NodeSet(x)._numrows(self.code) == 1
        if isinstance(x, Kind):
            try:
                self._key_of_kind(x)
            except (ValueError, TypeError):
                return False
            return True
        return False

    def __getitem__(self, x: Any) -> UniSet:
        """The union of the classes of x's members, e.g.
        hp.Type[hp.iso(1, 'a')] is (int | str)."""
        if not isinstance(x, _guppy.NodeSet):
            raise TypeError("IdentitySet or NodeSet expected, got %r."
                            % type(x))
        kinds = [self._kind_of_key(k)
                 for k in _guppy.NodeSet(x)._row_keys(self.code)]
        # Rows are disjoint, non-empty classes: their union needs no
        # normalisation.
        return _or_cons(self._session, kinds)

    @property
    def dictof(self) -> "Relation":
        """Classify dicts by the class of their owner under this relation
        (non-dicts in one class, ~dict)."""
        return _derived(self._session, ("dictof", self),
                        lambda: DictofRelation(self._session, self))

    @property
    def refdby(self) -> "Relation":
        """Classify objects by the set of the classes of their referrers."""
        return _derived(self._session, ("refdby", self),
                        lambda: RefdbyRelation(self._session, self))

    def sokind(self, *args: Any, **kwds: Any) -> "SoKind":
        """A set of kinds of this relation, one per call:
        er.sokind(a)(b).refdby is the kind 'referred to by a and b'."""
        return SoKind(self, (self(*args, **kwds),))

    def get_byname(self) -> str:
        """The relation's name in a reference pattern's title
        ('Reference Pattern by <type>.'): 'type', '[dict of] class'..."""
        if isinstance(self, DictofRelation):
            return "[dict of] " + self.inner.get_byname()
        if isinstance(self, AndRelation):
            return "<%s>" % " & ".join(p.get_byname() for p in self.parts)
        if isinstance(self, FindexRelation):
            return "index of first matching kind of %r" % (self.kinds,)
        if isinstance(self, RefdbyRelation):
            return "referrer kinds"
        return _BYNAMES.get(self.name, self.name)

    rp_name = get_byname


#: Relation name -> its name in reference pattern titles.
_BYNAMES = {
    "Clodo": "[dict of] class", "Type": "type", "Size": "individual size",
    "Unity": "unity", "Module": "module", "Id": "object identity",
    "Idset": "by identity set", "Rcs": "referrer kinds",
    "Via": "referred via", "Prod": "producer",
}


def _derived(session: Any, key: tuple, make: Callable[[], Relation]
             ) -> Relation:
    memo = session._relations
    r = memo.get(key)
    if r is None:
        r = memo[key] = make()
    return r


def _minimals(xs: Sequence[Any], le: Callable[[Any, Any], bool]
              ) -> List[Any]:
    """The minimal elements of a partially ordered sequence, in order,
    without duplicates."""
    r: List[Any] = []
    for x in xs:
        if any(le(a, x) and not le(x, a) for a in xs):
            continue
        if not any(le(a, x) for a in r):
            r.append(x)
    return r


def _maximals(xs: Sequence[Any], le: Callable[[Any, Any], bool]
              ) -> List[Any]:
    r: List[Any] = []
    for x in xs:
        if any(le(x, a) and not le(a, x) for a in xs):
            continue
        if not any(le(x, a) for a in r):
            r.append(x)
    return r


class UnityRelation(Relation):
    __slots__ = ()
    _cname = "ByUnity"

    def _supers(self) -> List[Relation]:
        return [self]

    def __call__(self, *args: Any) -> UniSet:
        return self._session.Anything

    def _kind_of_key(self, key: Key) -> UniSet:
        return self._session.Anything

    def _key_eq(self, key: Key, arg: Any) -> bool:
        return True


class TypeRelation(Relation):
    """hp.Type: classify by type. hp.Type.Int and the like are kinds:
    types.<Name>Type, else builtins.<name>."""

    __slots__ = ()
    _cname = "ByType"

    def __call__(self, t: Any) -> UniSet:
        t = tc_adapt(t, "hp.Type(): argument 1")
        if not isinstance(t, type):
            raise TypeError("Argument should be a type.")
        return TypeKind(self._session, t)

    def __getattr__(self, name: str) -> UniSet:
        if name.startswith("_"):
            raise AttributeError(name)
        t = getattr(types, name + "Type", None)
        if not isinstance(t, type):
            t = getattr(builtins, name.lower(), None)
        if not isinstance(t, type):
            raise AttributeError(
                "%s has no attribute %r: neither types.%sType nor "
                "builtins.%s is a type" % (self._reprname(), name, name,
                                          name.lower()))
        return TypeKind(self._session, t)

    def _kind_of_key(self, key: Key) -> UniSet:
        return TypeKind(self._session, key)

    def _userkindargrepr(self, kind: UniSet) -> str:
        return repr(tc_repr(self._key_of_kind(kind)))

    def _key_le(self, a: Key, b: Key) -> bool:
        # type.__subclasscheck__ reads the MRO; a metaclass cannot
        # intercept it.
        return type.__subclasscheck__(b, a)


class ClodoRelation(Relation):
    """hp.Clodo: the type, or for a dict the type of its owner."""

    __slots__ = ()
    _cname = "ByClassOrDictOwner"

    def _supers(self) -> List[Relation]:
        s = self._session
        return [self, s.Type, s.Unity]

    def __call__(self, kind: Any = None, dictof: Any = None) -> UniSet:
        s = self._session
        try:
            if kind is None and dictof is not None:
                if isinstance(dictof, tuple) and not dictof:
                    return DictofKind(s, s.Nothing)
                return DictofKind(s, s.Type(dictof))
            if kind is not None and dictof is None:
                t = tc_adapt(kind)
                if t is dict or not isinstance(t, type):
                    raise TypeError
                return TypeKind(s, t)
            raise TypeError
        except TypeError:
            if kind is not None and dictof is not None:
                given = "both kind and dictof given"
            elif dictof is not None:
                given = "dictof is %s" % type(dictof).__name__
            elif kind is dict:
                given = "kind is dict"
            elif kind is not None:
                given = "kind is %s" % type(kind).__name__
            else:
                given = "no argument given"
            raise TypeError("%s\n(hp.Clodo(): %s)" % (_CLODO_ARG_ERROR, given)
                            ) from None

    def _kind_of_key(self, key: Key) -> UniSet:
        s = self._session
        if isinstance(key, tuple):
            if not key:
                return DictofKind(s, s.Nothing)
            return DictofKind(s, TypeKind(s, key[0]))
        return TypeKind(s, key)

    def _key_of_kind(self, kind: UniSet) -> Key:
        if isinstance(kind, TypeKind):
            # Type(dict) is no Clodo class (dicts go by owner), but guppy3
            # takes it, as a class that nothing is in.
            return kind.arg
        if isinstance(kind, DictofKind):
            if _isnothing(kind.arg):
                return ()
            if isinstance(kind.arg, TypeKind):
                return (kind.arg.arg,)
        raise ValueError("get_kindarg: argument with classifier %s expected"
                         % self._reprname())

    def _userkindargrepr(self, kind: UniSet) -> str:
        key = self._key_of_kind(kind)
        if not isinstance(key, tuple):
            return repr(tc_repr(key))
        if not key:
            return "dictof=()"
        return "dictof=%r" % tc_repr(key[0])

    def _key_eq(self, key: Key, arg: Any) -> bool:
        if isinstance(key, tuple) and isinstance(arg, tuple):
            return len(key) == len(arg) and all(
                a is b for a, b in zip(key, arg))
        return key is arg


class SizeRelation(Relation):
    __slots__ = ()
    _cname = "ByIndiSize"

    def __call__(self, n: Any) -> UniSet:
        try:
            n = int(n)
        except TypeError:
            raise TypeError("%s(): the size must be an int, not %s"
                            % (self._reprname(), type(n).__name__)) from None
        except ValueError:
            raise ValueError("%s(): the size must be an int, not %r"
                             % (self._reprname(), n)) from None
        return SizeKind(self._session, n)

    def _kind_of_key(self, key: Key) -> UniSet:
        return SizeKind(self._session, key)

    def _tabrender(self, kind: UniSet, ctx: str = "") -> str:
        n = self._key_of_kind(kind)
        return "%d" % n if ctx else "%9d" % n

    def _key_eq(self, key: Key, arg: Any) -> bool:
        return key == arg

    def _key_le(self, a: Key, b: Key) -> bool:
        return a <= b


class ModuleRelation(Relation):
    __slots__ = ()
    _cname = "ByModule"

    def __call__(self, name: Any = None, at: Any = None) -> UniSet:
        s = self._session
        if name is None and at is None:
            return _invert(TypeKind(s, types.ModuleType))
        if at is None:
            if not isinstance(name, str):
                raise TypeError("%s(): name must be a str, not %s"
                                % (self._reprname(), type(name).__name__))
            try:
                m = sys.modules[name]
            except KeyError:
                raise ValueError("No module %r in sys.modules." % (name,)
                                 ) from None
        else:
            m = obj_at(_address(self, "at", at))
        if not isinstance(m, types.ModuleType):
            raise TypeError("The specified object is not of module type, "
                            "but %r." % type(m))
        if name is not None and _module_name(m) != name:
            raise ValueError("The specified module has not name %r but %r."
                             % (name, _module_name(m)))
        return ModuleKind(s, m)

    def _kind_of_key(self, key: Key) -> UniSet:
        if key is None:
            return self()
        return ModuleKind(self._session, key)

    def _key_of_kind(self, kind: UniSet) -> Key:
        if (isinstance(kind, InvertKind) and isinstance(kind.arg, TypeKind)
                and kind.arg.arg is types.ModuleType):
            return None
        return Relation._key_of_kind(self, kind)

    def _userkindargrepr(self, kind: UniSet) -> str:
        m = self._key_of_kind(kind)
        if m is None:
            return ""
        name = _module_name(m)
        s = repr(name)
        if sys.modules.get(name) is not m:
            s += ", at=%s" % hex(id(m))
        return s


def _address(rel: Relation, argname: str, value: Any) -> int:
    """value as an int address, or TypeError naming the argument."""
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError("%s(): %s must be an int, not %s"
                        % (rel._reprname(), argname, type(value).__name__)
                        ) from None


def _module_name(m: types.ModuleType) -> str:
    try:
        name = types.ModuleType.__getattribute__(m, "__name__")
    except Exception:
        return "?"
    return name if isinstance(name, str) else "?"


class IdRelation(Relation):
    __slots__ = ()
    _cname = "ByIdentity"

    def __call__(self, address: Any) -> UniSet:
        return IdKind(self._session, obj_at(_address(self, "address",
                                                     address)))

    def _kind_of_key(self, key: Key) -> UniSet:
        return IdKind(self._session, key)

    def _userkindargrepr(self, kind: UniSet) -> str:
        return hex(id(self._key_of_kind(kind)))


class IdsetRelation(Relation):
    __slots__ = ()
    _cname = "ByIdentitySet"

    def __call__(self, node: Any) -> UniSet:
        return self._session.iso(node)

    def _kind_of_key(self, key: Key) -> UniSet:
        return self._session.iso(key)

    def __getitem__(self, x: Any) -> UniSet:
        if not isinstance(x, _guppy.NodeSet):
            raise TypeError("IdentitySet or NodeSet expected, got %r."
                            % type(x))
        return self._session.idset(_guppy.NodeSet(x))

    def _key_le(self, a: Key, b: Key) -> bool:
        # a row key (an object) against a set's members
        return a in b


class ViaRelation(Relation):
    """hp.Via: classify by the relations (attribute, index, key...) by
    which an object's referrers refer to it."""

    __slots__ = ()
    _cname = "ByInRel"

    def __call__(self, *rels: Any) -> UniSet:
        strs = []
        for i, r in enumerate(rels):
            if not isinstance(r, str):
                raise TypeError("%s(): argument %d must be a relation "
                                "string, not %s" % (self._reprname(), i + 1,
                                                    type(r).__name__))
            strs.append(canonical_relation(r))
        return ViaKind(self._session, frozenset(strs))

    def _kind_of_key(self, key: Key) -> UniSet:
        return ViaKind(self._session, key)

    def _userkindargrepr(self, kind: UniSet) -> str:
        return ", ".join(sorted(repr(x) for x in self._key_of_kind(kind)))

    def _tabrender(self, kind: UniSet, ctx: str = "") -> str:
        r = self._userkindargrepr(kind)
        return "{%s}" % r if ctx == "and" else r

    def _key_eq(self, key: Key, arg: Any) -> bool:
        return key == arg

    def _key_le(self, a: Key, b: Key) -> bool:
        return a <= b


class ProdRelation(Relation):
    """hp.Prod: classify by the line that allocated the object
    (tracemalloc)."""

    __slots__ = ()
    _cname = "ByProd"

    def __call__(self, *args: Any, **kwds: Any) -> UniSet:
        s, rn = self._session, self._reprname()
        if args and kwds:
            raise TypeError("%s() takes either positional or keyword "
                            "arguments" % rn)
        if kwds:
            if set(kwds) != {"filename", "lineno"}:
                raise TypeError('%s() keyword arguments must be "filename" '
                                'and "lineno"' % rn)
            args = (kwds["filename"], kwds["lineno"])
        if not args:
            return ProdKind(s, None)
        if len(args) == 1:
            arg = args[0]
            if isinstance(arg, str):
                return ProdKind(s, (arg, None)).alt("<")
            try:
                filename = inspect.getsourcefile(arg)
            except TypeError as e:
                raise TypeError("%s (%s(): argument 1 is %s)"
                                % (e, rn, type(arg).__name__)) from None
            lines, first = inspect.getsourcelines(arg)
            first = max(first, 1)
            return (ProdKind(s, (filename, None)).alt("<")
                    & ProdKind(s, (None, first)).alt(">=")
                    & ProdKind(s, (None, first + len(lines))).alt("<"))
        if len(args) == 2:
            filename, lineno = args
            if filename is not None and not isinstance(filename, str):
                raise TypeError("%s() argument 1 must be string or None"
                                % rn)
            if lineno is not None and not isinstance(lineno, int):
                raise TypeError("%s() argument 2 must be integer or None"
                                % rn)
            return ProdKind(s, (filename, lineno))
        raise TypeError("%s() takes from 0 to 2 positional arguments but %d "
                        "were given" % (rn, len(args)))

    def _kind_of_key(self, key: Key) -> UniSet:
        return ProdKind(self._session, key)

    def _key_eq(self, key: Key, arg: Any) -> bool:
        return key == arg

    def _key_le(self, a: Key, b: Key) -> bool:
        # guppy3's order: None only with None; a filename is below its
        # prefixes, a line below the lines after it; None parts match all.
        if a is None or b is None:
            return a is None and b is None
        if not (isinstance(a, tuple) and isinstance(b, tuple)):
            return False
        for i in (0, 1):
            x, y = a[i], b[i]
            if x is None or y is None or x == y:
                continue
            if i == 0:
                if not (isinstance(x, str) and isinstance(y, str)
                        and x.startswith(y)):
                    return False
            elif not (isinstance(x, int) and isinstance(y, int) and x <= y):
                return False
        return True


class DictofRelation(Relation):
    """er.dictof: dicts by the class of their owner under er; non-dicts
    in one class (~dict), dicts without owner in another."""

    __slots__ = ("inner",)
    _cname = "ByDictOwner"

    def __init__(self, session: Any, inner: Relation) -> None:
        Relation.__init__(self, session, inner.name + ".dictof",
                          ("dictof", inner.code))
        self.inner = inner

    def _reprname(self) -> str:
        return self.inner._reprname() + ".dictof"

    def __call__(self, owner: Any) -> UniSet:
        s = self._session
        if owner is None:
            return _invert(TypeKind(s, dict))
        try:
            return DictofKind(s, _as_uniset(s, owner))
        except TypeError as e:
            raise TypeError("%s (%s(): owner is %s)"
                            % (e, self._reprname(), type(owner).__name__)
                            ) from None

    def _kind_of_key(self, key: Key) -> UniSet:
        s = self._session
        if key is None:
            return _invert(TypeKind(s, dict))
        if not key:
            return DictofKind(s, s.Nothing)
        return DictofKind(s, self.inner._kind_of_key(key[0]))

    def _key_of_kind(self, kind: UniSet) -> Key:
        if (isinstance(kind, InvertKind) and isinstance(kind.arg, TypeKind)
                and kind.arg.arg is dict):
            return None
        if isinstance(kind, DictofKind):
            if _isnothing(kind.arg):
                return ()
            return (self.inner._key_of_kind(kind.arg),)
        raise ValueError("get_kindarg: argument with classifier %s expected"
                         % self._reprname())

    def _tabrender(self, kind: UniSet, ctx: str = "") -> str:
        key = self._key_of_kind(kind)
        if key is None:
            return kind.brief
        if not key:
            return "dict (no owner)"
        return "dict of " + self.inner._tabrender(kind.arg, ctx)

    def _cmp(self, key: Key, arg: Any, op: str) -> bool:
        if op == "!=":
            return not self._cmp(key, arg, "==")
        if not isinstance(key, tuple):
            return False
        if arg is NO_OWNER or not key:
            return arg is NO_OWNER and not key
        return self.inner._cmp(key[0], arg, op)


class RefdbyRelation(Relation):
    """er.refdby (hp.Rcs is hp.Clodo.refdby): classify objects by the set
    of the classes, under er, of their referrers."""

    __slots__ = ("inner",)
    _cname = "ByRetClaSet"

    def __init__(self, session: Any, inner: Relation) -> None:
        code = RCS if isinstance(inner, ClodoRelation) else (
            "refdby", inner.code)
        Relation.__init__(self, session, inner.name + ".refdby", code)
        self.inner = inner

    def _reprname(self) -> str:
        return self.inner._reprname() + ".refdby"

    def __call__(self, *args: Any) -> UniSet:
        keys: List[Key] = []
        for i, arg in enumerate(args):
            if isinstance(arg, SoKind):
                if arg.er != self.inner:
                    raise ValueError(
                        "Expected a SoKind with the %r classifier, argument "
                        "had %r." % (self.inner.name, arg.er.name))
                keys.extend(self.inner._key_of_kind(k) for k in arg.kinds)
            elif isinstance(arg, (Kind, _u.IdentitySet)):
                keys.append(self.inner._key_of_kind(arg))
            else:
                raise TypeError("%s(): argument %d must be a kind or a "
                                "sokind, not %s" % (
                                    self._reprname(), i + 1,
                                    type(arg).__name__))
        return RcsKind(self._session, self, tuple(keys))

    def _kind_of_key(self, key: Key) -> UniSet:
        # A partition's key is a frozenset: order it as its repr reads.
        inner = self.inner
        keys = sorted(key, key=lambda k: inner._userkindargrepr(
            inner._kind_of_key(k)))
        return RcsKind(self._session, self, tuple(keys))

    def _tabrender(self, kind: UniSet, ctx: str = "") -> str:
        inner = self.inner
        rs = sorted(inner._tabrender(inner._kind_of_key(k), ctx)
                    for k in kind.arg)  # type: ignore[union-attr]
        r = ", ".join(rs)
        if ctx:
            return "{%s}" % r
        return r or "<Nothing>"

    def _key_eq(self, key: Key, arg: Any) -> bool:
        return key == arg

    def _key_le(self, a: Key, b: Key) -> bool:
        return a <= b


class FindexRelation(Relation):
    """hp.findex(k0, k1, ...): the class of an object is the index of the
    first kind containing it, or len(kinds)."""

    __slots__ = ("kinds",)
    _cname = "ByFindex"

    def __init__(self, session: Any, kinds: Tuple[UniSet, ...]) -> None:
        Relation.__init__(self, session, "findex", ("python", self._part))
        self.kinds = kinds

    def _reprname(self) -> str:
        return "%sfindex(%s)" % (self._session.reprefix,
                                 ", ".join(repr(k) for k in self.kinds))

    def __call__(self, index: Any) -> UniSet:
        return FindexKind(self._session, self, operator.index(index))

    def _part(self, ns: _guppy.NodeSet) -> tuple:
        """The partition of ns for the engine: (sets, labels, keys,
        header)."""
        sets, labels, keys = [], [], []
        rest = _guppy.NodeSet(ns)
        for i, k in enumerate(self.kinds):
            if not rest.count:
                break
            sel = select(k, rest)
            if sel.count:
                sets.append(_guppy.NodeSet(sel))
                labels.append("%s / %d" % (k.brief, i))
                keys.append(i)
                rest = rest._binop(sel, "-")
        if rest.count:
            sets.append(rest)
            labels.append("<None>")
            keys.append(len(self.kinds))
        return sets, labels, keys, "First Matching Kind / Index"

    def _kind_of_key(self, key: Key) -> UniSet:
        return FindexKind(self._session, self, key)

    def _key_eq(self, key: Key, arg: Any) -> bool:
        return key == arg

    def _key_le(self, a: Key, b: Key) -> bool:
        return a <= b


class AndRelation(Relation):
    """er1 & er2: classify by both (the combined key)."""

    __slots__ = ("parts",)
    _cname = "AndClassifier"

    def __init__(self, session: Any, parts: Tuple[Relation, ...]) -> None:
        code: Any = parts[-1].code
        for p in reversed(parts[:-1]):
            code = ("and", p.code, code)
        Relation.__init__(self, session,
                          "(%s)" % " & ".join(p.name for p in parts), code)
        self.parts = parts

    def _parts(self) -> Tuple[Relation, ...]:
        return self.parts

    def _eqkey(self) -> object:
        return self.parts

    def _reprname(self) -> str:
        return "(%s)" % " & ".join(p._reprname() for p in self.parts)

    def _supers(self) -> List[Relation]:
        r: List[Relation] = [self]
        for p in self.parts:
            r.extend(p._supers())
        return r

    def _split(self, key: Key) -> List[Key]:
        # The engine nests binary 'and' specs: (k0, (k1, (k2, ...))).
        ks = []
        for _ in self.parts[:-1]:
            ks.append(key[0])
            key = key[1]
        ks.append(key)
        return ks

    def _kind_of_key(self, key: Key) -> UniSet:
        return AndKind(self._session, tuple(
            p._kind_of_key(k) for p, k in zip(self.parts, self._split(key))))

    def _key_of_kind(self, kind: UniSet) -> Key:
        if isinstance(kind, AndKind) and len(kind.args) == len(self.parts):
            keys = [p._key_of_kind(k)
                    for p, k in zip(self.parts, kind.args)]
            key = keys[-1]
            for k in reversed(keys[:-1]):
                key = (k, key)
            return key
        return Relation._key_of_kind(self, kind)

    def _tabrender(self, kind: UniSet, ctx: str = "") -> str:
        r = " & ".join(p._tabrender(k, "and") for p, k in
                       zip(self.parts, kind.args))  # type: ignore
        return "(%s)" % r if ctx == "and" else r

    def _cmp(self, key: Key, arg: Any, op: str) -> bool:
        if op == "!=":
            return not self._cmp(key, arg, "==")
        return all(p._cmp(k, a, op) for p, k, a in
                   zip(self.parts, self._split(key), self._split(arg)))


_RELATION_CLASSES = (
    ("Clodo", CLODO, ClodoRelation), ("Type", TYPE, TypeRelation),
    ("Size", SIZE, SizeRelation), ("Unity", UNITY, UnityRelation),
    ("Module", MODULE, ModuleRelation), ("Id", ID, IdRelation),
    ("Idset", IDSET, IdsetRelation), ("Via", VIA, ViaRelation),
    ("Prod", PROD, ProdRelation),
)

#: The names by() accepts, joined with '&' ('Type&Size').
RELATION_NAMES = ("Clodo", "Id", "Idset", "Module", "Prod", "Rcs", "Size",
                  "Type", "Unity", "Via")


def standard_relations(session: Any) -> Dict[Any, Relation]:
    """The memo of a session's relations: name -> relation, and the
    derived ones (er.dictof, er.refdby) as they are made."""
    d: Dict[Any, Relation] = {}
    for name, code, cls in _RELATION_CLASSES:
        d[name] = cls(session, name, code)
    d["Rcs"] = d[("refdby", d["Clodo"])] = RefdbyRelation(session,
                                                         d["Clodo"])
    return d


def relation_by_name(session: Any, er: Any) -> Relation:
    """by()'s argument as a relation: a relation, or names joined by '&'
    ('' is Unity)."""
    if isinstance(er, Relation):
        return er
    if not isinstance(er, str):
        raise TypeError("by(): Equivalence relation or string expected, "
                        "not %s" % type(er).__name__)
    names = er.split("&") if er else []
    r: Optional[Relation] = None
    for name in names:
        if not name.istitle() or name not in RELATION_NAMES:
            shown = name if name.istitle() else "er_" + name
            raise ValueError("by(): No such equivalence relation defined in "
                             "heapy.Use: %r" % shown)
        one = session._relations[name]
        r = one if r is None else r & one
    return session.Unity if r is None else r


# ---------------------------------------------------------------------------
# Sets of kinds

class SoKind(_guppy.Hidden):
    """A set of kinds of one relation: er.sokind(a)(b); its refdby is the
    kind 'referred to by objects of exactly these kinds'."""

    __slots__ = ("er", "kinds")

    def __init__(self, er: Relation, kinds: Tuple[UniSet, ...]) -> None:
        self.er = er
        self.kinds = kinds

    def __call__(self, *args: Any, **kwds: Any) -> "SoKind":
        return SoKind(self.er, self.kinds + (self.er(*args, **kwds),))

    def __repr__(self) -> str:
        return "%s.sokind%s" % (self.er._reprname(), "".join(
            "(%s)" % self.er._userkindargrepr(k) for k in self.kinds))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SoKind) or other.er != self.er:
            return False
        return self._keys() == other._keys()

    def __hash__(self) -> int:
        return hash(self._keys())

    def _keys(self) -> FrozenSet[Key]:
        return frozenset(self.er._key_of_kind(k) for k in self.kinds)

    @property
    def refdby(self) -> UniSet:
        """The kind of the objects referred to by exactly these kinds."""
        return self.er.refdby(self)


class _SoNoKind(SoKind):
    __slots__ = ()

    def __repr__(self) -> str:
        return "%ssonokind" % self.er._session.reprefix


def sonokind(session: Any) -> SoKind:
    """The empty set of kinds (of Clodo): .refdby is 'not referred to'."""
    return _SoNoKind(session.Clodo, ())


def sokind(session: Any, *kinds: Any) -> SoKind:
    """The set of the given kinds, which must be classes of one relation."""
    if not kinds:
        raise ValueError("At least one argument must be given.")
    er = None
    for i, k in enumerate(kinds):
        try:
            u = _as_uniset(session, k)
        except TypeError as e:
            raise TypeError("%s (sokind(): argument %d is %s)"
                            % (e, i + 1, type(k).__name__)) from None
        rel, _, op = _ckc(u)
        if er is None:
            er = rel
        elif rel != er:
            raise ValueError("Kind at index %d has wrong classifier." % i)
        if op != "==":
            raise ValueError("Kind at index %d has wrong comparision." % i)
    return SoKind(er, tuple(_as_uniset(session, k) for k in kinds))


# ---------------------------------------------------------------------------
# Kinds

class Kind(_guppy.Hidden):
    """A symbolic set of objects: every object of a class, now or later.

    ``obj in kind`` tests an object; ``set & kind`` selects from a set;
    ``& | ~ - ^`` combine kinds (and sets); ``<=`` tests containment.
    ``str(kind)`` is its brief, ``repr(kind)`` an expression that makes it.
    """

    __slots__ = ("_session",)

    # -- the protocol of each kind class ------------------------------------

    def _brief(self) -> str:
        raise NotImplementedError

    def _repr(self) -> str:
        raise NotImplementedError

    def _ckc(self) -> Ckc:
        raise NotImplementedError

    def _sel(self, ns: _guppy.NodeSet) -> _guppy.NodeSet:
        return _sel_ckc(ns, *self._ckc())

    def _alt(self, op: str) -> UniSet:
        raise ValueError("No alternative set for family %s."
                         % type(self).__name__)

    def _hashkey(self) -> object:
        raise NotImplementedError

    # -- public ---------------------------------------------------------------

    @property
    def brief(self) -> str:
        """A one-line description: int, dict of __main__.C, <size = 56>."""
        return self._brief()

    def __str__(self) -> str:
        return self._brief()

    def __repr__(self) -> str:
        return self._repr()

    def __bool__(self) -> bool:
        return True

    def alt(self, op: str) -> UniSet:
        """The kind of objects whose class compares by op ('<', '<=', '==',
        '!=', '>=', '>') with this one: subtypes, sizes below..."""
        return self._alt(op)

    @property
    def dictof(self) -> UniSet:
        """The kind of the dicts owned by objects of this kind."""
        return DictofKind(self._session, self)

    @property
    def biper(self) -> Relation:
        """A relation with two classes: 0, in self; 1, not in self."""
        return FindexRelation(self._session, (self,))

    def get_ckc(self) -> Ckc:
        """(relation, argument, comparison) testing membership, e.g.
        (hp.Type, int, '==')."""
        return self._ckc()

    def get_render(self) -> Callable[[Any], str]:
        """A function rendering one object as heapy's tables do."""
        return _Render()

    def disjoint(self, other: Any) -> bool:
        """True if no object can be in both."""
        return _disjoint(self, _as_uniset(self._session, other,
                                          "disjoint(): other"))

    def __contains__(self, obj: object) -> bool:
        return select(self, _guppy.NodeSet((obj,))).count == 1

    def __and__(self, other: Any) -> UniSet:
        return _and(self, _as_uniset(self._session, other, _OTHER))

    def __rand__(self, other: Any) -> UniSet:
        return _and(_as_uniset(self._session, other, _OTHER), self)

    def __or__(self, other: Any) -> UniSet:
        return _or(self, _as_uniset(self._session, other, _OTHER))

    def __ror__(self, other: Any) -> UniSet:
        return _or(_as_uniset(self._session, other, _OTHER), self)

    def __sub__(self, other: Any) -> UniSet:
        return _sub(self, _as_uniset(self._session, other, _OTHER))

    def __rsub__(self, other: Any) -> UniSet:
        return _sub(_as_uniset(self._session, other, _OTHER), self)

    def __xor__(self, other: Any) -> UniSet:
        return _xor(self, _as_uniset(self._session, other, _OTHER))

    def __rxor__(self, other: Any) -> UniSet:
        return _xor(_as_uniset(self._session, other, _OTHER), self)

    def __invert__(self) -> UniSet:
        return _invert(self)

    def __le__(self, other: Any) -> bool:
        return _le(self, _as_uniset(self._session, other, _OTHER))

    def __ge__(self, other: Any) -> bool:
        return _le(_as_uniset(self._session, other, _OTHER), self)

    def __lt__(self, other: Any) -> bool:
        o = _as_uniset(self._session, other, _OTHER)
        return _le(self, o) and not _le(o, self)

    def __gt__(self, other: Any) -> bool:
        o = _as_uniset(self._session, other, _OTHER)
        return _le(o, self) and not _le(self, o)

    def __eq__(self, other: object) -> bool:
        try:
            o = _as_uniset(self._session, other)
        except TypeError:
            return NotImplemented
        return self is o or (_le(self, o) and _le(o, self))

    def __ne__(self, other: object) -> bool:
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    def __hash__(self) -> int:
        return hash(self._hashkey())


class _Render(_guppy.Hidden):
    """Renders one object as a byid table row does."""

    __slots__ = ()

    def __call__(self, obj: object) -> str:
        return _render_one(obj)

    def __repr__(self) -> str:
        return "<guppy render function>"


class AtomKind(Kind):
    """A kind given by one class of one relation (possibly compared by
    alt())."""

    __slots__ = ("arg",)

    #: Kinds of one family compare their arguments.
    _fam: str = ""
    #: Kinds of an exclusive family with unequal arguments are disjoint.
    _exclusive = True

    def __init__(self, session: Any, arg: Any) -> None:
        self._session = session
        self.arg = arg

    def _super(self) -> Optional["AtomKind"]:
        """The smallest other atom kind known to contain this one."""
        return None

    def _argeq(self, other: "AtomKind") -> bool:
        return self.arg is other.arg

    def _is_class(self) -> bool:
        """Whether the ckc argument is the key of exactly one class."""
        return True

    def _hashkey(self) -> object:
        return (self._fam, id(self.arg))

    def _alt(self, op: str) -> UniSet:
        if not self._has_alt():
            return Kind._alt(self, op)
        _check_op(op)
        if op == "==":
            return self
        if op == "!=":
            return _invert(self)
        return AltKind(self._session, self, op)

    def _has_alt(self) -> bool:
        return False

    def _brief_alt(self, op: str) -> str:
        return "[%s %s]" % (op, self._brief())


class TypeKind(AtomKind):
    __slots__ = ()
    _fam = "type"

    def _brief(self) -> str:
        return _type_name(self.arg)

    def _repr(self) -> str:
        rn = self._session.Type._reprname()
        short = _type_shortcut(self.arg)
        if short is not None:
            return "%s.%s" % (rn, short)
        return "%s(%r)" % (rn, tc_repr(self.arg))

    def _ckc(self) -> Ckc:
        return self._session.Type, self.arg, "=="

    def _has_alt(self) -> bool:
        return True

    def _brief_alt(self, op: str) -> str:
        x = {"<": "strict subtype", "<=": "subtype", ">=": "supertype",
             ">": "strict supertype"}[op]
        return "<%s of %s>" % (x, self._brief())


class SizeKind(AtomKind):
    __slots__ = ()
    _fam = "size"

    def _argeq(self, other: AtomKind) -> bool:
        return self.arg == other.arg

    def _hashkey(self) -> object:
        return (self._fam, self.arg)

    def _brief(self) -> str:
        return "<size = %d>" % self.arg

    def _repr(self) -> str:
        return "%s(%d)" % (self._session.Size._reprname(), self.arg)

    def _ckc(self) -> Ckc:
        return self._session.Size, self.arg, "=="

    def _has_alt(self) -> bool:
        return True

    def _brief_alt(self, op: str) -> str:
        return "<size %s %d>" % (op, self.arg)


class ModuleKind(AtomKind):
    __slots__ = ()
    _fam = "module"

    def _super(self) -> Optional[AtomKind]:
        return TypeKind(self._session, type(self.arg))

    def _brief(self) -> str:
        return _render_one(self.arg)

    def _repr(self) -> str:
        m = self._session.Module
        return "%s(%s)" % (m._reprname(), m._userkindargrepr(self))

    def _ckc(self) -> Ckc:
        return self._session.Module, self.arg, "=="


class IdKind(AtomKind):
    __slots__ = ()
    _fam = "id"

    def _super(self) -> Optional[AtomKind]:
        return TypeKind(self._session, type(self.arg))

    def _brief(self) -> str:
        return "<id %s>" % hex(id(self.arg))

    def _repr(self) -> str:
        return "%s(%s)" % (self._session.Id._reprname(), hex(id(self.arg)))

    def _ckc(self) -> Ckc:
        return self._session.Id, self.arg, "=="

    def _sel(self, ns: _guppy.NodeSet) -> _guppy.NodeSet:
        return ns._binop(_guppy.NodeSet((self.arg,)), "&")


class UnityKind(AtomKind):
    """hp.Anything: every object."""

    __slots__ = ()
    _fam = "unity"
    _exclusive = False

    def _argeq(self, other: AtomKind) -> bool:
        return True

    def _brief(self) -> str:
        return "<Anything>"

    def _repr(self) -> str:
        return "%sAnything" % self._session.reprefix

    def _ckc(self) -> Ckc:
        return self._session.Unity, None, "=="

    def _sel(self, ns: _guppy.NodeSet) -> _guppy.NodeSet:
        return ns


class DictofKind(AtomKind):
    """The dicts owned by objects of a kind (x.dictof); of Nothing, the
    dicts without an owner."""

    __slots__ = ()
    _fam = "dictof"

    def _super(self) -> Optional[AtomKind]:
        return TypeKind(self._session, dict)

    def _argeq(self, other: AtomKind) -> bool:
        return _eq(self.arg, other.arg)

    def _hashkey(self) -> object:
        return (self._fam, _hashkey(self.arg))

    def _brief(self) -> str:
        if _isnothing(self.arg):
            return "dict (no owner)"
        return "dict of " + self.arg.brief

    def _repr(self) -> str:
        ra = repr(self.arg)
        if ra.startswith("~"):
            ra = "(%s)" % ra
        return "%s.dictof" % ra

    def _alt(self, op: str) -> UniSet:
        return DictofKind(self._session, self.arg.alt(op))

    def _ckc(self) -> Ckc:
        owner = self.arg
        if _isnothing(owner):
            return self._session.Type.dictof, NO_OWNER, "=="
        rel, arg, op = _ckc(owner)
        if not isinstance(owner, Kind) or isinstance(
                owner, (OrKind, InvertKind)):
            rel, arg, op = _ckc(owner.biper(0))
        return rel.dictof, arg, op

    def _sel(self, ns: _guppy.NodeSet) -> _guppy.NodeSet:
        owner, s = self.arg, self._session
        if _isnothing(owner):
            return _sel_key(ns, CLODO, lambda k: k == ())
        if isinstance(owner, UnityKind):
            return _sel_key(ns, CLODO,
                            lambda k: isinstance(k, tuple) and len(k) == 1)
        if isinstance(owner, OrKind):
            r = _guppy.NodeSet()
            for x in owner.args:
                r = r._binop(DictofKind(s, x)._sel(ns), "|")
            return r
        if isinstance(owner, AndKind):
            for x in owner.args:
                ns = DictofKind(s, x)._sel(ns)
            return ns
        if isinstance(owner, InvertKind):
            owned = DictofKind(s, s.Anything)._sel(ns)
            return owned._binop(DictofKind(s, owner.arg)._sel(owned), "-")
        if not isinstance(owner, _u.IdentitySet):
            rel, arg, op = _ckc(owner)
            if isinstance(rel, TypeRelation):
                return _sel_key(ns, CLODO, lambda k: isinstance(
                    k, tuple) and len(k) == 1 and rel._cmp(k[0], arg, op))
            if isinstance(rel.code, int) and rel.code <= IDSET:
                return _sel_key(ns, ("dictof", rel.code), lambda k: (
                    isinstance(k, tuple) and len(k) == 1
                    and rel._cmp(k[0], arg, op)))
        # Any other owner kind: the owners of ns's dicts that are in it,
        # then the dicts those own.
        owners = select(TypeKind(s, dict), ns)._owners()
        good = select(owner, owners)
        return _sel_key(ns, ("dictof", ID), lambda k: isinstance(
            k, tuple) and len(k) == 1 and k[0] in good)


class RcsKind(AtomKind):
    """The objects referred to by objects of exactly these classes (a
    refdby relation's class)."""

    __slots__ = ("rel", "keys")

    def __init__(self, session: Any, rel: RefdbyRelation,
                 keys: Tuple[Key, ...]) -> None:
        uniq: List[Key] = []
        for k in keys:
            if k not in uniq:
                uniq.append(k)
        AtomKind.__init__(self, session, frozenset(uniq))
        self.rel = rel
        self.keys = tuple(uniq)

    @property
    def _fam(self) -> str:  # type: ignore[override]
        return "rcs " + self.rel.name

    def _argeq(self, other: AtomKind) -> bool:
        return self.arg == other.arg

    def _hashkey(self) -> object:
        return (self._fam, self.arg)

    def _has_alt(self) -> bool:
        return True

    def _brief(self) -> str:
        return "<referred by: %s>" % self.rel._tabrender(self)

    def _brief_alt(self, op: str) -> str:
        x = {"<": "by less than", "<=": "by at most", ">=": "by at least",
             ">": "by more than"}[op]
        return "<referred %s: %s>" % (x, self.rel._tabrender(self))

    def _repr(self) -> str:
        inner = self.rel.inner
        parts = ["(%s)" % inner._userkindargrepr(inner._kind_of_key(k))
                 for k in self.keys]
        return "%s.sokind%s.refdby" % (inner._reprname(), "".join(parts))

    def _ckc(self) -> Ckc:
        return self.rel, self.arg, "=="


class ViaKind(AtomKind):
    __slots__ = ()
    _fam = "via"

    def _argeq(self, other: AtomKind) -> bool:
        return self.arg == other.arg

    def _hashkey(self) -> object:
        return (self._fam, self.arg)

    def _has_alt(self) -> bool:
        return True

    def _brief(self) -> str:
        return "<via %s>" % self._session.Via._userkindargrepr(self)

    def _repr(self) -> str:
        v = self._session.Via
        return "%s(%s)" % (v._reprname(), v._userkindargrepr(self))

    def _ckc(self) -> Ckc:
        return self._session.Via, self.arg, "=="


class ProdKind(AtomKind):
    __slots__ = ()
    _fam = "prod"

    def _argeq(self, other: AtomKind) -> bool:
        return self.arg == other.arg

    def _hashkey(self) -> object:
        return (self._fam, self.arg)

    def _is_class(self) -> bool:
        return self.arg is None or None not in self.arg

    def _has_alt(self) -> bool:
        return True

    def _brief(self) -> str:
        a = self.arg
        if a is None:
            return "unknown"
        filename, lineno = a
        if lineno is None:
            return "%s" % (filename,)
        if filename is None:
            return "line %d" % lineno
        return "%s:%d" % (filename, lineno)

    def _repr(self) -> str:
        a = self.arg
        args = "" if a is None else "%r, %r" % a
        return "%s(%s)" % (self._session.Prod._reprname(), args)

    def _ckc(self) -> Ckc:
        return self._session.Prod, self.arg, "=="


class FindexKind(AtomKind):
    __slots__ = ("rel",)

    def __init__(self, session: Any, rel: FindexRelation, i: int) -> None:
        AtomKind.__init__(self, session, i)
        self.rel = rel

    @property
    def _fam(self) -> str:  # type: ignore[override]
        return "findex %x" % id(self.rel)

    def _argeq(self, other: AtomKind) -> bool:
        return self.arg == other.arg

    def _hashkey(self) -> object:
        return (self._fam, self.arg)

    def _brief(self) -> str:
        kinds = self.rel.kinds
        if not 0 <= self.arg < len(kinds):
            return "<None>"
        return "%s / %d" % (kinds[self.arg].brief, self.arg)

    def _repr(self) -> str:
        return "%s(%d)" % (self.rel._reprname(), self.arg)

    def _ckc(self) -> Ckc:
        return self.rel, self.arg, "=="

    def _sel(self, ns: _guppy.NodeSet) -> _guppy.NodeSet:
        # Direct set algebra over the kinds, not a partition by the rel.
        kinds, i = self.rel.kinds, self.arg
        if not 0 <= i <= len(kinds):
            return _guppy.NodeSet()
        for k in kinds[:i]:
            ns = ns._binop(select(k, ns), "-")
        if i < len(kinds):
            ns = select(kinds[i], ns)
        return ns


class AltKind(AtomKind):
    """k.alt(op): the objects whose class compares by op with k's."""

    __slots__ = ("op",)
    _exclusive = False

    def __init__(self, session: Any, base: AtomKind, op: str) -> None:
        AtomKind.__init__(self, session, base)
        self.op = op

    @property
    def _fam(self) -> str:  # type: ignore[override]
        return "alt %s %s" % (self.op, self.arg._fam)

    def _argeq(self, other: AtomKind) -> bool:
        return _eq(self.arg, other.arg)

    def _hashkey(self) -> object:
        return (self._fam, self.arg._hashkey())

    def _brief(self) -> str:
        return self.arg._brief_alt(self.op)

    def _repr(self) -> str:
        return "%r.alt(%r)" % (self.arg, self.op)

    def _ckc(self) -> Ckc:
        rel, arg, op = self.arg._ckc()
        if op != "==":
            raise ValueError("Can not make alternative kind, non-equality "
                             "comparison on underlying kind.")
        return rel, arg, self.op


class AndKind(Kind):
    """The objects in every one of several kinds."""

    __slots__ = ("args",)

    def __init__(self, session: Any, args: Tuple[UniSet, ...]) -> None:
        self._session = session
        self.args = args

    def _brief(self) -> str:
        return "(%s)" % " & ".join(k.brief for k in self.args)

    def _repr(self) -> str:
        return "(%s)" % " & ".join(repr(k) for k in self.args)

    def _hashkey(self) -> object:
        return ("and", frozenset(_hashkey(k) for k in self.args))

    def _ckc(self) -> Ckc:
        rel = self.args[0].biper
        for k in self.args[1:]:
            rel = rel & k.biper
        return rel, _nest_zeros(len(self.args)), "=="

    def _sel(self, ns: _guppy.NodeSet) -> _guppy.NodeSet:
        for k in self.args:
            if not ns.count:
                break
            ns = select(k, ns)
        return ns


def _nest_zeros(n: int) -> Any:
    key: Any = 0
    for _ in range(n - 1):
        key = (0, key)
    return key


class OrKind(Kind):
    """The objects in any one of several kinds."""

    __slots__ = ("args",)

    def __init__(self, session: Any, args: Tuple[UniSet, ...]) -> None:
        self._session = session
        self.args = args

    def _brief(self) -> str:
        return "(%s)" % " | ".join(sorted(k.brief for k in self.args))

    def _repr(self) -> str:
        return "(%s)" % " | ".join(sorted(repr(k) for k in self.args))

    def _hashkey(self) -> object:
        return ("or", frozenset(_hashkey(k) for k in self.args))

    def _ckc(self) -> Ckc:
        return FindexRelation(self._session, self.args), len(self.args), "<"

    def _sel(self, ns: _guppy.NodeSet) -> _guppy.NodeSet:
        # Kinds selected through the same relation share one partition
        # and one pass (hp.Type.Int | hp.Type.Str); the rest go one by one.
        groups: Dict[Any, List[Tuple[Relation, Any, str]]] = {}
        others: List[UniSet] = []
        for k in self.args:
            if isinstance(k, Kind) and type(k)._sel is Kind._sel:
                rel, arg, op = k._ckc()
                groups.setdefault(rel, []).append((rel, arg, op))
            else:
                others.append(k)
        if len(groups) == 1 and not others:
            rel, ckcs = next(iter(groups.items()))
            return _sel_any(ns, rel, ckcs)
        r = _guppy.NodeSet()
        rest = ns
        for rel, ckcs in groups.items():
            got = _sel_any(rest, rel, ckcs)
            if got.count:
                r = r._binop(got, "|")
                rest = rest._binop(got, "-")
        for k in others:
            if not rest.count:
                break
            got = select(k, rest)
            if got.count:
                r = r._binop(got, "|")
                rest = rest._binop(got, "-")
        return r


class InvertKind(Kind):
    """The objects not in a kind (~k)."""

    __slots__ = ("arg",)

    def __init__(self, session: Any, arg: UniSet) -> None:
        self._session = session
        self.arg = arg

    def _brief(self) -> str:
        n = self.arg.brief
        if not (n.startswith("(") or n.startswith("<")) and " " in n:
            n = "(%s)" % n
        return "~" + n

    def _repr(self) -> str:
        return "~%r" % (self.arg,)

    def _hashkey(self) -> object:
        return ("invert", _hashkey(self.arg))

    def _ckc(self) -> Ckc:
        return self.arg.biper, 0, "!="

    def _sel(self, ns: _guppy.NodeSet) -> _guppy.NodeSet:
        return ns._binop(select(self.arg, ns), "-")


# ---------------------------------------------------------------------------
# The algebra. Operands are kinds or IdentitySets (hp.Nothing among them).

def _ckc(x: UniSet) -> Ckc:
    if isinstance(x, _u.IdentitySet):
        return _session_of(x).Idset, x.nodes, "<="
    return x._ckc()


def _hashkey(x: UniSet) -> object:
    if isinstance(x, _u.IdentitySet):
        return ("set", hash(x))
    return x._hashkey()


def _eq(a: UniSet, b: UniSet) -> bool:
    return a is b or (_le(a, b) and _le(b, a))


def _chain(a: AtomKind) -> List[AtomKind]:
    r = [a]
    s = a._super()
    while s is not None:
        r.append(s)
        s = s._super()
    return r


def _class_key(a: AtomKind) -> Tuple[bool, Any, Any]:
    """(True, relation, key) if every object of a has one row key."""
    if isinstance(a, AltKind) or not a._is_class():
        return False, None, None
    rel, arg, op = a._ckc()
    return op == "==", rel, arg


def _atom_le1(x: AtomKind, b: AtomKind) -> bool:
    if isinstance(x, DictofKind) and isinstance(b, DictofKind):
        nx, nb = _isnothing(x.arg), _isnothing(b.arg)
        if nx or nb:
            return nx and nb
        return _le(x.arg, b.arg)
    if x._fam == b._fam and x._argeq(b):
        return True
    if isinstance(b, AltKind) and not isinstance(x, AltKind):
        ok, rel, key = _class_key(x)
        brel, barg, bop = b._ckc()
        if ok and rel == brel:
            return rel._cmp(key, barg, bop)
    return False


def _atom_le(a: AtomKind, b: AtomKind) -> bool:
    return any(_atom_le1(x, b) for x in _chain(a))


def _atom_disjoint1(x: AtomKind, y: AtomKind) -> bool:
    if isinstance(x, DictofKind) and isinstance(y, DictofKind):
        nx, ny = _isnothing(x.arg), _isnothing(y.arg)
        if nx or ny:
            return nx != ny
        return _disjoint(x.arg, y.arg)
    if x._fam == y._fam:
        return x._exclusive and not x._argeq(y)
    for p, q in ((x, y), (y, x)):
        if isinstance(q, AltKind) and not isinstance(p, AltKind):
            ok, rel, key = _class_key(p)
            qrel, qarg, qop = q._ckc()
            if ok and rel == qrel:
                return not rel._cmp(key, qarg, qop)
    return False


def _atom_disjoint(a: AtomKind, b: AtomKind) -> bool:
    ca, cb = _chain(a), _chain(b)
    return any(_atom_disjoint1(x, y) for x in ca for y in cb)


def _le(a: UniSet, b: UniSet) -> bool:
    """Whether a is provably a subset of b (exact when a is a set)."""
    if a is b or _isnothing(a):
        return True
    if _isnothing(b):
        return False
    if isinstance(a, _u.IdentitySet):
        if isinstance(b, _u.IdentitySet):
            return _guppy.NodeSet.__le__(a, b)
        return select(b, a).count == a.count
    if isinstance(b, UnityKind):
        return True
    if isinstance(b, _u.IdentitySet):
        return isinstance(a, (IdKind, ModuleKind)) and a.arg in b
    if isinstance(a, UnityKind):
        return False
    if isinstance(a, OrKind):
        return all(_le(x, b) for x in a.args)
    if isinstance(b, AndKind):
        return all(_le(a, y) for y in b.args)
    if isinstance(b, InvertKind):
        return _disjoint(a, b.arg)
    if isinstance(b, OrKind):
        return any(_le(a, y) for y in b.args)
    if isinstance(a, AndKind):
        return any(_le(x, b) for x in a.args)
    if isinstance(a, InvertKind):
        return False
    return _atom_le(a, b)  # type: ignore[arg-type]


def _disjoint(a: UniSet, b: UniSet) -> bool:
    """Whether a and b provably have no object in common (exact when
    either is a set)."""
    if _isnothing(a) or _isnothing(b):
        return True
    if a is b:
        return False
    if isinstance(a, _u.IdentitySet):
        return not select(b, a).count
    if isinstance(b, _u.IdentitySet):
        return not select(a, b).count
    if isinstance(a, UnityKind) or isinstance(b, UnityKind):
        return False
    if isinstance(a, OrKind):
        return all(_disjoint(x, b) for x in a.args)
    if isinstance(b, OrKind):
        return all(_disjoint(a, y) for y in b.args)
    if isinstance(a, InvertKind):
        return _le(b, a.arg)
    if isinstance(b, InvertKind):
        return _le(a, b.arg)
    if isinstance(a, AndKind):
        return any(_disjoint(x, b) for x in a.args)
    if isinstance(b, AndKind):
        return any(_disjoint(a, y) for y in b.args)
    if _le(a, b) or _le(b, a):
        return False
    return _atom_disjoint(a, b)  # type: ignore[arg-type]


def _is_factor(x: UniSet) -> bool:
    return not isinstance(x, (AndKind, OrKind))


def _and_cons(s: Any, xs: Sequence[UniSet]) -> UniSet:
    if len(xs) > 1:
        return AndKind(s, tuple(xs))
    return xs[0] if xs else s.Nothing


def _or_cons(s: Any, xs: Sequence[UniSet]) -> UniSet:
    if len(xs) > 1:
        return OrKind(s, tuple(xs))
    return xs[0] if xs else s.Nothing


def _and(a: UniSet, b: UniSet) -> UniSet:
    s = _session_of(a)
    if _isnothing(a) or _isnothing(b):
        return s.Nothing
    if isinstance(a, _u.IdentitySet) or isinstance(b, _u.IdentitySet):
        if isinstance(a, _u.IdentitySet) and isinstance(b, _u.IdentitySet):
            return _u.IdentitySet._make(a._binop(b, "&"), a._er)
        ids, k = (a, b) if isinstance(a, _u.IdentitySet) else (b, a)
        return _wrap(s, select(k, ids))
    if isinstance(a, UnityKind):
        return b
    if isinstance(b, UnityKind):
        return a
    if _le(a, b):
        return a
    if _le(b, a):
        return b
    if isinstance(a, OrKind) or isinstance(b, OrKind):
        o, t = (a, b) if isinstance(a, OrKind) else (b, a)
        r: UniSet = s.Nothing
        for x in o.args:  # type: ignore[union-attr]
            r = _or(r, _and(x, t))
        return r
    if _disjoint(a, b):
        return s.Nothing
    if isinstance(a, AndKind) and isinstance(b, AndKind):
        r = b
        for x in a.args:
            r = _and(r, x)
        return r
    if isinstance(a, AndKind):
        return _and_factor(a, b)
    if isinstance(b, AndKind):
        return _and_factor(b, a)
    if isinstance(b, InvertKind):
        return _and_invert(b, a)
    if isinstance(a, InvertKind):
        return _and_invert(a, b)
    return AndKind(s, (b, a))


def _and_factor(a: "AndKind", b: UniSet) -> UniSet:
    xs: List[UniSet] = []
    for x in a.args:
        if _le(x, b):
            return a
        if _le(b, x):
            continue
        if _disjoint(x, b):
            return a._session.Nothing
        xs.append(x)
    xs.append(b)
    return _and_cons(a._session, xs)


def _and_invert(inv: "InvertKind", b: UniSet) -> UniSet:
    # ~p & q == ~(p & q) & q; keep the smaller p when it is an atom.
    x = _and(inv.arg, b)
    if isinstance(x, (AtomKind, _u.IdentitySet)):
        inv = InvertKind(inv._session, x)
    return AndKind(inv._session, (inv, b))


def _or(a: UniSet, b: UniSet) -> UniSet:
    s = _session_of(a)
    if _isnothing(a):
        return b
    if _isnothing(b):
        return a
    if isinstance(a, _u.IdentitySet) and isinstance(b, _u.IdentitySet):
        return _u.IdentitySet._make(a._binop(b, "|"), a._er)
    if isinstance(a, _u.IdentitySet) or isinstance(b, _u.IdentitySet):
        ids, k = (a, b) if isinstance(a, _u.IdentitySet) else (b, a)
        rest = ids._binop(select(k, ids), "-")
        if not rest.count:
            return k
        a, b = k, _wrap(s, rest)
    if _le(b, a):
        return a
    if _le(a, b):
        return b
    if isinstance(a, OrKind) and isinstance(b, OrKind):
        return _or_cons(s, _maximals(a.args + b.args, _le))
    if isinstance(a, OrKind):
        return _or_term(a, b)
    if isinstance(b, OrKind):
        return _or_term(b, a)
    if isinstance(a, AndKind) and isinstance(b, AndKind):
        return _or_and_and(a, b)
    if isinstance(a, AndKind):
        return _or_and_term(a, b)
    if isinstance(b, AndKind):
        return _or_and_term(b, a)
    if isinstance(a, InvertKind):
        return _or_invert(a, b)
    if isinstance(b, InvertKind):
        return _or_invert(b, a)
    return OrKind(s, (b, a))


def _or_term(a: "OrKind", b: UniSet) -> UniSet:
    xs: List[UniSet] = []
    below = False
    for x in a.args:
        if not _le(x, b):
            xs.append(x)
            if _le(b, x):
                below = True
    if not below:
        xs.append(b)
    return _or_cons(a._session, xs)


def _or_and_term(a: "AndKind", b: UniSet) -> UniSet:
    # (p & q) | b == (p | b) & (q | b) when each union is one factor.
    s = a._session
    xs = [_or(x, b) for x in a.args]
    if all(_is_factor(x) for x in xs):
        r: UniSet = s.Anything
        for x in xs:
            r = _and(r, x)
        return r
    return OrKind(s, (a, b))


def _or_and_and(a: "AndKind", b: "AndKind") -> UniSet:
    # (p & q) | (~p & q) == q
    s = a._session
    for i, x in enumerate(a.args):
        for j, y in enumerate(b.args):
            if isinstance(_or(x, y), UnityKind):
                aa = _and_cons(s, a.args[:i] + a.args[i + 1:])
                bb = _and_cons(s, b.args[:j] + b.args[j + 1:])
                if _eq(aa, bb):
                    return aa
    return OrKind(s, (a, b))


def _or_invert(inv: "InvertKind", b: UniSet) -> UniSet:
    s = inv._session
    if _le(inv.arg, b):
        return s.Anything
    if _disjoint(inv.arg, b):
        return inv
    return OrKind(s, (inv, b))


def _invert(a: UniSet) -> UniSet:
    s = _session_of(a)
    if _isnothing(a):
        return s.Anything
    if isinstance(a, UnityKind):
        return s.Nothing
    if isinstance(a, InvertKind):
        return a.arg
    if isinstance(a, OrKind):
        r = _invert(a.args[0])
        for x in a.args[1:]:
            r = _and(r, _invert(x))
        return r
    if isinstance(a, AndKind):
        r = s.Nothing
        for x in a.args:
            r = _or(r, _invert(x))
        return r
    return InvertKind(s, a)


def _sub(a: UniSet, b: UniSet) -> UniSet:
    if isinstance(a, _u.IdentitySet):
        if isinstance(b, _u.IdentitySet):
            return _u.IdentitySet._make(a._binop(b, "-"), a._er)
        return _wrap(_session_of(a), a._binop(select(b, a), "-"))
    return _and(a, _invert(b))


def _xor(a: UniSet, b: UniSet) -> UniSet:
    return _or(_sub(a, b), _sub(b, a))


# ---------------------------------------------------------------------------
# What IdentitySet (UniSet.py) and the session (Use.py) call

def set_op(x: "_u.IdentitySet", other: UniSet, op: str) -> UniSet:
    """x op other for an IdentitySet x and a kind other."""
    if op == "&":
        return _and(x, other)
    if op == "|":
        return _or(x, other)
    if op == "-":
        return _sub(x, other)
    return _xor(x, other)


def invert(x: UniSet) -> UniSet:
    """~x: the objects not in x."""
    return _invert(x)


def as_uniset(x: "_u.IdentitySet", other: Any,
              what: str = _OTHER) -> UniSet:
    """other as a kind or set for an operation with the set x."""
    return _as_uniset(_session_of(x), other, what)


def set_kind(x: "_u.IdentitySet") -> UniSet:
    return x.er[x]


def set_dictof(x: "_u.IdentitySet") -> UniSet:
    return DictofKind(_session_of(x), x)


def set_biper(x: "_u.IdentitySet") -> Relation:
    return FindexRelation(_session_of(x), (x,))


def set_ckc(x: "_u.IdentitySet") -> Ckc:
    return _ckc(x)


def get_render() -> Callable[[Any], str]:
    return _Render()


def findex(session: Any, *kinds: Any) -> Relation:
    """The relation whose class of an object is the index of the first of
    kinds containing it (len(kinds) if none)."""
    ks = []
    for i, k in enumerate(kinds):
        try:
            ks.append(_as_uniset(session, k))
        except TypeError:
            raise TypeError("findex(): argument %d must be a kind or a set, "
                            "not %s" % (i + 1, type(k).__name__)) from None
    return FindexRelation(session, tuple(ks))


def anything(session: Any) -> UniSet:
    return UnityKind(session, None)


def union(session: Any, sets: Iterable[Any]) -> UniSet:
    """The union of kinds and sets (Nothing if none)."""
    r: UniSet = session.Nothing
    try:
        items = iter(sets)
    except TypeError:
        raise TypeError("union(): sets must be an iterable of kinds or sets, "
                        "not %s" % type(sets).__name__) from None
    for i, x in enumerate(items):
        try:
            u = _as_uniset(session, x)
        except TypeError as e:
            raise TypeError("%s (union(): item %d of sets is %s)"
                            % (e, i, type(x).__name__)) from None
        r = _or(r, u)
    return r


def brief_labels(x: "_u.IdentitySet", code: Any) -> Sequence[str]:
    """The briefs of the classes of x's rows under code, in table order."""
    if code in (CLODO, TYPE):
        return x._row_labels(code)
    er = x.er
    return [er._kind_of_key(k).brief for k in _guppy.NodeSet(x)._row_keys(
        code)]


# ---------------------------------------------------------------------------
# Relation strings (hp.Via)

def canonical_relation(text: str) -> str:
    """A relation string as byvia labels print it: "['x']", '.a',
    '->ob_type'... ValueError, naming the position, if malformed. Parsed
    strictly, never evaluated."""
    kind, value = _guppy.parse_relation(text)
    if kind == "index":
        return "[%r]" % (value,)
    if kind == "attr":
        return "." + value
    if kind == "local":
        return ".f_locals[%r]" % (value,)
    if kind == "cell":
        return ".f_locals [%r]" % (value,)
    if kind == "key":
        return ".keys()[%d]" % value
    if kind == "hasattr":
        return ".__dict__.keys()[%d]" % value
    if kind == "stack":
        return "->f_valuestack[%d]" % value
    if kind == "inset":
        return "list(_)[%d]" % value
    if kind == "inter":
        return "->" + value
    return ".??"


# ---------------------------------------------------------------------------
# maprox

class MappingProxy(_guppy.Hidden):
    """x.maprox: ``x.maprox.attr`` and ``x.maprox[key]`` apply getattr or
    indexing to every member of x and return the set of the results;
    members without the attribute (AttributeError) or key (KeyError,
    IndexError) are skipped."""

    __slots__ = ("_set_",)

    def __init__(self, x: "_u.IdentitySet") -> None:
        object.__setattr__(self, "_set_", x)

    def __getattribute__(self, name: str) -> Any:
        if name in ("_set_", "__class__"):
            return object.__getattribute__(self, name)
        x = object.__getattribute__(self, "_set_")
        out = []
        for obj in x.nodes:
            try:
                out.append(getattr(obj, name))
            except AttributeError:
                pass
        return _session_of(x).idset(out)

    def __getitem__(self, key: Any) -> Any:
        x = object.__getattribute__(self, "_set_")
        out = []
        for obj in x.nodes:
            try:
                out.append(obj[key])
            except (KeyError, IndexError):
                pass
        return _session_of(x).idset(out)
