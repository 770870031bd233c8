/* walk.c -- the heap walk: every object reachable from the interpreter's
 * roots, minus the profiler's own objects, as a sorted array of strong
 * references, plus the owner of every dict met on the way.
 *
 * The walk is a depth-first search with an explicit stack (a 10-million
 * long linked list must not overflow the C stack). Edges come from each
 * type's tp_traverse, completed where CPython's is partial for a profiler:
 * type objects (static types must not go through tp_traverse), code
 * objects (not GC types), and dicts (tp_traverse skips str keys, which
 * cannot form cycles but are memory all the same). The visited set is a
 * GyMarkSet, an address bitmap that also yields the result in address
 * order, so no sort follows.
 *
 * Facts about each type (how to traverse it, whether it is hidden, whether
 * its instances own a dict) are computed once per walk in a GyPtrMap.
 *
 * Re-entrancy: nothing here calls Python code or allocates Python objects
 * (tp_traverse, PyDict_Next and PyType_IsSubtype do neither), so no object
 * can die or move while the walk holds raw pointers. Each reached object
 * gets its strong reference when it is first marked (its header is in
 * cache then); walker_fini gives them back if the walk fails.
 *
 * Cost: O(objects + edges); memory: the bitmap (1/128 of the heap's span),
 * the stack (at most one word per object), the owner map.
 */
#include "walk.h"

#include "markset.h"
#include "pyinternals.h"

/* Type facts, in the low bits of a GyPtrMap value. */
enum {
    TRAV_NONE = 0,        /* no references (str, int, float, ...) */
    TRAV_TP = 1,          /* tp_traverse says it all */
    TRAV_TYPE = 2,        /* a type object: gy_visit_type */
    TRAV_CODE = 3,        /* a code object: gy_visit_code */
    TRAV_DICT = 4,        /* a dict: keys and values, then tp_traverse */
    TRAV_MASK = 7,
    FACT_HIDDEN = 8,      /* the profiler's own: neither shown nor walked */
    FACT_DICT_OWNER = 16, /* instances may own a __dict__ */
    FACT_MODULE = 32,     /* module: owns its md_dict */
    FACT_KNOWN = 64      /* set on every entry, so 0 means unknown */
};

typedef struct Walker {
    GyState *state;
    GyMarkSet marks;
    PyObject **stack;
    Py_ssize_t depth;
    Py_ssize_t capacity;
    GyPtrMap facts;            /* type -> facts */
    GyPtrCache facts_cache;    /* recent entries of facts */
    GyOwners *owners;
    PyObject **hidden;         /* hidden objects marked, to unmark */
    Py_ssize_t nhidden;
    Py_ssize_t hidden_cap;
} Walker;

/* ------------------------------------------------------------------ */
/* Type facts */

static uintptr_t
facts_compute(Walker *w, PyTypeObject *tp)
{
    uintptr_t f = FACT_KNOWN;
    if (PyType_IsSubtype(tp, w->state->hidden_type)) {
        return f | FACT_HIDDEN;
    }
    if (tp->tp_flags & Py_TPFLAGS_TYPE_SUBCLASS) {
        f |= TRAV_TYPE;
    }
    else if (tp == &PyCode_Type) {
        f |= TRAV_CODE;
    }
    else if (tp->tp_flags & Py_TPFLAGS_DICT_SUBCLASS) {
        f |= TRAV_DICT;
    }
    else if (tp->tp_traverse != NULL) {
        f |= TRAV_TP;
    }
    if (PyType_IsSubtype(tp, &PyModule_Type)) {
        f |= FACT_MODULE;
    }
    else if (tp->tp_dictoffset != 0 || gy_type_has_managed_dict(tp)) {
        f |= FACT_DICT_OWNER;
    }
    return f;
}

/* Facts of tp, or 0 with MemoryError. */
static inline uintptr_t
type_facts(Walker *w, PyTypeObject *tp)
{
    uintptr_t f;
    if (gy_ptrcache_get(&w->facts_cache, tp, &f)) {
        return f;
    }
    int added;
    uintptr_t *slot = gy_ptrmap_slot(&w->facts, tp, &added);
    if (slot == NULL) {
        return 0;
    }
    if (added) {
        *slot = facts_compute(w, tp);
    }
    gy_ptrcache_put(&w->facts_cache, tp, *slot);
    return *slot;
}

static int
record_owner(Walker *w, PyObject *dict, PyObject *owner)
{
    if (dict == NULL || !PyDict_CheckExact(dict)) {
        return 0;
    }
    return gy_owners_add(w->owners, dict, owner);
}

/* ------------------------------------------------------------------ */
/* The search */

static int
walk_push(Walker *w, PyObject *op)
{
    if (w->depth == w->capacity
        && gy_grow(&w->stack, &w->capacity, w->depth + 1,
                   sizeof(PyObject *)) < 0) {
        return -1;
    }
    w->stack[w->depth++] = op;
    return 0;
}

/* visitproc: reach op. Returns 0, or -1 with MemoryError. */
static int
walk_reach(PyObject *op, void *arg)
{
    Walker *w = arg;
    int added = gy_markset_add(&w->marks, op);
    if (added <= 0) {
        return added;
    }
    uintptr_t f = type_facts(w, Py_TYPE(op));
    if (f == 0) {
        return -1;
    }
    if (f & FACT_HIDDEN) {
        /* Keep it marked so later edges stop here too; unmarked at the
           end so it is not reported. */
        if (w->nhidden == w->hidden_cap
            && gy_grow(&w->hidden, &w->hidden_cap, w->nhidden + 1,
                       sizeof(PyObject *)) < 0) {
            return -1;
        }
        w->hidden[w->nhidden++] = op;
        return 0;
    }
    /* The result's strong reference, taken now that the header is in
       cache; released by walker_fini if the walk fails. */
    Py_INCREF(op);
    if ((f & TRAV_MASK) != TRAV_NONE
        || (f & (FACT_DICT_OWNER | FACT_MODULE))) {
        return walk_push(w, op);
    }
    return 0;
}

