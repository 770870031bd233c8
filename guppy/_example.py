"""The built-in example workload of ``python -m guppy``: a small order book.

``main()`` starts a session, takes ``setrelheap()`` so that later heaps show
only what is new, builds the book and prints its heap twice: by class or
dict owner (the default table), then by type. Everything is deterministic:
the same CPython version prints the same counts and sizes.
"""
from __future__ import annotations

from typing import Dict, List

from guppy import hpy

__all__ = ["Book", "Order", "build_book", "main"]

#: Orders in the book.
N_ORDERS = 2000
#: Raw message buffers kept beside the book, and the length of each.
N_BUFFERS = 20
BUFFER_LEN = 4096

_SIDES = ("buy", "sell")
_VENUES = ("XLON", "XPAR", "XETR")


class Order:
    """One order: an id, [price, quantity, timestamp] and a dict of tags."""

    def __init__(self, i: int) -> None:
        self.id = "ORD-%06d" % i
        # Values above 256, so every int is a new object (small ints are
        # shared and were on the heap before the reference point).
        self.fields = [10_000 + 7 * i, 500 + i, 1_700_000_000 + 60 * i]
        self.tags = {"side": _SIDES[i % 2], "venue": _VENUES[i % 3]}


class Book:
    """The orders and the raw buffers they were parsed from."""

    def __init__(self) -> None:
        self.orders: List[Order] = [Order(i) for i in range(N_ORDERS)]
        self.buffers: List[bytes] = [bytes([i]) * BUFFER_LEN
                                     for i in range(N_BUFFERS)]
        self.by_id: Dict[str, Order] = {o.id: o for o in self.orders}


def build_book() -> Book:
    """A new order book of N_ORDERS orders and N_BUFFERS buffers."""
    return Book()


def main() -> None:
    """Build the book after a reference point and print what it added."""
    hp = hpy()
    hp.setrelheap()
    book = build_book()     # a local of this frame: heap() finds it here
    print(hp.heap())
    print()
    print(hp.heap().bytype)
    del book                # kept alive until both tables are printed
