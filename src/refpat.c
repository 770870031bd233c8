/* refpat.c -- the referrers a reference pattern (x.rp, guppy/heapy/RefPat.py)
 * asks for, row after row: one walk of the heap files every reference it
 * follows under a hash of its destination; a question "which objects
 * refer to a member of S" then reads only the buckets of S's members.
 * Knows nothing of rows, kinds or printing.
 *
 * Why not the reference graph (graph.c): a pattern's first page asks the
 * referrers of a handful of small sets, one after the other (each row's
 * set comes from the answer for its parent), and most of the graph's
 * cost after the walk is turning addresses into dense ids (an index
 * lookup per edge, then two passes over the edges). Here an edge is
 * filed as the walk follows it, as a (destination, source) pair of
 * addresses in one of 256 buckets by the destination's hash: 16 bytes an
 * edge, no index, no second pass. A question for a few objects reads a
 * few buckets (1/256 of the edges each); for a large set, every bucket,
 * testing destinations against the set (a bitmap of their hashes in
 * front of a small hash table).
 *
 * The walk is walk.c's, through its GyReferents (the same references,
 * the profiler's own objects neither followed nor reported, its frames
 * skipped), from the interpreter's roots (heap() as it is now, so the
 * referrers are those of x.referrers; dict owners recorded on the way,
 * as walk.c does) or from one object (heapy's get_rp(src=...): the tuple
 * of src's members, itself a node of that heap; dicts are still named by
 * their owners in the whole heap, found by gy_walk_owners when a result
 * first holds a dict, as heapy names them).
 *
 * Only references to objects that hold references, or to members of the
 * pattern's first row, are filed: every row below the first is a set of
 * referrers, and a referrer holds references. That leaves out the edges
 * to ints, strs and the like, two thirds of a typical heap's.
 *
 * The pairs are addresses, so a GyRefLog holds a strong reference to each
 * object of its heap (through its mark set) until it is freed: a
 * snapshot, like the graph. Nothing here calls Python code.
 */
#include "refpat.h"

#include "pyinternals.h"

#define NBUCKETS ((Py_ssize_t)1 << GY_REFLOG_BUCKET_BITS)
/* Size of a bucket's first block: small heaps (src) stay small. */
#define FIRST_BLOCK ((Py_ssize_t)64)

static inline uint64_t
ref_hash(uintptr_t p)
{
    return (uint64_t)(p >> 3) * UINT64_C(0x9E3779B97F4A7C15);
}

static inline Py_ssize_t
ref_bucket(uintptr_t p)
{
    return (Py_ssize_t)(ref_hash(p) >> (64 - GY_REFLOG_BUCKET_BITS));
}

/* Pairs in block k of a bucket (all but the last are full). */
static inline Py_ssize_t
block_size(Py_ssize_t k)
{
    return k >= 6 ? GY_REFLOG_BLOCK : FIRST_BLOCK << k;
}

static int
bucket_grow(GyRefBucket *b)
{
    if (b->nblocks == b->cap
        && gy_grow(&b->blocks, &b->cap, b->nblocks + 1,
                   sizeof(GyRefPair *)) < 0) {
        return -1;
    }
    Py_ssize_t n = block_size(b->nblocks);
    GyRefPair *blk = gy_alloc_array(n, sizeof(GyRefPair));
    if (blk == NULL) {
        return -1;
    }
    b->blocks[b->nblocks++] = blk;
    b->cur = blk;
    b->end = blk + n;
    return 0;
}

