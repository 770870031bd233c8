/* relate.c -- names for references: for a source object, each of its
 * references together with the step a Python expression would take to
 * follow it, in heapy's notation (its Path.py relation kinds).
 *
 * byvia and paths need, for an edge of the graph, the name of the edge.
 * heapy asks "how does src refer to dst" per edge and scans src each time,
 * which is quadratic for a big dict referring to many members. Here the
 * question is turned around: gy_relate lists every named reference of src
 * once, and the caller keeps the ones it wants. Cost O(references of src).
 *
 * What is named follows the object's type: items of dicts (by key, and
 * keys by position), lists, tuples and sets (by position); attributes held
 * in an instance's dict pointer, inline values (3.11+, read without
 * creating the dict) and slots; the fields of types, functions, code
 * objects, cells, methods and descriptors under their Python attribute
 * names; frame variables by name; and any object member a type declares
 * (tp_members). The rest has no name, as in heapy.
 *
 * Nothing here calls Python code except gy_rel_str (the repr of a dict
 * key).
 */
#include "relate.h"

#include "frameobject.h"
#include "structmember.h"

/* One object member of a type: offset into the instance and name. */
typedef struct Member {
    Py_ssize_t offset;
    const char *name;
} Member;

typedef struct MemberList {
    Py_ssize_t n;
    Member m[1];
} MemberList;

int
gy_relater_init(GyRelater *r)
{
    return gy_ptrmap_init(&r->members, 64);
}

void
gy_relater_fini(GyRelater *r)
{
    if (r->members.keys != NULL) {
        for (size_t i = 0; i <= r->members.mask; i++) {
            if (r->members.keys[i] != NULL) {
                PyMem_Free((void *)r->members.values[i]);
            }
        }
    }
    gy_ptrmap_fini(&r->members);
}

/* The object members of tp and its bases (slots included), computed once
 * per type; NULL with MemoryError. */
static const MemberList *
type_members(GyRelater *r, PyTypeObject *tp)
{
    uintptr_t value;
    if (gy_ptrmap_get(&r->members, tp, &value)) {
        return (const MemberList *)value;
    }
    Py_ssize_t n = 0;
    PyObject *mro = tp->tp_mro;
    Py_ssize_t nbases = (mro != NULL && PyTuple_Check(mro))
                        ? PyTuple_GET_SIZE(mro) : 0;
    for (int pass = 0; pass < 2; pass++) {
        MemberList *list = NULL;
        if (pass == 1) {
            list = PyMem_Malloc(sizeof(MemberList)
                                + (size_t)n * sizeof(Member));
            if (list == NULL) {
                PyErr_NoMemory();
                return NULL;
            }
            list->n = 0;
        }
        for (Py_ssize_t b = 0; b < (nbases ? nbases : 1); b++) {
            PyTypeObject *t = nbases
                ? (PyTypeObject *)PyTuple_GET_ITEM(mro, b) : tp;
            if (!PyType_Check(t) || t->tp_members == NULL) {
                continue;
            }
            for (PyMemberDef *m = t->tp_members; m->name != NULL; m++) {
                if (m->type != T_OBJECT && m->type != T_OBJECT_EX) {
                    continue;
                }
                if (pass == 0) {
                    n++;
                }
                else {
                    list->m[list->n].offset = m->offset;
                    list->m[list->n].name = m->name;
                    list->n++;
                }
            }
        }
        if (pass == 1) {
            if (gy_ptrmap_set(&r->members, tp, (uintptr_t)list) < 0) {
                PyMem_Free(list);
                return NULL;
            }
            return list;
        }
    }
    return NULL;
}

#define REL_EMIT(k, nm, o, i, dst)                                     \
    do {                                                               \
        PyObject *d_ = (PyObject *)(dst);                              \
        if (d_ != NULL) {                                              \
            GyRel rel_ = {(k), (nm), (PyObject *)(o), (i), NULL};      \
            int rc_ = proc(&rel_, d_, arg);                            \
            if (rc_) {                                                 \
                return rc_;                                            \
            }                                                          \
        }                                                              \
    } while (0)

#define REL_ATTR(nm, dst) REL_EMIT(GY_REL_ATTRIBUTE, (nm), NULL, 0, (dst))
#define REL_INTER(nm, dst) REL_EMIT(GY_REL_INTERATTR, (nm), NULL, 0, (dst))

/* ------------------------------------------------------------------ */
/* Per type */

static int
relate_dict(PyObject *src, gy_relproc proc, void *arg)
{
    Py_ssize_t pos = 0, i = 0;
    PyObject *key, *value;
    while (PyDict_Next(src, &pos, &key, &value)) {
        REL_EMIT(GY_REL_INDEXVAL, NULL, key, 0, value);
        REL_EMIT(GY_REL_INDEXKEY, NULL, NULL, i, key);
        i++;
    }
    return 0;
}

