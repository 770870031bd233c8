"""Make the dump-file fixtures in tests/data/ with guppy3, the oracle.

Run with a python that has guppy3 (not this project)::

    /opt/guppy3-311/bin/python tests/data/make_fixtures.py

For each fixture NAME it writes, next to this script:

* ``NAME.hpy``: one or more Stat packages as guppy3's ``Stat.dump`` writes
  them (collected in a StringIO, saved as UTF-8, so the locale does not
  matter);
* ``NAME.expected.json``: what guppy3 makes of that file when it loads it
  back, package by package with ``hp.load(f)`` on the open file: ``repr``,
  ``more``, ``all``, the header attributes and every row.

tests/test_stat.py loads each ``.hpy`` with this project and compares with
the JSON, so the fixtures test "a file written by guppy3 loads here and
prints identically" without guppy3 installed.  Timestamps and addresses
differ from run to run; a regenerated pair is consistent with itself.
Commit the script and its output together.
"""
import io
import json
import os
import sys

from guppy import hpy

HERE = os.path.dirname(os.path.abspath(__file__))

hp = hpy()


class Point:
    def __init__(self, x):
        self.x = x


class AVeryLongClassNameUsedToShowHowTheKindColumnWrapsWhenItIsTooLongForTheLine:
    pass


pts = [Point(1000 + i) for i in range(3)]
for p in pts:
    p.__dict__
S = hp.iso(*pts, *[p.__dict__ for p in pts], 'abc', 2**64, 1.25, ('t', 'u'),
           [1, 2, 3], {'k': 'v'})
T = hp.iso(*pts[:2], *[p.__dict__ for p in pts[:2]], 'abc', [1], [2], ('v',))
W = hp.iso(AVeryLongClassNameUsedToShowHowTheKindColumnWrapsWhenItIsTooLongForTheLine(), 1)
STRS = hp.iso(*['s' * i for i in range(100, 125)])
TEXTS = hp.iso(*['word%02d' % i for i in range(10)], 'caf\xe9 cr\xe8me',
               '\u65e5\u672c\u8a9e', 'x' * 200)

FIXTURES = {
    # A partition by Clodo (spec case D's first package).
    'setformat': [S.stat],
    # byid of strs: IdFormat '<str>', non-ASCII renderings, 13 rows.
    'idformat': [TEXTS.byid.stat],
    # byid of a mixed set: IdFormat '<mixed>', 'Brief' column.
    'idmixed': [S.byid.stat],
    # Stat - Stat: DiffFormat with b_count/b_size after timemade.
    'diff': [S.stat - T.stat],
    # Several samples in one file, as a monitoring loop appends them.
    'multi': [
        S.stat,
        S.bytype.stat,
        S.byid.stat,
        S.stat - T.stat,
        (S.stat - T.stat)[1:3],     # a DiffFormat slice: b_* last
        S.stat[2:5],                # a slice: kindheader before kindname
        STRS.bysize.stat,           # 25 rows: paging
        W.stat,                     # a label wrapped at column 100
        hp.Nothing.stat,            # no rows
        T.stat - S.stat,            # negative differences
        S.stat - S.stat,            # no difference
    ],
}


def describe(st):
    d = {
        'repr': repr(st),
        'more': repr(st.more),
        'all': repr(st.all),
        'format_name': st.format_name,
        'count': st.count,
        'size': st.size,
        'numrows': st.numrows,
        'kindname': st.kindname,
        'kindheader': st.kindheader,
        'timemade': st.timemade,
        'rows': [[r.index, r.count, r.size, r.cumulsize, r.name]
                 for r in st.get_rows()],
    }
    if st.format_name == 'DiffFormat':
        d['b_count'] = st.b_count
        d['b_size'] = st.b_size
    return d


def main():
    for name, stats in FIXTURES.items():
        buf = io.StringIO()
        for st in stats:
            st.dump(buf)
        path = os.path.join(HERE, name + '.hpy')
        with open(path, 'w', encoding='utf-8', newline='\n') as f:
            f.write(buf.getvalue())
        packages = []
        with open(path, encoding='utf-8') as f:
            while True:
                try:
                    st = hp.load(f)
                except StopIteration:
                    break
                packages.append(describe(st))
        assert len(packages) == len(stats), name
        with open(os.path.join(HERE, name + '.expected.json'), 'w',
                  encoding='utf-8', newline='\n') as f:
            json.dump({'guppy3': sys.version.split()[0], 'packages': packages},
                      f, indent=1, ensure_ascii=False)
            f.write('\n')
        print('%s: %d package(s)' % (name, len(packages)))


if __name__ == '__main__':
    main()
