"""The seed tutorials' examples (shared/seeds/), run as written.

Each example runs in a fresh ``__main__`` (``run_ours``).  Whole-heap
tables vary from machine to machine, so for them the layout is checked
(title, header, every row re-formatted exactly, footer) along with the row
labels; tables of sets the example controls (what ``setrelheap()`` leaves)
are checked exactly, with sizes from ``sys.getsizeof`` in the child.  Where
a check needs data the example does not print, code is appended after the
example's own lines and prints one ``@@JSON`` line.

Seeds: 000 (French book chapter, examples 1 and 2 and the ``byrcs`` part),
003 (English tutorial, examples 1, 3, 6 without byrcs/byvia/byidset, 7).
"""

import json
import re

import pytest

from ours import run_ours
from reftables import parse_id_table, parse_set_table, partition, set_table

CLODO = 'Kind (class / dict of class)'
RCS = 'Referrers by Kind (class / dict of class)'
JSON_TAG = '@@JSON '


def run(source, extra=''):
    """Run an example (plus ``extra`` checking code); return (its output
    lines, the appended JSON or None)."""
    out = run_ours(source + extra)
    lines = out.split('\n')
    assert lines[-1] == ''
    lines = lines[:-1]
    data = None
    if lines and lines[-1].startswith(JSON_TAG):
        data = json.loads(lines.pop()[len(JSON_TAG):])
    return lines, data


def tables_of(lines):
    """Split printed output into chunks starting at each table title."""
    chunks, cur = [], None
    for line in lines:
        if line.startswith(('Partition of a set of', 'Set of ')):
            cur = [line]
            chunks.append(cur)
        elif cur is not None:
            if line == '' or line.startswith(('=', 'Heap ', 'Accessing',
                                              'First', 'Second', 'Third',
                                              'Total', 'Size Of', 'Memory')):
                cur = None
            else:
                cur.append(line)
    return ['\n'.join(c) for c in chunks]


# Row labels any Python process's heap has in its ten biggest Clodo rows.
COMMON_TOP = {'str', 'tuple', 'types.CodeType', 'type', 'function'}


# --- 000: the French chapter -------------------------------------------------

FR_EXAMPLE_1 = '''\
from guppy import hpy

hp = hpy()
print(hp.heap())
'''

# Example 2 continues example 1's session: the import is example 1's.
FR_EXAMPLE_2 = '''\
from guppy import hpy
hp = hpy()
hp.setrelheap()

data = [i/10 for i in range(100)]
labels = [str(i) for i in data]

print(hp.heap())
'''

FR_SIZES = '''
import json, sys
print(%r + json.dumps({'data': sys.getsizeof(data),
                       'labels': sys.getsizeof(labels),
                       'floats': [sys.getsizeof(x) for x in data],
                       'strs': [sys.getsizeof(x) for x in labels]}))
''' % JSON_TAG


def fr_items(d):
    return ([('float', s) for s in d['floats']]
            + [('str', s) for s in d['strs']]
            + [('list', d['data']), ('list', d['labels'])])


def test_fr_example_1_whole_heap():
    lines, _ = run(FR_EXAMPLE_1)
    t = parse_set_table('\n'.join(lines), CLODO)
    assert t['count'] > 10000 and t['more'] > 10
    labels = {r[4] for r in t['rows']}
    assert COMMON_TOP <= labels, labels


def test_fr_example_2_setrelheap_exact():
    # The book shows 203 objects: guppy3's own types.FrameType (its heap()
    # frame) is the 203rd.  Ours hides its own frame: 202 objects.
    lines, d = run(FR_EXAMPLE_2, FR_SIZES)
    expected = set_table(partition(fr_items(d)), CLODO)
    assert '\n'.join(lines) == expected
    assert lines[0].startswith('Partition of a set of 202 objects.')
    assert [r.split()[-1] for r in lines[2:]] == ['str', 'float', 'list']


FR_BYRCS = FR_EXAMPLE_2 + '''
h = hp.heap()
print(h.byrcs)
'''

FR_BYRCS_CLODO = FR_EXAMPLE_2 + '''
h = hp.heap()
print(h.byrcs[0].byclodo)
'''


def test_fr_byrcs():
    lines, d = run(FR_BYRCS, FR_SIZES)
    # 200 objects referred to by a list, the 2 lists by the module's dict.
    items = ([('list', s) for s in d['floats'] + d['strs']]
             + [('dict of module', d['data']), ('dict of module',
                                                d['labels'])])
    expected = set_table(partition(items), RCS)
    n = expected.count('\n') + 1
    assert '\n'.join(lines[-n:]) == expected


