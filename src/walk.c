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

#include "bigmem.h"
#include "classify.h"
#include "markset.h"
#include "pyinternals.h"
#include "sizes.h"

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
    GyReferents facts;         /* type -> facts */
    GyEdgeLog *log;            /* if set, every edge followed is logged */
    struct Tally *tally;       /* if set, the Clodo table is summed */
    GyOwners *owners;
    /* Marked, but the walk failed before taking its reference (or
       listing it as hidden): walker_fini must not release it. */
    PyObject *unowned;
    PyObject **hidden;         /* hidden objects marked, to unmark */
    Py_ssize_t nhidden;
    Py_ssize_t hidden_cap;
    int borrow;                /* take no references (a borrowed graph) */
} Walker;

/* ------------------------------------------------------------------ */
/* Type facts */

static uintptr_t
facts_compute(GyReferents *r, PyTypeObject *tp)
{
    uintptr_t f = FACT_KNOWN;
    if (PyType_IsSubtype(tp, r->state->hidden_type)) {
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
type_facts(GyReferents *r, PyTypeObject *tp)
{
    uintptr_t f;
    if (gy_ptrcache_get(&r->cache, tp, &f)) {
        return f;
    }
    int added;
    uintptr_t *slot = gy_ptrmap_slot(&r->facts, tp, &added);
    if (slot == NULL) {
        return 0;
    }
    if (added) {
        *slot = facts_compute(r, tp);
    }
    gy_ptrcache_put(&r->cache, tp, *slot);
    return *slot;
}

/* The Clodo table summed during the walk: each object is sized and
 * classed when first reached, its header still in cache, so printing
 * heap() needs no second pass over a million objects. Dicts wait for
 * their owners (known only once the walk is done) and objects whose size
 * needs Python code wait for the walk to end. */
typedef struct DictSize {
    PyObject *dict;
    uintptr_t size;
} DictSize;

/* What the tally knows of a type: how to size its instances without
 * running Python code, and its row in the totals. */
typedef struct TallyType {
    PyTypeObject *tp;
    GySizeWay way;
    Py_ssize_t row;            /* position in totals.rows */
} TallyType;

#define TALLY_TYPES 64

typedef struct Tally {
    TallyType types[TALLY_TYPES];  /* direct-mapped by type address */
    GyTotals totals;
    GySizer sizer;
    DictSize *dicts;
    Py_ssize_t ndicts, dicts_cap;
    PyObject **later;          /* to size after the walk */
    Py_ssize_t nlater, later_cap;
    GyMarkSet owned;           /* every dict recorded with an owner */
    /* The dict of the owner being expanded, not yet reached: reached
       from its owner, as nearly every dict is, it is classed at once. */
    PyObject *pending_dict;
    uintptr_t pending_key;
} Tally;

static int
tally_object(Tally *t, PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);
    if (tp == &PyDict_Type) {
        return 0;                   /* tallied when expanded */
    }
    TallyType *tt = &t->types[gy_ptrcache_index(tp) & (TALLY_TYPES - 1)];
    if (tt->tp != tp) {
        tt->tp = NULL;
        if (gy_sizer_way(&t->sizer, tp, &tt->way) < 0
            || (tt->row = gy_totals_row(&t->totals, (uintptr_t)tp)) < 0) {
            return -1;
        }
        tt->tp = tp;
    }
    Py_ssize_t size = gy_size_quick(&tt->way, op);
    if (size >= 0) {
        t->totals.count++;
        t->totals.size += size;
        t->totals.rows[tt->row].count++;
        t->totals.rows[tt->row].size += size;
        return 0;
    }
    if (size == -1) {
        return -1;
    }
    /* -2: its size needs Python code; sized after the walk. */
    if (t->nlater == t->later_cap
        && gy_grow(&t->later, &t->later_cap, t->nlater + 1,
                   sizeof(PyObject *)) < 0) {
        return -1;
    }
    t->later[t->nlater++] = op;
    return 0;
}

/* An exact dict, once expanded (its keys object is in cache then): key is
 * its class if its owner was met first, else 0: classed at the end. */
static int
tally_dict(Tally *t, PyObject *op, uintptr_t key)
{
    Py_ssize_t size = gy_fast_sizeof(op);
    if (size < 0) {
        size = gy_sizer_size(&t->sizer, op);   /* C __sizeof__ of dict */
        if (size < 0) {
            return -1;
        }
    }
    else {
        size += (Py_ssize_t)gy_size_overhead(op);
    }
    if (key != 0) {
        return gy_totals_add(&t->totals, key, size);
    }
    {
        /* Reached before its owner, if it has one: classed at the end. */
        if (t->ndicts == t->dicts_cap
            && gy_grow(&t->dicts, &t->dicts_cap, t->ndicts + 1,
                       sizeof(DictSize)) < 0) {
            return -1;
        }
        t->dicts[t->ndicts].dict = op;
        t->dicts[t->ndicts].size = (uintptr_t)size;
        t->ndicts++;
        return 0;
    }
}

static void
tally_fini(Tally *t)
{
    gy_markset_fini(&t->owned);
    gy_totals_fini(&t->totals);
    gy_sizer_fini(&t->sizer);
    PyMem_Free(t->dicts);
    PyMem_Free(t->later);
    memset(t, 0, sizeof(*t));
}

/* After the walk: the dicts tallied before their owner was known. Most
 * have none; the few whose owner came later are found in one pass over
 * the owner pairs (unsorted: heap() leaves sorting them until a lookup
 * needs it). Then the objects left to size, which may run Python code
 * (__sizeof__ methods); the walk holds a reference to every object. */
static int
tally_finish(Tally *t, const GyOwners *owners)
{
    GyPtrMap late;             /* dict -> index + 1 in t->dicts */
    if (gy_ptrmap_init(&late, 16) < 0) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < t->ndicts; i++) {
        PyObject *d = t->dicts[i].dict;
        if (gy_markset_contains(&t->owned, d)) {
            if (gy_ptrmap_set(&late, d, (uintptr_t)i + 1) < 0) {
                goto error;
            }
            continue;
        }
        if (gy_totals_add(&t->totals,
                          (uintptr_t)&PyDict_Type | GY_CLODO_NOOWNER,
                          (Py_ssize_t)t->dicts[i].size) < 0) {
            goto error;
        }
    }
    for (Py_ssize_t i = 0; late.used > 0 && i < owners->count; i++) {
        uintptr_t v;
        PyObject *d = owners->pairs[i].dict;
        if (!gy_ptrmap_get(&late, d, &v) || v == 0) {
            continue;               /* the first owner recorded wins */
        }
        Py_ssize_t k = (Py_ssize_t)v - 1;
        (void)gy_ptrmap_set(&late, d, 0);   /* present: cannot fail */
        uintptr_t key = (uintptr_t)Py_TYPE(owners->pairs[i].owner)
                        | GY_CLODO_DICTOF;
        if (gy_totals_add(&t->totals, key,
                          (Py_ssize_t)t->dicts[k].size) < 0) {
            goto error;
        }
    }
    gy_ptrmap_fini(&late);
    for (Py_ssize_t i = 0; i < t->nlater; i++) {
        PyObject *op = t->later[i];
        Py_ssize_t size = gy_sizer_size(&t->sizer, op);
        if (size < 0
            || gy_totals_add(&t->totals,
                             gy_classify_key(GY_BY_CLODO, op, size, owners,
                                             NULL), size) < 0) {
            return -1;
        }
    }
    return 0;
error:
    gy_ptrmap_fini(&late);
    return -1;
}

