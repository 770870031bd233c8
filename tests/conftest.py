"""pytest setup: make ``tests/oracle.py`` importable and register markers.

``tests/`` is deliberately not a package: tests run against the *installed*
``guppy`` (CI runs pytest from outside the repo), so nothing here may put
the repo root on sys.path.  Only this directory is added, for ``oracle``.
"""

import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
if _here not in sys.path:
    sys.path.insert(0, _here)


def pytest_configure(config):
    config.addinivalue_line(
        'markers', 'requires_guppy3: differential test that needs guppy3 '
        '(skipped when tests/oracle.guppy3_python() finds none)')
    config.addinivalue_line(
        'markers', 'huge: deep and huge structures (tests/test_huge.py); '
        'small sizes by default, the full ones with GUPPY_TEST_HUGE=1')
