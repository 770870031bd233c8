"""hp.doc, x.doc, st.doc (guppy/heapy/Doc.py) and hp.test() (SelfTest.py).

The listings must be guppy3's text exactly (guppy-api.md section 1.2); the
help texts are ours, so only their form is checked here: every listed name
has one, its first paragraph starts with the name, and the session prefix
is substituted. The differential test prints the listings with guppy3 when
its venv is present.
"""

import io
import platform
import re

import pytest

import guppy
from guppy import hpy
from guppy.heapy import Doc, SelfTest, UniSet, Use
from oracle import guppy3_python, requires_guppy3, run_script
from ours import run_ours

HP_LISTING = """\
Top level interface to Heapy. Available attributes:
Anything            Prod                Via                 iso
Clodo               Rcs                 doc                 load
Id                  Root                findex              monitor
Idset               Size                heap                pb
Module              Type                heapu               setref
Nothing             Unity               idset               test
Use eg: hp.doc.<attribute> for info on <attribute>."""

# Rows 12 and 13 have three names; row 12 keeps the padding of its third
# cell (only the end of the whole listing is stripped), as in guppy3.
SET_LISTING = """\
all                 byvia               get_render          pathsout
biper               count               get_rp              prod
brief               dictof              get_shpaths         referents
by                  diff                imdom               referrers
byclodo             disjoint            indisize            rp
byid                doc                 kind                shpaths
byidset             dominos             maprox              size
bymodule            domisize            more                sp
byprod              dump                nodes               stat
byrcs               er                  owners              test_contains
bysize              fam                 partition           theone
bytype              get_ckc             parts               \n\
byunity             get_examples        pathsin"""

LISTINGS_SCRIPT = r'''
from guppy import hpy
hp = hpy()
x = hp.iso(1, [])
for text in (repr(hp.doc), repr(x.doc), repr(hp.iso(1).doc),
             repr(hp.Nothing.doc), hp.doc[0], hp.doc[-1]):
    print(text)
    print('@@')
'''


def test_session_listing_in_main():
    out = run_ours(LISTINGS_SCRIPT).split('@@\n')
    assert out[0] == HP_LISTING + '\n'
    assert out[1] == out[2] == out[3] == SET_LISTING + '\n'
    assert out[4:6] == ['Anything\n', 'test\n']


@requires_guppy3
def test_listings_match_guppy3():
    assert run_ours(LISTINGS_SCRIPT) == run_script(guppy3_python(),
                                                   LISTINGS_SCRIPT)


def test_listing_footer_uses_the_prefix():
    hp = hpy()              # not bound in __main__: prefix 'hpy().'
    assert repr(hp.doc).splitlines()[-1] == \
        'Use eg: hpy().doc.<attribute> for info on <attribute>.'
    assert str(hp.doc) == repr(hp.doc)


@pytest.mark.parametrize('names,expected', [
    ([], ''),
    (['a'], 'a'),
    (['a', 'b', 'c'], 'a                   b                   c'),
    (['a', 'b', 'c', 'd', 'e'],
     'a                   c                   e                   \n'
     'b                   d'),
    (['x' * 19, 'y' * 25, 'z'],
     'x' * 19 + ' ' + 'y' * 25 + ' z'),
])
def test_format_columns(names, expected):
    # Expected values printed by guppy3's lister for the same names.
    assert Doc.format_columns(names) == expected


def test_every_listed_name_has_help():
    hp = hpy()
    x = hp.iso(1, [])
    for listing, texts in ((hp.doc, Doc.SESSION_HELP),
                           (x.doc, Doc.SET_HELP)):
        names = list(listing)
        assert names == sorted(texts)
        for name in names:
            text = repr(getattr(listing, name))
            first = text.split('\n\n', 1)[0]
            assert first.startswith(name) or first.startswith('x.' + name)
            assert '???' not in text and '$HP.' not in text
            assert len(text.split('\n\n')) >= 2, name   # more than a title


def test_help_substitutes_the_prefix():
    hp = hpy()
    assert 'hpy().Nothing' in repr(hp.doc.Nothing)
    out = run_ours('from guppy import hpy\nhp = hpy()\n'
                   'print(hp.doc.Nothing)\nprint(hp.iso(1).doc.er)\n')
    assert '(a & b) is hp.Nothing' in out
    assert 'e.g. hp.Clodo' in out


