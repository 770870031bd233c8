"""The fast paths of dump files: a file read into one buffer, its rows
checked in place and made only when asked for (src/rowscan.c, driven by
check_rows and fast_rows in src/formats.c; gy_rowscan_ready), and the
one-buffer writer (src/formats.c).  Each is held to the line-at-a-time reader, which
is the reference: every source must accept the same files with the same
rows, and refuse the others with the same ValueError naming the same line.

Sources compared (guppy/heapy/Part.py, _stream_mode):
  * lines:    an open binary file read with readline() (use_readline);
  * file:     an io.BufferedReader (read with readinto, GY_LOAD_FILE);
  * chunks:   a subclass of io.BufferedReader (its read(), GY_LOAD_CHUNKS);
  * name:     a file name (opened here, GY_LOAD_FILE).
"""

import io
import os
import random
import re

import pytest

from guppy import _guppy, hpy
from guppy.heapy.Part import Stat


@pytest.fixture
def hp():
    return hpy()


class SubReader(io.BufferedReader):
    """Not the io module's own type: read in chunks with read()."""


def package(rows, fmt='SetFormat', numrows=None, b=None, nl='\n',
            size=None):
    """The text of one package; rows as (count, size, label) or, for
    IdFormat, (size, label); totals are the rows' sums."""
    count = len(rows) if fmt == 'IdFormat' else sum(r[0] for r in rows)
    if size is None:
        size = sum(r[-2] for r in rows)
    lines = ['.loader: _load_stat', '.format: %s' % fmt,
             '.timemade: 1700000000.250000']
    if b is not None:
        lines += ['.b_count: %d' % b[0], '.b_size: %d' % b[1]]
    lines += ['.count: %d' % count, '.size: %d' % size, '.kindname: ',
              '.kindheader: Kind', '.numrows: %d'
              % (len(rows) if numrows is None else numrows)]
    lines += ['.r: ' + ' '.join(str(x) for x in r) for r in rows]
    lines.append('.end: .loader: _load_stat')
    return nl.join(lines) + nl


def big_rows(n, seed=0):
    rnd = random.Random(seed)
    return [(rnd.choice([1, 1, 2, 37, 1000, 123456]),
             rnd.choice([16, 32, 56, 1024, 999999, 12345678]),
             'mod%d.Class%05d' % (i % 7, i) + 'x' * rnd.randrange(0, 40))
            for i in range(n)]


def outcome(hp, source, where=None, use_readline=False):
    """('ok', [(dump text, repr(st.all), rows)...]) or ('error', message
    without the file name) for every package of source."""
    out = []
    try:
        for st in hp.loadall(source, use_readline):
            rows = [(r.count, r.size, r.name, r.index, r.cumulsize)
                    for r in st.get_rows()]
            out.append((st._dump(), repr(st.all), rows))
    except ValueError as e:
        msg = str(e)
        if where is not None:
            assert msg.startswith(where + ', line '), msg
            msg = msg[len(where) + 2:]
        assert re.match(r'^line \d+: ', msg), msg
        return ('error', msg)
    return ('ok', out)


def all_sources(hp, data, tmp_path):
    """The outcome of data through each source, by source name."""
    fn = os.path.join(str(tmp_path), 'f.hpy')
    with open(fn, 'wb') as f:
        f.write(data)
    res = {}
    with open(fn, 'rb') as f:
        res['lines'] = outcome(hp, f, use_readline=True)
    res['file'] = outcome(hp, io.BufferedReader(io.BytesIO(data)))
    res['chunks'] = outcome(hp, SubReader(io.BytesIO(data)))
    res['name'] = outcome(hp, fn, where=fn)
    return res


def assert_same(res):
    ref = res['lines']
    for name, got in res.items():
        assert got == ref, (name, got[:1], ref[:1])


# --- the sources agree ------------------------------------------------------

def test_plain_big_file_agrees(hp, tmp_path):
    data = package(big_rows(3000)).encode()
    assert len(data) > 3 * 16384          # past the first chunk
    res = all_sources(hp, data, tmp_path)
    assert res['lines'][0] == 'ok'
    assert_same(res)


@pytest.mark.parametrize('kind', ['crlf', 'nonascii', 'long', 'negative',
                                  'idformat', 'diff', 'nul', 'empty'])
