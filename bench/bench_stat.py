#!/usr/bin/env python3
"""Stat benchmark: dumping and loading Stats, guppy3 against guppy-c.

Usage:  python bench/bench_stat.py [--rows N] [--samples M] [--repeat R]
                                   [--guppy3 PATH] [--only ours|guppy3]
                                   [--installed] [--json FILE]

As in bench/bench_core.py, guppy3 and this project are both imported as
``guppy``, so each side runs in a child process: guppy3's with the python of
its own virtualenv (``--guppy3``, default ``tests/oracle.guppy3_python()``),
ours with the current interpreter and this checkout's in-place build (or,
with ``--installed``, the guppy installed there).  Children run in an empty
temp dir and print one JSON object.

Workload (the same code on both sides, fixed, no randomness):

* ``set``: N (default 10,000) classes, one instance each: the Clodo table
  of those instances has N rows (SetFormat, labels ``__main__.K00042``);
* ``id``: N distinct strs by ``byid``: N rows (IdFormat, reprs as labels).

Operations, medians of ``--repeat`` runs (default 9, at least 5):

* ``x.stat``: the Stat of the set (for reference; not a dump or a load);
* ``dump``: ``st.dump(f)`` to an ``io.StringIO``: the text of the dump;
* ``dump open file``: ``st.dump(f)`` appending to a text file kept open
  (a monitoring loop's log; emptied before each run, outside the time);
* ``f.write floor``: ``f.write(text)`` of the same text to that file, the
  least any dump to it can cost (the file system's part); the summary
  says how far above it ``dump open file`` is;
* ``dump file``: ``st.dump(path)``, appending (the default) to a file that
  does not exist yet.  The file lines add the file system's time to both
  sides (on a 2-core VM, 0.05 to 0.2 ms for 250 KB, more if mode 'w'
  truncates an existing file), which bounds their ratios;
* ``load``: ``st = hp.load(path)`` and then every row read: guppy3 parses
  rows lazily, so the load is finished by ``st.get_row(numrows - 1)``;
* ``load+rows``: ``list(hp.load(path).get_rows())``, rows as objects;
* ``load+print``: ``str(hp.load(path))``, the first page only.  guppy3
  reads just the header and ten rows here; guppy-c reads and checks the
  whole package (one pass over the bytes) and makes only the first
  page's rows;
* ``st - st``: the difference of the stat and its first half;
* ``loadall``: ``--samples`` M (default 1,000) packages of a 200-row stat
  in one file, each loaded and dropped in turn; the time and the
  tracemalloc peak while iterating (guppy3's ``loadall`` ends with
  RuntimeError, which is caught).  The peak should be about one sample,
  not the file.

Only ratios from one run compare (style.md section 4).
"""

import argparse
import json
import os
import platform
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests'))
import oracle  # noqa: E402  (tests/oracle.py)

MARK = '@@BENCH-JSON@@ '

CHILD = r'''
import gc, io, json, os, sys, time, tracemalloc, traceback
%(path_setup)s
MARK = %(mark)r
OUT = {'python': sys.version.split()[0], 'errors': {}, 'times': {}}
N, M, R = %(rows)d, %(samples)d, %(repeat)d

def fail(step):
    OUT['errors'][step] = traceback.format_exc()

def timed(step, fn, setup=None):
    # As timeit does: the collector is off while timing (a full
    # collection before each run would also evict the caches).
    times = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(R):
            if setup is not None:
                setup()
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    except Exception:
        fail(step)
    finally:
        gc.enable()
    OUT['times'][step] = times

try:
    import guppy
    OUT['guppy_file'] = guppy.__file__
    from guppy import hpy
    hp = hpy()
    # __slots__ = (): no instance dict, so both sides size them alike.
    classes = [type('K%%05d' %% i, (), {'__slots__': ()}) for i in range(N)]
    instances = [c() for c in classes]
    strs = ['str-number-%%06d-' %% i + 'x' * (i %% 7) for i in range(N)]
    sets = {'set': hp.iso(*instances), 'id': hp.iso(*strs).byid}
    for name, x in sets.items():
        path = os.path.abspath('%%s.hpy' %% name)
        state = {}
        def make():
            state['st'] = x.stat
        timed(name + ': x.stat', make)
        st = x.stat
        OUT.setdefault('numrows', {})[name] = st.numrows
        def fresh():
            if os.path.exists(path):
                os.remove(path)
        timed(name + ': dump', lambda: st.dump(io.StringIO()))
        buf = io.StringIO()
        st.dump(buf)
        text = buf.getvalue()
        log = open(os.path.abspath('log.hpy'), 'a')
        def empty():
            # Each run appends to an empty file: the same work each time,
            # and no pile of dirty pages for the kernel to write back
            # under a later run.
            log.seek(0)
            log.truncate()
        timed(name + ': dump open file', lambda: st.dump(log), setup=empty)
        timed(name + ': f.write floor', lambda: log.write(text), setup=empty)
        log.close()
        timed(name + ': dump file', lambda: st.dump(path), setup=fresh)
        OUT.setdefault('file_bytes', {})[name] = os.path.getsize(path)
        def load_all_rows():
            s = hp.load(path)
            s.get_row(s.numrows - 1)
        timed(name + ': load', load_all_rows)
        timed(name + ': load+rows', lambda: list(hp.load(path).get_rows()))
        timed(name + ': load+print', lambda: str(hp.load(path)))
        half = st[:N // 2]
        timed(name + ': st - st', lambda: st - half)
        check = hp.load(path)
        OUT.setdefault('check', {})[name] = [check.numrows, check.count,
                                             check.size, str(check)[:300]]
    # loadall: M samples of a 200-row stat in one file.
    sample = hp.iso(*instances[:200]).stat
    many = os.path.abspath('many.hpy')
    with open(many, 'w') as f:
        for _ in range(M):
            sample.dump(f)
    OUT['many_bytes'] = os.path.getsize(many)
    def loadall():
        n = 0
        try:
            for s in hp.loadall(many):
                s.get_row(s.numrows - 1)
                n += 1
        except RuntimeError:            # guppy3 (spec quirk 11.10)
            pass
        assert n == M, n
    timed('loadall: time', loadall)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    try:
        loadall()
    finally:
        OUT['loadall_peak_bytes'] = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
except Exception:
    fail('workload')
sys.stdout.write('\n' + MARK + json.dumps(OUT) + '\n')
'''


