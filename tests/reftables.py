"""Reference rendering of heapy's tables, for exact-output tests.

Object sizes differ between CPython versions (``'abc'`` is 52 bytes on 3.11,
44 on 3.12), so a test cannot hard-code the text of a table of its objects
except for one version.  These functions build the expected text from the
rows instead: each row's numbers come from ``sys.getsizeof`` in the test, and
the layout comes from the format strings of guppy-api.md section 4 (guppy3's
``Part.py`` and ``OutputHandling.py``), written out independently of the
engine so the two can disagree.  On CPython 3.11 the tests also compare the
result with the literal tables of the spec (tests/expected/), which checks
this module itself.

Rows are ``(count, size, label)`` tuples.  Functions:

* ``partition(items)``   -> rows of a partition, from ``(label, size)``
  pairs (one per object): grouped by label, ordered by descending total
  size, ties by label (section 3).
* ``set_table(rows, kindheader, ...)`` -> a SetFormat table (section 4.1)
  or one page of it (section 4.2).
* ``id_table(rows, kindname, title)``  -> an IdFormat table (section 4.3);
  rows are ``(size, rendering)`` in table order.
* ``pct0``, ``more_footer``, ``SET_HEADER``, ``ID_HEADER``, ``MAX_ROWS``.
* ``parse_set_table(text, kindheader)``, ``parse_id_table(text, title)``
  -> the rows of a table whose numbers a test cannot know (a whole heap),
  after checking its layout: title, header, every row re-formatted exactly,
  percentages and cumulative sizes consistent, order, footer.
"""

import re
import textwrap

__all__ = ['SET_HEADER', 'ID_HEADER', 'MAX_ROWS', 'LINE_LENGTH', 'pct0',
           'partition', 'set_table', 'id_table', 'more_footer',
           'parse_set_table', 'parse_id_table']

SET_HEADER = ' Index  Count   %     Size   % Cumulative  % '
ID_HEADER = ' Index     Size   %   Cumulative  %   '
MAX_ROWS = 10          # OutputHandling.max_more_lines
LINE_LENGTH = 100      # Part.py line_length


def pct0(value, total):
    """A SetFormat percentage: C printf rounding of the binary double."""
    return int('%.0f' % (value * 100.0 / total))


def partition(items):
    """Rows ``(count, size, label)`` of the partition of ``(label, size)``
    pairs, in table order: descending size, ties by label string."""
    groups = {}
    for label, size in items:
        count, total = groups.get(label, (0, 0))
        groups[label] = (count + 1, total + size)
    rows = [(c, s, label) for label, (c, s) in groups.items()]
    rows.sort(key=lambda r: (-r[1], r[2]))
    return rows


def _wrap_row(prefix, label):
    indent = ' ' * len(prefix)
    first, *rest = label.split('\n')
    lines = textwrap.wrap(prefix + first, width=LINE_LENGTH,
                          subsequent_indent=indent)
    for line in rest:
        lines.extend(textwrap.wrap(line, width=LINE_LENGTH,
                                   initial_indent=indent,
                                   subsequent_indent=indent))
    return '\n'.join(lines)


def more_footer(remaining):
    return "<%d more rows. Type e.g. '_.more' to view.>" % remaining


def _page(header, formatted, start, maxrows):
    """Rows ``formatted[start:]`` as one page: at most ``maxrows`` rows then
    the footer, except that a single remaining row is shown instead of a
    footer saying 1 (section 4.2).  No rows left: no header either."""
    rows = formatted[start:]
    if not rows:
        return []
    out = [header]
    if maxrows is None or len(rows) <= maxrows + 1:
        out.extend(rows)
    else:
        out.extend(rows[:maxrows])
        out.append(more_footer(len(rows) - maxrows))
    return out


