/* compat.h -- the few public-API differences between the CPython versions
 * we build for (3.9 to 3.13), written here once so that no other file tests
 * PY_VERSION_HEX except pyinternals.c, which owns private layouts.
 */
#ifndef GY_COMPAT_H
#define GY_COMPAT_H

#if PY_VERSION_HEX < 0x030A0000
/* Macros casting their argument, as 3.10's are: callers pass type objects
 * and other PyObject-headed structs. */
static inline PyObject *
gy_new_ref(PyObject *o)
{
    Py_INCREF(o);
    return o;
}

static inline PyObject *
gy_xnew_ref(PyObject *o)
{
    Py_XINCREF(o);
    return o;
}

#define Py_NewRef(o) gy_new_ref((PyObject *)(o))
#define Py_XNewRef(o) gy_xnew_ref((PyObject *)(o))

static inline int
PyModule_AddObjectRef(PyObject *mod, const char *name, PyObject *value)
{
    int rc = PyModule_AddObject(mod, name, value);
    if (rc == 0) {
        Py_INCREF(value);
    }
    return rc;
}
#endif

#if PY_VERSION_HEX < 0x030D0000
/* 3.13 added PyDict_GetItemRef; emulate it with a borrowed lookup. */
static inline int
gy_dict_get_ref(PyObject *d, PyObject *key, PyObject **result)
{
    PyObject *v = PyDict_GetItemWithError(d, key);
    if (v == NULL) {
        *result = NULL;
        return PyErr_Occurred() ? -1 : 0;
    }
    *result = Py_NewRef(v);
    return 1;
}
#else
static inline int
gy_dict_get_ref(PyObject *d, PyObject *key, PyObject **result)
{
    return PyDict_GetItemRef(d, key, result);
}
#endif

#if PY_VERSION_HEX < 0x030B0000
/* 3.11 added PyType_GetModuleByDef: the module of the first type in tp's
 * MRO that was created from a spec of def's module. Borrowed. */
static inline PyObject *
gy_type_module_by_def(PyTypeObject *tp, struct PyModuleDef *def)
{
    PyObject *mro = tp->tp_mro;
    Py_ssize_t n = mro ? PyTuple_GET_SIZE(mro) : 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyTypeObject *t = (PyTypeObject *)PyTuple_GET_ITEM(mro, i);
        if (!(t->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
            continue;
        }
        PyObject *m = ((PyHeapTypeObject *)t)->ht_module;
        if (m != NULL && PyModule_GetDef(m) == def) {
            return m;
        }
    }
    PyErr_Format(PyExc_TypeError, "%s is not a type of this module",
                 tp->tp_name);
    return NULL;
}
#else
#define gy_type_module_by_def PyType_GetModuleByDef
#endif

/* textwrap cuts an over-long word after its last fitting hyphen since 3.10
 * (bpo-28660); 3.9 cuts at the width. wrap.c follows the running version. */
#if PY_VERSION_HEX < 0x030A0000
#define GY_TEXTWRAP_LONG_WORD_HYPHENS 0
#endif

/* Pause the cyclic collector while a partition makes its labels: they
 * cannot form cycles, and a million-object heap would otherwise be
 * collected over and over while they are made (a full collection costs as
 * much as a walk). 3.9 has no C API for it: there the collector runs. */
#if PY_VERSION_HEX >= 0x030A0000
#define GY_CAN_PAUSE_GC 1
#define gy_gc_pause() PyGC_Disable()
#define gy_gc_resume(was) ((was) ? (void)PyGC_Enable() : (void)0)
#else
#define GY_CAN_PAUSE_GC 0
#define gy_gc_pause() 0
#define gy_gc_resume(was) ((void)(was))
#endif

#endif /* GY_COMPAT_H */