static int
record_owner(Walker *w, PyObject *dict, PyObject *owner)
{
    if (dict == NULL || !PyDict_CheckExact(dict)) {
        return 0;
    }
    if (w->tally != NULL) {
        /* If already reached, it was tallied as unowned: fixed at the
           end, found by the owned set. */
        if (gy_markset_add(&w->tally->owned, dict) < 0) {
            return -1;
        }
        w->tally->pending_dict = dict;
        w->tally->pending_key = (uintptr_t)Py_TYPE(owner)
                                | GY_CLODO_DICTOF;
    }
    return gy_owners_add(w->owners, dict, owner);
}

/* ------------------------------------------------------------------ */
/* The search */

/* A stack entry with this bit set is not an object but the Clodo class of
 * the dict below it (objects are 8-byte aligned; class keys use only the
 * two low bits). */
#define STACK_CLASS_TAG ((uintptr_t)4)

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
    uintptr_t f = type_facts(&w->facts, Py_TYPE(op));
    if (f == 0) {
        w->unowned = op;
        return -1;
    }
    if (f & FACT_HIDDEN) {
        /* Keep it marked so later edges stop here too; unmarked at the
           end so it is not reported. */
        if (w->nhidden == w->hidden_cap
            && gy_grow(&w->hidden, &w->hidden_cap, w->nhidden + 1,
                       sizeof(PyObject *)) < 0) {
            w->unowned = op;
            return -1;
        }
        w->hidden[w->nhidden++] = op;
        return 0;
    }
    /* The result's strong reference, taken now that the header is in
       cache; released by walker_fini if the walk fails. */
    if (!w->borrow) {
        Py_INCREF(op);
    }
    if (w->tally != NULL) {
        if (tally_object(w->tally, op) < 0) {
            return -1;
        }
        if (op == w->tally->pending_dict) {
            /* Its class travels on the stack above it, tagged. */
            w->tally->pending_dict = NULL;
            if (walk_push(w, op) < 0) {
                return -1;
            }
            return walk_push(w, (PyObject *)(w->tally->pending_key
                                             | STACK_CLASS_TAG));
        }
    }
    if ((f & TRAV_MASK) != TRAV_NONE
        || (f & (FACT_DICT_OWNER | FACT_MODULE))) {
        return walk_push(w, op);
    }
    return 0;
}