def test_not_provided_and_not_yet_built():
    # The four names guppy3 lists but this project does not provide are
    # absent, and their help says so; any other listed name that is absent
    # gets the "not built yet" line, and present ones do not.
    hp = hpy()
    x = hp.iso(1, [])
    for listing, owner in ((hp.doc, Use.Session),
                           (x.doc, UniSet.IdentitySetMulti)):
        for name in listing:
            text = repr(getattr(listing, name))
            if name in Doc.NOT_PROVIDED:
                assert not hasattr(owner, name), name
                assert 'Not provided' in text
            elif hasattr(owner, name):
                assert 'Not built yet' not in text, name
            else:
                assert text.endswith('raises AttributeError.'), name
    with pytest.raises(AttributeError):
        hp.monitor


def test_unknown_names_raise():
    hp = hpy()
    with pytest.raises(AttributeError, match='no help on'):
        hp.doc.nosuchthing
    with pytest.raises(AttributeError):
        hp.doc._names_of_nothing
    with pytest.raises(AttributeError):
        hp.iso(1).doc.setref        # a session attribute, not a set's


def test_help_objects():
    hp = hpy()
    h = hp.doc.heapu
    assert str(h) == repr(h) == h.text
    assert h.synopsis == 'heapu(rma=1, abs=0, stat=1) -> Stat'
    assert 'heap' in dir(hp.doc) and 'bytype' in dir(hp.iso(1).doc)


def test_synopsis_and_full_listings():
    hp = hpy()
    short = repr(hp.doc('l'))
    lines = short.split('\n')
    assert lines[0] == 'Top level interface to Heapy. Available attributes:'
    assert lines[1:3] == ['Anything: Kind', '']
    assert 'heap() -> IdentitySet\n\n' in short
    assert short.endswith('\n\n\nUse eg: hpy().doc.<attribute> for info on '
                          '<attribute>.')
    full = repr(hp.doc('L'))
    assert '*** heap ***\n%s\n\n' % hp.doc.heap in full
    assert repr(hp.doc('')) == repr(hp.doc)
    with pytest.raises(TypeError):
        hp.doc(1)


def test_doc_is_hidden():
    hp = hpy()
    hp.setrelheap()
    listing = hp.doc
    help_ = listing.heap
    h = hp.heap()
    assert listing not in h.nodes and help_ not in h.nodes


def test_stat_doc():
    hp = hpy()
    x = hp.iso(1.5, 'abc')
    if not hasattr(x, 'stat'):
        pytest.skip('Stat not built yet')
    st = x.stat
    names = list(st.doc)
    assert names == sorted(n for n in dir(st) if not n.startswith('_'))
    assert 'count' in names and 'doc' in names
    for name in names:
        assert name in Doc.STAT_HELP, 'no help on Stat.%s' % name
        text = repr(getattr(st.doc, name))
        assert text.startswith('x.' + name)
    assert repr(st.doc) == Doc.format_columns(names)


# --- hp.test() ---------------------------------------------------------------

def run_selftest(**kw):
    out = io.StringIO()
    err = None
    try:
        SelfTest.run(Use.Session, out=out, **kw)
    except AssertionError as e:
        err = e
    return out.getvalue(), err


def test_selftest_passes():
    text, err = run_selftest()
    assert err is None, text
    lines = text.splitlines()
    assert lines[0] == 'guppy-c %s self-test on CPython %s' % (
        guppy.__version__, platform.python_version())
    body = lines[1:-1]
    assert len(body) == len(SelfTest.CHECKS)
    assert all(re.match(r'(ok|skip)  ', line) for line in body), text
    skipped = sum(line.startswith('skip') for line in body)
    ran = len(body) - skipped
    assert lines[-1] == ('OK (%d checks%s)' % (
        ran, ', %d skipped' % skipped if skipped else ''))


def test_selftest_reports_a_planted_failure(monkeypatch):
    def broken(hp):
        raise AssertionError('planted')

    checks = (SelfTest.CHECKS[0], ('planted', broken), SelfTest.CHECKS[3])
    monkeypatch.setattr(SelfTest, 'CHECKS', checks)
    text, err = run_selftest()
    lines = text.splitlines()
    assert lines[1].startswith('ok    heap()')
    assert lines[2] == 'FAIL  planted: AssertionError: planted'
    assert lines[3].startswith('ok    set algebra')
    assert lines[4] == 'FAILED (1 of 3 checks: planted)'
    assert str(err) == 'guppy self-test failed: planted: AssertionError: ' \
        'planted'
    with pytest.raises(AssertionError, match='^planted$'):
        SelfTest.run(Use.Session, debug=True, out=io.StringIO())


def test_session_test_prints_and_returns_none(capsys):
    assert hpy().test() is None
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith('OK (')
