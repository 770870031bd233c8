"""Write the seed inputs of the fuzz corpora: ``python make_seeds.py``
(with the guppy under test installed) adds ``seed-*`` files to
``corpus/via/``, ``corpus/load/`` and ``corpus/args/`` beside this
file.

The committed corpora are these seeds plus what long fuzz runs found
worth keeping (libFuzzer's ``-merge=1`` into the corpus dir; see
docs/reliability.md).  Seeds are named by content hash, so running this
again adds nothing new.
"""

import hashlib
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)

VIA = [
    "['x']", '["x"]', '[0]', '[-3]', '[1.5]', "[(1, 'a')]", '[()]', '[(1,)]',
    "[b'x']", '[None]', '[True]', '[False]', '[Ellipsis]', '[1j]',
    '[(1+2j)]', '[(1-2j)]', '[0x1f]', '[1_000]', '[.5]', '[1e+16]',
    '[ ( 1 , 2 , ) ]', '.a', '.__dict__', '.cell_contents', '.f_locals',
    '.\u00e9t\u00e9', '_.a', "_['x']", '->ob_type', '->f_locals',
    '->f_valuestack[2]', ".f_locals['n']", ".f_locals ['n']", '.keys()[3]',
    '.__dict__.keys()[0]', 'list(_)[0]', '.??', '[nan]', '[(nan+nanj)]',
    '[-inf]', '[1e999]',
    r"['\n\x41\u00e9\U0001F600\N{BULLET}\101\q\'\"\\']",
    r"['\N{LATIN SMALL LETTER E WITH ACUTE}']", r"['\0\7\77\777']",
    r"['\a\b\f\v\r\t']", "['a\\\nb']", r"[b'\xff\n\u1234\377\N{x}']",
    r"[r'\n\'']", r"[rb'\x']", r"[R'a\\']", r"[Rb'\'']", r"[bR'x']",
    r"[U'\u1234']", r"['\U0010ffff']", r"['\ud800']", '[0o17]', '[0b101]',
    '[0XfF]', '[1E5]', '[5J]', '[(1, (2, (3,)), "x")]', '[(-1.5-0j)]',
    '[-2j]', '[' + '(' * 63 + ')' * 63 + ']',
    '[' + '(' * 65 + ')' * 65 + ']', '[' + '9' * 4300 + ']',
    '[' + '9' * 4301 + ']', '[(%s+1j)]' % ('9' * 400),
    '[(1e308+1e308j)]', '[-0.0]', '[(-0.0-0j)]',
    '.keys()[1234567890123456789]', '.keys()[-1]', "['a' 'b']",
    '[1,2]', "['''a''']", r"['\N{NO SUCH NAME}']", r"['\N{BULLET']",
    '[x]', '[__import__("os")]', "[f'x']", '', 'x', '[', '.', '->',
]


def write(dirname, data):
    os.makedirs(dirname, exist_ok=True)
    name = 'seed-' + hashlib.sha1(data).hexdigest()[:16]
    path = os.path.join(dirname, name)
    if not os.path.exists(path):
        with open(path, 'wb') as f:
            f.write(data)


def load_seeds():
    from guppy import hpy
    hp = hpy()
    out = []
    data = os.path.join(TESTS, 'data')
    for name in sorted(os.listdir(data)):
        if name.endswith('.hpy'):
            with open(os.path.join(data, name), 'rb') as f:
                out.append(f.read())

    class Point:
        def __init__(self, x):
            self.x = x

    objs = [1, 'a', 2.0, [1], {'a': 1}, (1, 2), Point(1), Point(2),
            'label with spaces', 'caf\u00e9 \u4e2d\U0001f600', b'\xff']
    x = hp.iso(*objs)
    stats = [x.stat, x.bytype.stat, x.byid.stat, x.bysize.stat,
             hp.iso().stat, (x.stat - hp.iso(*objs[:4]).stat)]
    for st in stats:
        f = io.StringIO()
        st.dump(f)
        out.append(f.getvalue().encode('utf-8'))
    whole = b''.join(out[-len(stats):])
    out.append(whole)
    # No end line; CRLF; a label holding the end line's text.
    first = out[-2].splitlines(True)
    out.append(b''.join(first[:-1]))
    out.append(out[-2].replace(b'\n', b'\r\n'))
    out.append(b'.loader: _load_stat\n.format: SetFormat\n'
               b'.timemade: 0.0\n.count: 1\n.size: 2\n.kindname: \n'
               b'.kindheader: Kind\n.numrows: 1\n'
               b'.r: 1 2 .end: .loader: _load_stat\n'
               b'.end: .loader: _load_stat\n')
    return out


def args_seeds():
    """For every entry point of fuzz_args.py, a few kinds of argument
    value of its grammar (a small int, a str, None, a plain object: a tag
    byte and a payload), and two arguments for the two-argument ones; the
    fuzzer finds the other kinds from these."""
    import fuzz_args
    fuzz_args.setup()
    out = []
    for e, entry in enumerate(fuzz_args.ENTRIES):
        for tag in (0, 3, 5, 12):
            out.append(bytes([e, tag, 0x85, 0x41, 0x42, 0x43]))
        if entry[2] > 1:
            out.append(bytes([e, 8, 9, 0]))      # a kind, then a set
            out.append(bytes([e, 0, 3, 15, 6]))  # an int, then 'Type'
    return out


def main():
    sys.path.insert(0, HERE)
    for data in args_seeds():
        write(os.path.join(HERE, 'corpus', 'args'), data)
    for text in VIA:
        write(os.path.join(HERE, 'corpus', 'via'),
              text.encode('utf-8', 'surrogatepass'))
    for data in load_seeds():
        write(os.path.join(HERE, 'corpus', 'load'), data)


if __name__ == '__main__':
    main()