def test_fr_byrcs_0_byclodo():
    lines, d = run(FR_BYRCS_CLODO, FR_SIZES)
    items = ([('float', s) for s in d['floats']]
             + [('str', s) for s in d['strs']])
    expected = set_table(partition(items), CLODO)
    assert lines[-4:] == expected.split('\n')


# --- 003: the English tutorial -----------------------------------------------
# numpy is not installed.  Only the lines using it are replaced, by the
# standard library's array.array, which plays numpy.ndarray's role (one
# object holding a big buffer of machine integers); each replaced line says
# so.  The tutorial's page lost the indentation of its blocks; it is
# restored (example 3 only).

EN_EXAMPLE_1 = '''\
import guppy
from guppy import hpy
import array, random  # replaces: import numpy as np
heap = hpy()
print("Heap Status At Starting : ")
heap_status1 = heap.heap()
print("Heap Size : ", heap_status1.size, " bytes\\n")
print(heap_status1)
heap.setref()
print("\\nHeap Status After Setting Reference Point : ")
heap_status2 = heap.heap()
print("Heap Size : ", heap_status2.size, " bytes\\n")
print(heap_status2)
a = [i for i in range(1000)]
b = "A"
c = array.array('l', [random.randint(1, 99) for _ in range(1000)])  # replaces: c = np.random.randint(1,100, (1000,))
print("\\nHeap Status After Creating Few Objects : ")
heap_status3 = heap.heap()
print("Heap Size : ", heap_status3.size, " bytes\\n")
print(heap_status3)
print("\\nMemory Usage After Creation Of Objects : ", heap_status3.size - heap_status2.size, " bytes")
'''

EN_EXAMPLE_1_DATA = '''
import json, sys
print(%r + json.dumps({
    'list': sys.getsizeof(a), 'array': sys.getsizeof(c),
    'ints': sorted(o for o in heap_status3.nodes if type(o) is int),
    'int_sizes': [sys.getsizeof(o) for o in heap_status3.nodes
                  if type(o) is int],
    'others': sorted(type(o).__name__ for o in heap_status3.nodes
                     if type(o) is not int)}))
''' % JSON_TAG


def test_en_example_1():
    lines, d = run(EN_EXAMPLE_1, EN_EXAMPLE_1_DATA)
    text = '\n'.join(lines)
    parts = text.split('\n\n')
    # Heap Status At Starting
    m = re.match(r'^Heap Status At Starting : \nHeap Size :  (\d+)  bytes$',
                 parts[0])
    assert m, parts[0]
    t1 = parse_set_table(parts[1], CLODO)
    assert t1['size'] == int(m.group(1))
    assert COMMON_TOP <= {r[4] for r in t1['rows']}
    # After setref(): nothing new.  The tutorial shows one
    # types.FrameType (guppy3's own heap() frame); ours is hidden.
    assert parts[2] == ('Heap Status After Setting Reference Point : \n'
                        'Heap Size :  0  bytes')
    assert parts[3] == '<Nothing>'
    # After creating a, b, c: a's ints above the small-int cache are new;
    # cached small ints (<= 256) show up as well when nothing reachable
    # referred to them before.  b is an interned constant: not new.
    ints = d['ints']
    assert set(range(257, 1000)) <= set(ints) <= set(range(1000))
    assert d['others'] == ['array', 'list']
    items = ([('int', s) for s in d['int_sizes']]
             + [('list', d['list']), ('array.array', d['array'])])
    expected3 = set_table(partition(items), CLODO)
    total = sum(s for _, s in items)
    assert parts[4] == ('Heap Status After Creating Few Objects : \n'
                        'Heap Size :  %d  bytes' % total)
    assert parts[5] == expected3
    assert parts[6] == ('Memory Usage After Creation Of Objects :  %d  bytes'
                        % total)
    assert len(parts) == 7


