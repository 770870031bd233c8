"""Shared driver of the fuzz harnesses in this directory.

Each harness (``fuzz_<target>.py``) defines ``test_one_input(data: bytes)``,
which must return normally or raise an exception the target documents as
its answer to bad input (the harness catches those); anything else -- any
other exception, a failed invariant, a sanitizer report, a crash -- is a
finding.  ``main(test_one_input, target)`` runs it in one of three ways:

* ``python fuzz_<target>.py [libFuzzer options] [CORPUS_DIR...]``: atheris
  (coverage-guided; libFuzzer's options: ``-runs=N``,
  ``-max_total_time=S``, ``-dict=F``, ``-merge=1`` ...).  With the
  extension built with ``-fsanitize=fuzzer-no-link`` and atheris's
  ``asan_with_fuzzer.so`` preloaded, the C code's edges guide it too.
* ``--fallback`` (or atheris not importable): a plain mutation fuzzer
  written here (bit flips, byte and token insertions, deletions, splices
  of two corpus inputs, seeded by ``-seed=N``) over the corpus dirs;
  ``-runs`` and ``-max_total_time`` as above.  A finding is written to
  ``crash-<sha1>`` (or ``-artifact_prefix=``) and the run exits 1.
* ``--replay``: every file of the corpus dirs once (a regression run);
  ``tests/test_fuzz_corpus.py`` does this in the normal suite.

Each harness's corpus is ``corpus/<target>/`` beside this file, and its
dictionary, if any, ``<target>.dict`` (libFuzzer's format).
"""

import hashlib
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def corpus_dir(target):
    return os.path.join(HERE, 'corpus', target)


def dict_file(target):
    path = os.path.join(HERE, target + '.dict')
    return path if os.path.exists(path) else None


def read_corpus(dirs):
    """The contents of every file in dirs (a file named there counts as
    itself), sorted by name."""
    out = []
    for d in dirs:
        if os.path.isfile(d):
            with open(d, 'rb') as f:
                out.append(f.read())
            continue
        for name in sorted(os.listdir(d)):
            path = os.path.join(d, name)
            if os.path.isfile(path):
                with open(path, 'rb') as f:
                    out.append(f.read())
    return out


def read_dict_tokens(path):
    """The tokens of a libFuzzer dictionary: one "quoted" token a line,
    with \\xNN, \\\\ and \\" escapes; comments and names ignored."""
    tokens = []
    if not path:
        return tokens
    with open(path, 'rb') as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith(b'#'):
                continue
            start, end = line.find(b'"'), line.rfind(b'"')
            if start < 0 or end <= start:
                continue
            raw, out, i = line[start + 1:end], bytearray(), 0
            while i < len(raw):
                c = raw[i]
                if c == 0x5c and i + 1 < len(raw):      # backslash
                    n = raw[i + 1]
                    if n == ord('x') and i + 3 < len(raw):
                        out.append(int(raw[i + 2:i + 4], 16))
                        i += 4
                        continue
                    out.append(n)
                    i += 2
                    continue
                out.append(c)
                i += 1
            tokens.append(bytes(out))
    return tokens


class Mutator:
    """libFuzzer's simplest mutations, on bytes, from a seeded RNG."""

    INTERESTING = [b'0', b'-1', b'255', b'65536', b'2147483648',
                   b'9223372036854775808', b'1e308', b'\x00', b'\xff',
                   b'\n', b' ', b'\xed\xa0\x80', b'\xf0\x9f\x98\x80']

    def __init__(self, seed, tokens, max_len):
        self.rnd = random.Random(seed)
        self.tokens = tokens + self.INTERESTING
        self.max_len = max_len

    def mutate(self, data, other):
        rnd = self.rnd
        b = bytearray(data)
        for _ in range(rnd.choice((1, 1, 1, 2, 2, 3, 4, 8))):
            op = rnd.randrange(9)
            pos = rnd.randrange(len(b) + 1)
            if op == 0 and b:                       # flip a bit
                i = rnd.randrange(len(b))
                b[i] ^= 1 << rnd.randrange(8)
            elif op == 1 and b:                     # random byte
                b[rnd.randrange(len(b))] = rnd.randrange(256)
            elif op == 2:                           # insert a byte
                b[pos:pos] = bytes([rnd.randrange(256)])
            elif op == 3 and b:                     # delete a range
                n = rnd.randint(1, min(len(b), 16))
                i = rnd.randrange(len(b) - n + 1)
                del b[i:i + n]
            elif op == 4:                           # insert a token
                b[pos:pos] = rnd.choice(self.tokens)
            elif op == 5 and b:                     # duplicate a range
                i = rnd.randrange(len(b))
                n = rnd.randint(1, min(len(b) - i, 32))
                b[pos:pos] = b[i:i + n]
            elif op == 6 and other:                 # splice another input
                i = rnd.randrange(len(other) + 1)
                b = b[:pos] + other[i:i + rnd.randint(1, 64)]
            elif op == 7 and b:                     # repeat a byte
                i = rnd.randrange(len(b))
                b[i:i] = b[i:i + 1] * rnd.randint(1, 64)
            elif op == 8 and b:                     # swap two bytes
                i, j = rnd.randrange(len(b)), rnd.randrange(len(b))
                b[i], b[j] = b[j], b[i]
        return bytes(b[:self.max_len])


