/* sizes.c -- the individual size of an object: what sys.getsizeof()
 * reports (the object's __sizeof__ plus GC header and pre-header), plus
 * attribute storage no __sizeof__ reports (pyinternals.c). This is the
 * "Size" of every table.
 *
 * sys.getsizeof looks __sizeof__ up and calls it through Python for every
 * object; at a million objects per table that dominates. Instead each
 * type is examined once per operation:
 *   SIZE_BASIC  __sizeof__ is object.__sizeof__: basicsize plus items,
 *               computed here;
 *   SIZE_FAST   exact dict, list and compact ASCII str, most of any
 *               heap: their __sizeof__ computed here (pyinternals.c);
 *   SIZE_CMETH  __sizeof__ is a C method: its C function is called
 *               directly, no lookup, no argument tuple;
 *   SIZE_CALL   anything else (a __sizeof__ written in Python): called
 *               like sys.getsizeof calls it. If it raises or returns
 *               something that is not a non-negative int, the object is
 *               sized as SIZE_BASIC would size it and the exception is
 *               cleared: a table must print even in a process with a
 *               broken class. MemoryError, and what is not an Exception
 *               (KeyboardInterrupt, SystemExit), are never swallowed.
 */
#include "sizes.h"

#include "pyinternals.h"

enum {
    SIZE_BASIC = 1,
    SIZE_CMETH = 2,
    SIZE_CALL = 3,
    SIZE_FAST = 4,     /* dict, list, str: gy_fast_sizeof, else CMETH */
};

int
gy_sizer_init(GySizer *z, GyState *state)
{
    memset(z, 0, sizeof(*z));
    z->state = state;
    return gy_ptrmap_init(&z->types, 64);
}

void
gy_sizer_fini(GySizer *z)
{
    gy_ptrmap_fini(&z->types);
    PyMem_Free(z->ways);
    z->ways = NULL;
}

static GySizeWay
sizer_strategy(GySizer *z, PyTypeObject *tp)
{
    GySizeWay way = {SIZE_BASIC, NULL, 1};
    PyObject *name = z->state->str_sizeof;
    PyObject *meth = gy_type_lookup(tp, name);                 /* borrowed */
    PyObject *base = gy_type_lookup(&PyBaseObject_Type, name);
    if (meth == NULL || meth == base) {
        return way;
    }
    if (Py_IS_TYPE(meth, &PyMethodDescr_Type)) {
        PyMethodDef *def = ((PyMethodDescrObject *)meth)->d_method;
        if ((def->ml_flags & (METH_VARARGS | METH_KEYWORDS | METH_NOARGS
                              | METH_O | METH_FASTCALL | METH_METHOD))
            == METH_NOARGS) {
            int fast = tp == &PyDict_Type || tp == &PyList_Type
                       || tp == &PyUnicode_Type;
            way.how = fast ? SIZE_FAST : SIZE_CMETH;
            way.cmeth = def->ml_meth;
            /* The C __sizeof__ of a builtins type (no dot in its name)
               runs no Python code; an extension's might. What counts is
               the type that defines it: a defaultdict is sized by
               dict's. */
            PyTypeObject *owner = PyDescr_TYPE(meth);
            way.quick = strchr(owner->tp_name, '.') == NULL;
            return way;
        }
    }
    way.how = SIZE_CALL;
    way.quick = 0;
    return way;
}

/* After a __sizeof__ failed: whether its exception stops the operation.
 * Only errors of the class (an Exception) are sized around; MemoryError
 * and what is not an Exception (KeyboardInterrupt, SystemExit) propagate,
 * as they would from any other code. */
static int
size_error_propagates(void)
{
    return PyErr_ExceptionMatches(PyExc_MemoryError)
           || !PyErr_ExceptionMatches(PyExc_Exception);
}

static Py_ssize_t
size_basic(PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);
    Py_ssize_t size = tp->tp_basicsize;
    if (tp->tp_itemsize != 0) {
        Py_ssize_t n = Py_SIZE(op);
        size += (n < 0 ? -n : n) * tp->tp_itemsize;
    }
    return size;
}

/* Convert a __sizeof__ result (stolen) to a size, or -1 (exception set). */
static Py_ssize_t
size_from_result(PyObject *res)
{
    if (res == NULL) {
        return -1;
    }
    Py_ssize_t size = -1;
    if (PyLong_Check(res)) {
        size = PyLong_AsSsize_t(res);
        if (size < 0 && !PyErr_Occurred()) {
            PyErr_SetString(PyExc_ValueError,
                            "__sizeof__() should return >= 0");
        }
    }
    else {
        PyErr_Format(PyExc_TypeError,
                     "__sizeof__() returned %.200s, not int",
                     Py_TYPE(res)->tp_name);
    }
    Py_DECREF(res);
    return size;
}

/* A __sizeof__ written in Python may itself call heap() or size a set
 * (a "deep size" built on guppy). Each heap() sizes every such object
 * again, so three objects whose __sizeof__ calls heap() would recurse
 * 3^depth times before the recursion limit stops it: a hang. While one is
 * running in a thread, a nested sizing in the same thread sizes these
 * objects as object.__sizeof__ would, without calling them. The flag is a
 * key of the thread state's dict (the module's Hidden type, which no
 * other code uses as a key), so other threads still call theirs.
 * 1 if set (call, then size_call_leave), 0 if already set (don't call),
 * -1 with an exception. */
