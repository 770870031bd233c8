"""Helpers for differential tests against guppy3, the behaviour oracle.

guppy3 (PyPI ``guppy3``) is also imported as ``guppy``, so it can never share
an interpreter with this project: it lives in its own virtualenv, and the
tests run the same script text in a subprocess with that venv's python, then
compare stdout (style.md section 4, "Differential").

Public API:

* ``guppy3_python()``  -> path of a python with guppy3 for the running
  interpreter's major.minor, or None.  Looked up in order:
    1. env var ``GUPPY3_PYTHON``; when set (non-empty) it is the only
       candidate, so ``GUPPY3_PYTHON=/nonexistent`` disables the oracle,
    2. ``~/.cache/guppy-c/guppy3-<major>.<minor>/bin/python``
       (made by ``tools/make_guppy3_venv.sh``),
    3. ``/opt/guppy3-<major><minor>/bin/python``.
* ``run_script(python, source, timeout=120)`` -> stdout of ``python -c``-like
  execution of ``source`` (written to a file in a fresh temp dir, which is
  also the cwd, so neither this repo nor the installed package's source tree
  shadows the interpreter's own ``guppy``).  Raises ``ScriptError`` with the
  stderr when the script fails or times out.
* ``requires_guppy3`` -> a ``pytest.mark.skipif`` marker; skips when no
  guppy3 python is found.
* ``normalise(text)`` -> the ONE normalisation tests may apply: every hex
  address ``0x[0-9a-f]+`` becomes ``0xADDR``.  Anything else that differs
  between guppy3 and this project must be listed as an allowed difference
  with its reason, not normalised away.
"""

import os
import re
import subprocess
import sys
import tempfile

__all__ = ['guppy3_python', 'run_script', 'ScriptError', 'normalise',
           'requires_guppy3', 'GUPPY3_ENV']

GUPPY3_ENV = 'GUPPY3_PYTHON'


def _candidates(version=None):
    major, minor = (version or sys.version_info)[:2]
    env = os.environ.get(GUPPY3_ENV)
    if env:
        yield env       # authoritative when set: a bad path means "none"
        return
    yield os.path.join(os.path.expanduser('~'), '.cache', 'guppy-c',
                       'guppy3-%d.%d' % (major, minor), 'bin', 'python')
    yield '/opt/guppy3-%d%d/bin/python' % (major, minor)


def guppy3_python(version=None):
    """Path of a python executable with guppy3 installed, or None.

    ``version`` is a ``(major, minor)`` tuple; default: the running
    interpreter's.  Only existence of the executable is checked (cheap, so
    it can be used at collection time); a venv without guppy3 shows up as a
    failing ``run_script``.
    """
    for path in _candidates(version):
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


class ScriptError(RuntimeError):
    """A script run by ``run_script`` failed; ``.stderr`` holds its stderr."""

    def __init__(self, message, returncode=None, stdout='', stderr=''):
        super().__init__(message)
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def run_script(python, source, timeout=120):
    """Run ``source`` with ``python`` in a fresh temp dir; return its stdout.

    The child gets ``PYTHONPATH`` and ``PYTHONHOME`` removed and
    ``PYTHONHASHSEED=0`` so that its import path is only its own
    site-packages and its set/dict iteration order is repeatable.
    """
    env = dict(os.environ)
    for var in ('PYTHONPATH', 'PYTHONHOME', 'PYTHONSTARTUP'):
        env.pop(var, None)
    env['PYTHONHASHSEED'] = '0'
    env['PYTHONIOENCODING'] = 'utf-8'
    with tempfile.TemporaryDirectory(prefix='guppy-oracle-') as tmp:
        script = os.path.join(tmp, 'script.py')
        with open(script, 'w', encoding='utf-8') as f:
            f.write(source)
        try:
            proc = subprocess.run([python, script], cwd=tmp, env=env,
                                  stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True,
                                  encoding='utf-8', errors='replace',
                                  timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise ScriptError('%s: script timed out after %ss' % (python, timeout),
                              stdout=_text(e.stdout), stderr=_text(e.stderr)) from None
    if proc.returncode != 0:
        raise ScriptError('%s: script exited with status %d:\n%s'
                          % (python, proc.returncode, proc.stderr),
                          proc.returncode, proc.stdout, proc.stderr)
    return proc.stdout


def _text(b):
    if b is None:
        return ''
    if isinstance(b, bytes):
        return b.decode('utf-8', 'replace')
    return b


_ADDR = re.compile(r'0x[0-9a-f]+')


def normalise(text):
    """Replace every hex address (``0x[0-9a-f]+``) by ``0xADDR``.

    This is the only normalisation differential and exact-output tests may
    apply (style.md section 4): addresses differ between runs and between
    processes; everything else must match or be a listed difference.
    """
    return _ADDR.sub('0xADDR', text)


try:
    import pytest
except ImportError:  # oracle.py is also used by bench/ without pytest
    requires_guppy3 = None
else:
    requires_guppy3 = pytest.mark.skipif(
        guppy3_python() is None,
        reason='guppy3 not found for Python %d.%d (set %s or run '
               'tools/make_guppy3_venv.sh)' % (sys.version_info[:2] + (GUPPY3_ENV,)))
