/* pyinternals.c -- the one reader of CPython's private layouts: interpreter
 * and thread state, interpreter frames, code objects, managed instance
 * dicts and the size bookkeeping of sys.getsizeof. Everything else in the
 * engine calls the version-neutral functions of pyinternals.h.
 *
 * Supported: CPython 3.9 to 3.13, default (GIL) builds. Each version
 * difference is a guard around the smallest possible piece, and every fact
 * here is exercised by the test suite on every version (tests/test_sizes.py
 * compares sizes with sys.getsizeof, tests/test_walk.py checks frames of
 * other threads and that no instance dict is created by looking).
 *
 * Nothing here calls Python code or allocates Python objects: the walk
 * relies on it.
 */
#define PY_SSIZE_T_CLEAN
#ifndef Py_BUILD_CORE
#define Py_BUILD_CORE 1
#endif
#include <Python.h>

#if PY_VERSION_HEX >= 0x030B0000
#include "internal/pycore_frame.h"
#include "internal/pycore_code.h"
#endif
#include "internal/pycore_interp.h"
#include "internal/pycore_object.h"
#if PY_VERSION_HEX >= 0x030B0000
#include "internal/pycore_dict.h"
#endif
#if PY_VERSION_HEX < 0x030B0000
#include "frameobject.h"
#endif
#if PY_VERSION_HEX >= 0x030D0000
#include "internal/pycore_tracemalloc.h"
#endif

#include "pyinternals.h"

#define VISIT_ROOT(obj, name)                                          \
    do {                                                               \
        PyObject *o_ = (PyObject *)(obj);                              \
        if (o_ != NULL) {                                              \
            GyRootRef r_ = {(name), thread_id, frame_no, -1, NULL,     \
                            in_frame};                                 \
            int rc_ = visit(o_, &r_, arg);                             \
            if (rc_) {                                                 \
                return rc_;                                            \
            }                                                          \
        }                                                              \
    } while (0)

/* ------------------------------------------------------------------ */
/* Interpreter members */

static int
visit_interp(PyInterpreterState *interp, gy_rootproc visit, void *arg)
{
    unsigned long thread_id = 0;
    int frame_no = -1, in_frame = 0;
#if PY_VERSION_HEX >= 0x030C0000
    VISIT_ROOT(interp->imports.modules, "modules");
    VISIT_ROOT(interp->imports.modules_by_index, "modules_by_index");
    VISIT_ROOT(interp->imports.importlib, "importlib");
    VISIT_ROOT(interp->imports.import_func, "import_func");
#else
    VISIT_ROOT(interp->modules, "modules");
    VISIT_ROOT(interp->modules_by_index, "modules_by_index");
    VISIT_ROOT(interp->importlib, "importlib");
    VISIT_ROOT(interp->import_func, "import_func");
#endif
    VISIT_ROOT(interp->sysdict, "sysdict");
    VISIT_ROOT(interp->builtins, "builtins");
#if PY_VERSION_HEX >= 0x030D0000
    VISIT_ROOT(interp->codecs.search_path, "codec_search_path");
    VISIT_ROOT(interp->codecs.search_cache, "codec_search_cache");
    VISIT_ROOT(interp->codecs.error_registry, "codec_error_registry");
#else
    VISIT_ROOT(interp->codec_search_path, "codec_search_path");
    VISIT_ROOT(interp->codec_search_cache, "codec_search_cache");
    VISIT_ROOT(interp->codec_error_registry, "codec_error_registry");
#endif
    VISIT_ROOT(interp->dict, "dict");
    VISIT_ROOT(interp->builtins_copy, "builtins_copy");
#if PY_VERSION_HEX >= 0x030C0000
    VISIT_ROOT(interp->sysdict_copy, "sysdict_copy");
#endif
    VISIT_ROOT(interp->before_forkers, "before_forkers");
    VISIT_ROOT(interp->after_forkers_parent, "after_forkers_parent");
    VISIT_ROOT(interp->after_forkers_child, "after_forkers_child");
    VISIT_ROOT(interp->audit_hooks, "audit_hooks");
    return 0;
}

/* ------------------------------------------------------------------ */
/* Thread state and frames */