def _options(argv):
    opts, dirs = {}, []
    for a in argv:
        if a.startswith('-') and '=' in a:
            k, v = a.lstrip('-').split('=', 1)
            opts[k] = v
        elif not a.startswith('-'):
            dirs.append(a)
    return opts, dirs


def _report(data, exc, prefix):
    digest = hashlib.sha1(data).hexdigest()
    path = '%scrash-%s' % (prefix, digest)
    with open(path, 'wb') as f:
        f.write(data)
    sys.stderr.write('finding: %s: %r\ninput written to %s\n'
                     % (type(exc).__name__, exc, path))


def replay(test_one_input, dirs):
    """Every corpus input once; raises the first finding."""
    n = 0
    for data in read_corpus(dirs):
        test_one_input(data)
        n += 1
    return n


def fallback(test_one_input, target, argv):
    """The plain mutation fuzzer; returns the process exit status."""
    opts, dirs = _options(argv)
    dirs = dirs or [corpus_dir(target)]
    runs = int(opts.get('runs', '-1'))
    max_time = float(opts.get('max_total_time', '0'))
    seed = int(opts.get('seed', '0')) or int(time.time())
    max_len = int(opts.get('max_len', '4096'))
    prefix = opts.get('artifact_prefix', '')
    tokens = read_dict_tokens(opts.get('dict') or dict_file(target))
    corpus = read_corpus(dirs) or [b'']
    mut = Mutator(seed, tokens, max_len)
    def fails(data):
        try:
            test_one_input(data)
        except Exception as e:
            _report(data, e, prefix)
            return True
        return False

    start = time.monotonic()
    done = 0
    for data in corpus:
        if fails(data):
            return 1
        done += 1
    last = start
    while runs < 0 or done < runs:
        if max_time and time.monotonic() - start >= max_time:
            break
        data = mut.mutate(mut.rnd.choice(corpus), mut.rnd.choice(corpus))
        if fails(data):
            return 1
        done += 1
        now = time.monotonic()
        if now - last >= 10:
            last = now
            sys.stderr.write('#%d\t%.0f exec/s\n'
                             % (done, done / (now - start)))
    elapsed = time.monotonic() - start
    sys.stderr.write('fallback fuzzer (%s, seed %d): %d inputs in %.1f s, '
                     'no finding\n' % (target, seed, done, elapsed))
    return 0


def main(test_one_input, target, setup):
    """Run the harness as the command line says (see the module doc).
    setup() imports what the harness tests; under atheris it runs inside
    ``atheris.instrument_imports()``, so guppy's Python code is covered
    too."""
    argv = sys.argv[1:]
    if '--replay' in argv:
        setup()
        dirs = [a for a in argv if not a.startswith('-')]
        n = replay(test_one_input, dirs or [corpus_dir(target)])
        print('%s: replayed %d inputs, no finding' % (target, n))
        return
    use_fallback = '--fallback' in argv
    if not use_fallback:
        try:
            import atheris
        except ImportError:
            sys.stderr.write('atheris not importable: using the fallback '
                             'mutation fuzzer\n')
            use_fallback = True
    if use_fallback:
        setup()
        sys.exit(fallback(test_one_input, target,
                          [a for a in argv if a != '--fallback']))
    with atheris.instrument_imports():
        setup()
    args = [sys.argv[0]] + argv
    if not any(a.startswith('-dict=') for a in argv) and dict_file(target):
        args.append('-dict=' + dict_file(target))
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()
