"""The README's examples print what the README says (on the CPython the
README names: sizes depend on the version)."""

import os
import re
import sys

import pytest

from ours import run_ours

README = os.path.join(os.path.dirname(__file__), os.pardir, 'README.md')

pytestmark = pytest.mark.skipif(sys.version_info[:2] != (3, 11),
                                reason='the README prints CPython 3.11 sizes')


def examples():
    """(script, expected output) of each 'prints' example."""
    text = open(README, encoding='utf-8').read()
    pat = re.compile(r'```python\n(.*?)```\n\nprints\n\n```\n(.*?)```', re.S)
    return pat.findall(text)


@pytest.mark.parametrize('n', range(2))
def test_readme_example(n):
    found = examples()
    assert len(found) >= 2
    script, expected = found[n]
    assert run_ours(script) == expected