static inline int
reflog_add(GyRefLog *rl, uintptr_t dst, uintptr_t src)
{
    GyRefBucket *b = &rl->buckets[ref_bucket(dst)];
    if (b->cur == b->end && bucket_grow(b) < 0) {
        return -1;
    }
    b->cur->dst = dst;
    b->cur->src = src;
    b->cur++;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Sets of addresses */

/* The members asked about: a filter of 2**fbits bits, one per hash, in
 * front of an open-addressing table of 2**tbits addresses (0 empty) at
 * most half full; and which buckets hold their references. */
typedef struct Targets {
    uint64_t *filter;
    int fbits;
    uintptr_t *table;
    int tbits;
    uint64_t buckets[NBUCKETS / 64];
} Targets;

/* 1 if p passes the filter: maybe a member. */
static inline int
targets_maybe(const Targets *t, uintptr_t p)
{
    uint64_t f = (ref_hash(p) << GY_REFLOG_BUCKET_BITS) >> (64 - t->fbits);
    return (int)((t->filter[f >> 6] >> (f & 63)) & 1);
}

/* Home slot of p in the table: middle bits of the hash (its low bits
 * repeat the address's alignment; its top bits pick the bucket). */
static inline size_t
targets_slot(const Targets *t, uintptr_t p)
{
    return (size_t)(ref_hash(p) >> 20) & (((size_t)1 << t->tbits) - 1);
}

/* 1 if p is a member. */
static int
targets_has(const Targets *t, uintptr_t p)
{
    size_t mask = ((size_t)1 << t->tbits) - 1;
    for (size_t i = targets_slot(t, p);; i = (i + 1) & mask) {
        if (t->table[i] == p) {
            return 1;
        }
        if (t->table[i] == 0) {
            return 0;
        }
    }
}

/* The n distinct objects of items (those in heap, if not NULL); 0 or -1
 * with MemoryError. */
static int
targets_init(Targets *t, PyObject *const *items, Py_ssize_t n,
             GyMarkSet *heap)
{
    memset(t, 0, sizeof(*t));
    t->tbits = 4;
    while (((Py_ssize_t)1 << t->tbits) < 2 * n) {
        t->tbits++;
    }
    t->fbits = t->tbits + 3 < 12 ? 12 : t->tbits + 3;
    if (t->fbits > 23) {
        t->fbits = 23;
    }
    t->table = PyMem_Calloc((size_t)1 << t->tbits, sizeof(uintptr_t));
    t->filter = PyMem_Calloc(((size_t)1 << t->fbits) / 64, sizeof(uint64_t));
    if (t->table == NULL || t->filter == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    size_t mask = ((size_t)1 << t->tbits) - 1;
    for (Py_ssize_t k = 0; k < n; k++) {
        uintptr_t p = (uintptr_t)items[k];
        if (heap != NULL && !gy_markset_contains(heap, (void *)p)) {
            continue;       /* the profiler's own, or outside this heap */
        }
        uint64_t f = (ref_hash(p) << GY_REFLOG_BUCKET_BITS)
                     >> (64 - t->fbits);
        t->filter[f >> 6] |= UINT64_C(1) << (f & 63);
        Py_ssize_t b = ref_bucket(p);
        t->buckets[b >> 6] |= UINT64_C(1) << (b & 63);
        size_t i = targets_slot(t, p);
        while (t->table[i] != 0) {      /* members are distinct */
            i = (i + 1) & mask;
        }
        t->table[i] = p;
    }
    return 0;
}

static void
targets_fini(Targets *t)
{
    PyMem_Free(t->filter);
    PyMem_Free(t->table);
}

/* ------------------------------------------------------------------ */
/* The walk */

typedef struct RefWalk {
    GyState *state;
    GyReferents refs;
    GyMarkSet *marks;          /* rl->heap, or marks_own */
    GyMarkSet marks_own;
    PyObject **stack;
    Py_ssize_t depth, cap;
    PyObject **hidden;         /* marked, not referenced, not reported */
    Py_ssize_t nhidden, hidden_cap;
    GyRefLog *rl;              /* file edges and owners here; NULL: mark
                                  only (imdom) */
    uintptr_t src;             /* the object being expanded */
    const Targets *keep;       /* objects without references whose
                                  referrers are filed (the others' are
                                  never asked for) */
    const GyNodes *stop;       /* reached but not expanded (imdom) */
} RefWalk;

static int
stack_push(PyObject ***stack, Py_ssize_t *depth, Py_ssize_t *cap,
           PyObject *op)
{
    if (*depth == *cap
        && gy_grow(stack, cap, *depth + 1, sizeof(PyObject *)) < 0) {
        return -1;
    }
    (*stack)[(*depth)++] = op;
    return 0;
}

/* Mark op; if it is new (and not the profiler's own), reference it (when
 * filing) and stack it to be expanded. Returns op's GY_REF_ kind when
 * filing (else 0), or -1 with an exception. */
static int
refwalk_reach(RefWalk *w, PyObject *op)
{
    int added = gy_markset_add(w->marks, op);
    if (added <= 0) {
        return added < 0 || w->rl == NULL
                   ? added : gy_referents_kind(&w->refs, op);
    }
    int kind = gy_referents_kind(&w->refs, op);
    if (kind < 0) {
        gy_markset_discard(w->marks, op);
        return -1;
    }
    if (kind == GY_REF_HIDDEN) {
        /* Stays marked so later edges stop here; unmarked at the end. */
        if (stack_push(&w->hidden, &w->nhidden, &w->hidden_cap, op) < 0) {
            gy_markset_discard(w->marks, op);
            return -1;
        }
        return kind;
    }
    if (w->rl != NULL) {
        Py_INCREF(op);
    }
    if (kind == GY_REF_LEAF
        || (w->stop != NULL && gy_nodes_contains(w->stop, op))) {
        return kind;
    }
    return stack_push(&w->stack, &w->depth, &w->cap, op) < 0 ? -1 : kind;
}

/* visitproc: reach op, then file the edge if its referrers may be asked
 * for: a pattern's rows below the first are referrers, which hold
 * references, so an edge to an int or a str matters only if it is a
 * member of the first row (keep). Two thirds of a typical heap's edges
 * lead to such leaves. */
static int
refwalk_visit(PyObject *op, void *arg)
{
    RefWalk *w = arg;
    int kind = refwalk_reach(w, op);
    if (kind < 0) {
        return -1;
    }
    if (w->rl != NULL
        && (kind == GY_REF_FOLLOW
            || (kind == GY_REF_LEAF && w->keep != NULL
                && targets_maybe(w->keep, (uintptr_t)op)
                && targets_has(w->keep, (uintptr_t)op)))) {
        return reflog_add(w->rl, (uintptr_t)op, w->src);
    }
    return 0;
}

/* gy_rootproc: a root's reference (no edge: the root is no object). */
static int
refwalk_root(PyObject *op, const GyRootRef *ref, void *arg)
{
    (void)ref;
    return refwalk_reach(arg, op) < 0 ? -1 : 0;
}

static int
refwalk_own_frame(PyObject *globals, void *arg)
{
    RefWalk *w = arg;
    return gy_own_globals(w->state, globals);
}

/* Record the dict op owns (its __dict__, a module's or a type's dict), as
 * walk.c does. */
static int
refwalk_owner(RefWalk *w, PyObject *op)
{
    PyObject *dict;
    if (PyType_Check(op)) {
        dict = gy_peek_type_dict((PyTypeObject *)op);
    }
    else if (PyModule_Check(op)) {
        dict = PyModule_GetDict(op);
    }
    else {
        dict = gy_peek_dict(op);
    }
    if (dict == NULL || !PyDict_CheckExact(dict)) {
        return 0;
    }
    return gy_owners_add(w->rl->owners, dict, op);
}

/* Unmark the hidden objects: the marks are then the heap. */
static void
refwalk_unmark_hidden(RefWalk *w)
{
    for (Py_ssize_t i = 0; i < w->nhidden; i++) {
        gy_markset_discard(w->marks, w->hidden[i]);
    }
    w->nhidden = 0;
}

/* Release the walk. The references it took stay with the marks, which
 * then hold exactly the objects referenced: rl->heap's owner releases
 * them (gy_reflog_free). */
static void
refwalk_fini(RefWalk *w)
{
    refwalk_unmark_hidden(w);
    gy_markset_fini(&w->marks_own);
    gy_referents_fini(&w->refs);
    PyMem_Free(w->stack);
    PyMem_Free(w->hidden);
}

/* Everything root reaches (NULL: the interpreter's roots). 0, or -1 with
 * an exception; refwalk_fini either way. */
static int
refwalk_run(RefWalk *w, GyState *st, PyObject *root)
{
    w->state = st;
    if (gy_referents_init(&w->refs, st) < 0) {
        return -1;
    }
    int rc = root != NULL ? refwalk_reach(w, root)
                          : gy_visit_roots(refwalk_root, refwalk_own_frame,
                                           w);
    if (rc < 0) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_RuntimeError,
                            "heap walk: visiting the roots failed");
        }
        return -1;
    }
    /* Invariant: every marked object that can hold references is on the
       stack or has been expanded. */
    while (w->depth > 0) {
        PyObject *op = w->stack[--w->depth];
        if (w->rl != NULL && w->rl->owners != NULL
            && refwalk_owner(w, op) < 0) {
            return -1;
        }
        w->src = (uintptr_t)op;
        if (gy_referents_visit(&w->refs, op, refwalk_visit, w) != 0) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_RuntimeError,
                                "heap walk: a tp_traverse failed");
            }
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* The log */