#if PY_VERSION_HEX >= 0x030B0000
/* The contents of one interpreter frame, read in place. */
static int
visit_iframe(_PyInterpreterFrame *f, unsigned long thread_id, int frame_no,
             gy_rootproc visit, void *arg)
{
    int in_frame = 1;
#if PY_VERSION_HEX >= 0x030D0000
    VISIT_ROOT(f->f_executable, "f_code");
#else
    VISIT_ROOT(f->f_code, "f_code");
#endif
#if PY_VERSION_HEX >= 0x030C0000
    VISIT_ROOT(f->f_funcobj, "f_func");
#else
    VISIT_ROOT(f->f_func, "f_func");
#endif
    VISIT_ROOT(f->f_globals, "f_globals");
    VISIT_ROOT(f->f_builtins, "f_builtins");
    VISIT_ROOT(f->f_locals, "f_locals");
    VISIT_ROOT(f->frame_obj, "frame");
    /* Locals, cells and free variables. A running frame's stacktop is
       not kept up to date (the interpreter holds the stack pointer in a C
       variable), so its value stack may hold stale pointers: only the
       slots the code object declares are read, which are always valid. */
#if PY_VERSION_HEX >= 0x030D0000
    PyObject *code = f->f_executable;
#else
    PyObject *code = (PyObject *)f->f_code;
#endif
    if (code == NULL || !PyCode_Check(code)) {
        return 0;
    }
    int n = ((PyCodeObject *)code)->co_nlocalsplus;
    for (int i = 0; i < n; i++) {
        PyObject *v = f->localsplus[i];
        if (v != NULL) {
            GyRootRef r = {"f_localsplus", thread_id, frame_no, i, code,
                           1};
            int rc = visit(v, &r, arg);
            if (rc) {
                return rc;
            }
        }
    }
    return 0;
}

static _PyInterpreterFrame *
thread_top_frame(PyThreadState *ts)
{
#if PY_VERSION_HEX >= 0x030D0000
    return ts->current_frame;
#else
    return ts->cframe != NULL ? ts->cframe->current_frame : NULL;
#endif
}

/* Whether a frame gets a number (hp.Root.i0_t<tid>_f<n>): not the C-stack
 * shim frames of 3.12+, which hold nothing and which no f_back chain
 * shows, so numbers are those guppy3 gives. */
static int
frame_numbered(_PyInterpreterFrame *f)
{
#if PY_VERSION_HEX >= 0x030C0000
    return f->owner != FRAME_OWNED_BY_CSTACK;
#else
    (void)f;
    return 1;
#endif
}
#endif

static int
visit_thread(PyThreadState *ts, gy_rootproc visit, gy_ownframeproc is_own,
             void *arg)
{
    unsigned long thread_id = ts->thread_id;
    int frame_no = -1, in_frame = 0;
    VISIT_ROOT(ts->c_profileobj, "c_profileobj");
    VISIT_ROOT(ts->c_traceobj, "c_traceobj");
#if PY_VERSION_HEX >= 0x030C0000
    VISIT_ROOT(ts->current_exception, "current_exception");
#else
    VISIT_ROOT(ts->curexc_type, "curexc_type");
    VISIT_ROOT(ts->curexc_value, "curexc_value");
    VISIT_ROOT(ts->curexc_traceback, "curexc_traceback");
#endif
    for (_PyErr_StackItem *e = ts->exc_info; e != NULL;
         e = e->previous_item) {
#if PY_VERSION_HEX < 0x030B0000
        VISIT_ROOT(e->exc_type, "exc_type");
        VISIT_ROOT(e->exc_traceback, "exc_traceback");
#endif
        VISIT_ROOT(e->exc_value, "exc_value");
    }
    VISIT_ROOT(ts->dict, "dict");
    VISIT_ROOT(ts->async_exc, "async_exc");
    VISIT_ROOT(ts->async_gen_firstiter, "async_gen_firstiter");
    VISIT_ROOT(ts->async_gen_finalizer, "async_gen_finalizer");
    VISIT_ROOT(ts->context, "context");

    /* Count frames from the outermost, as hp.Root names them. */
    int depth = 0;
#if PY_VERSION_HEX >= 0x030B0000
    for (_PyInterpreterFrame *f = thread_top_frame(ts); f != NULL;
         f = f->previous) {
        depth += frame_numbered(f);
    }
    frame_no = depth;
    for (_PyInterpreterFrame *f = thread_top_frame(ts); f != NULL;
         f = f->previous) {
        if (!frame_numbered(f)) {
            continue;
        }
        frame_no--;
        if (f->f_globals != NULL && is_own(f->f_globals, arg)) {
            continue;
        }
        int rc = visit_iframe(f, thread_id, frame_no, visit, arg);
        if (rc) {
            return rc;
        }
    }
#else
    for (PyFrameObject *f = ts->frame; f != NULL; f = f->f_back) {
        depth++;
    }
    frame_no = depth;
    for (PyFrameObject *f = ts->frame; f != NULL; f = f->f_back) {
        frame_no--;
        if (is_own(f->f_globals, arg)) {
            continue;
        }
        VISIT_ROOT(f, "frame");
    }
#endif
    return 0;
}