typedef struct SetVisit {
    gy_relproc proc;
    void *arg;
    Py_ssize_t i;
} SetVisit;

/* visitproc over a set's tp_traverse, which visits the members in
 * iteration order: list(s)[i] is the i-th visited. */
static int
relate_set_member(PyObject *member, void *arg)
{
    SetVisit *sv = arg;
    GyRel rel = {GY_REL_INSET, NULL, NULL, sv->i++, NULL};
    return sv->proc(&rel, member, sv->arg);
}

static int
relate_type(PyTypeObject *tp, gy_relproc proc, void *arg)
{
    REL_ATTR("__dict__", gy_peek_type_dict(tp));
    REL_ATTR("__mro__", tp->tp_mro);
    REL_ATTR("__bases__", tp->tp_bases);
    REL_ATTR("__base__", tp->tp_base);
    REL_INTER("tp_cache", tp->tp_cache);
    if (tp->tp_flags & Py_TPFLAGS_HEAPTYPE) {
        PyHeapTypeObject *ht = (PyHeapTypeObject *)tp;
        REL_ATTR("__name__", ht->ht_name);
        REL_ATTR("__qualname__", ht->ht_qualname);
        REL_INTER("ht_slots", ht->ht_slots);
        REL_INTER("ht_module", ht->ht_module);
#if PY_VERSION_HEX >= 0x030C0000
        REL_INTER("tp_subclasses", (PyObject *)tp->tp_subclasses);
#endif
    }
#if PY_VERSION_HEX < 0x030C0000
    REL_INTER("tp_subclasses", tp->tp_subclasses);
#endif
    return 0;
}

static int
relate_function(PyFunctionObject *f, gy_relproc proc, void *arg)
{
    REL_ATTR("__code__", f->func_code);
    REL_ATTR("__globals__", f->func_globals);
    REL_ATTR("__module__", f->func_module);
    REL_ATTR("__defaults__", f->func_defaults);
    REL_ATTR("__kwdefaults__", f->func_kwdefaults);
    REL_ATTR("__doc__", f->func_doc);
    REL_ATTR("__name__", f->func_name);
    REL_ATTR("__qualname__", f->func_qualname);
    REL_ATTR("__closure__", f->func_closure);
    REL_ATTR("__dict__", f->func_dict);
    REL_ATTR("__annotations__", f->func_annotations);
#if PY_VERSION_HEX >= 0x030A0000
    REL_ATTR("__builtins__", f->func_builtins);
#endif
#if PY_VERSION_HEX >= 0x030C0000
    REL_ATTR("__type_params__", f->func_typeparams);
#endif
    return 0;
}

static int
relate_code(PyCodeObject *co, gy_relproc proc, void *arg)
{
#if PY_VERSION_HEX >= 0x030C0000
    if (co->_co_cached != NULL) {
        REL_ATTR("co_code", co->_co_cached->_co_code);
        REL_ATTR("co_cellvars", co->_co_cached->_co_cellvars);
        REL_ATTR("co_freevars", co->_co_cached->_co_freevars);
        REL_ATTR("co_varnames", co->_co_cached->_co_varnames);
    }
#elif PY_VERSION_HEX >= 0x030B0000
    REL_ATTR("co_code", co->_co_code);
#else
    REL_ATTR("co_code", co->co_code);
    REL_ATTR("co_varnames", co->co_varnames);
    REL_ATTR("co_freevars", co->co_freevars);
    REL_ATTR("co_cellvars", co->co_cellvars);
#endif
    REL_ATTR("co_consts", co->co_consts);
    REL_ATTR("co_names", co->co_names);
    REL_ATTR("co_filename", co->co_filename);
    REL_ATTR("co_name", co->co_name);
#if PY_VERSION_HEX >= 0x030B0000
    REL_ATTR("co_qualname", co->co_qualname);
    REL_ATTR("co_exceptiontable", co->co_exceptiontable);
    /* No Python attribute reads these two as they are stored. */
    REL_INTER("co_localsplusnames", co->co_localsplusnames);
    REL_INTER("co_localspluskinds", co->co_localspluskinds);
#endif
    REL_INTER("co_weakreflist", co->co_weakreflist);
#if PY_VERSION_HEX >= 0x030A0000
    REL_ATTR("co_linetable", co->co_linetable);
#else
    REL_ATTR("co_lnotab", co->co_lnotab);
#endif
    return 0;
}

typedef struct RootVisit {
    gy_relproc proc;
    void *arg;
} RootVisit;