static void
reflog_release(PyObject *op)
{
    Py_DECREF(op);
}

GyRefLog *
gy_reflog_build(GyState *st, PyObject *root, const GyNodes *keep)
{
    GyRefLog *rl = PyMem_Calloc(1, sizeof(GyRefLog));
    if (rl == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    rl->state = st;
    if (gy_markset_init(&rl->heap) < 0
        || (root == NULL && (rl->owners = gy_owners_new()) == NULL)) {
        gy_reflog_free(rl);
        return NULL;
    }
    rl->root = Py_XNewRef(root);
    RefWalk w;
    memset(&w, 0, sizeof(w));
    w.marks = &rl->heap;
    w.rl = rl;
    Targets kt;
    if (targets_init(&kt, keep->items, keep->count, NULL) < 0) {
        targets_fini(&kt);
        gy_reflog_free(rl);
        return NULL;
    }
    w.keep = &kt;
    int rc = refwalk_run(&w, st, root);
    refwalk_fini(&w);
    targets_fini(&kt);
    if (rc < 0) {
        gy_reflog_free(rl);
        return NULL;
    }
    return rl;
}

void
gy_reflog_free(GyRefLog *rl)
{
    if (rl == NULL) {
        return;
    }
    gy_markset_foreach(&rl->heap, reflog_release);
    gy_markset_fini(&rl->heap);
    gy_owners_decref(rl->owners);
    for (Py_ssize_t i = 0; i < NBUCKETS; i++) {
        GyRefBucket *b = &rl->buckets[i];
        for (Py_ssize_t k = 0; k < b->nblocks; k++) {
            PyMem_Free(b->blocks[k]);
        }
        PyMem_Free(b->blocks);
    }
    Py_XDECREF(rl->root);
    PyMem_Free(rl);
}

/* ------------------------------------------------------------------ */
/* Questions */

/* Owners of the dicts among items (n of them), for classifying them: a
 * map of their own, found by one pass over the heap's pairs, while they
 * are few; else the heap's map, sorted the first time (for a heap of
 * 200,000 instances, sorting takes longer than the pass). New reference,
 * or NULL with MemoryError. */
#define FEW_DICTS 256

static GyOwners *
reflog_owners_of(GyRefLog *rl, PyObject *const *items, Py_ssize_t n)
{
    PyObject *dicts[FEW_DICTS];
    Py_ssize_t nd = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyDict_CheckExact(items[i])) {
            continue;
        }
        if (nd < FEW_DICTS) {
            dicts[nd] = items[i];
        }
        nd++;
    }
    if (nd > FEW_DICTS) {
        if (rl->owners == NULL
            && (rl->owners = gy_walk_owners(rl->state)) == NULL) {
            return NULL;
        }
        if (gy_owners_seal(rl->owners) < 0) {
            return NULL;
        }
        gy_owners_incref(rl->owners);
        return rl->owners;
    }
    if (nd > 0 && rl->owners == NULL) {
        /* From src: dicts are named by their owners in the whole heap, as
           heapy names them. */
        rl->owners = gy_walk_owners(rl->state);
        if (rl->owners == NULL) {
            return NULL;
        }
    }
    GyOwners *o = gy_owners_new();
    if (o == NULL) {
        return NULL;
    }
    if (nd > 0) {
        Targets t;
        if (targets_init(&t, dicts, nd, NULL) < 0) {
            goto error;
        }
        const GyOwners *all = rl->owners;
        for (Py_ssize_t i = 0; i < all->count; i++) {
            uintptr_t d = (uintptr_t)all->pairs[i].dict;
            if (targets_maybe(&t, d) && targets_has(&t, d)
                && gy_owners_add(o, all->pairs[i].dict,
                                 all->pairs[i].owner) < 0) {
                targets_fini(&t);
                goto error;
            }
        }
        targets_fini(&t);
    }
    if (gy_owners_seal(o) < 0) {
        goto error;
    }
    return o;