/* visitproc: log the edge, then reach op. */
static int
walk_reach_logged(PyObject *op, void *arg)
{
    Walker *w = arg;
    if (gy_edgelog_append(w->log, (uintptr_t)op) < 0) {
        return -1;
    }
    return walk_reach(op, arg);
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
    return gy_own_globals(w->state, globals);
}

int
gy_own_globals(GyState *state, PyObject *globals)
{
    PyObject *own = state->own_globals;
    Py_ssize_t n = PyList_GET_SIZE(own);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (PyList_GET_ITEM(own, i) == globals) {
            return 1;
        }
    }
    return 0;
}

static int
visit_dict_items(PyObject *dict, visitproc visit, void *arg)
{
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (PyDict_Next(dict, &pos, &key, &value)) {
        int rc = visit(key, arg);
        if (rc == 0) {
            rc = visit(value, arg);
        }
        if (rc) {
            return rc;
        }
    }
    return 0;
}

/* Call visit on every reference of op, whose type facts are f. */
static int
visit_by_facts(PyObject *op, uintptr_t f, visitproc visit, void *arg)
{
    PyTypeObject *tp = Py_TYPE(op);
    switch (f & TRAV_MASK) {
    case TRAV_TP:
        return tp->tp_traverse(op, visit, arg);
    case TRAV_DICT: {
        int rc = visit_dict_items(op, visit, arg);
        /* A subclass's own slots and __dict__; an exact dict's
           traversal would only list its values again. */
        if (rc == 0 && tp != &PyDict_Type) {
            rc = tp->tp_traverse(op, visit, arg);
        }
        return rc;
    }
    case TRAV_CODE:
        return gy_visit_code(op, visit, arg);
    case TRAV_TYPE: {
        PyTypeObject *t = (PyTypeObject *)op;
        int rc = gy_visit_type(t, visit, arg);
        if (rc) {
            return rc;
        }
        /* A metaclass's own slots and dict: its tp_traverse ends in
           type_traverse, which is safe on heap types only. */
        if (tp != &PyType_Type && (t->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
            return tp->tp_traverse(op, visit, arg);
        }
        return 0;
    }
    default:
        return 0;
    }
}

/* Follow every reference of op. */
static int
walk_expand(Walker *w, PyObject *op)
{
    uintptr_t f = type_facts(&w->facts, Py_TYPE(op));
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
    if ((f & TRAV_MASK) == TRAV_TYPE
        && record_owner(w, gy_peek_type_dict((PyTypeObject *)op), op) < 0) {
        return -1;
    }
    visitproc reach = walk_reach;
    if (w->log != NULL) {
        if (gy_edgelog_append(w->log, (uintptr_t)op | 1) < 0) {
            return -1;
        }
        reach = walk_reach_logged;
    }
    int rc = visit_by_facts(op, f, reach, w);
    if (w->tally != NULL) {
        w->tally->pending_dict = NULL;  /* not referred to after all */
    }
    if (rc == 0 && (f & FACT_DICT_OWNER)) {
        /* A dict only the owner's dict pointer refers to, which its
           traversal skips (3.13 inline values): reach it too. */
        PyObject *d = gy_untraversed_dict(op);
        if (d != NULL) {
            rc = reach(d, w);
        }
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* The edge log */

int
gy_edgelog_grow(GyEdgeLog *log)
{
    if (log->nblocks == log->blocks_cap
        && gy_grow(&log->blocks, &log->blocks_cap, log->nblocks + 1,
                   sizeof(uintptr_t *)) < 0) {
        return -1;
    }
    uintptr_t *b = gy_big_alloc(GY_EDGELOG_BLOCK, sizeof(uintptr_t), 0);
    if (b == NULL) {
        return -1;
    }
    log->blocks[log->nblocks++] = b;
    log->cur = b;
    log->end = b + GY_EDGELOG_BLOCK;
    return 0;
}

void
gy_edgelog_fini(GyEdgeLog *log)
{
    for (Py_ssize_t i = 0; i < log->nblocks; i++) {
        gy_big_free(log->blocks[i]);
    }
    PyMem_Free(log->blocks);
    memset(log, 0, sizeof(*log));
}

/* ------------------------------------------------------------------ */
/* Referents, for the graph (graph.c) */

int
gy_referents_init(GyReferents *r, GyState *state)
{
    memset(r, 0, sizeof(*r));
    r->state = state;
    return gy_ptrmap_init(&r->facts, 1024);
}

void
gy_referents_fini(GyReferents *r)
{
    gy_ptrmap_fini(&r->facts);
    memset(&r->cache, 0, sizeof(r->cache));
}

int
gy_referents_hidden(GyReferents *r, PyObject *op)
{
    uintptr_t f = type_facts(r, Py_TYPE(op));
    return f == 0 ? -1 : (f & FACT_HIDDEN) != 0;
}

int
gy_referents_visit(GyReferents *r, PyObject *op, visitproc visit, void *arg)
{
    uintptr_t f = type_facts(r, Py_TYPE(op));
    if (f == 0) {
        return -1;
    }
    if (f & FACT_HIDDEN) {
        return 0;
    }
    int rc = visit_by_facts(op, f, visit, arg);
    if (rc == 0 && (f & FACT_DICT_OWNER)) {
        /* As walk_expand: a dict its owner's traversal skips (3.13). */
        PyObject *d = gy_untraversed_dict(op);
        if (d != NULL) {
            rc = visit(d, arg);
        }
    }
    return rc;
}

int
gy_referents_kind(GyReferents *r, PyObject *op)
{
    uintptr_t f = type_facts(r, Py_TYPE(op));
    if (f == 0) {
        return -1;
    }
    if (f & FACT_HIDDEN) {
        return GY_REF_HIDDEN;
    }
    if ((f & TRAV_MASK) == TRAV_NONE && !(f & FACT_DICT_OWNER)) {
        return GY_REF_LEAF;
    }
    return GY_REF_FOLLOW;
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
    if (w->marks.count > 0 && !w->borrow) {
        for (Py_ssize_t i = 0; i < w->nhidden; i++) {
            gy_markset_discard(&w->marks, w->hidden[i]);
        }
        w->nhidden = 0;
        /* Balances the release of the one object marked without a
           reference, if any. */
        Py_XINCREF(w->unowned);
        gy_markset_foreach(&w->marks, walk_release);
    }
    gy_markset_fini(&w->marks);
    gy_referents_fini(&w->facts);
    PyMem_Free(w->stack);
    PyMem_Free(w->hidden);
    gy_owners_decref(w->owners);
    w->stack = NULL;
    w->hidden = NULL;
    w->owners = NULL;
}

static int
walker_run_log(Walker *w, GyState *state, GyEdgeLog *log, Tally *tally,
               int borrow)
{
    memset(w, 0, sizeof(*w));
    w->borrow = borrow;
    w->state = state;
    w->log = log;
    w->tally = tally;
    if (gy_markset_init(&w->marks) < 0
        || gy_referents_init(&w->facts, state) < 0
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
        uintptr_t cls = 0;
        if ((uintptr_t)op & STACK_CLASS_TAG) {
            cls = (uintptr_t)op & ~STACK_CLASS_TAG;
            op = w->stack[--w->depth];
        }
        if (walk_expand(w, op)) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_RuntimeError,
                                "heap walk: a tp_traverse failed");
            }
            return -1;
        }
        if (w->tally != NULL && Py_IS_TYPE(op, &PyDict_Type)
            && tally_dict(w->tally, op, cls) < 0) {
            return -1;
        }
    }
    for (Py_ssize_t i = 0; i < w->nhidden; i++) {
        gy_markset_discard(&w->marks, w->hidden[i]);
    }
    w->nhidden = 0;
    if (w->tally == NULL && gy_owners_seal(w->owners) < 0) {
        return -1;
    }
    return 0;
}

