"""Run a script in a subprocess with the guppy under test (this project).

Whole-heap and ``__main__``-naming cases must run as a fresh ``__main__``
(``repr(hp.Nothing)`` is ``'hp.Nothing'`` only when ``hp`` is a global of
``__main__``, and ``heap()`` counts everything a pytest process holds).
``oracle.run_script`` runs such scripts with a clean environment (no
PYTHONPATH, PYTHONHASHSEED=0, a temp dir as cwd); here the child is given
the ``guppy`` package this test process imported, so that running
``python -m pytest tests`` from the repo root (in-place build) and from
outside it (installed package) both test the same code in parent and child.

* ``run_ours(source, timeout=120)`` -> stdout; ``ScriptError`` on failure.
* ``GUPPY_ROOT`` -> the directory holding the ``guppy`` package under test.
"""

import os
import site
import sys

import guppy
from oracle import run_script

__all__ = ['run_ours', 'GUPPY_ROOT']

GUPPY_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(guppy.__file__)))


def _default_path_dirs():
    dirs = list(site.getsitepackages())
    user = site.getusersitepackages()
    if isinstance(user, str):
        dirs.append(user)
    return {os.path.realpath(d) for d in dirs}


def _bootstrap():
    # An installed guppy is found by the child as it is; anything else (an
    # in-place build, a pip --target dir) is put first on its path.  The
    # bootstrap leaves no name behind in __main__.
    if os.path.realpath(GUPPY_ROOT) in _default_path_dirs():
        return ''
    return ('__import__("sys").path.insert(0, %r)\n' % GUPPY_ROOT)


def run_ours(source, timeout=120):
    """Run ``source`` as ``__main__`` with this interpreter and the guppy
    under test; return its stdout."""
    return run_script(sys.executable, _bootstrap() + source, timeout)
