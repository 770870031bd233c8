"""guppy-c: the heapy heap analyser for Python, with its engine in C.

    >>> from guppy import hpy
    >>> hp = hpy()
    >>> print(hp.heap())        # everything reachable, by class / dict owner

``hpy()`` returns a session (see :mod:`guppy.heapy.Use`). The engine is the
extension module ``guppy._guppy``; this package is the facade users import.
"""
from guppy.heapy.Use import hpy

__all__ = ["hpy", "__version__"]
__version__ = "0.1.0"
