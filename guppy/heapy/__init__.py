"""heapy: the heap analysis part of guppy (module names follow guppy3's, so
that type names print as heapy users know them)."""