error:
    gy_owners_decref(o);
    return NULL;
}

/* A new GyNodes of the objects in hits (addresses in records of two
 * words, as gy_sort_by_address sorts them; repeats allowed), sharing rl's
 * owners. Frees hits. */
static GyNodes *
reflog_nodes(GyRefLog *rl, uintptr_t *hits, Py_ssize_t n)
{
    if (gy_sort_by_address(hits, n) < 0) {
        PyMem_Free(hits);
        return NULL;
    }
    PyObject **items = gy_alloc_array(n + 1, sizeof(PyObject *));
    if (items == NULL) {
        PyMem_Free(hits);
        return NULL;
    }
    Py_ssize_t m = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *op = (PyObject *)hits[2 * i];
        if (m == 0 || items[m - 1] != op) {
            items[m++] = Py_NewRef(op);
        }
    }
    PyMem_Free(hits);
    GyOwners *owners = reflog_owners_of(rl, items, m);
    if (owners == NULL) {
        for (Py_ssize_t i = 0; i < m; i++) {
            Py_DECREF(items[i]);
        }
        PyMem_Free(items);
        return NULL;
    }
    return gy_nodes_new_steal(items, m, owners);
}

GyNodes *
gy_reflog_referrers(GyRefLog *rl, const GyNodes *s)
{
    Targets t;
    uintptr_t *hits = NULL;
    Py_ssize_t n = 0, cap = 0;
    if (targets_init(&t, s->items, s->count, &rl->heap) < 0) {
        goto error;
    }
    for (Py_ssize_t bi = 0; bi < NBUCKETS; bi++) {
        if (!(t.buckets[bi >> 6] & (UINT64_C(1) << (bi & 63)))) {
            continue;
        }
        const GyRefBucket *b = &rl->buckets[bi];
        for (Py_ssize_t k = 0; k < b->nblocks; k++) {
            const GyRefPair *e = b->blocks[k];
            const GyRefPair *end = k == b->nblocks - 1 ? b->cur
                                                        : e + block_size(k);
            for (; e < end; e++) {
                /* Nearly every pair fails the filter: one branch. */
                if (!targets_maybe(&t, e->dst) || !targets_has(&t, e->dst)) {
                    continue;
                }
                if (n == cap && gy_grow(&hits, &cap, n + 1,
                                        2 * sizeof(uintptr_t)) < 0) {
                    goto error;
                }
                hits[2 * n] = e->src;
                hits[2 * n + 1] = 0;
                n++;
            }
        }
    }
    targets_fini(&t);
    return reflog_nodes(rl, hits, n);

error:
    targets_fini(&t);
    PyMem_Free(hits);
    return NULL;
}