EN_EXAMPLE_3 = '''\
import guppy
from guppy import hpy
import array, random  # replaces: import numpy as np
heap = hpy()
print("Heap Status At Starting : ")
l1 = [i*i for i in range(1000)]
l2 = array.array('l', [random.randint(1, 99) for _ in range(1000 * 1000)])  # replaces: l2 = np.random.randint(1,100, (1000,1000))
heap_status1 = heap.heap()
print(heap_status1)
print("\\nAccessing Individual Element of Heap")
print("\\nFirst Element : ")
print(heap_status1[0])
print("\\nSecond Element : ")
print(heap_status1[1])
print("\\nThird Element : ")
print(heap_status1.parts[2])
def convert_size(size):
    if size <1024:
        return size
    elif (size >= 1024) and (size < (1024 * 1024)):
        return "%.2f KB"%(size/1024)
    elif (size >= (1024*1024)) and (size < (1024*1024*1024)):
        return "%.2f MB"%(size/(1024*1024))
    else:
        return "%.2f GB"%(size/(1024*1024*1024))
print("\\nTotal Heap Size : ", convert_size(heap_status1.size), "\\n")
for i in range(10):
    print("Size Of Object : %d - "%i, convert_size(heap_status1[i].size))
'''

EN_EXAMPLE_3_DATA = '''
import json, sys
print(%r + json.dumps({'array': sys.getsizeof(l2)}))
''' % JSON_TAG


def convert_size(size):
    if size < 1024:
        return size
    elif size < 1024 * 1024:
        return "%.2f KB" % (size / 1024)
    elif size < 1024 * 1024 * 1024:
        return "%.2f MB" % (size / (1024 * 1024))
    return "%.2f GB" % (size / (1024 * 1024 * 1024))


def test_en_example_3():
    lines, d = run(EN_EXAMPLE_3, EN_EXAMPLE_3_DATA)
    text = '\n'.join(lines)
    parts = text.split('\n\n')
    assert parts[0].startswith('Heap Status At Starting : \n')
    t = parse_set_table(parts[0].split('\n', 1)[1], CLODO)
    rows = t['rows']
    # The 8 MB array is the biggest row, alone.
    assert rows[0][1:] == (1, d['array'], d['array'], 'array.array')
    assert parts[1] == 'Accessing Individual Element of Heap'
    assert parts[2] == 'First Element : \n' + set_table(
        [(1, d['array'], 'array.array')], CLODO)
    # x[1], x.parts[2]: the parent's Index and Cumulative are kept.
    for k, name in ((1, 'Second'), (2, 'Third')):
        idx, count, size, cumul, label = rows[k]
        assert parts[2 + k] == '%s Element : \n' % name + set_table(
            [(count, size, label)], CLODO, index_base=idx,
            cumul_before=cumul - size)
    assert parts[5] == 'Total Heap Size :  %s ' % convert_size(t['size'])
    assert parts[6].split('\n') == [
        'Size Of Object : %d -  %s' % (i, convert_size(rows[i][2]))
        for i in range(10)]
    assert len(parts) == 7


# Example 6 without the byrcs, byvia and byidset parts (test_en_example_6
# below runs it whole).
EN_EXAMPLE_6_CORE = '''\
from guppy import hpy
heap = hpy()
heap_status1 = heap.heap()
print("=========== Heap Status At Starting : ============")
print(heap_status1)
print("\\n============ Heap Status Grouped By Type : ==========")
print(heap_status1.bytype)
print("\\n========== Heap Status Grouped By Module : ============")
print(heap_status1.bymodule)
print("\\n========== Heap Status Grouped By Individual Size : ==============")
print(heap_status1.bysize)
print("\\n========= Heap Status Grouped By Total Size : ============")
print(heap_status1.byunity)
print("\\n======== Heap Status Grouped By Address : ==========")
print(heap_status1.byid)
'''

EN_EXAMPLE_6 = '''\
from guppy import hpy
heap = hpy()
heap_status1 = heap.heap()
print("=========== Heap Status At Starting : ============")
print(heap_status1)
print("\\n============ Heap Status Grouped By Type : ==========")
print(heap_status1.bytype)
print("\\n==== Heap Status Grouped By Referrers of kind(class/dict of class) : ===")
print(heap_status1.byrcs)
print("\\n========== Heap Status Grouped By Module : ============")
print(heap_status1.bymodule)
print("\\n========== Heap Status Grouped By Individual Size : ==============")
print(heap_status1.bysize)
print("\\n========= Heap Status Grouped By Total Size : ============")
print(heap_status1.byunity)
print("\\n======= Heap Status Grouped By Referred Via : =============")
print(heap_status1.byvia)
print("\\n========= Heap Status Grouped By IDset : ============")
print(heap_status1.byidset)
print("\\n======== Heap Status Grouped By Address : ==========")
print(heap_status1.byid)
'''

EN_EXAMPLE_6_DATA = '''
import json, sys
print(%r + json.dumps({'module': sys.getsizeof(sys)}))
''' % JSON_TAG