def set_table(rows, kindheader, start=0, maxrows=MAX_ROWS, title=True,
              index_base=0, cumul_before=0):
    """A SetFormat table of ``rows``.

    ``start``/``title``: a ``.more`` page starts at row ``start`` without the
    title line; ``maxrows=None`` is ``.all``.  ``index_base`` and
    ``cumul_before`` are the Index and Cumulative a row subset ``x[i]``
    keeps from its parent (section 2.2); percentages stay relative to the
    subset's own totals.
    """
    count = sum(r[0] for r in rows)
    size = sum(r[1] for r in rows)
    out = []
    if title:
        out.append('Partition of a set of %d object%s. Total size = %d bytes.'
                   % (count, '' if count == 1 else 's', size))
    formatted = []
    cumul = cumul_before
    for i, (c, s, label) in enumerate(rows):
        cumul += s
        prefix = '%6d %6d %3d %8d %3d %9d %3d ' % (
            index_base + i, c, pct0(c, count), s, pct0(s, size),
            cumul, pct0(cumul, size))
        formatted.append(_wrap_row(prefix, label))
    header = ''
    if count or size:
        header = textwrap.fill(SET_HEADER + kindheader, width=LINE_LENGTH,
                               subsequent_indent=' ' * len(SET_HEADER))
    out.extend(_page(header, formatted, start, maxrows))
    return '\n'.join(out)


def id_table(rows, kindname, title, start=0, maxrows=MAX_ROWS):
    """An IdFormat (``byid``) table; ``rows`` are ``(size, rendering)``
    in table order, ``kindname`` e.g. ``'<str>'``, ``title`` the column
    title (e.g. ``'Value'``)."""
    count = len(rows)
    size = sum(r[0] for r in rows)
    out = ['Set of %d %s object%s. Total size = %d bytes.'
           % (count, kindname, '' if count == 1 else 's', size)]
    formatted = []
    cumul = 0
    for i, (s, rendering) in enumerate(rows):
        cumul += s
        prefix = '%6d %8d %5.1f %9d %5.1f ' % (
            i, s, s * 100.0 / size, cumul, cumul * 100.0 / size)
        formatted.append(_wrap_row(prefix, rendering))
    header = textwrap.fill(ID_HEADER + title, width=LINE_LENGTH,
                           subsequent_indent=' ' * len(ID_HEADER))
    out.extend(_page(header, formatted, start, maxrows))
    return '\n'.join(out)


# --- layout checks for tables whose numbers are not known (a whole heap) ----

SET_TITLE = re.compile(
    r'^Partition of a set of (\d+) object(s?)\. Total size = (\d+) bytes\.$')
ID_TITLE = re.compile(
    r'^Set of (\d+) (<[^>]*>) object(s?)\. Total size = (\d+) bytes\.$')
# The label may be empty (byvia of an object whose references have no
# name): textwrap then drops the separating space too.
SET_ROW = re.compile(r'^ *(\d+) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+)'
                     r'(?: (.*\S))?$')
ID_ROW = re.compile(r'^ *(\d+) +(\d+) +(\d+\.\d) +(\d+) +(\d+\.\d) (\S.*)$')
MORE = re.compile(r"^<(\d+) more rows\. Type e\.g\. '_\.more' to view\.>$")


def _rows_and_footer(lines, width):
    """Split table lines into rows (continuation lines, indented by
    ``width``, joined to their row) and the footer count (or None)."""
    rows = []
    more = None
    for i, line in enumerate(lines):
        m = MORE.match(line)
        if m:
            assert i == len(lines) - 1, 'footer must be the last line'
            more = int(m.group(1))
            assert more >= 2, 'a footer never says 1 (section 4.2)'
            continue
        if line.startswith(' ' * width) and rows:
            rows[-1].append(line)
        else:
            rows.append([line])
    return rows, more


