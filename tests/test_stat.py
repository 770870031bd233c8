"""Stat objects, differences, dump files and loading: h.stat, Stat - Stat,
h.diff, h.dump, hp.load, hp.loadall (guppy/heapy/Part.py, src/stat.c,
src/formats.c; spec guppy-api.md sections 2.5, 4.1-4.4, 5, 11.10).

Expected texts are whole strings.  Most tables here are loaded from
hand-written lines (``mk``), so their numbers do not depend on the CPython
version; each of those texts was checked against guppy3 3.1.7.  Tables of
real sets are compared with the set's own table (a Stat prints as its set
does).  guppy3-written files are in tests/data/ (made by
tests/data/make_fixtures.py, with guppy3's own reading of them); the
differential and interchange tests run guppy3 itself when its venv exists.
"""

import gc
import io
import json
import os
import random
import re
import sys
import tracemalloc
import weakref

import pytest

from guppy import _guppy, hpy
from guppy.heapy.Part import Stat, StatRow
from oracle import guppy3_python, normalise, requires_guppy3, run_script
from ours import run_ours

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, 'data')
FIXTURES = ['setformat', 'idformat', 'idmixed', 'diff', 'multi']
CLODO = 'Kind (class / dict of class)'
FOOTER = "<%d more rows. Type e.g. '_.more' to view.>"


@pytest.fixture
def hp():
    return hpy()


def mk(rows, fmt='SetFormat', header='Foo', kindname='', count=None,
       size=None, b=None, timemade='0.0'):
    """The lines of a dump package: rows are (count, size, label), or
    (size, label) for IdFormat; totals default to the rows' sums."""
    if count is None:
        count = len(rows) if fmt == 'IdFormat' else sum(r[0] for r in rows)
    if size is None:
        size = sum(r[-2] for r in rows)
    lines = ['.loader: _load_stat', '.format: %s' % fmt,
             '.timemade: %s' % timemade]
    if b is not None:
        lines += ['.b_count: %d' % b[0], '.b_size: %d' % b[1]]
    lines += ['.count: %d' % count, '.size: %d' % size,
              '.kindname: %s' % kindname, '.kindheader: %s' % header,
              '.numrows: %d' % len(rows)]
    lines += ['.r: ' + ' '.join(str(x) for x in r) for r in rows]
    return lines


FOO = mk([(2, 60, 'alpha beta'), (1, 40, 'gamma')])
FOO_TEXT = '''\
Partition of a set of 3 objects. Total size = 100 bytes.
 Index  Count   %     Size   % Cumulative  % Foo
     0      2  67       60  60        60  60 alpha beta
     1      1  33       40  40       100 100 gamma'''

FOUR = mk([(2, 60, 'alpha beta'), (1, 40, 'gamma'), (5, 30, 'delta'),
           (1, 20, 'eps')])


def rows_of(st):
    return [(r.index, r.count, r.size, r.cumulsize, r.name)
            for r in st.get_rows()]


def without_time(text):
    return re.sub(r'(?m)^\.timemade: .*$', '.timemade: T', text)


def dumped(*stats):
    f = io.StringIO()
    for st in stats:
        st.dump(f)
    return f.getvalue()


# --- the type and its members ------------------------------------------------

def test_type_names(hp):
    st = hp.iso(1).stat
    assert type(st) is Stat
    assert str(type(st)) == "<class 'guppy.heapy.Part.Stat'>"
    assert str(StatRow) == "<class 'guppy.heapy.Part.StatRow'>"
    assert type(st.get_row(0)) is StatRow
    assert hp.Stat is Stat
    assert isinstance(st, _guppy.Hidden)
    assert isinstance(st.get_row(0), _guppy.Hidden)


def test_stat_cannot_be_made_directly():
    with pytest.raises(TypeError):
        Stat()


def test_members(hp):
    st = hp.load(FOO)
    assert (st.count, st.size, st.numrows, len(st)) == (3, 100, 2, 2)
    assert (st.kindheader, st.kindname, st.format_name) == ('Foo', '',
                                                            'SetFormat')
    assert st.timemade == 0.0 and isinstance(st.timemade, float)
    assert st.loader == '_load_stat'
    assert st.firstheader == ''
    st.firstheader = 'Data from unreachable objects.\n'
    assert st.firstheader == 'Data from unreachable objects.\n'
    assert repr(st) == FOO_TEXT         # firstheader is not printed
    with pytest.raises(AttributeError, match="'Stat' object has no "
                                             "attribute 'b_count'"):
        st.b_count
    with pytest.raises(AttributeError):
        st.b_size


def test_rows(hp):
    st = hp.load(FOUR)
    r = st.get_row(1)
    assert (r.index, r.count, r.size, r.cumulsize, r.name) == (
        1, 1, 40, 100, 'gamma')
    assert st.get_row(-1).name == 'eps'
    with pytest.raises(IndexError, match=r'^Row index out of range\.$'):
        st.get_row(4)
    assert rows_of(st) == [(0, 2, 60, 60, 'alpha beta'),
                           (1, 1, 40, 100, 'gamma'),
                           (2, 5, 30, 130, 'delta'),
                           (3, 1, 20, 150, 'eps')]
    assert [r.name for r in st.get_rows(2)] == ['delta', 'eps']
    assert [r.name for r in st.get_rows(9)] == []
    assert [r.name for r in st.rows] == ['alpha beta', 'gamma', 'delta',
                                         'eps']
    assert [r.name for r in st.rows[:2]] == ['alpha beta', 'gamma']


def test_statrow_is_writable_and_constructible():
    r = StatRow(3, 30, 'x')
    assert (r.count, r.size, r.name, r.index, r.cumulsize) == (
        3, 30, 'x', None, None)
    r.count = 4
    r.cumulsize = r
    assert r.count == 4 and r.cumulsize is r


def test_get_rows_of_kinds(hp):
    st = hp.load(FOUR)
    got = st.get_rows_of_kinds(['eps', 'nope', 'alpha beta'])
    # All rows are searched (guppy3 looks only at the first len(kinds)
    # rows and would give [None, None, row 0]: docs/differences.md).
    assert [r and (r.index, r.name) for r in got] == [
        (3, 'eps'), None, (0, 'alpha beta')]
    assert st.get_rows_of_kinds([]) == []
    with pytest.raises(ValueError):
        st.get_rows_of_kinds(['eps', 'eps'])


