#!/usr/bin/env python3
"""Fuzz target ``args``: wrong types and values at the public entry points
(issue 6, "Bad input"; tests/test_args.py has the hand-written cases).

The input bytes are a program: the first byte picks an entry point (a
session method, a relation, a set or Stat method, an operator, an index),
the rest is decoded into up to three argument values by a small grammar
(ints small, negative and huge, floats, str, bytes, None, tuples, lists,
a kind, a set, a Stat, a type, an object). The call is made.

Allowed answers: a result (which must render: ``str`` and ``repr``), or
TypeError, ValueError or IndexError (indexing) with a non-empty message;
OverflowError too where an int argument is beyond any address or size
(Python's own answer for ints that do not fit). Anything else (an
AttributeError from inside the facade, a SystemError, a crash) is a
finding. Entry points that would touch the file system with a str
argument (load, dump) take only non-str arguments here; hp.Id and
hp.Module(at=) take no ints (each miss walks the heap: slow, and a right
answer, not a finding).

Run: ``python fuzz_args.py [-runs=N] [-max_total_time=S] [CORPUS...]``
(see _driver.py).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _driver  # noqa: E402

env = None
ENTRIES = []


class _Plain:
    pass


def setup():
    global env
    from guppy import hpy
    hp = hpy()
    o = _Plain()
    x = hp.iso([1], [2], 'abc', o)
    env = {'hp': hp, 'x': x, 'st': x.stat, 'o': o, 'sp': hp.iso(o).sp,
           'rp': hp.iso(o).rp, 'kind': hp.Type.Int,
           'ret': hp.iso(o).retained if hasattr(x, 'retained') else None}
    ENTRIES[:] = _entries(env)


def _entries(e):
    hp, x, st, sp, rp, kind = (e['hp'], e['x'], e['st'], e['sp'], e['rp'],
                               e['kind'])
    no_str = ('str',)
    no_int = ('int',)
    # (name, callable taking *args, number of args, kinds of value refused
    # before the call, exceptions beyond TypeError/ValueError allowed)
    return [
        ('idset', hp.idset, 1, (), ()),
        ('iso', hp.iso, 3, (), ()),
        ('load', hp.load, 1, no_str, ()),
        ('loadall', lambda f: list(hp.loadall(f)), 1, no_str, ()),
        ('findex', hp.findex, 2, (), ()),
        ('union', hp.union, 1, (), ()),
        ('sokind', hp.sokind, 2, (), ()),
        ('tc_repr', hp.tc_repr, 1, (), ()),
        ('tc_adapt', hp.tc_adapt, 1, (), ()),
        ('Type', hp.Type, 1, (), ()),
        ('Clodo', hp.Clodo, 1, (), ()),
        ('Clodo.dictof', lambda v: hp.Clodo(dictof=v), 1, (), ()),
        ('Size', hp.Size, 1, (), (OverflowError,)),
        ('Module', hp.Module, 1, (), ()),
        ('Module.at', lambda v: hp.Module(at=v), 1, no_int, ()),
        ('Id', hp.Id, 1, no_int, ()),
        ('Idset', hp.Idset, 1, (), ()),
        ('Rcs', hp.Rcs, 2, (), ()),
        ('Via', hp.Via, 2, (), ()),
        ('Prod', hp.Prod, 2, (), ()),
        ('E.dictof', hp.Clodo.dictof, 1, (), ()),
        ('alt', kind.alt, 1, (), ()),
        ('Size.alt', lambda v: hp.Size(3).alt(v), 1, (), ()),
        ('by', x.by, 1, (), ()),
        ('getitem', lambda v: x[v], 1, (), (IndexError, OverflowError)),
        ('diff', x.diff, 1, (), ()),
        ('disjoint', x.disjoint, 1, (), ()),
        ('dump', x.dump, 1, no_str, ()),
        ('and', lambda v: x & v, 1, (), ()),
        ('or', lambda v: x | v, 1, (), ()),
        ('kind-sub', lambda v: kind - v, 1, (), ()),
        ('get_shpaths', x.get_shpaths, 3, (), ()),
        ('get_rp', lambda d, er=None: str(x.get_rp(depth=d, er=er)), 2, (),
         (OverflowError,)),
        ('stat-sub', lambda v: st - v, 1, (), ()),
        ('stat-getitem', lambda v: st[v], 1, (), (IndexError,
                                                  OverflowError)),
        ('get_rows_of_kinds', st.get_rows_of_kinds, 1, (), ()),
        ('get_rows_n_and_other', st.get_rows_n_and_other, 2, (),
         (OverflowError,)),
        ('sp-getitem', lambda v: sp[v], 1, (), (IndexError, OverflowError)),
        ('sp-avoided', sp.avoided, 2, (), (IndexError, OverflowError)),
        ('sp-edges_at', sp.edges_at, 2, (), (IndexError, OverflowError)),
        ('sp-iter', lambda a, b=None: list(sp.iter(a, b)), 2, (), ()),
        ('rp-getitem', lambda v: rp[v], 1, (), (IndexError,
                                                OverflowError)),
    ]


def _values(data, n):
    """Up to n argument values decoded from data, and their kinds."""
    vals, kinds, i = [], [], 0
    while len(vals) < n and i < len(data):
        tag = data[i] % 16
        i += 1
        b = data[i] if i < len(data) else 0
        if tag == 0:
            v, k = b - 128, 'int'
            i += 1
        elif tag == 1:
            v, k = 2 ** (b % 130) * (-1 if b & 1 else 1), 'int'
            i += 1
        elif tag == 2:
            v, k = (b - 128) / 7.0, 'float'
            i += 1
        elif tag == 3:
            ln = b % 24
            v = data[i + 1:i + 1 + ln].decode('utf-8', 'surrogateescape')
            k = 'str'
            i += 1 + ln
        elif tag == 4:
            ln = b % 24
            v, k = data[i + 1:i + 1 + ln], 'bytes'
            i += 1 + ln
        elif tag == 5:
            v, k = None, 'None'
        elif tag == 6:
            v, k = tuple(data[i:i + b % 4]), 'tuple'
            i += b % 4
        elif tag == 7:
            v, k = list(data[i:i + b % 4]), 'list'
            i += b % 4
        elif tag == 8:
            v, k = env['kind'], 'kind'
        elif tag == 9:
            v, k = env['x'], 'set'
        elif tag == 10:
            v, k = env['st'], 'stat'
        elif tag == 11:
            v, k = (int, dict, _Plain, type)[b % 4], 'type'
            i += 1
        elif tag == 12:
            v, k = object(), 'object'
        elif tag == 13:
            v, k = slice(b % 5 - 2, b % 7 - 3, b % 3 - 1 or None), 'slice'
            i += 1
        elif tag == 14:
            v, k = (True, False)[b % 2], 'bool'
            i += 1
        else:
            v, k = ('<', '<=', '==', '!=', '>', '>=', 'Type', 'Clodo&Size',
                    "['x']", '.a', 'gc', '')[b % 12], 'str'
            i += 1
        vals.append(v)
        kinds.append(k)
    return vals, kinds


def test_one_input(data):
    if not data:
        return
    name, fn, nargs, refused, extra = ENTRIES[data[0] % len(ENTRIES)]
    args, kinds = _values(data[1:], nargs)
    if not args or any(k in refused for k in kinds):
        return
    allowed = (TypeError, ValueError) + tuple(extra)
    try:
        result = fn(*args)
    except allowed as e:
        if not str(e):
            raise AssertionError('%s%r: %s with no message'
                                 % (name, tuple(args), type(e).__name__))
        return
    except Exception as e:
        raise AssertionError('%s%r: %s: %s, not TypeError or ValueError'
                             % (name, tuple(args), type(e).__name__, e)
                             ) from e
    str(result)
    repr(result)


if __name__ == '__main__':
    _driver.main(test_one_input, 'args', setup)