def parse_set_table(text, kindheader, title=True, kept_index=False):
    """Check that ``text`` is laid out as a SetFormat table (section 4.1)
    and return ``{'count', 'size', 'rows': [(index, count, size, cumul,
    label)], 'more'}``.  Every row must re-format to itself exactly, its
    percentages must follow from the totals, rows must be in descending
    size order with consistent cumulative sizes.  ``kept_index``: a row
    subset ``x[i]``, whose Index and Cumulative come from its parent."""
    lines = text.split('\n')
    count = size = None
    if title:
        m = SET_TITLE.match(lines[0])
        assert m, 'title line: %r' % lines[0]
        count, plural, size = int(m.group(1)), m.group(2), int(m.group(3))
        assert (plural == '') == (count == 1)
        lines = lines[1:]
    header = textwrap.fill(SET_HEADER + kindheader, width=LINE_LENGTH,
                           subsequent_indent=' ' * len(SET_HEADER))
    nh = header.count('\n') + 1
    assert '\n'.join(lines[:nh]) == header, 'header: %r' % lines[:nh]
    rows, more = _rows_and_footer(lines[nh:], len(SET_HEADER))
    parsed = []
    for row in rows:
        m = SET_ROW.match(row[0])
        assert m, 'row: %r' % row[0]
        idx, c, cp, s, sp, cum, cump = map(int, m.groups()[:7])
        label = ' '.join([m.group(8) or ''] + [r.strip() for r in row[1:]])
        prefix = '%6d %6d %3d %8d %3d %9d %3d ' % (idx, c, cp, s, sp, cum,
                                                    cump)
        assert (row[0] + ' ').startswith(prefix), 'row format: %r' % row[0]
        if title:
            assert cp == pct0(c, count) and sp == pct0(s, size), row[0]
            assert cump == pct0(cum, size), row[0]
        parsed.append((idx, c, s, cum, label))
    for prev, cur in zip(parsed, parsed[1:]):
        assert cur[0] == prev[0] + 1, 'indices must be consecutive'
        assert cur[3] == prev[3] + cur[2], 'cumulative sizes must add up'
        assert prev[2] > cur[2] or (prev[2] == cur[2] and prev[4] <= cur[4]), \
            'rows must be in descending size, then label, order'
    if parsed and title and not kept_index:
        assert parsed[0][0] == 0 and parsed[0][3] == parsed[0][2]
    if title and more is None and not kept_index:
        assert sum(r[1] for r in parsed) == count
        assert parsed[-1][3] == size
    if title and more is not None:
        assert len(parsed) == MAX_ROWS
    return {'count': count, 'size': size, 'rows': parsed, 'more': more}


def parse_id_table(text, title_col):
    """Check that ``text`` is laid out as an IdFormat table (section 4.3);
    return ``{'count', 'kindname', 'size', 'rows': [(index, size, cumul,
    rendering)], 'more'}``."""
    lines = text.split('\n')
    m = ID_TITLE.match(lines[0])
    assert m, 'title line: %r' % lines[0]
    count, kindname, size = int(m.group(1)), m.group(2), int(m.group(4))
    assert (m.group(3) == '') == (count == 1)
    assert lines[1] == ID_HEADER + title_col, 'header: %r' % lines[1]
    rows, more = _rows_and_footer(lines[2:], len(ID_HEADER))
    parsed = []
    for row in rows:
        m = ID_ROW.match(row[0])
        assert m, 'row: %r' % row[0]
        idx, s, cum = int(m.group(1)), int(m.group(2)), int(m.group(4))
        prefix = '%6d %8d %5.1f %9d %5.1f ' % (idx, s, s * 100.0 / size, cum,
                                               cum * 100.0 / size)
        assert (row[0] + ' ').startswith(prefix), 'row format: %r' % row[0]
        parsed.append((idx, s, cum, ' '.join(
            r.strip() for r in [m.group(6)] + row[1:])))
    for prev, cur in zip(parsed, parsed[1:]):
        assert cur[0] == prev[0] + 1 and cur[2] == prev[2] + cur[1]
        assert cur[1] <= prev[1], 'rows must be in descending size order'
    if parsed:
        assert parsed[0][0] == 0 and parsed[0][2] == parsed[0][1]
    if more is None:
        assert len(parsed) == count and parsed[-1][2] == size
    else:
        assert len(parsed) == MAX_ROWS and more == count - MAX_ROWS
    return {'count': count, 'kindname': kindname, 'size': size,
            'rows': parsed, 'more': more}