def test_get_rows_n_and_other(hp):
    st = hp.load(FOUR)

    def rows(x):
        return [(r.index, r.count, r.size, r.cumulsize, r.name) for r in x]

    assert rows(st.get_rows_n_and_other(2)) == [
        (0, 2, 60, 60, 'alpha beta'), (None, 6, 50, None, '<Other>'),
        (1, 1, 40, 100, 'gamma')]
    assert rows(st.get_rows_n_and_other(2, 'Count')) == [
        (2, 5, 30, 130, 'delta'), (0, 2, 60, 60, 'alpha beta'),
        (None, 2, 60, None, '<Other>')]
    assert rows(st.get_rows_n_and_other(4)) == rows(st.get_rows())
    assert rows(st.get_rows_n_and_other(0)) == [
        (None, 9, 150, None, '<Other>')]
    with pytest.raises(ValueError, match="^Argument 'sortby' must be "
                                         "'Size' or 'Count'.$"):
        st.get_rows_n_and_other(2, 'size')


# --- printing ----------------------------------------------------------------

def test_print_setformat(hp):
    st = hp.load(FOO)
    assert repr(st) == str(st) == FOO_TEXT
    assert repr(st.all) == FOO_TEXT
    assert repr(st.more) == ''


def test_print_idformat(hp):
    st = hp.load(mk([(249, "'xxxxxxxxxxxx...xxxxxxxxxxxxx'"), (52, "'abc'"),
                     (51, "'de'")], fmt='IdFormat', kindname='<str>',
                    header='Representation (limited)'))
    assert (st.count, st.size, st.kindname) == (3, 352, '<str>')
    assert [r.count for r in st.get_rows()] == [1, 1, 1]
    assert repr(st) == '''\
Set of 3 <str> objects. Total size = 352 bytes.
 Index     Size   %   Cumulative  %   Representation (limited)
     0      249  70.7       249  70.7 'xxxxxxxxxxxx...xxxxxxxxxxxxx'
     1       52  14.8       301  85.5 'abc'
     2       51  14.5       352 100.0 'de\''''


def test_print_diffformat(hp):
    st = hp.load(mk([(1, 280, 'a'), (-1, -40, 'b'), (0, 8, 'c')],
                    fmt='DiffFormat', b=(8, 900)))
    assert (st.b_count, st.b_size, st.count, st.size) == (8, 900, 0, 248)
    assert repr(st) == '''\
Summary of difference operation (A-B).
        Count     Size
  A         8     1148
  B         8      900
  A-B       0      248  =      27.6 % of B

Differences by kind, largest absolute size diffs first.
 Index  Count     Size  Cumulative  % of B Foo
     0      1      280       280      31.1 a
     1     -1      -40       240      26.7 b
     2      0        8       248      27.6 c'''


def test_print_diffformat_empty_b(hp):
    st = hp.load(mk([(3, 100, 'a')], fmt='DiffFormat', b=(0, 0)))
    assert repr(st) == '''\
Summary of difference operation (A-B).
        Count     Size
  A         3      100
  B         0        0
  A-B       3      100  =    (n.a.) % of B

Differences by kind, largest absolute size diffs first.
 Index  Count     Size  Cumulative  % of B Foo
     0      3      100       100    (n.a.) a'''


def test_print_diffformat_zero_totals_with_rows(hp):
    # Totals 0 but rows: no "Differences" line and an empty header line,
    # as heapy prints it.
    st = hp.load(mk([(1, 8, 'a'), (-1, -8, 'b')], fmt='DiffFormat',
                    b=(5, 50)))
    assert repr(st) == '''\
Summary of difference operation (A-B).
        Count     Size
  A         5       50
  B         5       50
  A-B       0        0  =         0 % of B


     0      1        8         8        16 a
     1     -1       -8         0         0 b'''


def test_print_wide_numbers_move_the_wrap_indent(hp):
    st = hp.load(mk([(1234567, 98765432109, 'x' * 80), (1, 1, 'y')]))
    indent = ' ' * 51
    assert repr(st) == (
        'Partition of a set of 1234568 objects. Total size = 98765432110 '
        'bytes.\n'
        ' Index  Count   %     Size   % Cumulative  % Foo\n'
        '     0 1234567 100 98765432109 100 98765432109 100\n'
        + indent + 'x' * 49 + '\n' + indent + 'x' * 31 + '\n'
        '     1      1   0        1   0 98765432110 100 y')


def test_print_label_with_newline(hp):
    # A class named with a newline: heapy prints the rest of the label on
    # lines of their own, indented to the label column.
    C = type('Line1\nLine2', (), {})
    x = hp.iso(C())
    text = repr(x.stat)
    lines = text.split('\n')
    assert lines[2].endswith(' test_stat.Line1')
    assert lines[3] == ' ' * 45 + 'Line2'
    assert repr(x) == text


def paged(hp, n):
    return hp.load(mk([(1, 10, 'row%d' % i) for i in range(n)]))


@pytest.mark.parametrize('n', [10, 11, 12, 25])
def test_paging(hp, n):
    st = paged(hp, n)
    header = ' Index  Count   %     Size   % Cumulative  % Foo'
    title = 'Partition of a set of %d objects. Total size = %d bytes.' % (
        n, n * 10)
    lines = ['%6d %6d %3d %8d %3d %9d %3d row%d' % (
        i, 1, int('%.0f' % (100.0 / n)), 10, int('%.0f' % (100.0 / n)),
        10 * (i + 1), int('%.0f' % ((i + 1) * 100.0 / n)), i)
        for i in range(n)]

    def page(start, title_line):
        rest = lines[start:]
        if not rest:
            return [] if not title_line else [title]
        out = [title] if title_line else []
        out.append(header)
        if len(rest) <= 11:
            return out + rest
        return out + rest[:10] + [FOOTER % (len(rest) - 10)]

    assert repr(st) == '\n'.join(page(0, True))
    # 10 or 11 rows: all shown, .more is empty (guppy3 too).
    more = '' if n <= 11 else '\n'.join(page(10, False))
    assert repr(st.more) == more
    more2 = '' if n <= 21 else '\n'.join(page(20, False))
    assert repr(st.more.more) == more2
    assert repr(st.all) == '\n'.join([title, header] + lines)
    assert st.more.top is st and st.more.count == n


def test_empty_stat_prints_title_only(hp):
    assert repr(hp.Nothing.stat) == (
        'Partition of a set of 0 objects. Total size = 0 bytes.')
    assert repr(hp.Nothing.stat.more) == ''
    assert hp.Nothing.stat.numrows == 0


# --- stats of sets ----------------------------------------------------------

class Point:
    def __init__(self, x):
        self.x = x


@pytest.fixture
def S(hp):
    pts = [Point(1000 + i) for i in range(3)]
    for p in pts:
        p.__dict__
    objs = [*pts, *[p.__dict__ for p in pts], 'abc', 2**64, 1.25,
            ('t', 'u'), [1, 2, 3], {'k': 'v'}]
    return hp.iso(*objs), objs


@pytest.mark.parametrize('er', ['Clodo', 'Type', 'Size', 'Unity', 'Module',
                                'Id', 'Idset'])