PyObject *
gy_frame_object(unsigned long thread_id, int frame_no)
{
    PyInterpreterState *interp = PyInterpreterState_Get();
    PyThreadState *ts = PyInterpreterState_ThreadHead(interp);
    while (ts != NULL && ts->thread_id != thread_id) {
        ts = PyThreadState_Next(ts);
    }
    if (ts == NULL || frame_no < 0) {
        return NULL;
    }
#if PY_VERSION_HEX >= 0x030B0000
    /* Find the interpreter frame as visit_thread numbers them, then its
       frame object through the public f_back chain, which creates the
       frame objects it passes (as sys._getframe does). */
    int depth = 0;
    for (_PyInterpreterFrame *f = thread_top_frame(ts); f != NULL;
         f = f->previous) {
        depth += frame_numbered(f);
    }
    _PyInterpreterFrame *target = NULL;
    int n = depth;
    for (_PyInterpreterFrame *f = thread_top_frame(ts); f != NULL;
         f = f->previous) {
        if (frame_numbered(f) && --n == frame_no) {
            target = f;
            break;
        }
    }
    if (target == NULL) {
        return NULL;
    }
    PyFrameObject *fo = PyThreadState_GetFrame(ts);
    while (fo != NULL && fo->f_frame != target) {
        PyFrameObject *back = PyFrame_GetBack(fo);
        Py_DECREF(fo);
        fo = back;
    }
    if (fo == NULL && PyErr_Occurred()) {
        PyErr_Clear();          /* a frame object could not be made */
    }
    return (PyObject *)fo;
#else
    int depth = 0;
    for (PyFrameObject *f = ts->frame; f != NULL; f = f->f_back) {
        depth++;
    }
    int n = depth;
    for (PyFrameObject *f = ts->frame; f != NULL; f = f->f_back) {
        if (--n == frame_no) {
            return Py_NewRef((PyObject *)f);
        }
    }
    return NULL;
#endif
}

