#!/usr/bin/env python3
"""Fuzz target ``load``: heapy's Stat dump format, as hp.load and
hp.loadall read it (``_guppy._stat_load``, src/formats.c and src/rowscan.c;
the dispatch in guppy/heapy/Part.py).

The input bytes are a dump file.  Each input is read four ways, all with
``hp.loadall`` (every package, in order):

* ``list``      a list of bytes lines, split after each '\n' as a binary
                file's are (the end line may be missing at the end of
                input, as in heapy's hand-written lists);
* ``text``      the same lines as str, decoded with ``surrogateescape``
                (so a lone surrogate reaches the parser);
* ``chunks``    a seekable binary file (read in 64 KiB chunks and put back
                after each package);
* ``readline``  the same file, read with readline().

Allowed answers: Stats, or ValueError whose message names the line
(``line N: ...``).  Invariants: the two file modes give the same answer
(the same Stats, or the same error); where a list mode and a file mode
both succeed they give the same Stats, and so do bytes and str lines
when the input holds no '\r' (a bytes line loses the '\r' of its '\r\n'
end, as text mode would; a str line keeps it, as heapy does); every
Stat renders, and its dump
read back dumps the same text.

Run: ``python fuzz_load.py [-runs=N] [-max_total_time=S] [CORPUS...]``
(see _driver.py).
"""

import io
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _driver  # noqa: E402

MESSAGE = re.compile(r'line \d+: ')

hp = None


def setup():
    global hp
    from guppy import hpy
    hp = hpy()


def _dump(st):
    f = io.StringIO()
    st.dump(f)
    return f.getvalue()


def _read(source, use_readline=False):
    """('ok', [dump text of each Stat]) or ('error', message)."""
    try:
        stats = list(hp.loadall(source, use_readline))
    except ValueError as e:
        msg = str(e)
        if not MESSAGE.match(msg):
            raise AssertionError('error message names no line: %r'
                                 % (msg,)) from e
        return ('error', msg)
    out = []
    for st in stats:
        repr(st.all)
        text = _dump(st)
        back = _dump(hp.load(_lines(text, '\n')))
        if back != text:
            raise AssertionError('dump does not read back the same:\n%r\n%r'
                                 % (text, back))
        out.append(text)
    return ('ok', out)


def _lines(text, nl):
    parts = text.split(nl)
    return [p + nl for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def test_one_input(data):
    as_list = _read(_lines(data, b'\n'))
    as_text = _read(_lines(data.decode('utf-8', 'surrogateescape'), '\n'))
    chunks = _read(io.BufferedReader(io.BytesIO(data)))
    lines = _read(io.BytesIO(data), True)
    if chunks != lines:
        raise AssertionError('chunked and readline reads differ: %r / %r'
                             % (chunks, lines))
    if as_list[0] == 'ok' and chunks[0] == 'ok' and as_list != chunks:
        raise AssertionError('list and file reads differ: %r / %r'
                             % (as_list, chunks))
    if (as_list[0] == 'ok' and as_text[0] == 'ok' and as_list != as_text
            and b'\r' not in data):
        raise AssertionError('bytes and str lines differ: %r / %r'
                             % (as_list, as_text))


if __name__ == '__main__':
    _driver.main(test_one_input, 'load', setup)