def test_stat_prints_as_its_set(hp, S, er):
    x = S[0].by(er)
    st = x.stat
    assert repr(st) == repr(x)
    assert repr(st.all) == repr(x.all)
    assert repr(st.more) == repr(x.more)
    assert (st.count, st.size, st.numrows) == (x.count, x.size, len(x))
    assert st.format_name == ('IdFormat' if er == 'Id' else 'SetFormat')


def test_stat_of_a_row_restarts_its_index(hp, S):
    x = S[0]
    st = x[1].stat
    r = st.get_row(0)
    assert (r.index, r.count, r.size, r.cumulsize) == (
        0, x[1].count, x[1].size, x[1].size)
    assert repr(x[1]).split('\n')[2].startswith('     1 ')
    assert repr(st).split('\n')[2].startswith('     0 ')


def test_stat_header_fields_of_sets(hp, S):
    x = S[0]
    assert (x.stat.kindheader, x.stat.kindname) == (CLODO, '')
    assert x.bytype.stat.kindheader == 'Type'
    assert (x.byid.stat.kindheader, x.byid.stat.kindname) == ('Brief',
                                                              '<mixed>')
    strs = hp.iso('abc', 'de')
    assert (strs.byid.stat.kindheader, strs.byid.stat.kindname) == (
        'Representation (limited)', '<str>')


def test_stat_holds_no_references(hp):
    class C:
        pass
    c = C()
    r = weakref.ref(c)
    st = hp.iso(c).stat
    del c
    gc.collect()
    assert r() is None
    assert st.count == 1 and st.get_row(0).name.endswith('.C')


def test_stat_is_hidden_from_heap(hp):
    hp.setrelheap()
    st = hp.iso(*range(1000, 1100)).stat
    rows = st.rows
    text = repr(hp.heap().bytype.all)
    assert 'Stat' not in text
    del st, rows


def test_diff_and_dump_of_sets(hp, S, tmp_path):
    x, objs = S
    y = hp.iso(*objs[:4])
    d = x.diff(y)
    assert without_time(dumped(d)) == without_time(
        dumped(x.stat - y.by(x.er).stat))
    assert repr(x.bytype.diff(y)) == repr(x.bytype.stat - y.bytype.stat)
    fn = tmp_path / 'h.hpy'
    x.dump(str(fn))
    x.bytype.dump(str(fn))
    text = fn.read_text()
    assert without_time(text) == without_time(dumped(x.stat, x.bytype.stat))
    assert [repr(s) for s in hp.loadall(str(fn))] == [repr(x.stat),
                                                     repr(x.bytype.stat)]


def test_seed_example_2_rows(hp):
    # Seed 003 example 2's row loops, on a controlled Stat (the tutorial's
    # heapu() Stat has these members; heapu itself is tested elsewhere).
    objs = ([[i] for i in range(3)] + ['s%d' % i * 20 for i in range(5)]
            + [float(i) for i in range(4)] + [(1, 2)])
    stats = hp.iso(*objs).bytype.stat
    by = {}
    for o in objs:
        c, s = by.get(type(o).__name__, (0, 0))
        by[type(o).__name__] = (c + 1, s + sys.getsizeof(o))
    order = sorted(by.items(), key=lambda kv: (-kv[1][1], kv[0]))
    out = io.StringIO()
    print("Total Objects : ", stats.count, file=out)
    print("Total Size : ", stats.size, " Bytes", file=out)
    print("Number of Entries : ", stats.numrows, file=out)
    for row in stats.get_rows():
        print("%5d%5d%8d%8d%30s" % (row.index, row.count, row.size,
                                    row.cumulsize, row.name), file=out)
    for row in stats.rows[:2]:
        print("%5d%5d%8d%8d%30s" % (row.index, row.count, row.size,
                                    row.cumulsize, row.name), file=out)
    expected = ['Total Objects :  %d' % len(objs),
                'Total Size :  %d  Bytes' % sum(map(sys.getsizeof, objs)),
                'Number of Entries :  %d' % len(by)]
    cumul = 0
    rowlines = []
    for i, (name, (c, s)) in enumerate(order):
        cumul += s
        rowlines.append('%5d%5d%8d%8d%30s' % (i, c, s, cumul, name))
    expected += rowlines + rowlines[:2]
    assert out.getvalue() == '\n'.join(expected) + '\n'


SEED_4 = '''\
import sys
from guppy import hpy
heap = hpy()
heap.setrelheap()
keep = ['kept']
heap_status1 = heap.heap()
a = [i for i in range(1000, 2000)]
b = "A"
heap_status2 = heap.heap()
print("Memory Usage After Creation Of Objects : ", heap_status2.size - heap_status1.size, " bytes")
print("\\nFinding Out Difference Between Two Heap Status : ")
stats = heap_status2.diff(heap_status1)
print("Whether Two Heap Status Are Disjoint : ", heap_status1.disjoint(heap_status2))
print("Total Objects : ", stats.count)
print("Total Size : ", stats.size, " Bytes")
print("Number of Entries : ", stats.numrows)
print("Entries : ")
print("Index Count Size Cumulative Size Object Name")
for row in stats.get_rows():
    print("%5d%5d%8d%8d%30s"% (row.index, row.count, row.size, row.cumulsize, row.name))
print("@@", sys.getsizeof(a), sys.getsizeof(1000))
'''


def test_seed_example_4_diff_exact():
    # Seed 003 example 4, on a relative heap: the difference is exactly
    # the new list and its 1,000 ints (range(1000, 2000): the tutorial's
    # range(1000) would also make cached small ints reachable, a number
    # that depends on what referred to them before).
    out = run_ours(SEED_4).split('\n')
    la, lint = map(int, out[-2].split()[1:])
    ints = 1000 * lint
    rows = sorted([('int', 1000, ints), ('list', 1, la)],
                  key=lambda r: -r[2])
    expected = [
        'Memory Usage After Creation Of Objects :  %d  bytes' % (ints + la),
        '', 'Finding Out Difference Between Two Heap Status : ',
        'Whether Two Heap Status Are Disjoint :  False',
        'Total Objects :  1001', 'Total Size :  %d  Bytes' % (ints + la),
        'Number of Entries :  2', 'Entries : ',
        'Index Count Size Cumulative Size Object Name']
    cumul = 0
    for i, (name, c, s) in enumerate(rows):
        cumul += s
        expected.append('%5d%5d%8d%8d%30s' % (i, c, s, cumul, name))
    assert out[:-2] == expected