static int
walker_run(Walker *w, GyState *state)
{
    return walker_run_log(w, state, NULL, NULL, 0);
}

static int walk_heap(GyState *state, GyWalkResult *out, GyEdgeLog *log,
                     Tally *tally, int borrow);

int
gy_walk_heap(GyState *state, GyWalkResult *out)
{
    return gy_walk_heap_logged(state, out, NULL, 0);
}

int
gy_walk_heap_totals(GyState *state, GyWalkResult *out, GyTotals **totals)
{
    Tally *t = PyMem_Calloc(1, sizeof(Tally));
    *totals = NULL;
    if (t == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (gy_totals_init(&t->totals) < 0
        || gy_sizer_init(&t->sizer, state) < 0
        || gy_markset_init(&t->owned) < 0) {
        tally_fini(t);
        PyMem_Free(t);
        return -1;
    }
    int rc = walk_heap(state, out, NULL, t, 0);
    if (rc == 0 && tally_finish(t, out->owners) < 0) {
        gy_walk_result_clear(out);
        rc = -1;
    }
    if (rc == 0) {
        *totals = PyMem_Malloc(sizeof(GyTotals));
        if (*totals == NULL) {
            PyErr_NoMemory();
            gy_walk_result_clear(out);
            rc = -1;
        }
        else {
            **totals = t->totals;          /* moved */
            memset(&t->totals, 0, sizeof(t->totals));
        }
    }
    tally_fini(t);
    PyMem_Free(t);
    return rc;
}

int
gy_walk_heap_logged(GyState *state, GyWalkResult *out, GyEdgeLog *log,
                    int borrow)
{
    return walk_heap(state, out, log, NULL, borrow);
}

static int
walk_heap(GyState *state, GyWalkResult *out, GyEdgeLog *log, Tally *tally,
          int borrow)
{
    Walker w;
    memset(out, 0, sizeof(*out));
    if (walker_run_log(&w, state, log, tally, borrow) < 0) {
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
    out->borrowed = borrow;
    out->owners = w.owners;
    w.owners = NULL;
    gy_markset_fini(&w.marks);      /* the references now belong to out */
    walker_fini(&w);
    return 0;
}

void
gy_walk_result_clear(GyWalkResult *r)
{
    for (Py_ssize_t i = 0; !r->borrowed && i < r->count; i++) {
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

/* ------------------------------------------------------------------ */
/* The unreachable heap (hp.heapu)
 *
 * Objects that are alive but that no chain of references from the roots
 * reaches: kept alive by a reference count nothing visible accounts for
 * (a C static, a cache inside an extension, a leaked reference), or
 * cyclic garbage not yet collected.
 *
 * Two passes over one GyMarkSet (marks):
 *   1. Mark everything the roots reach. Unlike gy_walk_heap, this pass
 *      sees through the profiler: it expands hidden objects and walks its
 *      own frames, so an object that only a set or the session holds
 *      counts as reachable (it is: the program holds the set). No
 *      references are taken.
 *   2. For every object the collector tracks that pass 1 did not mark,
 *      take it and everything it reaches that is not marked yet: that
 *      closure is the result. Hidden objects are marked and expanded but
 *      not reported; they are listed in w.hidden (no reference taken).
 *      The result's members are also marked in a second set (found),
 *      which yields them sorted and holds the references taken.
 * With rma false pass 1 is skipped and every tracked object seeds pass 2.
 * Tuples and dicts that a collection would untrack are not seeds
 * (heapu_stays_tracked), so the seeds are the objects gc.get_objects()
 * lists after gc.collect().
 *
 * Then, if asked, whether cyclic garbage is among them (heapu_garbage):
 * guppy3 runs gc.collect() twice before looking, which on a big heap costs
 * more than the whole walk. All cyclic garbage is unreachable, so it is
 * here if anywhere; the facade collects only when this finds some, and
 * the answer is then the same as guppy3's.
 *
 * Cost: pass 1 is a heap walk without reference counting; pass 2 one
 * bitmap test per tracked object plus O(result + its edges); the garbage
 * check O(result + its edges). Memory: the bitmaps and the stack, as
 * gy_walk_heap, plus a table over the tracked objects of the result.
 */

typedef struct HeapuWalker {
    Walker w;                  /* marks: reached or seen; stack; facts;
                                  hidden: hidden objects of pass 2 */
    GyMarkSet found;           /* the result: each member holds a ref */
    GyPtrMap refs;             /* garbage check: object -> references */
} HeapuWalker;

/* Every reference of op, given its type's facts f. Hidden objects (no
 * TRAV bits in their facts) are expanded through tp_traverse. */
static int
heapu_edges(PyObject *op, uintptr_t f, visitproc visit, void *arg)
{
    if (f & FACT_HIDDEN) {
        traverseproc trav = Py_TYPE(op)->tp_traverse;
        return trav != NULL ? trav(op, visit, arg) : 0;
    }
    return visit_by_facts(op, f, visit, arg);
}

/* visitproc of pass 1: mark op as reachable. 0, or -1 with MemoryError. */
static int
heapu_mark(PyObject *op, void *arg)
{
    HeapuWalker *hw = arg;
    int added = gy_markset_add(&hw->w.marks, op);
    if (added <= 0) {
        return added;
    }
    uintptr_t f = type_facts(&hw->w.facts, Py_TYPE(op));
    if (f == 0) {
        return -1;
    }
    if ((f & TRAV_MASK) != TRAV_NONE || (f & FACT_HIDDEN)) {
        return walk_push(&hw->w, op);
    }
    return 0;
}

static int
heapu_mark_root(PyObject *op, const GyRootRef *ref, void *arg)
{
    (void)ref;
    return heapu_mark(op, arg);
}

/* Pass 1 walks the profiler's frames too: what they hold is reachable. */
static int
heapu_no_own_frames(PyObject *globals, void *arg)
{
    (void)globals;
    (void)arg;
    return 0;
}

/* visitproc of pass 2: op is reached from an unreachable object. Unless
 * reachable or seen already, it joins the result, or w.hidden if it is
 * the profiler's own. */
static int
heapu_take(PyObject *op, void *arg)
{
    HeapuWalker *hw = arg;
    Walker *w = &hw->w;
    int added = gy_markset_add(&w->marks, op);
    if (added <= 0) {
        return added;
    }
    uintptr_t f = type_facts(&w->facts, Py_TYPE(op));
    if (f == 0) {
        return -1;
    }
    if (f & FACT_HIDDEN) {
        if (w->nhidden == w->hidden_cap
            && gy_grow(&w->hidden, &w->hidden_cap, w->nhidden + 1,
                       sizeof(PyObject *)) < 0) {
            return -1;
        }
        w->hidden[w->nhidden++] = op;
        return Py_TYPE(op)->tp_traverse != NULL ? walk_push(w, op) : 0;
    }
    if (gy_markset_add(&hw->found, op) < 0) {
        return -1;
    }
    Py_INCREF(op);              /* the result's; found owns it from now */
    if ((f & TRAV_MASK) != TRAV_NONE
        || (f & (FACT_DICT_OWNER | FACT_MODULE))) {
        return walk_push(w, op);
    }
    return 0;
}

/* Record that op owns dict, if dict is not reachable: only dicts the
 * result holds may be named in its owner map (it borrows them). */
static int
heapu_record_owner(HeapuWalker *hw, PyObject *dict, PyObject *op)
{
    if (dict == NULL
        || (gy_markset_contains(&hw->w.marks, dict)
            && !gy_markset_contains(&hw->found, dict))) {
        return 0;
    }
    return record_owner(&hw->w, dict, op);
}

/* Expand every object on the stack with visit until the stack is empty;
 * in pass 2 (visit == heapu_take) also record dict owners. */
static int
heapu_drain(HeapuWalker *hw, visitproc visit)
{
    Walker *w = &hw->w;
    /* Invariant: every object marked by this pass that has references is
       on the stack or has been expanded. */
    while (w->depth > 0) {
        PyObject *op = w->stack[--w->depth];
        uintptr_t f = type_facts(&w->facts, Py_TYPE(op));
        if (f == 0) {
            return -1;
        }
        if (visit == heapu_take) {
            PyObject *dict = NULL;
            if (f & FACT_MODULE) {
                dict = PyModule_GetDict(op);
            }
            else if (f & FACT_DICT_OWNER) {
                dict = gy_peek_dict(op);
            }
            else if ((f & TRAV_MASK) == TRAV_TYPE) {
                dict = gy_peek_type_dict((PyTypeObject *)op);
            }
            if (heapu_record_owner(hw, dict, op) < 0) {
                return -1;
            }
        }
        if (heapu_edges(op, f, visit, hw)) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_RuntimeError,
                                "heap walk: a tp_traverse failed");
            }
            return -1;
        }
    }
    return 0;
}

/* Whether a full collection would leave op tracked. It untracks exact
 * tuples and exact dicts none of whose items can be part of a cycle
 * (_PyTuple_MaybeUntrack, _PyDict_MaybeUntrack); guppy3 collects twice
 * before listing the tracked objects, so such containers are never its
 * starting points, and the facade does not collect when there is no
 * garbage. An item can be part of a cycle if it is a GC object, except a
 * tuple that is untracked or would be: that is decided by following
 * nested tuples, at most HEAPU_NEST deep (deeper ones count as tracked),
 * so the recursion is bounded. */
#define HEAPU_NEST 8

static int heapu_tuple_untracks(PyObject *t, int depth);

static int
heapu_item_may_be_tracked(PyObject *x, int depth)
{
    if (!PyObject_IS_GC(x)) {
        return 0;
    }
    if (!PyTuple_CheckExact(x)) {
        return 1;
    }
    return PyObject_GC_IsTracked(x) && !heapu_tuple_untracks(x, depth + 1);
}

static int
heapu_tuple_untracks(PyObject *t, int depth)
{
    if (depth > HEAPU_NEST) {
        return 0;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(t); i++) {
        PyObject *x = PyTuple_GET_ITEM(t, i);
        if (x == NULL || heapu_item_may_be_tracked(x, depth)) {
            return 0;
        }
    }
    return 1;
}

static int
heapu_stays_tracked(PyObject *op)
{
    if (PyTuple_CheckExact(op)) {
        return !heapu_tuple_untracks(op, 0);
    }
    if (PyDict_CheckExact(op)) {
        Py_ssize_t pos = 0;
        PyObject *key, *value;
        while (PyDict_Next(op, &pos, &key, &value)) {
            if (heapu_item_may_be_tracked(key, 0)
                || heapu_item_may_be_tracked(value, 0)) {
                return 1;
            }
        }
        return 0;
    }
    return 1;
}

/* gy_gcobjproc of pass 2: seed the closure with an unmarked object. */
static int
heapu_seed(PyObject *op, void *arg)
{
    HeapuWalker *hw = arg;
    if (gy_markset_contains(&hw->w.marks, op) || !heapu_stays_tracked(op)) {
        return 0;
    }
    if (heapu_take(op, hw) < 0 || heapu_drain(hw, heapu_take) < 0) {
        return -1;
    }
    return 0;
}

/* ---- Is there cyclic garbage among the unreachable objects? ----
 *
 * The collector's own test, on the tracked objects of the result and of
 * w.hidden (the domain): an object is held from outside the domain if its
 * reference count exceeds the references that domain objects hold to it
 * (counted with tp_traverse, exactly as the collector counts); whatever
 * such objects reach in the domain is alive; the rest is cyclic garbage.
 * The references this walk holds (one per result member, one per owner
 * pair) are subtracted first. Reference counts are kept as signed values
 * in refs; HEAPU_ALIVE marks objects found alive.
 */
#define HEAPU_ALIVE ((uintptr_t)INTPTR_MIN)

static int
heapu_is_tracked(PyObject *op)
{
    return PyObject_IS_GC(op) && PyObject_GC_IsTracked(op);
}

/* Add op to the domain with `ours` of its references held by this walk. */
static int
heapu_domain_add(HeapuWalker *hw, PyObject *op, Py_ssize_t ours)
{
    if (!heapu_is_tracked(op)) {
        return 0;
    }
    return gy_ptrmap_set(&hw->refs, op,
                         (uintptr_t)(intptr_t)(Py_REFCNT(op) - ours));
}

/* Subtract one from the count of op if it is in the domain. */
static void
heapu_refs_sub(HeapuWalker *hw, PyObject *op)
{
    uintptr_t v;
    int added;
    if (gy_ptrmap_get(&hw->refs, op, &v)) {
        /* Present: the slot is found, nothing is inserted. */
        *gy_ptrmap_slot(&hw->refs, op, &added) = v - 1;
    }
}

/* visitproc: a domain object holds a reference to op. */
static int
heapu_visit_internal(PyObject *op, void *arg)
{
    heapu_refs_sub(arg, op);
    return 0;
}

/* visitproc: an alive domain object holds op, so op is alive too. */
static int
heapu_visit_alive(PyObject *op, void *arg)
{
    HeapuWalker *hw = arg;
    uintptr_t v;
    int added;
    if (!gy_ptrmap_get(&hw->refs, op, &v) || v == HEAPU_ALIVE) {
        return 0;
    }
    *gy_ptrmap_slot(&hw->refs, op, &added) = HEAPU_ALIVE;
    return walk_push(&hw->w, op);
}

/* *garbage = 1 if some domain object is cyclic garbage, else 0. */
static int
heapu_garbage(HeapuWalker *hw, PyObject **items, Py_ssize_t n,
              int *garbage)
{
    Walker *w = &hw->w;
    GyOwners *own = w->owners;
    *garbage = 0;
    if (gy_ptrmap_init(&hw->refs, 64) < 0) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (heapu_domain_add(hw, items[i], 1) < 0) {
            return -1;
        }
    }
    for (Py_ssize_t i = 0; i < w->nhidden; i++) {
        if (heapu_domain_add(hw, w->hidden[i], 0) < 0) {
            return -1;
        }
    }
    for (Py_ssize_t i = 0; i < own->count; i++) {
        heapu_refs_sub(hw, own->pairs[i].owner);
    }
    GyPtrMap *m = &hw->refs;
    for (size_t k = 0; k <= m->mask; k++) {
        PyObject *op = (PyObject *)m->keys[k];
        if (op != NULL) {
            traverseproc trav = Py_TYPE(op)->tp_traverse;
            if (trav(op, heapu_visit_internal, hw)) {
                return -1;
            }
        }
    }
    /* Invariant: every object marked alive is on the stack or has had
       its references marked alive. */
    for (size_t k = 0; k <= m->mask; k++) {
        if (m->keys[k] != NULL && m->values[k] != HEAPU_ALIVE
            && (intptr_t)m->values[k] > 0) {
            m->values[k] = HEAPU_ALIVE;
            if (walk_push(w, (PyObject *)m->keys[k]) < 0) {
                return -1;
            }
        }
        while (w->depth > 0) {
            PyObject *op = w->stack[--w->depth];
            if (Py_TYPE(op)->tp_traverse(op, heapu_visit_alive, hw)) {
                return -1;
            }
        }
    }
    for (size_t k = 0; k <= m->mask; k++) {
        if (m->keys[k] != NULL && m->values[k] != HEAPU_ALIVE) {
            *garbage = 1;
            break;
        }
    }
    return 0;
}