def test_en_example_6_core():
    lines, d = run(EN_EXAMPLE_6_CORE, EN_EXAMPLE_6_DATA)
    banners = [l for l in lines if l.startswith('=')]
    assert banners == [
        '=========== Heap Status At Starting : ============',
        '============ Heap Status Grouped By Type : ==========',
        '========== Heap Status Grouped By Module : ============',
        '========== Heap Status Grouped By Individual Size : ==============',
        '========= Heap Status Grouped By Total Size : ============',
        '======== Heap Status Grouped By Address : ==========']
    tables = tables_of(lines)
    assert len(tables) == 6
    clodo = parse_set_table(tables[0], CLODO)
    count, size = clodo['count'], clodo['size']
    assert COMMON_TOP <= {r[4] for r in clodo['rows']}

    bytype = parse_set_table(tables[1], 'Type')
    assert (bytype['count'], bytype['size']) == (count, size)
    labels = {r[4] for r in bytype['rows']}
    assert 'dict' in labels and not any(l.startswith('dict of')
                                        for l in labels)

    bymodule = parse_set_table(tables[2], 'Module')
    assert (bymodule['count'], bymodule['size']) == (count, size)
    rows = bymodule['rows']
    assert rows[0][4] == '~module'
    # Every module is one object of the same size: alphabetical order.
    assert all(r[1:3] == (1, d['module']) for r in rows[1:])
    assert [r[4] for r in rows[1:]] == sorted(r[4] for r in rows[1:])
    assert '__main__' in [r[4] for r in rows] or bymodule['more']

    bysize = parse_set_table(tables[3], 'Individual Size')
    assert (bysize['count'], bysize['size']) == (count, size)
    for idx, c, s, cum, label in bysize['rows']:
        assert s == c * int(label)
    assert all(re.match(r'^ *\d+$', r[4]) and len(r[4]) == 9
               for r in bysize['rows'])

    assert tables[4] == set_table([(count, size, '<Anything>')],
                                  '<unclassified>')

    byid = parse_id_table(tables[5], 'Brief')
    assert (byid['count'], byid['size'], byid['kindname']) == (
        count, size, '<mixed>')
    for r in byid['rows']:
        assert re.match(r'^[\w.]+( of [\w.]+| \(no owner\))?: \S', r[3]), r


def test_en_example_6():
    lines, _ = run(EN_EXAMPLE_6)
    tables = tables_of(lines)
    assert len(tables) == 9
    parse_set_table(tables[2], RCS)
    parse_set_table(tables[6], 'Referred Via:')
    parse_set_table(tables[7], 'by identity set')


EN_EXAMPLE_7 = '''\
import guppy
from guppy import hpy
# import numpy as np  -- numpy is not installed; this example does not use it
heap = hpy()
a = [i for i in range(1000000)]
b = "A"
c = "WORLD"
print("============== ISO Method Examples ====================")
print()
print(heap.iso(a))
print()
print(heap.iso(b))
print()
print(heap.iso(c))
print()
print(heap.iso([]))
print()
print(heap.iso(""))
print("\\n============== IDSET Method Examples ===================")
print()
print(heap.idset(a))
print()
print(heap.idset(b))
print()
print(heap.idset(c))
print()
print(heap.idset([]))
print()
print(heap.idset(""))
'''

EN_EXAMPLE_7_DATA = '''
import json, sys
print(%r + json.dumps({
    'a': sys.getsizeof(a), 'b': sys.getsizeof(b), 'c': sys.getsizeof(c),
    'empty_list': sys.getsizeof([]), 'empty_str': sys.getsizeof(''),
    'ints': sum(map(sys.getsizeof, a)),
    'letters': [sys.getsizeof(x) for x in c]}))
''' % JSON_TAG


def test_en_example_7():
    lines, d = run(EN_EXAMPLE_7, EN_EXAMPLE_7_DATA)

    def one(size, label):
        return set_table([(1, size, label)], CLODO)

    expected = '\n'.join([
        '============== ISO Method Examples ====================',
        '',
        one(d['a'], 'list'), '',
        one(d['b'], 'str'), '',
        one(d['c'], 'str'), '',
        one(d['empty_list'], 'list'), '',
        one(d['empty_str'], 'str'),
        '',
        '============== IDSET Method Examples ===================',
        '',
        set_table([(1000000, d['ints'], 'int')], CLODO), '',
        one(d['b'], 'str'), '',
        # "WORLD" iterates as 5 one-letter strings
        set_table([(5, sum(d['letters']), 'str')], CLODO), '',
        '<Nothing>', '',
        '<Nothing>'])
    assert '\n'.join(lines) == expected