SEED_5 = '''\
from guppy import hpy
heap = hpy()
objs = ['abc', 'de', 1.5, 2.5, (1, 2), [1], [2], [3]]
heap_status1 = heap.iso(*objs)
print("First 3 Entries : ")
print("Index Count Size Cumulative Size Object Name")
for row in list(heap_status1.stat.get_rows())[:3]:
    print("%5d%5d%8d%8d%30s"% (row.index, row.count, row.size, row.cumulsize, row.name))
print("\\nDumping Heap Status to a File : ")
heap_status1.dump("guppy_heap_status.out")
print(open("guppy_heap_status.out").readlines()[:5])
loaded_heap_stat = heap.load("guppy_heap_status.out")
print("First 3 Entries From Loaded File : ")
print("Index Count Size Cumulative Size Object Name")
for row in list(loaded_heap_stat.get_rows())[:3]:
    print("%5d%5d%8d%8d%30s"% (row.index, row.count, row.size, row.cumulsize, row.name))
'''


def test_seed_example_5_dump_and_load():
    objs = ['abc', 'de', 1.5, 2.5, (1, 2), [1], [2], [3]]
    by = {}
    for o in objs:
        c, s = by.get(type(o).__name__, (0, 0))
        by[type(o).__name__] = (c + 1, s + sys.getsizeof(o))
    order = sorted(by.items(), key=lambda kv: (-kv[1][1], kv[0]))[:3]
    rows, cumul = [], 0
    for i, (name, (c, s)) in enumerate(order):
        cumul += s
        rows.append('%5d%5d%8d%8d%30s' % (i, c, s, cumul, name))
    out = run_ours(SEED_5).split('\n')
    head = re.sub(r"'\.timemade: [0-9.]+\\n'", "'.timemade: T\\\\n'", out[7])
    size = sum(map(sys.getsizeof, objs))
    assert out[:7] == ['First 3 Entries : ',
                       'Index Count Size Cumulative Size Object Name'
                       ] + rows + ['', 'Dumping Heap Status to a File : ']
    assert head == ("['.loader: _load_stat\\n', '.format: SetFormat\\n', "
                    "'.timemade: T\\n', '.count: 8\\n', '.size: %d\\n']"
                    % size)
    assert out[8:] == ['First 3 Entries From Loaded File : ',
                       'Index Count Size Cumulative Size Object Name'
                       ] + rows + ['']


# --- indexing and slices -----------------------------------------------------

def test_getitem(hp):
    st = hp.load(FOUR)
    assert repr(st[-1]) == '''\
Partition of a set of 1 object. Total size = 20 bytes.
 Index  Count   %     Size   % Cumulative  % Foo
     0      1 100       20 100        20 100 eps'''
    assert repr(st[::-1]) == '''\
Partition of a set of 9 objects. Total size = 150 bytes.
 Index  Count   %     Size   % Cumulative  % Foo
     0      1  11       20  13        20  13 eps
     1      5  56       30  20        50  33 delta
     2      1  11       40  27        90  60 gamma
     3      2  22       60  40       150 100 alpha beta'''
    assert repr(st[::2]) == '''\
Partition of a set of 7 objects. Total size = 90 bytes.
 Index  Count   %     Size   % Cumulative  % Foo
     0      2  29       60  67        60  67 alpha beta
     1      5  71       30  33        90 100 delta'''
    assert repr(st[1:1]) == (
        'Partition of a set of 0 objects. Total size = 0 bytes.')
    assert type(st[0]) is Stat
    assert st[0].timemade == st.timemade
    # Iterating goes through st[0], st[1], ... (the sequence protocol, as
    # in guppy3): one-row Stats.
    assert [s.get_row(0).name for s in st] == ['alpha beta', 'gamma',
                                               'delta', 'eps']
    assert dumped(st[::2]) == '''\
.loader: _load_stat
.format: SetFormat
.timemade: 0.000000
.count: 7
.size: 90
.kindheader: Foo
.kindname: 
.numrows: 2
.r: 2 60 alpha beta
.r: 5 30 delta
.end: .loader: _load_stat
'''


@pytest.mark.parametrize('idx, exc, msg', [
    (4, IndexError, r'^Stat index out of range\.$'),
    (-5, IndexError, r'^Stat index out of range\.$'),
    ('x', TypeError,
     r'^Stat indices must be integers or slices\. \(Stat\[i\]: i is str\)$'),
    (1.0, IndexError,      # also an IndexError, as in heapy
     r'^Stat indices must be integers or slices\. \(Stat\[i\]: i is float\)$'),
    (slice(None, None, 0), ValueError, 'slice step cannot be zero'),
])
def test_getitem_errors(hp, idx, exc, msg):
    with pytest.raises(exc, match=msg):
        hp.load(FOUR)[idx]


def test_slice_of_diff_keeps_b_totals_last(hp):
    d = hp.load(mk([(1, 280, 'a'), (-1, -40, 'b'), (0, 8, 'c')],
                   fmt='DiffFormat', b=(8, 900), timemade='5.25'))
    assert dumped(d[1:]) == '''\
.loader: _load_stat
.format: DiffFormat
.timemade: 5.250000
.count: -1
.size: -32
.kindheader: Foo
.kindname: 
.numrows: 2
.b_count: 8
.b_size: 900
.r: -1 -40 b
.r: 0 8 c
.end: .loader: _load_stat
'''
    assert repr(d[1:]).split('\n')[2] == '  A         7      868'


# --- differences -------------------------------------------------------------

def test_sub_matches_rows_by_label(hp):
    # Duplicates, zero rows and B-only rows as heapy treats them: B's
    # repeated labels add up; only A's first row of a label takes B's
    # totals off; rows with no change are dropped; B-only rows come
    # negated, after A's, before a stable sort by absolute size change.
    A = hp.load(mk([(2, 20, 'a'), (1, 10, 'b'), (1, 10, 'a'), (3, 30, 'c'),
                    (1, 5, 'e')]))
    B = hp.load(mk([(1, 10, 'a'), (1, 10, 'b'), (2, 4, 'd'), (1, 1, 'a'),
                    (1, 5, 'f')]))
    d = A - B
    assert type(d) is Stat and d.format_name == 'DiffFormat'
    assert rows_of(d) == [(0, 3, 30, 30, 'c'), (1, 1, 19, 49, 'a'),
                          (2, 1, 5, 54, 'e'), (3, -1, -5, 49, 'f'),
                          (4, -2, -4, 45, 'd')]
    assert (d.count, d.size, d.b_count, d.b_size) == (2, 45, 6, 30)
    assert repr(d) == '''\
Summary of difference operation (A-B).
        Count     Size
  A         8       75
  B         6       30
  A-B       2       45  =       150 % of B

Differences by kind, largest absolute size diffs first.
 Index  Count     Size  Cumulative  % of B Foo
     0      3       30        30       100 c
     1      1       19        49       163 a
     2      1        5        54       180 e
     3     -1       -5        49       163 f
     4     -2       -4        45       150 d'''
    assert repr(d - d) == '''\
Summary of difference operation (A-B).
        Count     Size
  A         2       45
  B         2       45
  A-B       0        0  =         0 % of B'''
    assert d.timemade > 1e9
    assert without_time(dumped(d[0:1])) == '''\
.loader: _load_stat
.format: DiffFormat
.timemade: T
.count: 3
.size: 30
.kindheader: Foo
.kindname: 
.numrows: 1
.b_count: 6
.b_size: 30
.r: 3 30 c
.end: .loader: _load_stat
'''