static int
size_call_enter(GySizer *z, PyObject **tsd)
{
    PyObject *key = (PyObject *)z->state->hidden_type;
    *tsd = PyThreadState_GetDict();                       /* borrowed */
    if (*tsd == NULL) {
        return 1;       /* no thread dict: no guard, as before */
    }
    int busy = PyDict_Contains(*tsd, key);
    if (busy != 0) {
        return busy < 0 ? -1 : 0;
    }
    return PyDict_SetItem(*tsd, key, Py_True) < 0 ? -1 : 1;
}

/* Clear the flag of size_call_enter, keeping any exception set. */
static void
size_call_leave(GySizer *z, PyObject *tsd)
{
    if (tsd == NULL) {
        return;
    }
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    if (PyDict_DelItem(tsd, (PyObject *)z->state->hidden_type) < 0) {
        PyErr_Clear();  /* the __sizeof__ removed it: nothing to undo */
    }
    PyErr_Restore(type, value, tb);
}

static Py_ssize_t
size_call(GySizer *z, PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);
    PyObject *meth = gy_type_lookup(tp, z->state->str_sizeof);
    PyObject *res = NULL, *tsd;
    if (meth == NULL) {
        return size_basic(op);
    }
    int entered = size_call_enter(z, &tsd);
    if (entered <= 0) {
        return entered < 0 ? -1 : size_basic(op);
    }
    Py_INCREF(meth);
    descrgetfunc get = Py_TYPE(meth)->tp_descr_get;
    if (get != NULL) {
        PyObject *bound = get(meth, op, (PyObject *)tp);
        if (bound != NULL) {
            res = PyObject_CallNoArgs(bound);
            Py_DECREF(bound);
        }
    }
    else {
        res = PyObject_CallNoArgs(meth);
    }
    Py_DECREF(meth);
    size_call_leave(z, tsd);
    Py_ssize_t size = size_from_result(res);
    if (size < 0) {
        if (size_error_propagates()) {
            return -1;
        }
        PyErr_Clear();
        size = size_basic(op);
    }
    return size;
}

/* Make z->memo the way to size tp. 0, or -1 with MemoryError. */
static int
sizer_memo(GySizer *z, PyTypeObject *tp)
{
    if (tp != z->memo_type) {
        int added;
        uintptr_t *slot = gy_ptrmap_slot(&z->types, tp, &added);
        if (slot == NULL) {
            return -1;
        }
        if (added) {
            if (z->nways == z->capways
                && gy_grow(&z->ways, &z->capways, z->nways + 1,
                           sizeof(GySizeWay)) < 0) {
                return -1;
            }
            z->ways[z->nways++] = sizer_strategy(z, tp);
            *slot = (uintptr_t)z->nways;
        }
        z->memo_type = tp;
        z->memo = z->ways[*slot - 1];
    }
    return 0;
}

int
gy_sizer_way(GySizer *z, PyTypeObject *tp, GySizeWay *way)
{
    if (sizer_memo(z, tp) < 0) {
        return -1;
    }
    *way = z->memo;
    return 0;
}

Py_ssize_t
gy_size_quick(const GySizeWay *way, PyObject *op)
{
    Py_ssize_t size = -1;
    int how = way->how;
    if (how == SIZE_FAST) {
        size = gy_fast_sizeof(op);
        /* A str gy_fast_sizeof does not size: its C __sizeof__. */
        how = size >= 0 ? SIZE_FAST : SIZE_CMETH;
    }
    switch (how) {
    case SIZE_BASIC:
        size = size_basic(op);
        break;
    case SIZE_FAST:
        break;
    case SIZE_CMETH:
        if (!way->quick) {
            return -2;
        }
        size = size_from_result(way->cmeth(op, NULL));
        if (size < 0) {
            if (size_error_propagates()) {
                return -1;
            }
            PyErr_Clear();
            size = size_basic(op);
        }
        break;
    default:
        return -2;
    }
    return size + (Py_ssize_t)gy_size_overhead(op);
}

Py_ssize_t
gy_sizer_size_quick(GySizer *z, PyObject *op)
{
    if (sizer_memo(z, Py_TYPE(op)) < 0) {
        return -1;
    }
    return gy_size_quick(&z->memo, op);
}

Py_ssize_t
gy_sizer_size(GySizer *z, PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);
    if (sizer_memo(z, tp) < 0) {
        return -1;
    }
    Py_ssize_t size;
    if (z->memo.how == SIZE_FAST) {
        size = gy_fast_sizeof(op);
        if (size >= 0) {
            return size + (Py_ssize_t)gy_size_overhead(op);
        }
    }
    switch (z->memo.how) {
    case SIZE_BASIC:
        size = size_basic(op);
        break;
    case SIZE_FAST:
    case SIZE_CMETH: {
        size = size_from_result(z->memo.cmeth(op, NULL));
        if (size < 0) {
            if (size_error_propagates()) {
                return -1;
            }
            PyErr_Clear();
            size = size_basic(op);
        }
        break;
    }
    default:
        size = size_call(z, op);
        if (size < 0) {
            return -1;
        }
        break;
    }
    return size + (Py_ssize_t)gy_size_overhead(op);
}
