"""Selections (``h & kind``, ``h.bytype[i]``) borrow their members from the
set they were selected from (src/py_nodeset.c, "Members").  These tests pin
what that must never change: a selection holds its members as long as it
lives, it does not keep the rest of the big set alive once that set is
gone, and the collector sees exactly the references each set holds.
"""

import gc
import sys
import weakref

import pytest

from guppy import hpy


class Payload:
    pass


class Other:
    pass


@pytest.fixture
def hp():
    return hpy()


def _objects(n):
    # Payload and Other instances held by one list; weakly referable.
    return [Payload() for _ in range(n)] + [Other() for _ in range(n)]


def test_selection_keeps_its_members_after_the_big_set_goes(hp):
    objs = _objects(50)
    big = hp.iso(*objs)
    sel = big & hp.Type(Payload)
    assert sel.count == 50
    refs = [weakref.ref(o) for o in objs]
    del big
    del objs
    gc.collect()
    # The Payloads are held by sel alone now, the Others by nothing.
    alive = [r() for r in refs]
    assert sum(isinstance(o, Payload) for o in alive) == 50
    assert sum(isinstance(o, Other) for o in alive) == 0
    assert sel.count == 50
    assert all(isinstance(o, Payload) for o in sel.nodes)
    del alive
    del sel
    gc.collect()
    assert all(r() is None for r in refs)


def test_selection_does_not_keep_the_rest_alive(hp):
    objs = _objects(20)
    refs = [weakref.ref(o) for o in objs]
    big = hp.iso(*objs)
    sel = big.bytype[0] if big.bytype[0].kind == hp.Type(Other) \
        else big.bytype[1]
    assert sel.count == 20
    del objs
    gc.collect()
    # big still holds everything.
    assert all(r() is not None for r in refs)
    del big
    gc.collect()
    alive = [r() for r in refs]
    assert sum(o is not None for o in alive) == 20
    assert all(isinstance(o, Other) for o in alive if o is not None)


def test_selection_of_a_selection(hp):
    objs = _objects(10)
    big = hp.iso(*objs)
    first = big & hp.Type(Payload)
    second = first & hp.Type(Payload)
    third = second.byid[0]
    assert (first.count, second.count, third.count) == (10, 10, 1)
    del big, first
    gc.collect()
    assert second.count == 10
    assert all(isinstance(o, Payload) for o in second.nodes)
    assert third.count == 1
    del objs
    gc.collect()
    assert all(isinstance(o, Payload) for o in second.nodes)


def test_selection_survives_the_big_set_in_a_garbage_cycle(hp):
    objs = _objects(10)
    refs = [weakref.ref(o) for o in objs]
    big = hp.iso(*objs)
    sel = big & hp.Type(Payload)
    cycle = [big]
    cycle.append(cycle)
    del big, cycle, objs
    gc.collect()
    assert sel.count == 10
    assert all(isinstance(o, Payload) for o in sel.nodes)
    alive = [r() for r in refs]
    assert sum(o is not None for o in alive) == 10
    del alive, sel
    gc.collect()
    assert all(r() is None for r in refs)


def test_selection_in_a_cycle_with_its_members_is_collected(hp):
    class Holder:
        pass
    holders = [Holder() for _ in range(5)]
    refs = [weakref.ref(x) for x in holders]
    big = hp.iso(*holders)
    sel = big & hp.Type(Holder)
    for x in holders:
        x.sel = sel             # members refer to the selection
    del big, sel, holders, x
    gc.collect()
    assert all(r() is None for r in refs)


def test_whole_heap_selection_prints_after_heap_is_dropped(hp):
    h = hp.heap()
    dicts = h & hp.Type.Dict
    n = dicts.count
    del h
    gc.collect()
    assert dicts.count == n
    text = str(dicts)
    assert text.startswith('Partition of a set of %d objects.' % n)


def test_selections_leave_no_references_behind(hp):
    objs = _objects(30)
    before = [sys.getrefcount(o) for o in objs]
    for _ in range(20):
        big = hp.iso(*objs)
        a = big & hp.Type(Payload)
        b = big.bytype[0]
        c = a & hp.Type(Payload)
        del big               # a, b, c adopt here
        del a, b, c
        big = hp.iso(*objs)
        a = big & hp.Type(Other)
        del a                 # the selection goes first
        del big
    gc.collect()
    assert [sys.getrefcount(o) for o in objs] == before