def test_sub_dump_order(hp):
    d = hp.load(FOO) - hp.load(FOUR)
    assert without_time(dumped(d)) == '''\
.loader: _load_stat
.format: DiffFormat
.timemade: T
.b_count: 9
.b_size: 150
.count: -6
.size: -50
.kindheader: Foo
.kindname: 
.numrows: 2
.r: -5 -30 delta
.r: -1 -20 eps
.end: .loader: _load_stat
'''


@pytest.mark.parametrize('other', [3, None, 'Foo', [1]])
def test_sub_non_stat_is_type_error(hp, other):
    with pytest.raises(TypeError, match=r'^Can only take difference with '
                                        r'other Stat instance\. \(Stat - '
                                        r'other: other is %s\)$'
                                        % type(other).__name__):
        hp.load(FOO) - other


def test_sub_set_is_type_error(hp):
    with pytest.raises(TypeError, match='Can only take difference'):
        hp.load(FOO) - hp.iso(1)


def test_sub_header_mismatch(hp):
    other = hp.load(mk([(1, 1, 'x')], header='Type'))
    with pytest.raises(ValueError, match=r"^Mismatching table kind header, "
                                         r"'Foo' vs 'Type'\.$"):
        hp.load(FOO) - other
    with pytest.raises(ValueError, match='Mismatching table kind header'):
        hpy().iso(1).stat - hpy().iso(1).bytype.stat


def test_sub_scales(hp):
    n = 20000
    a = hp.load(mk([(1, n - i, 'k%d' % i) for i in range(n)]))
    b = hp.load(mk([(1, n - i, 'k%d' % i) for i in range(0, n, 2)]))
    d = a - b
    assert d.numrows == n // 2
    assert d.get_row(0).name == 'k1'


# --- dump --------------------------------------------------------------------

def test_dump_spec_list(hp):
    st = hp.load(FOO)
    assert dumped(st) == '\n'.join(mk([(2, 60, 'alpha beta'),
                                       (1, 40, 'gamma')])) + (
        '\n.end: .loader: _load_stat\n')


def test_dump_of_a_partition_orders_kindname_first(hp, S):
    text = without_time(dumped(S[0].stat))
    assert text.split('\n')[:8] == [
        '.loader: _load_stat', '.format: SetFormat', '.timemade: T',
        '.count: 12', '.size: %d' % S[0].size, '.kindname: ',
        '.kindheader: ' + CLODO, '.numrows: 8']
    assert text.endswith('\n.end: .loader: _load_stat\n')
    idtext = dumped(S[0].byid.stat).split('\n')
    assert idtext[1] == '.format: IdFormat'
    assert idtext[5:8] == ['.kindname: <mixed>', '.kindheader: Brief',
                           '.numrows: 12']
    assert idtext[8].startswith('.r: ') and idtext[-2:] == [
        '.end: .loader: _load_stat', '']


def test_dump_targets(hp, tmp_path):
    st = hp.load(FOO)
    text = dumped(st)
    fn = tmp_path / 'a.hpy'
    st.dump(str(fn))
    st.dump(fn)                     # os.PathLike, appends
    assert fn.read_text() == text * 2
    st.dump(str(fn), 'w')
    assert fn.read_text() == text
    st.dump(str(fn), 'ab')
    assert fn.read_bytes() == (text * 2).encode()
    with open(fn, 'w') as f:
        st.dump(f)
        assert not f.closed
    assert fn.read_text() == text
    b = io.BytesIO()
    st.dump(b)
    assert b.getvalue() == text.encode()
    with pytest.raises(TypeError):
        st.dump(3)


def test_dump_non_ascii_is_utf8(hp, tmp_path):
    st = hp.iso('caf\xe9', '\u65e5\u672c').byid.stat
    fn = tmp_path / 'u.hpy'
    st.dump(str(fn))
    assert "'caf\xe9'" in fn.read_bytes().decode('utf-8')
    assert repr(hp.load(str(fn))) == repr(st)


# --- load --------------------------------------------------------------------

MULTI = [mk([(2, 60, 'alpha beta'), (1, 40, 'gamma')]),
         mk([(7, 'x')], fmt='IdFormat', kindname='<int>', header='Value'),
         mk([(1, 5, 'a')], fmt='DiffFormat', b=(1, 2))]


def multi_text(hp):
    return dumped(*[hp.load(p) for p in MULTI])


def test_load_sources(hp, tmp_path):
    text = multi_text(hp)
    fn = tmp_path / 'm.hpy'
    fn.write_text(text)
    first = repr(hp.load(MULTI[0]))
    # A name: the first package only (guppy3 too, spec 11.10).
    assert repr(hp.load(str(fn))) == first
    assert repr(hp.load(fn)) == first
    # Lists and tuples, with or without line ends; bytes lines.
    assert repr(hp.load(text.splitlines())) == first
    assert repr(hp.load(tuple(text.splitlines(True)))) == first
    assert repr(hp.load([l.encode() for l in text.splitlines(True)])) == first
    # An open file: successive packages, then StopIteration.
    with open(fn) as f:
        got = [hp.load(f).format_name for _ in range(3)]
        with pytest.raises(StopIteration):
            hp.load(f)
    assert got == ['SetFormat', 'IdFormat', 'DiffFormat']
    with open(fn, 'rb') as f:
        assert [hp.load(f).format_name for _ in range(3)] == got
    it = iter(text.splitlines())
    assert [hp.load(it).format_name for _ in range(3)] == got
    # readline (pipes).
    r, w = os.pipe()
    with os.fdopen(w, 'w') as wf:
        wf.write(text)
    with os.fdopen(r) as rf:
        assert [hp.load(rf, use_readline=1).format_name
                for _ in range(3)] == got
        with pytest.raises(StopIteration):
            hp.load(rf, use_readline=True)
    with pytest.raises(TypeError, match='Argument should be a string'):
        hp.load(3)


def test_loadall(hp, tmp_path):
    text = multi_text(hp)
    fn = tmp_path / 'm.hpy'
    fn.write_text(text)
    expected = [repr(hp.load(p)) for p in MULTI]
    assert [repr(s) for s in hp.loadall(str(fn))] == expected
    with open(fn) as f:
        assert [repr(s) for s in hp.loadall(f)] == expected
    assert [repr(s) for s in hp.loadall(text.splitlines())] == expected
    assert list(hp.loadall([])) == []
    assert [repr(s) for s in hp.loadall(io.StringIO(text))] == expected