GyNodes *
gy_reflog_imdom(GyState *st, GyRefLog *rl, const GyNodes *s)
{
    if (rl->root == NULL) {
        PyErr_SetString(PyExc_ValueError,
                        "imdom of a reference log needs a source object");
        return NULL;
    }
    GyNodes *pred = gy_reflog_referrers(rl, s);
    if (pred == NULL) {
        return NULL;
    }
    /* What the root reaches, stopping at the referrers: those reached are
       the immediate dominators. The live heap, marks only. */
    RefWalk w;
    memset(&w, 0, sizeof(w));
    w.marks = &w.marks_own;
    w.stop = pred;
    uintptr_t *hits = NULL;
    Py_ssize_t n = 0;
    if (gy_markset_init(&w.marks_own) < 0
        || refwalk_run(&w, st, rl->root) < 0) {
        goto done;
    }
    hits = gy_alloc_array(2 * pred->count + 2, sizeof(uintptr_t));
    for (Py_ssize_t i = 0; hits != NULL && i < pred->count; i++) {
        if (gy_markset_contains(w.marks, pred->items[i])) {
            hits[2 * n] = (uintptr_t)pred->items[i];
            hits[2 * n + 1] = 0;
            n++;
        }
    }
done:
    refwalk_fini(&w);
    gy_nodes_decref(pred);
    /* pred's members stay alive: rl holds them. */
    return hits == NULL ? NULL : reflog_nodes(rl, hits, n);
}
