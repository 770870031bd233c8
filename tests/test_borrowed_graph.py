"""byrcs, byvia and x.referrers build a reference graph that takes no
reference to its nodes (graph.h, "borrowed"): nothing may run Python code
while it is read, or objects could go under it.  Where user code can run
(a dict key's __repr__ while byvia names items, a __sizeof__ for
hp.Size.refdby) the graph first takes its references, or byvia, when
nothing reads the graph after it, holds the keys and gives the graph up.
These tests free objects from exactly those places and check the tables
still come out.

Each case runs in a child with PYTHONMALLOC=debug, which fills freed
memory with a pattern, so reading an object that is gone crashes the
child instead of passing by luck.
"""

import os
import subprocess
import sys
import textwrap

import pytest

from ours import GUPPY_ROOT


def _run(body):
    src = 'import sys; sys.path.insert(0, %r)\n' % GUPPY_ROOT
    src += textwrap.dedent('''
        import gc, sys
        from guppy import hpy
        hp = hpy()
        victims = []
        def fill():
            victims.extend([[i, str(i) * 3] for i in range(3000)])
        def free_victims():
            victims.clear()
            gc.collect()
    ''') + textwrap.dedent(body)
    env = dict(os.environ, PYTHONMALLOC='debug')
    env.pop('PYTHONPATH', None)
    out = subprocess.run([sys.executable, '-c', src], env=env, cwd='/',
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def test_key_repr_that_frees_objects_during_byvia():
    out = _run('''
        class EvilKey:
            def __repr__(self):
                free_victims()
                return 'EvilKey()'
        holder = {EvilKey(): [1, 2, 3]}
        h = hp.heap()
        for spec in ('Via&Rcs', 'Via', 'Via&Type'):
            fill()
            text = str(h.by(spec))
            assert text.startswith('Partition of a set of'), text
        print('ok')
    ''')
    assert out.split() == ['ok']


def test_key_repr_that_frees_the_other_keys_during_byvia():
    # Alone, Via gives the graph up before the first repr and holds just
    # the keys it will still print: here each repr frees all the others.
    out = _run('''
        class EvilKey:
            def __init__(self, n):
                self.n = n
            def __repr__(self):
                holder.clear()
                free_victims()
                return 'EvilKey(%d)' % self.n
        holder = {EvilKey(i): [i] for i in range(50)}
        items = hp.iso(*holder.values())     # the keys are not in it
        fill()
        text = str(items.byvia)
        assert text.startswith('Partition of a set of 50 objects'), text
        assert text.count('EvilKey(') == 10, text
        print('ok', len(holder))
    ''')
    assert out.split() == ['ok', '0']


def test_sizeof_that_frees_objects_during_rcs_of_size():
    out = _run('''
        class Fat:
            def __sizeof__(self):
                free_victims()
                return 100
        fat = [Fat() for _ in range(3)]
        h = hp.heap()
        fill()
        text = str(h.by(hp.Size.refdby))
        assert text.startswith('Partition of a set of'), text
        fill()
        text = str(h.by('Size&Rcs'))
        print('ok')
    ''')
    assert out.split() == ['ok']


def test_sizeof_that_frees_a_referrers_class_during_byrcs():
    # An Rcs key is the class of a referrer, which only the graph holds:
    # the members are sized before the graph is built, so a __sizeof__
    # that frees such a class cannot leave a row label pointing at it.
    out = _run('''
        state = {}
        def make():
            class Gone:
                pass
            g = Gone()
            g.ref = target
            g.__dict__
            state['g'] = g
        target = [1, 2, 3]
        make()
        class Fat:
            def __sizeof__(self):
                state.clear()
                free_victims()
                fill()
                return 100
        fat = Fat()
        text = str(hp.iso(target, fat).byrcs)
        assert text.startswith('Partition of a set of 2 objects'), text
        print('ok')
    ''')
    assert out.split() == ['ok']


def test_owner_sizeof_that_frees_objects_between_graph_readers():
    # Rcs makes the graph, dictof(Size) sizes dict owners (Python code
    # here), then Via reads the graph again.
    out = _run('''
        class FatOwner:
            def __sizeof__(self):
                free_victims()
                return 100
        owners = [FatOwner() for _ in range(3)]
        for o in owners:
            o.__dict__['attr'] = 1   # a dict of its own to size it by
        h = hp.heap()
        fill()
        text = str(h.by(hp.Rcs & hp.Size.dictof & hp.Via))
        assert text.startswith('Partition of a set of'), text
        print('ok')
    ''')
    assert out.split() == ['ok']


@pytest.mark.parametrize('how', ['referrers', 'byrcs'])
def test_graph_readers_leave_reference_counts_alone(how):
    out = _run('''
        objs = [[i] for i in range(100)]
        before = [sys.getrefcount(o) for o in objs]
        h = hp.iso(*objs)
        for _ in range(5):
            if %r == 'referrers':
                h.referrers
            else:
                str(h.byrcs)
        del h
        gc.collect()
        assert [sys.getrefcount(o) for o in objs] == before
        print('ok')
    ''' % how)
    assert out.split() == ['ok']