/* gy_rootproc: a frame object's reference, named as a frame edge. */
static int
relate_frame_ref(PyObject *obj, const GyRootRef *ref, void *arg)
{
    RootVisit *rv = arg;
    GyRel rel;
    if (!gy_relate_rootref(ref, &rel)) {
        return 0;
    }
    return rv->proc(&rel, obj, rv->arg);
}

/* gy_attrproc: an attribute held without a dict. */
static int
relate_inline_attr(PyObject *name, PyObject *value, void *arg)
{
    RootVisit *rv = arg;
    GyRel rel = {GY_REL_ATTRIBUTE, NULL, name, 0, NULL};
    return rv->proc(&rel, value, rv->arg);
}

/* What every object may have: its type (for instances of classes), its
 * dict or inline attributes, and the object members of its type. */
static int
relate_instance(GyRelater *r, PyObject *src, int with_dict,
                gy_relproc proc, void *arg)
{
    PyTypeObject *tp = Py_TYPE(src);
    if (tp->tp_flags & Py_TPFLAGS_HEAPTYPE) {
        REL_EMIT(GY_REL_INTERATTR, "ob_type", NULL, 0, tp);
    }
    if (with_dict) {
        REL_ATTR("__dict__", gy_peek_dict(src));
        RootVisit rv = {proc, arg};
        int rc = gy_visit_inline_attrs(src, relate_inline_attr, &rv);
        if (rc) {
            return rc;
        }
    }
    const MemberList *ml = type_members(r, tp);
    if (ml == NULL) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < ml->n; i++) {
        PyObject *v = *(PyObject **)((char *)src + ml->m[i].offset);
        REL_ATTR(ml->m[i].name, v);
    }
    return 0;
}

int
gy_relate(GyRelater *r, PyObject *src, gy_relproc proc, void *arg)
{
    PyTypeObject *tp = Py_TYPE(src);
    int rc;
    if (PyDict_Check(src)) {
        if ((rc = relate_dict(src, proc, arg)) != 0) {
            return rc;
        }
    }
    else if (PyList_Check(src)) {
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(src); i++) {
            REL_EMIT(GY_REL_INDEXVAL, NULL, NULL, i, PyList_GET_ITEM(src, i));
        }
    }
    else if (PyTuple_Check(src)) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(src); i++) {
            REL_EMIT(GY_REL_INDEXVAL, NULL, NULL, i,
                     PyTuple_GET_ITEM(src, i));
        }
    }
    else if (PyAnySet_Check(src)) {
        SetVisit sv = {proc, arg, 0};
        if ((rc = PySet_Type.tp_traverse(src, relate_set_member, &sv)) != 0) {
            return rc;
        }
    }
    else if (PyType_Check(src)) {
        return relate_type((PyTypeObject *)src, proc, arg);
    }
    else if (PyFunction_Check(src)) {
        return relate_function((PyFunctionObject *)src, proc, arg);
    }
    else if (PyCode_Check(src)) {
        return relate_code((PyCodeObject *)src, proc, arg);
    }
    else if (PyCell_Check(src)) {
        REL_ATTR("cell_contents", PyCell_GET(src));
        return 0;
    }
    else if (PyModule_Check(src)) {
        REL_ATTR("__dict__", PyModule_GetDict(src));
        return 0;
    }
    else if (PyFrame_Check(src)) {
        RootVisit rv = {proc, arg};
        return gy_visit_frame_object(src, relate_frame_ref, &rv);
    }
    else if (PyGen_Check(src)) {
        REL_ATTR("gi_code", gy_gen_code(src));
        return 0;
    }
    else if (PyCoro_CheckExact(src)) {
        REL_ATTR("cr_code", gy_gen_code(src));
        return 0;
    }
    else if (PyAsyncGen_CheckExact(src)) {
        REL_ATTR("ag_code", gy_gen_code(src));
        return 0;
    }
    else if (PyCFunction_Check(src)) {
        REL_ATTR("__self__", PyCFunction_GET_SELF(src));
    }
    else if (tp == &PyDictProxy_Type) {
        REL_EMIT(GY_REL_INTERATTR, "mapping", NULL, 0,
                 gy_mappingproxy_mapping(src));
        return 0;
    }
    return relate_instance(r, src, 1, proc, arg);
}

int
gy_relate_rootref(const GyRootRef *ref, GyRel *out)
{
    memset(out, 0, sizeof(*out));
    if (!ref->in_frame || ref->member == NULL) {
        /* A member of the interpreter or a thread, or a frame seen from
           the root: named after the root. */
        out->kind = GY_REL_ROOT;
        out->root = ref;
        return 1;
    }
    const char *m = ref->member;
    if (strcmp(m, "f_localsplus") == 0) {
        GySlotKind kind;
        PyObject *name = gy_code_slot_name(ref->code, ref->slot, &kind);
        if (name != NULL) {
            out->kind = kind == GY_SLOT_CELL ? GY_REL_CELL
                                             : GY_REL_LOCAL_VAR;
            out->obj = name;
        }
        else {
            out->kind = GY_REL_STACK;
            out->index = ref->slot - gy_code_nslots(ref->code);
        }
        return 1;
    }
    if (strcmp(m, "frame") == 0) {
        return 0;
    }
    if (strcmp(m, "f_func") == 0) {
        out->kind = GY_REL_INTERATTR;
        out->name = m;
        return 1;
    }
    out->kind = GY_REL_ATTRIBUTE;
    out->name = m;
    return 1;
}