static int
walk_root(PyObject *op, const GyRootRef *ref, void *arg)
{
    (void)ref;
    return walk_reach(op, arg);
}

static int
walk_is_own_frame(PyObject *globals, void *arg)
{
    Walker *w = arg;
    PyObject *own = w->state->own_globals;
    Py_ssize_t n = PyList_GET_SIZE(own);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (PyList_GET_ITEM(own, i) == globals) {
            return 1;
        }
    }
    return 0;
}

static int
walk_dict(PyObject *dict, Walker *w)
{
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(dict, &pos, &key, &value)) {
        if (walk_reach(key, w) < 0 || walk_reach(value, w) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Follow every reference of op. */
static int
walk_expand(Walker *w, PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);
    uintptr_t f = type_facts(w, tp);
    if (f == 0) {
        return -1;
    }
    if (f & FACT_MODULE) {
        if (record_owner(w, PyModule_GetDict(op), op) < 0) {
            return -1;
        }
    }
    else if (f & FACT_DICT_OWNER) {
        if (record_owner(w, gy_peek_dict(op), op) < 0) {
            return -1;
        }
    }
    switch (f & TRAV_MASK) {
    case TRAV_TP:
        return tp->tp_traverse(op, walk_reach, w);
    case TRAV_DICT:
        if (walk_dict(op, w) < 0) {
            return -1;
        }
        return tp->tp_traverse(op, walk_reach, w);
    case TRAV_CODE:
        return gy_visit_code(op, walk_reach, w);
    case TRAV_TYPE: {
        PyTypeObject *t = (PyTypeObject *)op;
        PyObject *dict = gy_peek_type_dict(t);
        if (record_owner(w, dict, op) < 0) {
            return -1;
        }
        if (gy_visit_type(t, walk_reach, w)) {
            return -1;
        }
        /* A metaclass's own slots and dict: its tp_traverse ends in
           type_traverse, which is safe on heap types only. */
        if (tp != &PyType_Type && (t->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
            return tp->tp_traverse(op, walk_reach, w);
        }
        return 0;
    }
    default:
        return 0;
    }
}

static void
walk_release(PyObject *op)
{
    Py_DECREF(op);
}

/* Release everything, including the references taken on reached objects
 * unless they were handed over (w->marks emptied). */
static void
walker_fini(Walker *w)
{
    if (w->marks.count > 0) {
        for (Py_ssize_t i = 0; i < w->nhidden; i++) {
            gy_markset_discard(&w->marks, w->hidden[i]);
        }
        w->nhidden = 0;
        gy_markset_foreach(&w->marks, walk_release);
    }
    gy_markset_fini(&w->marks);
    gy_ptrmap_fini(&w->facts);
    PyMem_Free(w->stack);
    PyMem_Free(w->hidden);
    gy_owners_decref(w->owners);
    w->stack = NULL;
    w->hidden = NULL;
    w->owners = NULL;
}

static int
walker_run(Walker *w, GyState *state)
{
    memset(w, 0, sizeof(*w));
    w->state = state;
    if (gy_markset_init(&w->marks) < 0
        || gy_ptrmap_init(&w->facts, 1024) < 0
        || (w->owners = gy_owners_new()) == NULL) {
        return -1;
    }
    w->capacity = 4096;
    w->stack = gy_alloc_array(w->capacity, sizeof(PyObject *));
    if (w->stack == NULL) {
        return -1;
    }
    if (gy_visit_roots(walk_root, walk_is_own_frame, w)) {
        return -1;
    }
    /* Invariant: every marked, non-hidden object with references is on
       the stack or has been expanded. */
    while (w->depth > 0) {
        PyObject *op = w->stack[--w->depth];
        if (walk_expand(w, op)) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_RuntimeError,
                                "heap walk: a tp_traverse failed");
            }
            return -1;
        }
    }
    for (Py_ssize_t i = 0; i < w->nhidden; i++) {
        gy_markset_discard(&w->marks, w->hidden[i]);
    }
    w->nhidden = 0;
    if (gy_owners_seal(w->owners) < 0) {
        return -1;
    }
    return 0;
}

int
gy_walk_heap(GyState *state, GyWalkResult *out)
{
    Walker w;
    memset(out, 0, sizeof(*out));
    if (walker_run(&w, state) < 0) {
        walker_fini(&w);
        return -1;
    }
    Py_ssize_t n = w.marks.count;
    PyObject **items = gy_alloc_array(n + 1, sizeof(PyObject *));
    if (items == NULL || gy_markset_sorted(&w.marks, items) < 0) {
        PyMem_Free(items);
        walker_fini(&w);
        return -1;
    }
    out->items = items;
    out->count = n;
    out->owners = w.owners;
    w.owners = NULL;
    gy_markset_fini(&w.marks);      /* the references now belong to out */
    walker_fini(&w);
    return 0;
}

void
gy_walk_result_clear(GyWalkResult *r)
{
    for (Py_ssize_t i = 0; i < r->count; i++) {
        Py_DECREF(r->items[i]);
    }
    PyMem_Free(r->items);
    gy_owners_decref(r->owners);
    memset(r, 0, sizeof(*r));
}

GyOwners *
gy_walk_owners(GyState *state)
{
    Walker w;
    if (walker_run(&w, state) < 0) {
        walker_fini(&w);
        return NULL;
    }
    GyOwners *o = w.owners;
    w.owners = NULL;
    walker_fini(&w);                /* drops the references to the nodes */
    return o;
}