def test_rows_off_the_fast_path_agree(hp, tmp_path, kind):
    rows = big_rows(2500, seed=1)
    fmt, b, nl = 'SetFormat', None, '\n'
    if kind == 'crlf':
        nl = '\r\n'
    elif kind == 'nonascii':
        rows[5] = (1, 16, 'caf\xe9')
        rows[2000] = (2, 16, '\u65e5\u672c \U0001F600')
    elif kind == 'long':
        rows[3] = (1, 10 ** 17, 'big')
        rows[2100] = (123456789012345678, 12345678901, 'many')
        rows[2200] = (4 * 10 ** 18, 10 ** 18, 'most')
    elif kind == 'negative':
        fmt, b = 'DiffFormat', (1, 2)
        rows[1] = (-5, -1234, 'less')
        rows[1900] = (-1, -99999999999, 'fewer')
    elif kind == 'idformat':
        fmt = 'IdFormat'
        rows = [(r[1], repr(r[2])) for r in rows]
    elif kind == 'diff':
        fmt, b = 'DiffFormat', (3, 4)
    elif kind == 'nul':
        rows[2200] = (1, 16, 'a\x00b\x01c')
    elif kind == 'empty':
        rows[10] = (1, 16, '')
        rows[2300] = (1, 16, '')
    data = package(rows, fmt=fmt, b=b, nl=nl).encode()
    res = all_sources(hp, data, tmp_path)
    assert res['lines'][0] == 'ok', res['lines']
    assert_same(res)


# Row lines, right and wrong, near the edges of what the in-place check
# takes; each is put far into a file (past the first chunk).
ODD_ROWS = [
    '.r:  1 16 x', '.r: 1  16 x', '.r: - 16 x', '.r: 1 - x', '.r: +1 16 x',
    '.r: 1 16', '.r: 1', '.r: 1x 16 y', '.r: 1 16x y', '.r: 0001 0016 y',
    '.r: 1 9999999999999999999 y', '.r: 4000000000000000000 16 y',
    '.r: 1 1000000000000000000 y', '.r: 12345678901234567890 1 y',
    '.r:1 16 y', '.R: 1 16 y', '.r: 1\t16 y', '.r: \u0661 16 y',
    '.r: 1 16 y\r', '.r: -0 -0 z', '.r: 1 16 \u00e9\u00e9', '.r: 1 16  ',
    '.r: 12345678 87654321 w', '.r: 123456789012345 1 w',
    '.r: 1 12345678901234 w', '.r: 1 123456789012345 w',
    '.r: 1 16 x\x00', '.r: 1 16 \x7f', '',
    '.r: 9999999999999999999 1 y', '.r: 4611686018427387904 1 y',
    '.r: 4611686018427387903 1 y', '.r: -4611686018427387903 1 y',
]


@pytest.mark.parametrize('line', ODD_ROWS)
@pytest.mark.parametrize('fmt', ['SetFormat', 'IdFormat'])
def test_odd_rows_agree(hp, tmp_path, line, fmt):
    rows = big_rows(2500, seed=6)
    if fmt == 'IdFormat':
        rows = [r[1:] for r in rows]
    lines = package(rows, fmt=fmt).split('\n')
    lines[8 + 2000] = line
    res = all_sources(hp, '\n'.join(lines).encode('utf-8', 'surrogatepass'),
                      tmp_path)
    assert_same(res)


def test_odd_rows_outcomes(hp, tmp_path):
    # A few of those by their expected outcome, not only agreement.
    def load_with(line):
        lines = package(big_rows(2500, seed=6), size=0).split('\n')
        lines[8 + 2000] = line
        fn = os.path.join(str(tmp_path), 'o.hpy')
        with open(fn, 'w') as f:
            f.write('\n'.join(lines))
        return hp.load(fn).get_row(2000)
    r = load_with('.r: 4000000000000000000 16 y')
    assert (r.count, r.size, r.name) == (4 * 10 ** 18, 16, 'y')
    r = load_with('.r: 0001 0016 y')
    assert (r.count, r.size, r.name) == (1, 16, 'y')
    r = load_with('.r: -0 -0 z')
    assert (r.count, r.size, r.name) == (0, 0, 'z')
    r = load_with('.r: 1 16  ')
    assert (r.count, r.size, r.name) == (1, 16, ' ')
    for bad in ['.r:  1 16 x', '.r: 1 9999999999999999999 y', '.r: 1 16',
                '.r: 12345678901234567890 1 y']:
        with pytest.raises(ValueError, match=r'line 2009: expected'):
            load_with(bad)


def test_mutations_agree(hp, tmp_path):
    # Random damage anywhere in a file of three packages (the second big
    # enough to span several reads): every source accepts or refuses
    # each damaged file alike, with the same message.
    data = (package(big_rows(40, 2)) + package(big_rows(1500, 3))
            + package([(5, 'x'), (7, 'y')], fmt='IdFormat')).encode()
    rnd = random.Random(4321)
    alphabet = b'.: -0123456789r\n\r\xff\xc3\xa9\x00'
    for trial in range(120):
        b = bytearray(data)
        for _ in range(rnd.randint(1, 3)):
            b[rnd.randrange(len(b))] = rnd.choice(alphabet)
        if trial % 10 == 0:
            del b[rnd.randrange(len(b)):]
        assert_same(all_sources(hp, bytes(b), tmp_path))