static void
heapu_fini(HeapuWalker *hw)
{
    /* Pass 1 took no references, so marks has none to give back, nor
       has w.hidden. */
    gy_markset_fini(&hw->w.marks);
    hw->w.nhidden = 0;
    walker_fini(&hw->w);
    if (hw->found.count > 0) {
        gy_markset_foreach(&hw->found, walk_release);
    }
    gy_markset_fini(&hw->found);
    gy_ptrmap_fini(&hw->refs);
}

int
gy_walk_unreachable(GyState *state, int rma, GyWalkResult *out,
                    int *garbage)
{
    HeapuWalker hw;
    PyObject **items = NULL;
    memset(out, 0, sizeof(*out));
    memset(&hw, 0, sizeof(hw));
    hw.w.state = state;
    if (gy_markset_init(&hw.w.marks) < 0
        || gy_markset_init(&hw.found) < 0
        || gy_referents_init(&hw.w.facts, state) < 0
        || (hw.w.owners = gy_owners_new()) == NULL) {
        goto error;
    }
    hw.w.capacity = 4096;
    hw.w.stack = gy_alloc_array(hw.w.capacity, sizeof(PyObject *));
    if (hw.w.stack == NULL) {
        goto error;
    }
    if (rma
        && (gy_visit_roots(heapu_mark_root, heapu_no_own_frames, &hw)
            || heapu_drain(&hw, heapu_mark) < 0)) {
        goto error;
    }
    if (gy_visit_gc_objects(heapu_seed, &hw)) {
        goto error;
    }
    items = gy_alloc_array(hw.found.count + 1, sizeof(PyObject *));
    if (items == NULL || gy_markset_sorted(&hw.found, items) < 0) {
        goto error;
    }
    if (garbage != NULL
        && heapu_garbage(&hw, items, hw.found.count, garbage) < 0) {
        goto error;
    }
    if (gy_owners_seal(hw.w.owners) < 0) {
        goto error;
    }
    out->items = items;
    out->count = hw.found.count;
    out->owners = hw.w.owners;
    hw.w.owners = NULL;
    gy_markset_fini(&hw.found);     /* the references now belong to out */
    heapu_fini(&hw);
    return 0;

error:
    if (!PyErr_Occurred()) {
        PyErr_NoMemory();
    }
    PyMem_Free(items);
    heapu_fini(&hw);
    return -1;
}