def run_child(python, source, timeout):
    try:
        out = oracle.run_script(python, source, timeout=timeout)
    except oracle.ScriptError as e:
        return {'errors': {'child': (e.stderr or str(e))[-3000:]}}
    except OSError as e:
        return {'errors': {'spawn': str(e)}}
    for line in reversed(out.splitlines()):
        if line.startswith(MARK):
            return json.loads(line[len(MARK):])
    return {'errors': {'child': 'no result:\n' + out[-2000:]}}


def fmt_time(t):
    if t is None:
        return 'n/a'
    if t >= 1:
        return '%.2f s' % t
    if t >= 0.01:
        return '%.1f ms' % (t * 1e3)
    return '%.3f ms' % (t * 1e3)


def fmt_bytes(n):
    if n is None:
        return 'n/a'
    for unit, size in (('MB', 1 << 20), ('KB', 1 << 10)):
        if n >= size:
            return '%.1f %s' % (n / size, unit)
    return '%d B' % n


def median(xs):
    return statistics.median(xs) if xs else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--rows', type=int, default=10000)
    ap.add_argument('--samples', type=int, default=1000)
    ap.add_argument('--repeat', type=int, default=9)
    ap.add_argument('--guppy3', default=None)
    ap.add_argument('--only', choices=['ours', 'guppy3'])
    ap.add_argument('--installed', action='store_true',
                    help='test the guppy installed for this python, not '
                         'the checkout')
    ap.add_argument('--timeout', type=float, default=900)
    ap.add_argument('--json', default=None)
    args = ap.parse_args()
    if args.repeat < 5:
        ap.error('--repeat must be at least 5')

    sides = []
    if args.only != 'guppy3':
        sides.append(('guppy-c', sys.executable, not args.installed))
    if args.only != 'ours':
        g3 = args.guppy3 or oracle.guppy3_python()
        if g3 is None:
            print('guppy3 not found (set GUPPY3_PYTHON or run '
                  'tools/make_guppy3_venv.sh): guppy-c only\n')
        else:
            sides.append(('guppy3', g3, False))

    print('guppy-c Stat benchmark (bench/bench_stat.py)')
    print('  %d-row stats, %d-sample file, median of %d; %s, %s CPUs'
          % (args.rows, args.samples, args.repeat, platform.platform(),
             os.cpu_count()))
    res = {}
    for name, python, checkout in sides:
        setup = ('sys.path.insert(0, %r)' % ROOT) if checkout else ''
        src = CHILD % {'mark': MARK, 'rows': args.rows,
                       'samples': args.samples, 'repeat': args.repeat,
                       'path_setup': setup}
        res[name] = run_child(python, src, args.timeout)
        print('  %-8s CPython %s  %s' % (name, res[name].get('python', '?'),
                                         res[name].get('guppy_file', python)))
    print()

    ours, theirs = res.get('guppy-c', {}), res.get('guppy3', {})
    steps = []
    for r in (ours, theirs):
        for step in r.get('times', {}):
            if step not in steps:
                steps.append(step)
    print('%-22s %10s %10s %9s' % ('op', 'guppy3', 'guppy-c', 'speedup'))
    for step in steps:
        a = median(theirs.get('times', {}).get(step))
        b = median(ours.get('times', {}).get(step))
        ratio = '%.1fx' % (a / b) if a and b else ''
        print('%-22s %10s %10s %9s' % (step, fmt_time(a), fmt_time(b), ratio))
    print()
    for name, r in res.items():
        t = r.get('times', {})
        above = ['%s %.2fx' % (k, median(t[k + ': dump open file'])
                               / median(t[k + ': f.write floor']))
                 for k in ('set', 'id')
                 if t.get(k + ': dump open file')
                 and t.get(k + ': f.write floor')]
        if above:
            print('%-8s dump open file / f.write floor: %s'
                  % (name, ', '.join(above)))
    for name, r in res.items():
        if 'many_bytes' in r:
            print('%-8s loadall of %s: tracemalloc peak %s (%s per sample in '
                  'the file); dump files %s' % (
                      name, fmt_bytes(r['many_bytes']),
                      fmt_bytes(r.get('loadall_peak_bytes')),
                      fmt_bytes(r['many_bytes'] // max(args.samples, 1)),
                      ', '.join('%s %s' % (k, fmt_bytes(v)) for k, v in
                                r.get('file_bytes', {}).items())))
    if ours.get('check') and theirs.get('check'):
        same = ours['check'] == theirs['check']
        print('loaded stats agree (rows, totals, first page): %s' % same)
    bad = False
    for name, r in res.items():
        for step, text in (r.get('errors') or {}).items():
            bad = True
            print('[%s] %s failed:\n%s' % (name, step, text[-1500:]))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(res, f, indent=1)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