int
gy_visit_roots(gy_rootproc visit, gy_ownframeproc is_own, void *arg)
{
    PyInterpreterState *interp = PyInterpreterState_Get();
    int rc = visit_interp(interp, visit, arg);
    if (rc) {
        return rc;
    }
    for (PyThreadState *ts = PyInterpreterState_ThreadHead(interp);
         ts != NULL; ts = PyThreadState_Next(ts)) {
        rc = visit_thread(ts, visit, is_own, arg);
        if (rc) {
            return rc;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Types and code */

PyObject *
gy_peek_type_dict(PyTypeObject *tp)
{
#if PY_VERSION_HEX >= 0x030C0000
    /* Static builtin types keep their dict in the interpreter state;
       PyType_GetDict finds it and returns a new reference, which the
       interpreter's own keeps valid after we drop ours. */
    PyObject *dict = PyType_GetDict(tp);
    if (dict == NULL) {
        PyErr_Clear();
        return NULL;
    }
    Py_DECREF(dict);
    return dict;
#else
    return tp->tp_dict;
#endif
}

int
gy_visit_type(PyTypeObject *tp, visitproc visit, void *arg)
{
    Py_VISIT(gy_peek_type_dict(tp));
    Py_VISIT(tp->tp_cache);
    Py_VISIT(tp->tp_mro);
    Py_VISIT(tp->tp_bases);
    Py_VISIT((PyObject *)tp->tp_base);
    if (tp->tp_flags & Py_TPFLAGS_HEAPTYPE) {
        PyHeapTypeObject *ht = (PyHeapTypeObject *)tp;
        Py_VISIT(ht->ht_name);
        Py_VISIT(ht->ht_qualname);
        Py_VISIT(ht->ht_slots);
        Py_VISIT(ht->ht_module);
#if PY_VERSION_HEX >= 0x030C0000
        Py_VISIT((PyObject *)tp->tp_subclasses);
#endif
    }
#if PY_VERSION_HEX < 0x030C0000
    Py_VISIT(tp->tp_subclasses);
#endif
    return 0;
}

int
gy_visit_code(PyObject *code, visitproc visit, void *arg)
{
    PyCodeObject *co = (PyCodeObject *)code;
#if PY_VERSION_HEX >= 0x030C0000
    if (co->_co_cached != NULL) {
        Py_VISIT(co->_co_cached->_co_code);
        Py_VISIT(co->_co_cached->_co_cellvars);
        Py_VISIT(co->_co_cached->_co_freevars);
        Py_VISIT(co->_co_cached->_co_varnames);
    }
#elif PY_VERSION_HEX >= 0x030B0000
    Py_VISIT(co->_co_code);
#else
    Py_VISIT(co->co_code);
#endif
    Py_VISIT(co->co_consts);
    Py_VISIT(co->co_names);
#if PY_VERSION_HEX >= 0x030B0000
    Py_VISIT(co->co_exceptiontable);
    Py_VISIT(co->co_localsplusnames);
    Py_VISIT(co->co_localspluskinds);
    Py_VISIT(co->co_qualname);
#else
    Py_VISIT(co->co_varnames);
    Py_VISIT(co->co_freevars);
    Py_VISIT(co->co_cellvars);
#endif
    Py_VISIT(co->co_filename);
    Py_VISIT(co->co_name);
#if PY_VERSION_HEX >= 0x030A0000
    Py_VISIT(co->co_linetable);
#else
    Py_VISIT(co->co_lnotab);
#endif
    Py_VISIT(co->co_weakreflist);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Instance dicts and sizes */

int
gy_type_has_managed_dict(PyTypeObject *tp)
{
#if PY_VERSION_HEX >= 0x030B0000
    return (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) != 0;
#else
    (void)tp;
    return 0;
#endif
}

PyObject *
gy_peek_dict(PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);
#if PY_VERSION_HEX >= 0x030D0000
    if (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) {
        return (PyObject *)_PyObject_GetManagedDict(op);
    }
#elif PY_VERSION_HEX >= 0x030C0000
    if (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) {
        PyDictOrValues dorv = *_PyObject_DictOrValuesPointer(op);
        if (_PyDictOrValues_IsValues(dorv)) {
            return NULL;
        }
        return _PyDictOrValues_GetDict(dorv);
    }
#elif PY_VERSION_HEX >= 0x030B0000
    if (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) {
        return *_PyObject_ManagedDictPointer(op);
    }
#endif
    if (tp->tp_dictoffset == 0) {
        return NULL;
    }
    /* Not managed: the pointer is computed, never filled in. */
    PyObject **ptr = _PyObject_GetDictPtr(op);
    return ptr != NULL ? *ptr : NULL;
}

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030D0000
/* Size of the detached values array of an instance without a dict.
 * dictobject.c's new_values(n) allocates prefix + n pointers, prefix being
 * n + 2 rounded up to a pointer size, and stores prefix in the byte just
 * before the values. n itself is not stored (and the class's shared keys,
 * from which it came, shrink as instances are made), so we count the
 * largest n that prefix allows: at most 7 slots more than the truth, and
 * the same figure for the object's whole life. */
static size_t
detached_values_size(PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);
    if (!(tp->tp_flags & Py_TPFLAGS_MANAGED_DICT)) {
        return 0;
    }
#if PY_VERSION_HEX >= 0x030C0000
    PyDictOrValues dorv = *_PyObject_DictOrValuesPointer(op);
    if (!_PyDictOrValues_IsValues(dorv)) {
        return 0;
    }
    PyDictValues *values = _PyDictOrValues_GetValues(dorv);
#else
    PyDictValues *values = *_PyObject_ValuesPointer(op);
#endif
    if (values == NULL) {
        return 0;
    }
    size_t prefix = ((uint8_t *)values)[-1];
    if (prefix < 2 * sizeof(PyObject *)) {
        return prefix;
    }
    return prefix + (prefix - 2) * sizeof(PyObject *);
}
#endif

PyObject *
gy_type_lookup(PyTypeObject *tp, PyObject *name)
{
    /* A static type nothing has used yet has no MRO, and _PyType_Lookup
       would ready it, which adds it to its bases' __subclasses__: the heap
       would change under the walk and a heap() after setrelheap() show
       the new entries. Seen on 3.9, whose functools._lru_list_elem is
       readied only on first use; its instances are then sized without a
       lookup (basicsize and items), as object.__sizeof__ would. */
    if (tp->tp_mro == NULL) {
        return NULL;
    }
    return _PyType_Lookup(tp, name);
}

Py_ssize_t
gy_fast_sizeof(PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);
    if (tp == &PyDict_Type) {
        return _PyDict_SizeOf((PyDictObject *)op);
    }
    if (tp == &PyList_Type) {
        /* list.__sizeof__: the object and its allocated item array. */
        return tp->tp_basicsize
               + ((PyListObject *)op)->allocated * (Py_ssize_t)sizeof(void *);
    }
    if (tp == &PyUnicode_Type) {
#if PY_VERSION_HEX < 0x030C0000
        /* Older strs may carry a wchar_t copy; leave those to str's own
           __sizeof__. */
        if (!PyUnicode_IS_READY(op) || ((PyASCIIObject *)op)->wstr != NULL) {
            return -1;
        }
#endif
        if (PyUnicode_IS_COMPACT_ASCII(op)) {
            return (Py_ssize_t)sizeof(PyASCIIObject)
                   + PyUnicode_GET_LENGTH(op) + 1;
        }
    }
    return -1;
}

size_t
gy_size_overhead(PyObject *op)
{
#if PY_VERSION_HEX >= 0x030B0000
    PyTypeObject *tp = Py_TYPE(op);
    /* As sys.getsizeof: the pre-header of the type's instances; 3.13
       stopped counting it for static types, which have none. */
    size_t extra = _PyType_PreHeaderSize(tp);
#if PY_VERSION_HEX >= 0x030D0000
    if (tp == &PyType_Type
        && !(((PyTypeObject *)op)->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
        extra = 0;
    }
#endif
#if PY_VERSION_HEX >= 0x030D0000
    /* Once a dict exists, its __sizeof__ counts the values. */
    if ((tp->tp_flags & Py_TPFLAGS_INLINE_VALUES)
        && _PyObject_GetManagedDict(op) == NULL) {
        /* The values array allocated with the object: a header word,
           the slots, and the insertion-order bytes, sized by
           _PyInlineValuesSize() at allocation time; the capacity the
           object records was decremented once after that. */
        size_t n = (size_t)_PyObject_InlineValues(op)->capacity + 1;
        extra += _Py_SIZE_ROUND_UP(n, sizeof(PyObject *))
                 + (n + 1) * sizeof(PyObject *);
    }
#else
    extra += detached_values_size(op);
#endif
    return extra;
#else
    return PyObject_IS_GC(op) ? sizeof(PyGC_Head) : 0;
#endif
}

/* ------------------------------------------------------------------ */
/* Objects tracked by the collector */

/* The generation lists are read in place on every version, rather than
 * through PyUnstable_GC_VisitObjects (3.12+): that function visits the
 * permanent generation too since 3.12.10 and 3.13.3, so which objects it
 * lists would depend on the patch release, and it increfs each object.
 * Here the rule is gc.get_objects()'s on every version. */
int
gy_visit_gc_objects(gy_gcobjproc fn, void *arg)
{
    PyInterpreterState *interp = PyInterpreterState_Get();
    for (int i = 0; i < NUM_GENERATIONS; i++) {
        PyGC_Head *head = &interp->gc.generations[i].head;
        /* Invariant: g is a tracked object's header or the list head;
           outside a collection, _gc_next is a plain pointer. */
        for (PyGC_Head *g = (PyGC_Head *)head->_gc_next; g != head;
             g = (PyGC_Head *)g->_gc_next) {
            int rc = fn((PyObject *)(g + 1), arg);
            if (rc) {
                return rc;
            }
        }
    }
    return 0;
}

PyObject *
gy_code_slot_name(PyObject *code, int i, GySlotKind *kind)
{
    *kind = GY_SLOT_UNKNOWN;
    if (code == NULL || !PyCode_Check(code) || i < 0) {
        return NULL;
    }
    PyCodeObject *co = (PyCodeObject *)code;
#if PY_VERSION_HEX >= 0x030B0000
    if (i >= co->co_nlocalsplus) {
        return NULL;
    }
    _PyLocals_Kind k = _PyLocals_GetKind(co->co_localspluskinds, i);
    *kind = (k & (CO_FAST_CELL | CO_FAST_FREE)) ? GY_SLOT_CELL
                                                 : GY_SLOT_LOCAL;
    return PyTuple_GET_ITEM(co->co_localsplusnames, i);
#else
    /* Frame objects of 3.10 lay out locals, then cells, then free
       variables. */
    Py_ssize_t nloc = PyTuple_GET_SIZE(co->co_varnames);
    Py_ssize_t ncell = PyTuple_GET_SIZE(co->co_cellvars);
    Py_ssize_t nfree = PyTuple_GET_SIZE(co->co_freevars);
    if (i < nloc) {
        *kind = GY_SLOT_LOCAL;
        return PyTuple_GET_ITEM(co->co_varnames, i);
    }
    *kind = GY_SLOT_CELL;
    if (i < nloc + ncell) {
        return PyTuple_GET_ITEM(co->co_cellvars, i - nloc);
    }
    if (i < nloc + ncell + nfree) {
        return PyTuple_GET_ITEM(co->co_freevars, i - nloc - ncell);
    }
    *kind = GY_SLOT_UNKNOWN;
    return NULL;
#endif
}

int
gy_code_nslots(PyObject *code)
{
    if (code == NULL || !PyCode_Check(code)) {
        return 0;
    }
    PyCodeObject *co = (PyCodeObject *)code;
#if PY_VERSION_HEX >= 0x030B0000
    return co->co_nlocalsplus;
#else
    return (int)(co->co_nlocals + PyTuple_GET_SIZE(co->co_cellvars)
                 + PyTuple_GET_SIZE(co->co_freevars));
#endif
}

/* ------------------------------------------------------------------ */
/* Attributes kept outside a dict, and frame objects */

int
gy_visit_inline_attrs(PyObject *op, gy_attrproc visit, void *arg)
{
#if PY_VERSION_HEX >= 0x030B0000
    PyTypeObject *tp = Py_TYPE(op);
    if (!(tp->tp_flags & Py_TPFLAGS_MANAGED_DICT)
        || !(tp->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
        return 0;
    }
    PyDictKeysObject *keys = ((PyHeapTypeObject *)tp)->ht_cached_keys;
    Py_ssize_t n;
    PyDictValues *values;
#if PY_VERSION_HEX >= 0x030D0000
    if (!(tp->tp_flags & Py_TPFLAGS_INLINE_VALUES)) {
        return 0;
    }
    values = _PyObject_InlineValues(op);
    if (!values->valid) {
        return 0;
    }
    n = values->capacity;
#elif PY_VERSION_HEX >= 0x030C0000
    PyDictOrValues dorv = *_PyObject_DictOrValuesPointer(op);
    if (!_PyDictOrValues_IsValues(dorv)) {
        return 0;
    }
    values = _PyDictOrValues_GetValues(dorv);
    n = keys != NULL ? keys->dk_nentries : 0;
#else
    values = *_PyObject_ValuesPointer(op);
    n = keys != NULL ? keys->dk_nentries : 0;
#endif
    if (values == NULL || keys == NULL) {
        return 0;
    }
    if (n > keys->dk_nentries) {
        n = keys->dk_nentries;
    }
    PyDictUnicodeEntry *entries = DK_UNICODE_ENTRIES(keys);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *v = values->values[i];
        if (v != NULL && entries[i].me_key != NULL) {
            int rc = visit(entries[i].me_key, v, arg);
            if (rc) {
                return rc;
            }
        }
    }
#else
    (void)op;
    (void)visit;
    (void)arg;
#endif
    return 0;
}

int
gy_visit_frame_object(PyObject *frame, gy_rootproc visit, void *arg)
{
    unsigned long thread_id = 0;
    int frame_no = -1, in_frame = 1;
    PyFrameObject *f = (PyFrameObject *)frame;
    VISIT_ROOT(f->f_back, "f_back");
    VISIT_ROOT(f->f_trace, "f_trace");
#if PY_VERSION_HEX >= 0x030B0000
    /* As frame_traverse: the contents belong to the frame object only
       once the frame has finished; before that the thread's stack (or
       the generator) holds them. */
    _PyInterpreterFrame *iframe = f->f_frame;
    if (iframe == NULL || iframe->owner != FRAME_OWNED_BY_FRAME_OBJECT) {
        return 0;
    }
#if PY_VERSION_HEX >= 0x030D0000
    PyObject *code = iframe->f_executable;
    VISIT_ROOT(code, "f_code");
#else
    PyObject *code = (PyObject *)iframe->f_code;
    VISIT_ROOT(code, "f_code");
#endif
#if PY_VERSION_HEX >= 0x030C0000
    VISIT_ROOT(iframe->f_funcobj, "f_func");
#else
    VISIT_ROOT(iframe->f_func, "f_func");
#endif
    VISIT_ROOT(iframe->f_locals, "f_locals");
    int top = iframe->stacktop;
    for (int i = 0; i < top; i++) {
        PyObject *v = iframe->localsplus[i];
        if (v != NULL) {
            GyRootRef r = {"f_localsplus", 0, -1, i, code, 1};
            int rc = visit(v, &r, arg);
            if (rc) {
                return rc;
            }
        }
    }
#else
    PyObject *code = (PyObject *)f->f_code;
    VISIT_ROOT(code, "f_code");
    VISIT_ROOT(f->f_builtins, "f_builtins");
    VISIT_ROOT(f->f_globals, "f_globals");
    VISIT_ROOT(f->f_locals, "f_locals");
    int nslots = gy_code_nslots(code);
    for (int i = 0; i < nslots; i++) {
        PyObject *v = f->f_localsplus[i];
        if (v != NULL) {
            GyRootRef r = {"f_localsplus", 0, -1, i, code, 1};
            int rc = visit(v, &r, arg);
            if (rc) {
                return rc;
            }
        }
    }
#if PY_VERSION_HEX >= 0x030A0000
    int depth = f->f_stackdepth;
#else
    int depth = f->f_stacktop != NULL
                ? (int)(f->f_stacktop - f->f_valuestack) : 0;
#endif
    if (f->f_valuestack != NULL) {
        for (int i = 0; i < depth; i++) {
            PyObject *v = f->f_valuestack[i];
            if (v != NULL) {
                GyRootRef r = {"f_localsplus", 0, -1, nslots + i, code, 1};
                int rc = visit(v, &r, arg);
                if (rc) {
                    return rc;
                }
            }
        }
    }
#endif
    return 0;
}

PyObject *
gy_gen_code(PyObject *gen)
{
    if (!PyGen_Check(gen) && !PyCoro_CheckExact(gen)
        && !PyAsyncGen_CheckExact(gen)) {
        return NULL;
    }
#if PY_VERSION_HEX >= 0x030C0000
    _PyInterpreterFrame *f = (_PyInterpreterFrame *)((PyGenObject *)gen)
                                 ->gi_iframe;
#if PY_VERSION_HEX >= 0x030D0000
    return f->f_executable;
#else
    return (PyObject *)f->f_code;
#endif
#else
    return (PyObject *)((PyGenObject *)gen)->gi_code;
#endif
}

/* descrobject.c's layout, which no header exports. */
typedef struct {
    PyObject_HEAD
    PyObject *mapping;
} GyMappingProxy;

PyObject *
gy_mappingproxy_mapping(PyObject *proxy)
{
    return ((GyMappingProxy *)proxy)->mapping;
}

PyObject *
gy_alloc_traceback(PyObject *op)
{
#if PY_VERSION_HEX >= 0x030B0000
    size_t pre = _PyType_PreHeaderSize(Py_TYPE(op));
#else
    size_t pre = _PyObject_IS_GC(op) ? sizeof(PyGC_Head) : 0;
#endif
    /* Domain 0: the Python allocators' own. */
    return _PyTraceMalloc_GetTraceback(0, (uintptr_t)op - pre);
}

PyObject *
gy_untraversed_dict(PyObject *op)
{
#if PY_VERSION_HEX >= 0x030D0000
    PyTypeObject *tp = Py_TYPE(op);
    if ((tp->tp_flags & Py_TPFLAGS_INLINE_VALUES)
        && _PyObject_InlineValues(op)->valid) {
        return (PyObject *)_PyObject_GetManagedDict(op);
    }
#else
    (void)op;
#endif
    return NULL;
}