# --- errors past the first chunk name their line -----------------------------

def test_late_bad_row_names_its_line(hp, tmp_path):
    rows = big_rows(10000)
    lines = package(rows).split('\n')
    lines[8 + 7000] = '.r: 1 x2 bad'          # row 7001 (header: 8 lines)
    fn = os.path.join(str(tmp_path), 'bad.hpy')
    with open(fn, 'w') as f:
        f.write('\n'.join(lines))
    with pytest.raises(ValueError) as e:
        hp.load(fn)
    assert str(e.value) == (
        "%s, line 7009: expected '.r: <count> <size> <label>' (row 7001 of "
        "10000), got '.r: 1 x2 bad'" % fn)


def test_late_truncation_names_its_line(hp, tmp_path):
    data = package(big_rows(10000)).encode()
    fn = os.path.join(str(tmp_path), 'cut.hpy')
    cut = data.index(b'\n.r: ', len(data) * 3 // 4) + 1
    with open(fn, 'wb') as f:
        f.write(data[:cut])
    nlines = data[:cut].count(b'\n')
    with pytest.raises(ValueError) as e:
        hp.load(fn)
    assert str(e.value) == (
        "%s, line %d: expected '.r: <count> <size> <label>' (row %d of "
        "10000), got end of input" % (fn, nlines + 1, nlines - 7))


def test_more_rows_than_numrows(hp, tmp_path):
    text = package(big_rows(3000), numrows=2999)
    fn = os.path.join(str(tmp_path), 'more.hpy')
    with open(fn, 'w') as f:
        f.write(text)
    with pytest.raises(ValueError) as e:
        hp.load(fn)
    assert str(e.value).startswith(
        "%s, line 3008: expected '.end: .loader: _load_stat' after 2999 rows,"
        " got '.r: " % fn)


def test_cumulative_overflow_late(hp, tmp_path):
    # Sizes whose digits alone bound the sum too loosely go back to the
    # line path, which finds the row where the sum leaves the range.
    rows = [(1, 10 ** 17, 'r%d' % i) for i in range(60)]
    lines = package(rows, size=0).split('\n')
    fn = os.path.join(str(tmp_path), 'over.hpy')
    with open(fn, 'w') as f:
        f.write('\n'.join(lines))
    with pytest.raises(ValueError) as e:
        hp.load(fn)
    assert str(e.value) == (
        '%s, line 55: cumulative size beyond 2**62 (row 47 of 60)' % fn)


def test_bad_utf8_late(hp, tmp_path):
    data = package(big_rows(2000)).encode()
    at = data.index(b'\n.r: ', len(data) // 2) + 1
    line = data[:at].count(b'\n') + 1
    data = data[:at + 9] + b'\xed\xa0\x80' + data[at + 12:]
    fn = os.path.join(str(tmp_path), 'u.hpy')
    with open(fn, 'wb') as f:
        f.write(data)
    with pytest.raises(ValueError) as e:
        hp.load(fn)
    assert str(e.value) == '%s, line %d: not UTF-8 text (byte 10)' % (
        fn, line)


# --- rows made as asked for --------------------------------------------------

def test_rows_made_in_any_order(hp, tmp_path):
    rows = big_rows(2345, seed=5)
    text = package(rows)
    fn = os.path.join(str(tmp_path), 'r.hpy')
    with open(fn, 'w') as f:
        f.write(text)
    ref = hp.load(text.splitlines())
    st = hp.load(fn)
    assert len(st) == 2345 and st.numrows == 2345
    # The first page, then scattered rows, then pages, then all.
    assert repr(st) == repr(ref)
    for i in [0, 5, 11, 2344, 100, 99, 1500]:
        a, b = st.get_row(i), ref.get_row(i)
        assert (a.count, a.size, a.name, a.index, a.cumulsize) == (
            b.count, b.size, b.name, b.index, b.cumulsize)
    st2 = hp.load(fn)
    assert repr(st2.more) == repr(ref.more)
    assert repr(st2.more.more) == repr(ref.more.more)
    assert st2._render(2000, 10, False) == ref._render(2000, 10, False)
    # Each operation makes what it needs.
    for op in [lambda s: s[1000:1010], lambda s: s[-1], lambda s: s - ref,
               lambda s: ref - s, lambda s: s._labels(),
               lambda s: s.get_rows_of_kinds([rows[2000][2]]),
               lambda s: s.get_rows_n_and_other(5), lambda s: s._dump()]:
        got, want = op(hp.load(fn)), op(ref)
        if isinstance(got, Stat):
            got, want = got._dump().split('\n', 3)[3], \
                want._dump().split('\n', 3)[3]
        elif isinstance(got, list):
            got = [repr(x) if x is None else
                   (x if isinstance(x, str) else (x.count, x.size, x.name))
                   for x in got]
            want = [repr(x) if x is None else
                    (x if isinstance(x, str) else (x.count, x.size, x.name))
                    for x in want]
        assert got == want
    # A loaded stat dumps to the bytes it was read from.
    assert hp.load(fn)._dump() == text


def test_successive_loads_from_one_file(hp, tmp_path):
    texts = [package(big_rows(n, seed=n)) for n in (1, 700, 2, 3000, 5)]
    fn = os.path.join(str(tmp_path), 'm.hpy')
    with open(fn, 'w') as f:
        f.write(''.join(texts))
    for opener in [lambda: open(fn, 'rb'),
                   lambda: open(fn, 'rb', buffering=0),
                   lambda: SubReader(open(fn, 'rb', buffering=0))]:
        with opener() as f:
            got = [hp.load(f)._dump() for _ in texts]
            with pytest.raises(StopIteration):
                hp.load(f)
        assert got == texts
    assert [s._dump() for s in hp.loadall(fn)] == texts


# --- readinto is used safely -------------------------------------------------

class Keeper:
    """A file whose readinto() keeps the view it is given."""

    def __init__(self, data):
        self.f = io.BytesIO(data)
        self.views = []

    def readinto(self, view):
        self.views.append(view)
        return self.f.readinto(view)

    def tell(self):
        return self.f.tell()

    def seek(self, pos):
        return self.f.seek(pos)


def test_readinto_views_are_released(hp):
    text = package(big_rows(2000))
    k = Keeper(text.encode())
    st, n = _guppy._stat_load(Stat, k, 3, False, 1, None)
    assert st._dump() == text and n == 2009
    assert k.views
    for v in k.views:
        with pytest.raises(ValueError):
            v[0]


@pytest.mark.parametrize('count', [-1, 10 ** 9, None])
def test_readinto_bad_count(hp, count):
    # More than the view holds, negative, or None (a non-blocking file
    # with nothing to read).
    k = Keeper(package(big_rows(10)).encode())
    k.readinto = lambda view: count
    with pytest.raises(ValueError, match='readinto'):
        _guppy._stat_load(Stat, k, 3, False, 1, None)


# --- the writer --------------------------------------------------------------

def test_dump_label_lengths_and_numbers(hp, tmp_path):
    # Labels around the 16- and 32-byte copies; numbers of every length.
    rows = []
    for n in range(0, 70):
        rows.append((1 + n, 10 ** (n % 19) - (n % 3), 'L' * n))
    rows.append((4 * 10 ** 17, 1, 'x'))
    text = package(rows, numrows=None)
    st = hp.load(text.splitlines())
    assert st._dump() == text
    fn = os.path.join(str(tmp_path), 'd.hpy')
    st.dump(fn)
    with open(fn, 'rb') as f:
        assert f.read() == text.encode()
    b = io.BytesIO()
    st.dump(b)
    assert b.getvalue() == text.encode()
    s = io.StringIO()
    st.dump(s)
    assert s.getvalue() == text
    assert hp.load(fn)._dump() == text


def test_dump_writes_once(hp):
    # The whole package in one write() call, str or bytes.
    st = hp.load(package(big_rows(5000)).splitlines())
    calls = []
    st._dump(calls.append)
    assert len(calls) == 1 and isinstance(calls[0], str)
    st._dump(calls.append, True)
    assert len(calls) == 2 and calls[1] == calls[0].encode()


def test_numbers_round_trip(hp, tmp_path):
    # Every length and the edges of each writer and reader path: under
    # 10, under 100, under 10**7 (one word), and beyond (digit pairs),
    # negative ones in DiffFormat; written, read back by name, compared.
    edges = sorted({v for k in range(19) for v in (10 ** k - 1, 10 ** k,
                                                   10 ** k + 1)
                    if 0 <= v <= 4 * 10 ** 18} | set(range(0, 130)))
    rows = [(v, edges[-1 - i], 'n%d' % i) for i, v in enumerate(edges)]
    text = package(rows, size=0)
    st = hp.load(text.splitlines())
    assert st._dump() == text
    fn = os.path.join(str(tmp_path), 'n.hpy')
    st.dump(fn, 'w')
    assert [(r.count, r.size, r.name) for r in hp.load(fn).get_rows()] == rows
    neg = [(-v, -v, 'm%d' % i) for i, v in enumerate(edges[:60])]
    text = package(neg, fmt='DiffFormat', b=(0, 0), size=0)
    st = hp.load(text.splitlines())
    assert st._dump() == text
    st.dump(fn, 'w')
    assert [(r.count, r.size, r.name) for r in hp.load(fn).get_rows()] == neg