def test_load_missing_end_line_at_end_of_input(hp):
    # heapy's own hand-written example (spec case D) has no end line.
    assert repr(hp.load(FOO)) == FOO_TEXT
    # Only at the end: a package that runs into the next one is an error.
    with pytest.raises(ValueError, match=r"^line 11: expected "
                                         r"'\.end: \.loader: _load_stat'"):
        list(hp.loadall(FOO + FOO))


def test_round_trips(hp, S, tmp_path):
    x = S[0]
    stats = [x.stat, x.bytype.stat, x.bysize.stat, x.byid.stat,
             x.stat - x[2:].stat, x.stat[1:5], (x.stat - x[3:].stat)[::2],
             hp.Nothing.stat, hp.load(FOO)]
    fn = tmp_path / 'rt.hpy'
    for st in stats:
        st.dump(str(fn))
    loaded = list(hp.loadall(str(fn)))
    assert len(loaded) == len(stats)
    for a, b in zip(stats, loaded):
        assert repr(b) == repr(a)
        assert repr(b.all) == repr(a.all)
        assert rows_of(b) == rows_of(a)
        assert (b.timemade, b.count, b.size, b.kindname, b.kindheader) == (
            a.timemade, a.count, a.size, a.kindname, a.kindheader)
        assert dumped(b) == dumped(a)
    assert fn.read_text() == dumped(*loaded)


def test_chunked_file_reading(hp, tmp_path):
    # A file named to load/loadall (or opened 'rb') is read in chunks of
    # 16 KiB and up: lines that run across chunks, a label longer than a
    # chunk, CRLF line ends and a last line without its newline must read
    # as they do line by line.
    long_label = 'L' * 70000
    stats = [hp.load(mk([(i + 1, 5000 - i, 'label %d ' % i + 'x' * (i % 97))
                         for i in range(2000)])),
             hp.load(mk([(1, 10, long_label), (2, 5, 'short')])),
             hp.load(FOO)]
    text = dumped(*stats)
    expected = [(repr(s.all), rows_of(s)) for s in stats]
    for name, data in [('lf', text.encode()),
                       ('crlf', text.replace('\n', '\r\n').encode()),
                       ('noeol', text.rstrip('\n').encode())]:
        fn = tmp_path / (name + '.hpy')
        fn.write_bytes(data)
        got = [(repr(s.all), rows_of(s)) for s in hp.loadall(str(fn))]
        assert got == expected, name
        with open(fn, 'rb') as f:
            got = [(repr(s.all), rows_of(s))
                   for s in (hp.load(f), hp.load(f), hp.load(f))]
            with pytest.raises(StopIteration):
                hp.load(f)
        assert got == expected, name
        assert repr(hp.load(str(fn)).all) == expected[0][0]
    # Truncated in the long label: an error naming the line.
    fn = tmp_path / 'cut.hpy'
    cut = text.index(long_label) + 30000
    fn.write_bytes(text[:cut].encode())
    with pytest.raises(ValueError, match=r"cut\.hpy, line 2019: expected "
                                         r"'\.r: <count> <size> <label>' "
                                         r"\(row 2 of 2\), got end of input"):
        list(hp.loadall(str(fn)))


def test_loadall_memory_is_one_sample(hp, tmp_path):
    # 1,000 samples of 200 rows: reading them one after another keeps one
    # sample (plus a file buffer) in memory, not the file.
    sample = dumped(hp.load(mk([(i + 1, 1000 - i, 'kind.number_%d' % i)
                                for i in range(200)])))
    fn = tmp_path / 'many.hpy'
    with open(fn, 'w') as f:
        for _ in range(1000):
            f.write(sample)
    n = 0
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for st in hp.loadall(str(fn)):
            n += 1
            assert st.numrows == 200
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert n == 1000
    assert peak < 20 * len(sample) < os.path.getsize(fn) / 40


# --- guppy3's files ----------------------------------------------------------

def fixture_packages(name):
    with open(os.path.join(DATA, name + '.expected.json'),
              encoding='utf-8') as f:
        return json.load(f)['packages']


def describe(st):
    d = {'repr': repr(st), 'more': repr(st.more), 'all': repr(st.all),
         'format_name': st.format_name, 'count': st.count, 'size': st.size,
         'numrows': st.numrows, 'kindname': st.kindname,
         'kindheader': st.kindheader, 'timemade': st.timemade,
         'rows': [[r.index, r.count, r.size, r.cumulsize, r.name]
                  for r in st.get_rows()]}
    if st.format_name == 'DiffFormat':
        d['b_count'], d['b_size'] = st.b_count, st.b_size
    return d


@pytest.mark.parametrize('name', FIXTURES)
def test_guppy3_fixture_loads_and_prints_identically(hp, name):
    path = os.path.join(DATA, name + '.hpy')
    expected = fixture_packages(name)
    got = [describe(st) for st in hp.loadall(path)]
    assert got == expected
    # ... and dumps back byte for byte.
    with open(path, encoding='utf-8') as f:
        text = f.read()
    assert dumped(*hp.loadall(path)) == text
    # A name gives the first package; an open file each in turn.
    assert describe(hp.load(path)) == expected[0]
    with open(path, 'rb') as f:
        assert [describe(hp.load(f)) for _ in expected] == expected


@pytest.mark.parametrize('name', FIXTURES)
def test_truncated_fixtures(hp, name, tmp_path):
    # Every prefix of a guppy3 file, cut at a line end or inside a line,
    # either loads the packages it holds whole or raises ValueError
    # naming a line; never anything else.
    with open(os.path.join(DATA, name + '.hpy'), 'rb') as f:
        data = f.read()
    full = [repr(s) for s in hp.loadall(io.BytesIO(data))]
    cuts = sorted({i + 1 for i, c in enumerate(data) if c == 10}
                  | set(random.Random(name).sample(range(len(data)), 40)))
    fn = os.path.join(str(tmp_path), 'cut.hpy')
    for cut in cuts:
        with open(fn, 'wb') as f:
            f.write(data[:cut])
        # Line by line (BytesIO) and in chunks (a file name).
        for source, prefix in [(io.BytesIO(data[:cut]), r'^line \d+: '),
                               (fn, r'^.*cut\.hpy, line \d+: ')]:
            got = []
            try:
                for st in hp.loadall(source):
                    got.append(repr(st))
            except ValueError as e:
                assert re.match(prefix, str(e)), str(e)
            assert got == full[:len(got)]
            if cut == len(data):
                assert got == full


