#!/usr/bin/env python3
"""Engine-core benchmark: guppy3 against this project (guppy-c), in one run.

Usage:  python bench/bench_core.py [--n N] [--repeat R] [--guppy3 PATH]
                                   [--only ours|guppy3] [--core | --real]
                                   [--json FILE]

guppy3 and this project are both imported as ``guppy``, so nothing is
imported here: every measurement runs in a child process, guppy3's with the
python of its own virtualenv (``--guppy3``, default
``tests/oracle.guppy3_python()``), ours with the current interpreter, in
which this project is installed.  Children run in an empty temp dir so no
source tree shadows the installed package, and print one JSON object.

1. Core workload (``--core``; run by default).  N instances (default
   200,000) of ``Node`` (an int, a str, a list and a dict each, as in
   guppy-api.md section 12), dicts materialised: about 7 N objects.  Per side:

   * a *memory* child: builds the heap, makes ``hpy()``, then measures the
     peak-RSS increase of ``h = hp.heap(); str(h); str(h.bytype)``; this is
     its first heapy work, so the peak is attributable.  The peak is VmHWM
     after resetting it through /proc/self/clear_refs (falls back to the
     ru_maxrss increase), minus VmRSS before; shown as bytes per object.
   * a *timing* child: medians over ``--repeat`` runs (>= 5) of
     ``gc.collect()`` (the floor), ``hp.heap()`` + ``str(h)``, and
     ``str(h.bytype)`` (each access of ``h.bytype`` makes a new set, so no
     cached partition is reused), ``h & hp.Type.Dict`` (selection by a
     kind: a new set of every dict); ``hp.heap()`` first call is one sample;
     then ``hp.heapu()`` (its Stat) and ``hp.heapu(stat=0)`` (the set),
     each including the two ``gc.collect()`` passes heapu makes first.

   Table columns: ``objects`` is ``h.count`` (for the gc.collect row: the
   number of gc-tracked objects it traverses); ``speedup`` is guppy3 time /
   ours; ``x gc.collect`` is ours (or guppy3's with ``--only guppy3``)
   divided by the same process's gc.collect() median.

2. Real-heap check (``--real``; run by default after 1): "the walk misses
   nothing".  ``hp = hpy(); hp.setrelheap()``, then import a fixed set of
   stdlib packages (plus whichever of numpy, scipy, pandas import on *both*
   sides), ``h = hp.heap()``, and compare the count per type from
   ``str(h.bytype.all)``.  Rows labelled ``dict`` and ``types.FrameType`` are
   ignored (guppy3 creates those by looking).  Prints the types whose counts
   differ by more than 1 % and ``types agreeing within 1 %: k of n``.

   To compare like with like, a probe child per side first lists
   ``sys.modules`` after a warm heapy (``heap()``, ``str``, ``bytype``,
   ``setrelheap()``, ``heap()`` again): the modules each ``guppy`` package
   imports itself, eagerly or lazily, plus those of the interpreter's start-up
   (``.pth`` files).  Both real-heap children import the union of those lists
   (less ``guppy*`` and ``__main__``; each in try/except) and do one warm-up
   ``str(hp.heap())`` before ``setrelheap()``, so the imports measured after
   it are the same on both sides.  Each side also reports how many objects of
   ``guppy*`` types its relative heap holds (its own working data).

Only ratios from one run compare (style.md section 4): the machine is shared.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, 'tests'))
import oracle  # noqa: E402  (tests/oracle.py)

MARK = '@@BENCH-JSON@@ '

# ---------------------------------------------------------------------------
# Child scripts.  Each is self-contained text run by another interpreter; it
# must print exactly one line starting with MARK followed by a JSON object,
# and report failures in that object ("error"), not by crashing.

CHILD_PRELUDE = r'''
import gc, json, os, platform, resource, sys, time, traceback
MARK = %(mark)r
OUT = {'python': sys.version.split()[0], 'executable': sys.executable,
       'platform': platform.platform(), 'errors': {}}

def emit():
    sys.stdout.write('\n' + MARK + json.dumps(OUT) + '\n')
    sys.stdout.flush()

def fail(step):
    OUT['errors'][step] = traceback.format_exc()

def proc_kb(key):
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        return None

def maxrss_kb():
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r // 1024 if sys.platform == 'darwin' else r

def heap_count(h):
    try:
        return int(h.count)
    except Exception:
        first = str(h).split('\n', 1)[0]   # 'Partition of a set of N objects...'
        return int(first.split()[5])

def guppy_where():
    import guppy
    OUT['guppy_file'] = getattr(guppy, '__file__', None)

def timed(step, fn, repeat, setup=None, values=None):
    # fn() repeat times into OUT['times'][step], each after setup() if
    # given; values, if given, keeps fn's result under step.
    times = []
    try:
        for _ in range(repeat):
            if setup is not None:
                setup()
            t0 = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - t0)
            if values is not None:
                values[step] = result
    except Exception:
        fail(step)
    OUT['times'][step] = times
'''

CHILD_NODES = r'''
class Node:
    def __init__(self, i):
        self.name = 'node-%%d' %% i          # unique str
        self.items = [i * 1000, None]     # list + unique int
        self.extra = {'k': i}             # small dict (no owner) + unique int

def build(n):
    nodes = [Node(i) for i in range(n)]
    for x in nodes:                        # materialise the managed __dict__
        x.__dict__
    return nodes
'''

CHILD_MEMORY = CHILD_PRELUDE + CHILD_NODES + r'''
try:
    N = %(n)d
    from guppy import hpy
    guppy_where()
    hp = hpy()
    nodes = build(N)
    gc.collect()
    rss0 = proc_kb('VmRSS:')
    ru0 = maxrss_kb()
    method = 'ru_maxrss'
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')                   # reset VmHWM to the current RSS
        if proc_kb('VmHWM:') is not None and rss0 is not None:
            method = 'VmHWM'
    except OSError:
        pass
    t0 = time.perf_counter()
    h = hp.heap()
    s1 = str(h)
    s2 = str(h.bytype)
    OUT['seconds'] = time.perf_counter() - t0
    if method == 'VmHWM':
        peak_kb = proc_kb('VmHWM:') - rss0
    else:
        peak_kb = maxrss_kb() - ru0
    OUT['method'] = method
    OUT['rss_before_kb'] = rss0
    OUT['peak_increase_kb'] = peak_kb
    OUT['objects'] = heap_count(h)
    OUT['heap_size'] = int(getattr(h, 'size', -1))
    OUT['bytes_per_object'] = peak_kb * 1024.0 / OUT['objects']
except Exception:
    fail('memory')
emit()
'''

CHILD_TIMING = CHILD_PRELUDE + CHILD_NODES + r'''
try:
    N, R = %(n)d, %(repeat)d
    OUT['times'] = {}
    from guppy import hpy
    guppy_where()
    hp = hpy()
    nodes = build(N)
    gc.collect()
    OUT['gc_objects'] = len(gc.get_objects())
    timed('gc.collect()', gc.collect, R)
    state = {}
    def first():
        state['h'] = hp.heap()
    timed('heap() 1st call', first, 1)
    if 'h' in state:
        OUT['objects'] = heap_count(state['h'])
    def drop():
        state.pop('h', None)
    def heap_str():
        state['h'] = hp.heap()
        str(state['h'])
    timed('heap()+str()', heap_str, R, setup=drop)
    if 'h' not in state:
        state['h'] = hp.heap()
    h = state['h']
    timed('str(h.bytype)', lambda: str(h.bytype), R)
    # Selection by a kind: every dict of the heap (a new set each time).
    timed('h & hp.Type.Dict', lambda: h & hp.Type.Dict, R)
    del h, state
    # heapu: two gc.collect() passes, then the unreachable objects; the
    # default returns their Stat (by Type), stat=0 the set itself.
    timed('heapu()', lambda: hp.heapu(), R)
    timed('heapu(stat=0)', lambda: hp.heapu(stat=0), R)
except Exception:
    fail('timing')
emit()
'''

REAL_IMPORTS = [
    'json', 'asyncio', 'email', 'email.mime.text', 'email.parser',
    'http.server', 'unittest', 'xml.dom.minidom', 'xml.etree.ElementTree',
    'sqlite3', 'decimal', 'fractions', 'logging', 'argparse', 'csv',
    'pickle', 'typing', 'dataclasses', 'concurrent.futures',
    'multiprocessing', 'urllib.request', 'ssl', 'zipfile', 'tarfile',
]
OPTIONAL_IMPORTS = ['numpy', 'scipy', 'pandas']

CHILD_PROBE = r'''
import importlib.util, json, sys
found = []
for name in %(names)r:
    try:
        if importlib.util.find_spec(name) is not None:
            found.append(name)
    except Exception:
        pass
print(%(mark)r + json.dumps(found))
'''

# Which modules each side has imported once its heapy machinery is warm: the
# modules its ``guppy`` package imports itself and those it imports lazily on
# its first heap(), str(), bytype and setrelheap().  The union (less guppy's
# own) is imported by both real-heap children before the reference point.
CHILD_MODULES = CHILD_PRELUDE + r'''
try:
    from guppy import hpy
    guppy_where()
    hp = hpy()
    h = hp.heap()
    str(h)
    str(h.bytype)
    hp.setrelheap()
    str(hp.heap())
except Exception:
    fail('modules probe')
OUT['modules'] = sorted(sys.modules)
emit()
'''

CHILD_REAL = CHILD_PRELUDE + r'''
import importlib, re
ROW = re.compile(r'^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)(?: (.*))?$')

def parse_rows(text):
    """Rows of a partition table: {label: [count, size]} (wrapped labels joined)."""
    rows, last = {}, None
    for line in text.splitlines():
        m = ROW.match(line)
        if m:
            last = [int(m.group(2)), int(m.group(4)), (m.group(8) or '').strip()]
            rows.setdefault(len(rows), last)
        elif last is not None and line.startswith(' ' * 45):
            cont = line.strip()
            last[2] = (last[2] + ' ' + cont) if last[2] else cont
    out = {}
    for count, size, label in rows.values():
        c, s = out.get(label, (0, 0))
        out[label] = [c + count, s + size]
    return out

try:
    from guppy import hpy
    guppy_where()
    hp = hpy()
    # Level the ground: import every module either side has loaded once warm
    # (CHILD_MODULES), so both reference points hold the same modules.
    OUT['preimported'], OUT['preimport_failed'] = 0, []
    for name in %(preimports)r:
        try:
            importlib.import_module(name)
            OUT['preimported'] += 1
        except BaseException:
            OUT['preimport_failed'].append(name)
    str(hp.heap())                         # warm-up: lazy imports, caches
    OUT['modules_at_reference'] = len(sys.modules)
    OUT['already_imported'] = [n for n in %(imports)r if n in sys.modules]
    hp.setrelheap()
    OUT['imported'] = []
    for name in %(imports)r:
        try:
            importlib.import_module(name)
            OUT['imported'].append(name)
        except Exception:
            fail('import ' + name)
    t0 = time.perf_counter()
    h = hp.heap()
    str(h)
    OUT['seconds'] = time.perf_counter() - t0
    OUT['objects'] = heap_count(h)
    OUT['heap_size'] = int(getattr(h, 'size', -1))
    text = str(h.bytype.all)
    OUT['rows'] = parse_rows(text)
    OUT['table_head'] = text[:400]
    # Objects of guppy's own types in the relative heap (its working data).
    own = {}
    for x in h.nodes:
        t = type(x)
        mod = getattr(t, '__module__', None)
        if isinstance(mod, str) and mod.startswith('guppy'):
            key = '%%s.%%s' %% (mod, t.__qualname__)
            own[key] = own.get(key, 0) + 1
    OUT['guppy_own'] = own
except Exception:
    fail('real')
emit()
'''


# ---------------------------------------------------------------------------
# Parent side.

def run_child(python, source, timeout):
    """Run a child script; return its JSON dict (with 'error' on failure)."""
    try:
        out = oracle.run_script(python, source, timeout=timeout)
        stderr = ''
    except oracle.ScriptError as e:
        out, stderr = e.stdout or '', (e.stderr or str(e))
    except OSError as e:
        return {'errors': {'spawn': '%s: %s' % (python, e)}}
    for line in reversed(out.splitlines()):
        if line.startswith(MARK):
            try:
                res = json.loads(line[len(MARK):])
            except ValueError as e:
                return {'errors': {'json': '%s: %s' % (e, line[:300])}}
            if stderr:
                res.setdefault('errors', {})['stderr'] = stderr[-3000:]
            return res
    return {'errors': {'child': 'no result from %s\n--- stdout tail\n%s\n'
                                '--- stderr tail\n%s' % (python, out[-2000:], stderr[-3000:])}}


def python_info(python):
    src = ('import sys, platform, os; print(%r + __import__("json").dumps('
           '{"version": sys.version.split()[0], "implementation": sys.implementation.name,'
           ' "platform": platform.platform(), "cpus": os.cpu_count()}))' % MARK)
    try:
        out = oracle.run_script(python, src, timeout=60)
    except (oracle.ScriptError, OSError) as e:
        return {'error': str(e)}
    for line in out.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK):])
    return {'error': 'no output'}


def fmt_time(t):
    if t is None:
        return 'n/a'
    if t >= 10:
        return '%.1f s' % t
    if t >= 1:
        return '%.2f s' % t
    if t >= 0.01:
        return '%.3f s' % t
    return '%.2f ms' % (t * 1e3)


def fmt_int(n):
    return 'n/a' if n is None else '{:,}'.format(n)


def median(xs):
    return statistics.median(xs) if xs else None


def report_errors(name, res):
    errs = res.get('errors') or {}
    for step, text in errs.items():
        if step == 'stderr' and len(errs) == 1 and not text.strip():
            continue
        print('  [%s] %s failed:' % (name, step))
        for line in text.rstrip().splitlines()[-12:]:
            print('      ' + line)


def print_header(sides, infos):
    print('guppy-c engine-core benchmark (bench/bench_core.py)')
    for name, python in sides:
        info = infos[name]
        if 'error' in info:
            print('  %-7s %s: cannot start: %s' % (name, python, info['error']))
        else:
            print('  %-7s CPython %s  %s' % (name, info['version'], python))
    some = next((infos[n] for n, _ in sides if 'error' not in infos[n]), None)
    print('  machine: %s, %s CPUs' % (some['platform'] if some else platform.platform(),
                                      some['cpus'] if some else os.cpu_count()))
    versions = {infos[n].get('version', '')[:4].rstrip('.') for n, _ in sides}
    if len(versions) > 1:
        print('  WARNING: the two sides run different CPython versions: ratios mix '
              'interpreter and engine')
    print()


def run_core(args, sides):
    print('== core workload: %s Node instances (int, str, list, dict each), '
          'median of %d ==' % (fmt_int(args.n), args.repeat))
    res = {}
    for name, python in sides:
        mem = run_child(python, CHILD_MEMORY % {'mark': MARK, 'n': args.n},
                        args.timeout)
        tim = run_child(python, CHILD_TIMING % {'mark': MARK, 'n': args.n,
                                                'repeat': args.repeat},
                        args.timeout)
        res[name] = {'memory': mem, 'timing': tim}
        report_errors(name, mem)
        report_errors(name, tim)

    names = [n for n, _ in sides]
    ref = 'ours' if res.get('ours', {}).get('timing', {}).get('times', {}).get(
        'gc.collect()') else names[0]
    g3 = res.get('guppy3', {}).get('timing', {})
    us = res.get('ours', {}).get('timing', {})
    gcfloor = median(res[ref]['timing'].get('times', {}).get('gc.collect()', []))

    cols = ['op', 'objects'] + [('guppy3' if n == 'guppy3' else 'guppy') for n in names]
    if len(names) == 2:
        cols.append('speedup')
    cols.append('x gc.collect')
    widths = [18, 11] + [10] * len(names) + ([9] if len(names) == 2 else []) + [14]
    line = '%-18s' % cols[0] + ''.join('%*s' % (w, c) for w, c in zip(widths[1:], cols[1:]))
    print(line)
    for op in ('gc.collect()', 'heap() 1st call', 'heap()+str()', 'str(h.bytype)',
               'h & hp.Type.Dict',
               'heapu()', 'heapu(stat=0)'):
        t = {n: median(res[n]['timing'].get('times', {}).get(op, [])) for n in names}
        src = us if 'ours' in res else g3
        objs = src.get('gc_objects') if op == 'gc.collect()' else src.get('objects')
        cells = [fmt_int(objs)] + [fmt_time(t[n]) for n in names]
        if len(names) == 2:
            a, b = t['guppy3'], t['ours']
            cells.append('%.1fx' % (a / b) if a and b else 'n/a')
        cells.append('%.1fx' % (t[ref] / gcfloor) if t[ref] and gcfloor else 'n/a')
        print('%-18s' % op + ''.join('%*s' % (w, c) for w, c in zip(widths[1:], cells)))

    mem = {n: res[n]['memory'] for n in names}
    parts = []
    for n in names:
        m = mem[n]
        if 'bytes_per_object' in m:
            parts.append('%s %.0f B/object (+%.1f MB, %s)' % (
                'guppy3' if n == 'guppy3' else 'guppy', m['bytes_per_object'],
                m['peak_increase_kb'] / 1024.0, m['method']))
        else:
            parts.append('%s n/a' % ('guppy3' if n == 'guppy3' else 'guppy'))
    ratio = ''
    if len(names) == 2 and all('bytes_per_object' in mem[n] for n in names) \
            and mem['ours']['bytes_per_object'] > 0:
        ratio = '   ratio %.1fx' % (mem['guppy3']['bytes_per_object']
                                   / mem['ours']['bytes_per_object'])
    print('peak memory of heap()+str()+str(h.bytype): ' + ',  '.join(parts) + ratio)
    for n in names:
        where = res[n]['timing'].get('guppy_file')
        if where:
            print('  %s imported guppy from %s' % (n, where))
    print()
    return res


def run_real(args, sides):
    # Optional third-party packages: only those importable on every side.
    optional = None
    for name, python in sides:
        try:
            out = oracle.run_script(python, CHILD_PROBE % {
                'names': OPTIONAL_IMPORTS, 'mark': MARK}, timeout=120)
            found = next((json.loads(x[len(MARK):]) for x in out.splitlines()
                          if x.startswith(MARK)), [])
        except (oracle.ScriptError, OSError):
            found = []
        optional = found if optional is None else [x for x in optional if x in found]
    imports = REAL_IMPORTS + (optional or [])
    print('== real heap: hp.setrelheap(), import %d stdlib packages%s ==' % (
        len(REAL_IMPORTS), (' + ' + ', '.join(optional)) if optional else
        ' (numpy/scipy/pandas: not importable on every side)'))

    # Modules each side holds once warm; both children import the union
    # before setrelheap(), so the measured imports are the same on both sides.
    probes, union = {}, set()
    for name, python in sides:
        probes[name] = run_child(python, CHILD_MODULES % {'mark': MARK}, args.timeout)
        report_errors(name, probes[name])
        union.update(probes[name].get('modules', []))
    preimports = sorted(m for m in union
                        if not m.startswith('guppy') and m != '__main__')
    own = {n: set(probes[n].get('modules', [])) for n, _ in sides}
    print('  before the reference point both sides import the union of the '
          'modules loaded by a warm heapy: %d modules' % len(preimports))
    for name, _ in sides:
        others = set().union(*[own[o] for o, _ in sides if o != name])
        extra = sorted(m for m in own[name] - others if not m.startswith('guppy'))
        if len(sides) > 1:
            print('    only %-7s %3d: %s' % (name, len(extra), ', '.join(extra[:12]) +
                                           (', ...' if len(extra) > 12 else '')))

    res = {'probe': probes, 'preimports': preimports}
    for name, python in sides:
        res[name] = run_child(python, CHILD_REAL % {
            'mark': MARK, 'imports': imports, 'preimports': preimports}, args.timeout)
        report_errors(name, res[name])
        r = res[name]
        if r.get('preimport_failed'):
            print('  %-7s could not import %d of them: %s' % (
                name, len(r['preimport_failed']), ', '.join(r['preimport_failed'])))
        if 'objects' in r:
            print('  %-7s %s objects, %s bytes, %d types; heap()+str(h) %s' % (
                name, fmt_int(r['objects']), fmt_int(r.get('heap_size')),
                len(r.get('rows', {})), fmt_time(r.get('seconds'))))
    pre = [n for n in imports
           if any(n in res[s].get('already_imported', []) for s, _ in sides)]
    if pre:
        print('  already imported before the reference point (not measured): '
              + ', '.join(pre))
    for name, _ in sides:
        g = res[name].get('guppy_own')
        if g is not None:
            top = sorted(g.items(), key=lambda kv: (-kv[1], kv[0]))
            print('  %-7s objects of guppy* types in the relative heap: %d%s' % (
                name, sum(g.values()), (' (' + ', '.join(
                    '%s %d' % kv for kv in top[:5]) + (', ...' if len(top) > 5 else '')
                    + ')') if top else ''))

    if len(sides) == 2 and all('rows' in res[n] for n in ('guppy3', 'ours')):
        a, b = res['guppy3']['rows'], res['ours']['rows']
        ignored = {'dict', 'types.FrameType'}
        labels = sorted((set(a) | set(b)) - ignored)
        bad = []
        for label in labels:
            ca, cb = a.get(label, [0, 0])[0], b.get(label, [0, 0])[0]
            if abs(ca - cb) > 0.01 * max(ca, cb):
                bad.append((abs(ca - cb), label, ca, cb))
        bad.sort(key=lambda x: (-x[0], x[1]))
        if bad:
            print('  types differing by more than 1 %% (ignoring %s):' % ', '.join(sorted(ignored)))
            print('  %9s %9s %8s  %s' % ('guppy3', 'guppy', 'diff', 'type'))
            for _, label, ca, cb in bad:
                print('  %9d %9d %+8d  %s' % (ca, cb, cb - ca, label))
        for label in sorted(ignored):
            if label in a or label in b:
                print('  (ignored) %-16s guppy3 %d, guppy %d' % (
                    label, a.get(label, [0])[0], b.get(label, [0])[0]))
        print('types agreeing within 1 %%: %d of %d' % (len(labels) - len(bad), len(labels)))
    print()
    return res


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--n', type=int, default=200000, help='Node instances (default 200,000)')
    p.add_argument('--repeat', type=int, default=5, help='timed repeats, >= 5 (default 5)')
    p.add_argument('--guppy3', metavar='PATH', default=None,
                   help="guppy3 venv python (default: tests/oracle.guppy3_python())")
    p.add_argument('--only', choices=('ours', 'guppy3'), help='run one side only')
    g = p.add_mutually_exclusive_group()
    g.add_argument('--core', action='store_true', help='run only the core workload')
    g.add_argument('--real', action='store_true', help='run only the real-heap check')
    p.add_argument('--json', metavar='FILE', help='also write all raw results to FILE')
    p.add_argument('--timeout', type=float, default=3600, help=argparse.SUPPRESS)
    p.add_argument('--ours-python', default=sys.executable, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.repeat < 5:
        p.error('--repeat must be >= 5 (medians of fewer runs are noise)')

    sides = []
    if args.only != 'ours':
        g3 = args.guppy3 or oracle.guppy3_python()
        if g3 and os.path.exists(g3):
            sides.append(('guppy3', g3))
        elif args.only == 'guppy3':
            p.error('guppy3 python not found (give --guppy3 PATH or run '
                    'tools/make_guppy3_venv.sh %s)' % sys.executable)
        else:
            print('NOTE: guppy3 not found (looked at: %s); running ours only.\n'
                  '      Make it with  tools/make_guppy3_venv.sh %s  or pass --guppy3 PATH\n'
                  % (g3 or ', '.join(oracle._candidates()), sys.executable))
    if args.only != 'guppy3':
        sides.append(('ours', args.ours_python))

    infos = {name: python_info(python) for name, python in sides}
    print_header(sides, infos)
    results = {'sides': dict(sides), 'info': infos, 'n': args.n, 'repeat': args.repeat}
    if not args.real:
        results['core'] = run_core(args, sides)
    if not args.core:
        results['real'] = run_real(args, sides)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=1)
    children = [r for side in results.get('core', {}).values() for r in side.values()]
    real = results.get('real', {})
    children += [real[n] for n, _ in sides if n in real]
    children += list(real.get('probe', {}).values())
    failed = any(r.get('errors') for r in children)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