/* repr(key) for an item label; a repr that fails or lies is replaced by
 * the default one, so one odd key cannot stop a table. MemoryError and
 * what is not an Exception (KeyboardInterrupt) propagate. */
static PyObject *
rel_key_repr(PyObject *key)
{
    PyObject *r = PyObject_Repr(key);
    if (r != NULL || PyErr_ExceptionMatches(PyExc_MemoryError)
        || !PyErr_ExceptionMatches(PyExc_Exception)) {
        return r;
    }
    PyErr_Clear();
    return PyUnicode_FromFormat("<%s object at %p>", Py_TYPE(key)->tp_name,
                                (void *)key);
}

/* before + decimal index + after, as a str, written in place: byvia may
 * name a million list items, and formatting through snprintf and then
 * decoding took most of the time of naming them. before and after are
 * ASCII. */
static PyObject *
rel_index_str(const char *before, Py_ssize_t index, const char *after)
{
    char digits[24];
    size_t nd = 0;
    size_t u = index < 0 ? (size_t)0 - (size_t)index : (size_t)index;
    do {
        digits[nd++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (index < 0) {
        digits[nd++] = '-';
    }
    size_t nb = strlen(before), na = strlen(after);
    PyObject *r = PyUnicode_New((Py_ssize_t)(nb + nd + na), 127);
    if (r == NULL) {
        return NULL;
    }
    Py_UCS1 *out = PyUnicode_1BYTE_DATA(r);
    memcpy(out, before, nb);
    for (size_t i = 0; i < nd; i++) {
        out[nb + i] = (Py_UCS1)digits[nd - 1 - i];
    }
    memcpy(out + nb + nd, after, na);
    return r;
}

int
gy_rel_text_is_unique(const GyRel *rel)
{
    switch (rel->kind) {
    case GY_REL_INDEXVAL:
        return rel->obj == NULL;
    case GY_REL_INDEXKEY:
    case GY_REL_HASATTR:
    case GY_REL_STACK:
    case GY_REL_INSET:
        return 1;
    default:
        return 0;
    }
}

PyObject *
gy_rel_str(const GyRel *rel)
{
    switch (rel->kind) {
    case GY_REL_ATTRIBUTE:
        if (rel->name != NULL) {
            return PyUnicode_FromFormat(".%s", rel->name);
        }
        return PyUnicode_FromFormat(".%U", rel->obj);
    case GY_REL_INDEXVAL: {
        if (rel->obj == NULL) {
            return rel_index_str("[", rel->index, "]");
        }
        PyObject *r = rel_key_repr(rel->obj);
        if (r == NULL) {
            return NULL;
        }
        PyObject *s = PyUnicode_FromFormat("[%U]", r);
        Py_DECREF(r);
        return s;
    }
    case GY_REL_INDEXKEY:
        return rel_index_str(".keys()[", rel->index, "]");
    case GY_REL_INTERATTR:
        return PyUnicode_FromFormat("->%s", rel->name);
    case GY_REL_HASATTR:
        return rel_index_str(".__dict__.keys()[", rel->index, "]");
    case GY_REL_LOCAL_VAR:
        return PyUnicode_FromFormat(".f_locals[%R]", rel->obj);
    case GY_REL_CELL:
        return PyUnicode_FromFormat(".f_locals [%R]", rel->obj);
    case GY_REL_STACK:
        return rel_index_str("->f_valuestack[", rel->index, "]");
    case GY_REL_INSET:
        return rel_index_str("list(_)[", rel->index, "]");
    case GY_REL_ROOT: {
        const GyRootRef *ref = rel->root;
        if (ref->thread_id == 0 && ref->frame_no < 0) {
            return PyUnicode_FromFormat(".i0_%s", ref->member);
        }
        if (ref->member == NULL || ref->frame_no >= 0) {
            return PyUnicode_FromFormat(".i0_t%lu_f%d", ref->thread_id,
                                        ref->frame_no);
        }
        return PyUnicode_FromFormat(".i0_t%lu_%s", ref->thread_id,
                                    ref->member);
    }
    }
    PyErr_SetString(PyExc_SystemError, "unknown relation kind");
    return NULL;
}