def test_mutated_fixture_fuzz(hp):
    with open(os.path.join(DATA, 'multi.hpy'), 'rb') as f:
        data = f.read()
    rnd = random.Random(1234)
    alphabet = b'.: -0123456789abrz\n\xff\xc3'
    for _ in range(400):
        b = bytearray(data)
        for _ in range(rnd.randint(1, 4)):
            b[rnd.randrange(len(b))] = rnd.choice(alphabet)
        try:
            for st in hp.loadall(io.BytesIO(bytes(b))):
                repr(st.all)
                dumped(st)
        except ValueError as e:
            assert re.match(r'^line \d+: ', str(e)), str(e)


# --- bad input ---------------------------------------------------------------

def test_missing_file(hp, tmp_path):
    with pytest.raises(FileNotFoundError):
        hp.load(str(tmp_path / 'nope.hpy'))
    with pytest.raises(FileNotFoundError):
        list(hp.loadall(str(tmp_path / 'nope.hpy')))


def test_empty_file(hp, tmp_path):
    fn = tmp_path / 'empty.hpy'
    fn.write_text('')
    with pytest.raises(ValueError, match=r"empty\.hpy, line 1: expected "
                                         r"'\.loader: _load_stat', got end "
                                         r"of input$"):
        hp.load(str(fn))
    assert list(hp.loadall(str(fn))) == []
    with pytest.raises(ValueError, match=r"^line 1: expected"):
        hp.load([])


def replace(lines, i, new):
    lines = list(lines)
    if new is None:
        del lines[i]
    else:
        lines[i] = new
    return lines


BAD = [
    # (lines, message pattern)
    (['hello'], r"^line 1: expected '\.loader: _load_stat', got 'hello'$"),
    (['.loader: os.system'],
     r"^line 1: expected the loader '\.loader: _load_stat', got "
     r"'\.loader: os\.system'$"),
    (['.loader: __import__("os").system("true")'], r"^line 1: expected the "
                                                   r"loader"),
    (['.loader: _load_stat', '.format: SetFormat'],
     r"^line 3: expected a header line '\.<name>: <value>', got end of "
     r"input$"),
    (replace(FOO, 1, '.evil: 1'), r"^line 2: unknown header field 'evil'"),
    (replace(FOO, 1, '.__class__: 1'), r"^line 2: unknown header field "
                                       r"'__class__'"),
    (replace(FOO, 1, '.get_rows: 1'), r"^line 2: unknown header field "),
    (replace(FOO, 3, '.count: 3.0'), r"^line 4: expected '\.count: "
                                     r"<integer>', got '\.count: 3\.0'$"),
    (replace(FOO, 3, '.count: 99999999999999999999'), r"^line 4: expected "
                                                      r"'\.count: <integer>'"),
    (replace(FOO, 3, '.count: +3'), r"^line 4: expected '\.count: "),
    (replace(FOO, 4, '.size: 0x10'), r"^line 5: expected '\.size: "),
    (replace(FOO, 7, '.numrows: -1'), r"^line 8: expected '\.numrows: "
                                      r"<number of rows>'"),
    (replace(FOO, 1, '.format: EvalFormat'), r"^line 2: expected "
                                             r"'\.format: SetFormat'"),
    (replace(FOO, 2, '.timemade: soon'), r"^line 3: expected '\.timemade: "
                                         r"<seconds>', got '\.timemade: "
                                         r"soon'$"),
    (replace(FOO, 2, '.timemade'), r"^line 3: expected a header line"),
    (replace(FOO, 6, None), r"^line 8: expected a '\.kindheader:' header "
                            r"line before the rows$"),
    (replace(FOO, 3, '.format: SetFormat'), r"^line 4: second \.format "
                                            r"header$"),
    (FOO[:8] + ['.b_count: 1'] + FOO[8:], r"^line 10: a '\.b_count:' header "
                                          r"belongs to DiffFormat only$"),
    (replace(mk([(1, 5, 'a')], fmt='DiffFormat', b=(1, 2)), 4, None),
     r"^line 10: expected a '\.b_size:' header line before the rows "
     r"\(DiffFormat\)$"),
    (replace(FOO, 8, '.r: 2 60'), r"^line 9: expected '\.r: <count> <size> "
                                  r"<label>' \(row 1 of 2\), got '\.r: 2 "
                                  r"60'$"),
    (replace(FOO, 8, '.r: 2 six alpha'), r"^line 9: expected '\.r: <count> "
                                         r"<size> <label>' \(row 1 of 2\)"),
    (replace(FOO, 8, '.r: 2  60 alpha'), r"^line 9: expected '\.r: "),
    (replace(FOO, 8, '.r:2 60 alpha'), r"^line 9: expected '\.r: "),
    (replace(FOO, 9, None), r"^line 10: expected '\.r: <count> <size> "
                            r"<label>' \(row 2 of 2\), got end of input$"),
    (FOO + ['.r: 1 1 extra'], r"^line 11: expected '\.end: \.loader: "
                              r"_load_stat' after 2 rows, got '\.r: 1 1 "
                              r"extra'$"),
    (FOO + ['.end: .loader: _load_stats'], r"^line 11: expected '\.end: "),
    (replace(FOO, 7, '.numrows: 3') + ['.end: .loader: _load_stat'],
     r"^line 11: expected '\.r: <count> <size> <label>' \(row 3 of 3\), got "
     r"'\.end: \.loader: _load_stat'$"),
    (mk([(7, 'x')], fmt='IdFormat', header='Value')[:8] + ['.r: 7'],
     r"^line 9: expected '\.r: <size> <label>' \(row 1 of 1\)"),
    (replace(FOO, 8, '.r: 4611686018427387904 1 x'), r"^line 9: expected"),
    (mk([(1, 2 ** 61, 'a'), (1, 2 ** 61, 'b')], size=0),
     r"^line 10: cumulative size beyond 2\*\*62 \(row 2 of 2\)$"),
    ([b'.loader: _load_stat', b'.format: Set\xffFormat'],
     r"^line 2: not UTF-8 text \(byte 13\)$"),
    ([b'.loader: _load_stat', b'.format: \xed\xa0\x80'],
     r"^line 2: not UTF-8 text"),
    (['.loader: _load_stat', '.kindname: \ud800'],
     r"^line 2: not text \(a lone surrogate\)$"),
]


@pytest.mark.parametrize('lines, pattern', BAD,
                         ids=['bad%02d' % i for i in range(len(BAD))])
def test_bad_input(hp, lines, pattern):
    with pytest.raises(ValueError, match=pattern):
        hp.load(lines)


def test_bad_input_names_the_file(hp, tmp_path):
    fn = tmp_path / 'bad.hpy'
    fn.write_text('\n'.join(replace(FOO, 8, '.r: 2 60')) + '\n')
    with pytest.raises(ValueError, match=r"bad\.hpy, line 9: expected "):
        hp.load(str(fn))


def test_loadall_line_numbers_count_from_the_start(hp):
    lines = FOO + ['.end: .loader: _load_stat'] + replace(FOO, 8, '.r: x')
    with pytest.raises(ValueError, match=r"^line 20: expected '\.r: "):
        list(hp.loadall(lines))


def test_non_text_line_is_type_error(hp):
    with pytest.raises(TypeError, match='lines must be str or bytes'):
        hp.load(['.loader: _load_stat', 3])


def _fault_ops(hp):
    st = hp.load(FOUR)
    text = dumped(st)
    x = hp.iso(1, 'a', 2.0, [1], {'a': 1}, (1, 2))
    y = x.byid
    repr(x), repr(y)            # partitions made before faults begin

    def norm(r):
        if isinstance(r, list):
            return [(s.index, s.count, s.size, s.cumulsize, s.name)
                    for s in r]
        if isinstance(r, Stat):
            return (repr(r.all), rows_of(r), without_time(dumped(r)))
        return r
    return norm, {
        'load': lambda: hp.load(FOUR),
        'load-file': lambda: hp.load(io.BytesIO(text.encode())),
        'render': lambda: repr(st.all),
        'sub': lambda: st - hp.load(FOO),
        'select': lambda: st[::2],
        'dump': lambda: st._dump(),
        'dump-chunks': lambda: st._dump(len, True),
        'rows': lambda: st.rows,
        'stat-of-set': lambda: x.stat,
        'stat-of-byid': lambda: y.stat,
    }


@pytest.mark.parametrize('op', ['load', 'load-file', 'render', 'sub',
                                'select', 'dump', 'dump-chunks', 'rows',
                                'stat-of-set', 'stat-of-byid'])
def test_allocation_failures(hp, op):
    # SQLite's fault twins: fail the Nth allocation for N = 0, 1, ...;
    # each run gives the right answer or MemoryError, and never crashes.
    _testcapi = pytest.importorskip('_testcapi')
    if not hasattr(_testcapi, 'set_nomemory'):
        pytest.skip('no _testcapi.set_nomemory')
    norm, ops = _fault_ops(hp)
    fn = ops[op]
    good = norm(fn())
    failed = 0
    for n in range(300):
        _testcapi.set_nomemory(n, n + 1)
        try:
            r = fn()
        except MemoryError:
            failed += 1
            continue
        finally:
            _testcapi.remove_mem_hooks()
        assert norm(r) == good, n
    assert failed > 0


def test_stat_of_huge_totals_is_refused(hp):
    a = hp.load(mk([(1, 2 ** 61, 'a')]))
    b = hp.load(mk([(1, -2 ** 61, 'a')]))
    with pytest.raises(OverflowError):
        a - b


# --- guppy3 itself -----------------------------------------------------------

SETUP = '''\
import io, re
from guppy import hpy
hp = hpy()
class Point:
    def __init__(self, x): self.x = x
pts = [Point(1000 + i) for i in range(3)]
for p in pts: p.__dict__
S = hp.iso(*pts, *[p.__dict__ for p in pts], 'abc', 2**64, 1.25, ('t', 'u'), [1, 2, 3], {'k': 'v'})
T = hp.iso(*pts[:2], *[p.__dict__ for p in pts[:2]], 'abc', [1], [2], ('v',))
B = hp.iso(*['s'*i for i in range(100, 125)]).bysize
def show(x):
    print(x)
    print('--')
'''

DIFFERENTIAL = SETUP + '''\
st = S.stat
for x in [st, st.more, st.all, st[1:3], st[-1], st[::-1], st[::3],
          S.stat - T.stat, T.stat - S.stat, S.stat - S.stat,
          (S.stat - T.stat)[::2], (S.stat - T.stat) - S.stat,
          S.bytype.stat, S.bysize.stat, S.byid.stat, S.byid.stat.more,
          S.byid.stat[3:6], S.byid.stat - T.byid.stat, B.stat, B.stat.more,
          B.stat.more.more, B.stat.all, B.stat[::-2], S.diff(T),
          S.bytype.diff(T), hp.Nothing.stat, S[1].stat]:
    show(x)
for r in st.get_rows():
    print(r.index, r.count, r.size, r.cumulsize, r.name)
print([(r.index, r.count, r.size, r.cumulsize, r.name)
       for r in st.get_rows_n_and_other(3)])
print([(r.index, r.count, r.size, r.cumulsize, r.name)
       for r in st.get_rows_n_and_other(3, 'Count')])
print(st.count, st.size, st.numrows, len(st), repr(st.kindname),
      st.kindheader, st.format_name, st.get_row(2).name)
print([repr(x) for x in st[2:5]])
f = io.StringIO()
for x in [st, S.byid.stat, S.stat - T.stat, (S.stat - T.stat)[1:3],
          st[2:5], S.bytype.stat, hp.Nothing.stat, B.stat]:
    x.dump(f)
S.dump(f)
print(re.sub(r'(?m)^\\.timemade: .*$', '.timemade: T', f.getvalue()))
f.seek(0)
while True:
    try:
        x = hp.load(f)
    except StopIteration:
        break
    show(x)
    show(x.all)
'''


@requires_guppy3
def test_differential_against_guppy3():
    ours = run_ours(DIFFERENTIAL)
    theirs = run_script(guppy3_python(), DIFFERENTIAL)
    assert normalise(ours) == normalise(theirs)


SHOW_FILE = '''\
import sys
from guppy import hpy
hp = hpy()
with open(sys.argv[1] if len(sys.argv) > 1 else %r) as f:
    while True:
        try:
            x = hp.load(f)
        except StopIteration:
            break
        print(repr(x)); print(repr(x.more)); print(repr(x.all))
        print(x.count, x.size, x.numrows, repr(x.kindname), x.kindheader,
              x.format_name, '%%f' %% x.timemade)
        print([(r.index, r.count, r.size, r.cumulsize, r.name)
               for r in x.get_rows()])
'''

WRITE_FILE = SETUP + '''\
fn = %r
for x in [S.stat, S.byid.stat, S.stat - T.stat, (S.stat - T.stat)[1:3],
          S.stat[2:5], S.bytype.stat, hp.Nothing.stat, B.stat,
          T.stat - S.stat, hp.iso('caf\\xe9', 'x' * 300).byid.stat]:
    x.dump(fn)
'''


@requires_guppy3
@pytest.mark.parametrize('writer', ['ours', 'guppy3'])
def test_interchange_with_guppy3(tmp_path, writer):
    # A file written by one loads in the other and prints the same there
    # as where it was written (and the same bytes come back).
    fn = str(tmp_path / ('by_%s.hpy' % writer))
    write = run_ours if writer == 'ours' else (
        lambda src: run_script(guppy3_python(), src))
    write(WRITE_FILE % fn)
    ours = run_ours(SHOW_FILE % fn)
    theirs = run_script(guppy3_python(), SHOW_FILE % fn)
    assert ours == theirs
    assert ours.count('Summary of difference') >= 3
