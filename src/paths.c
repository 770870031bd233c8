/* paths.c -- shortest paths from a source set (default: the root) to the
 * nearest members of a target set, as heapy's x.sp finds them, over the
 * heap's reference graph (graph.c). Knows nothing of printing pages or of
 * the Python objects that show paths (py_paths.c).
 *
 * The search is heapy's: breadth first from the sources, one level at a
 * time, each node taking the level at which it is first reached, until a
 * level holds any target; only the targets of that level count. The
 * result, a GySPGraph, keeps just the nodes on some shortest path to them
 * (found by walking the reverse edges back one level at a time) and the
 * named edges between consecutive levels, so it is small even when the
 * search read most of the heap. Each edge src -> dst becomes one step per
 * name relate.c gives it (a list holding x twice: [0] and [1]; no name:
 * ".??"), and the number of paths multiplies along them.
 *
 * Order. Paths are listed depth first: sources in the order set by
 * gy_sp_order_sources (the facade passes heapy's byid order), and each
 * node's steps sorted as heapy sorts relations: by kind (.?? first, then
 * attributes, items, key positions, internal pointers, ...), then by the
 * name, key or index, so a dict's keys come alphabetically. Keys of one
 * type compare with their own '<' (which may run Python code and is
 * allowed to fail: the keys then compare by address); keys of different
 * types by their types' addresses, as heapy does. Equal relations keep the
 * order of their targets' addresses.
 *
 * Counts. npaths of a node is the number of paths from it to a target,
 * kept saturated at 2**64 - 1 so that index arithmetic stays exact below
 * it; gy_sp_numpaths recounts with Python ints when something saturated.
 *
 * Cost: the search O(nodes + edges read) with a level (int32) and a queue
 * (uint32) per graph node; the result O(its nodes + their edges), names
 * from one gy_relate per node. Enumeration by index: O(depth x steps per
 * node); the next path: amortised O(1). No recursion anywhere: the graph
 * can be millions deep.
 */
#include "paths.h"

#define NO_LEVEL (-1)
#define BLOCKED (-2)           /* an avoided node: never entered */
#define NO_INDEX UINT32_MAX

/* ------------------------------------------------------------------ */
/* Small helpers */

static inline int
bit_test(const uint64_t *bits, size_t i)
{
    return (bits[i >> 6] >> (i & 63)) & 1;
}

static inline void
bit_set(uint64_t *bits, size_t i)
{
    bits[i >> 6] |= UINT64_C(1) << (i & 63);
}

static inline uint64_t
add_sat(uint64_t a, uint64_t b)
{
    uint64_t s = a + b;
    return s < a ? UINT64_MAX : s;
}

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* ------------------------------------------------------------------ */
/* The builder */

typedef struct Builder {
    GyGraph *g;
    const GySPQuery *q;
    int32_t *level;            /* per graph node: BFS level, or NO_LEVEL,
                                  BLOCKED */
    uint32_t *queue;           /* BFS queue; afterwards graph id -> index
                                  of the result node, or NO_INDEX */
    uint64_t *is_target;       /* bitmap over graph nodes */
    uint64_t *in_result;       /* bitmap over graph nodes */
    uint64_t *avoid;           /* sorted (src << 32 | dst) graph ids */
    Py_ssize_t navoid;
    uint32_t *ids;             /* result node -> graph id */
    Py_ssize_t nids, ids_cap;
    GySPGraph *sp;
    Py_ssize_t steps_cap;
    uint32_t *stamp;           /* result node -> 1 + the node whose steps
                                  are being made, if it is a successor */
    uint8_t *named;            /* that successor got a named step */
    uint32_t cur;              /* the node whose steps are being made */
} Builder;

static inline int
builder_avoided(const Builder *b, uint32_t u, uint32_t v)
{
    if (b->navoid == 0) {
        return 0;
    }
    uint64_t key = ((uint64_t)u << 32) | v;
    return bsearch(&key, b->avoid, (size_t)b->navoid, sizeof(uint64_t),
                   cmp_u64) != NULL;
}

/* The graph ids a key stands for (at most two: a frame object on a
 * thread's stack is both an object and that stack frame). */
static int
builder_key_ids(const Builder *b, const GySPKey *key, uint32_t ids[2])
{
    GyGraph *g = b->g;
    switch (key->kind) {
    case GY_SPN_ROOT:
        ids[0] = (uint32_t)GY_GRAPH_ROOT(g);
        return 1;
    case GY_SPN_FRAME:
        for (Py_ssize_t k = 0; k < g->nframes; k++) {
            if (g->frames[k].thread_id == key->thread_id
                && g->frames[k].frame_no == key->frame_no) {
                ids[0] = (uint32_t)(g->nreal + 1 + k);
                return 1;
            }
        }
        return 0;
    case GY_SPN_OBJECT:
        break;
    }
    if (key->obj == b->q->root_obj) {
        ids[0] = (uint32_t)GY_GRAPH_ROOT(g);
        return 1;
    }
    Py_ssize_t id = gy_graph_id(g, key->obj);
    if (id < 0) {
        return 0;
    }
    int n = 0;
    ids[n++] = (uint32_t)id;
    if (PyFrame_Check(key->obj)) {
        /* The stack frame whose "frame" edge leads to this object. */
        uint32_t base = g->out_start[g->nreal];
        for (Py_ssize_t f = g->nreal + 1; f < g->nnodes && n < 2; f++) {
            for (uint32_t e = g->out_start[f]; e < g->out_start[f + 1];
                 e++) {
                const char *m = g->vlabels[e - base].member;
                if (g->out[e] == (uint32_t)id && m != NULL
                    && strcmp(m, "frame") == 0) {
                    ids[n++] = (uint32_t)f;
                    break;
                }
            }
        }
    }
    return n;
}

static int
builder_avoid_edges(Builder *b)
{
    const GySPQuery *q = b->q;
    if (q->navoid_edges == 0) {
        return 0;
    }
    if (q->navoid_edges > PY_SSIZE_T_MAX / 4) {
        PyErr_NoMemory();
        return -1;
    }
    b->avoid = gy_alloc_array(q->navoid_edges * 4, sizeof(uint64_t));
    if (b->avoid == NULL) {
        return -1;
    }
    for (Py_ssize_t i = 0; i < q->navoid_edges; i++) {
        uint32_t s[2], d[2];
        int ns = builder_key_ids(b, &q->avoid_edges[2 * i], s);
        int nd = builder_key_ids(b, &q->avoid_edges[2 * i + 1], d);
        for (int x = 0; x < ns; x++) {
            for (int y = 0; y < nd; y++) {
                b->avoid[b->navoid++] = ((uint64_t)s[x] << 32) | d[y];
            }
        }
    }
    if (b->navoid > 1) {
        qsort(b->avoid, (size_t)b->navoid, sizeof(uint64_t), cmp_u64);
    }
    return 0;
}

/* Graph id of a member of a query set: the root for hp.Root, -1 if the
 * object is not in the graph (the profiler's own, or not reachable). */
static Py_ssize_t
builder_member_id(const Builder *b, PyObject *op)
{
    if (op == b->q->root_obj) {
        return GY_GRAPH_ROOT(b->g);
    }
    return gy_graph_id(b->g, op);
}

/* Breadth first from the sources until a level holds a target. Returns
 * the depth of that level (>= 1), 0 if no target is reachable, -1 on
 * error. The queue holds each level's nodes in turn; *last_start is where
 * the last level begins, *last_end where it ends. */
static Py_ssize_t
builder_search(Builder *b, Py_ssize_t *last_start, Py_ssize_t *last_end)
{
    GyGraph *g = b->g;
    const GySPQuery *q = b->q;
    Py_ssize_t n = g->nnodes;
    size_t nwords = (size_t)(n + 63) / 64 + 1;
    b->level = gy_alloc_array(n + 1, sizeof(int32_t));
    b->queue = gy_alloc_array(n + 1, sizeof(uint32_t));
    b->is_target = PyMem_Calloc(nwords, sizeof(uint64_t));
    if (b->level == NULL || b->queue == NULL || b->is_target == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        b->level[i] = NO_LEVEL;
    }
    int any_target = 0;
    for (Py_ssize_t k = 0; k < q->targets->count; k++) {
        Py_ssize_t id = builder_member_id(b, q->targets->items[k]);
        if (id >= 0) {
            bit_set(b->is_target, (size_t)id);
            any_target = 1;
        }
    }
    for (Py_ssize_t k = 0; q->avoid_nodes && k < q->avoid_nodes->count;
         k++) {
        Py_ssize_t id = builder_member_id(b, q->avoid_nodes->items[k]);
        if (id >= 0) {
            b->level[id] = BLOCKED;
        }
    }
    Py_ssize_t tail = 0;
    if (q->sources == NULL) {
        Py_ssize_t root = GY_GRAPH_ROOT(g);
        if (b->level[root] == NO_LEVEL) {
            b->level[root] = 0;
            b->queue[tail++] = (uint32_t)root;
        }
    }
    else {
        for (Py_ssize_t k = 0; k < q->sources->count; k++) {
            Py_ssize_t id = builder_member_id(b, q->sources->items[k]);
            if (id >= 0 && b->level[id] == NO_LEVEL) {
                b->level[id] = 0;
                b->queue[tail++] = (uint32_t)id;
            }
        }
    }
    if (!any_target) {
        return 0;
    }
    /* Invariant: queue[head .. level_end) is level `depth`, every node of
       a lower level has been expanded, and queue[level_end .. tail) is
       what level depth + 1 has so far. Sources are never targets: level
       0 is not tested, as in heapy. */
    Py_ssize_t head = 0;
    int32_t depth = 0;
    while (head < tail) {
        Py_ssize_t level_end = tail;
        Py_ssize_t found = 0;
        for (; head < level_end; head++) {
            uint32_t u = b->queue[head];
            for (uint32_t e = g->out_start[u]; e < g->out_start[u + 1];
                 e++) {
                uint32_t v = g->out[e];
                if (b->level[v] != NO_LEVEL || builder_avoided(b, u, v)) {
                    continue;
                }
                b->level[v] = depth + 1;
                b->queue[tail++] = v;
                found += bit_test(b->is_target, v);
            }
        }
        depth++;
        if (found) {
            *last_start = level_end;
            *last_end = tail;
            return depth;
        }
    }
    return 0;
}

static int
builder_push_id(Builder *b, uint32_t id)
{
    if (b->nids == b->ids_cap
        && gy_grow(&b->ids, &b->ids_cap, b->nids + 1, sizeof(uint32_t)) < 0) {
        return -1;
    }
    b->ids[b->nids++] = id;
    return 0;
}

/* The nodes on shortest paths: the targets of the last level, then level
 * by level back to the sources, each node a predecessor (by a reverse
 * edge) of a node already kept. Leaves them in ids, level by level from
 * the sources, in graph id order within a level, and lays out the result's
 * nodes. */
static int
builder_prune(Builder *b, uint32_t depth, Py_ssize_t last_start,
              Py_ssize_t last_end)
{
    GyGraph *g = b->g;
    size_t nwords = (size_t)(g->nnodes + 63) / 64 + 1;
    b->in_result = PyMem_Calloc(nwords, sizeof(uint64_t));
    uint32_t *seg = gy_alloc_array((Py_ssize_t)depth + 2, sizeof(uint32_t));
    if (b->in_result == NULL || seg == NULL) {
        PyMem_Free(seg);
        PyErr_NoMemory();
        return -1;
    }
    /* seg[k] is where level depth - k starts in ids (ids hold the last
       level first while pruning). */
    seg[0] = 0;
    for (Py_ssize_t i = last_start; i < last_end; i++) {
        uint32_t t = b->queue[i];
        if (bit_test(b->is_target, t)) {
            bit_set(b->in_result, t);
            if (builder_push_id(b, t) < 0) {
                goto error;
            }
        }
    }
    qsort(b->ids, (size_t)b->nids, sizeof(uint32_t), cmp_u32);
    for (uint32_t k = depth; k > 0; k--) {
        Py_ssize_t begin = seg[depth - k], end = b->nids;
        seg[depth - k + 1] = (uint32_t)end;
        for (Py_ssize_t i = begin; i < end; i++) {
            uint32_t t = b->ids[i];
            for (uint32_t e = g->in_start[t]; e < g->in_start[t + 1]; e++) {
                uint32_t u = g->in[e];
                if (b->level[u] != (int32_t)(k - 1)
                    || bit_test(b->in_result, u)
                    || builder_avoided(b, u, t)) {
                    continue;
                }
                bit_set(b->in_result, u);
                if (builder_push_id(b, u) < 0) {
                    goto error;
                }
            }
        }
        qsort(b->ids + end, (size_t)(b->nids - end), sizeof(uint32_t),
              cmp_u32);
    }
    seg[depth + 1] = (uint32_t)b->nids;

    /* Lay the nodes out from the sources on. */
    GySPGraph *sp = b->sp;
    sp->nnodes = b->nids;
    sp->nlevels = depth + 1;
    sp->nodes = PyMem_Calloc((size_t)b->nids + 1, sizeof(GySPNode));
    sp->level_start = gy_alloc_array((Py_ssize_t)depth + 2,
                                     sizeof(uint32_t));
    uint32_t *order = gy_alloc_array(b->nids + 1, sizeof(uint32_t));
    if (sp->nodes == NULL || sp->level_start == NULL || order == NULL) {
        PyMem_Free(order);
        PyErr_NoMemory();
        goto error;
    }
    Py_ssize_t at = 0;
    for (uint32_t k = 0; k <= depth; k++) {
        sp->level_start[k] = (uint32_t)at;
        for (uint32_t i = seg[depth - k]; i < seg[depth - k + 1]; i++) {
            uint32_t id = b->ids[i];
            GySPNode *node = &sp->nodes[at];
            node->level = k;
            if (id < (uint32_t)g->nreal) {
                node->key.kind = GY_SPN_OBJECT;
                node->key.obj = Py_NewRef(g->nodes->items[id]);
            }
            else if (id == (uint32_t)GY_GRAPH_ROOT(g)) {
                node->key.kind = GY_SPN_ROOT;
            }
            else {
                const GyGraphFrame *f = &g->frames[id - g->nreal - 1];
                node->key.kind = GY_SPN_FRAME;
                node->key.thread_id = f->thread_id;
                node->key.frame_no = f->frame_no;
            }
            order[at++] = id;
        }
    }
    sp->level_start[depth + 1] = (uint32_t)at;
    PyMem_Free(b->ids);
    b->ids = order;
    b->ids_cap = b->nids;
    PyMem_Free(seg);
    return 0;

error:
    PyMem_Free(seg);
    return -1;
}

/* ------------------------------------------------------------------ */
/* Steps */

static GySPStep *
builder_new_step(Builder *b, int kind, uint32_t dst)
{
    GySPGraph *sp = b->sp;
    if (sp->nsteps >= (Py_ssize_t)UINT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "too many path steps");
        return NULL;
    }
    if (sp->nsteps == b->steps_cap
        && gy_grow(&sp->steps, &b->steps_cap, sp->nsteps + 1,
                   sizeof(GySPStep)) < 0) {
        return NULL;
    }
    GySPStep *s = &sp->steps[sp->nsteps++];
    memset(s, 0, sizeof(*s));
    s->kind = kind;
    s->dst = dst;
    s->root.slot = -1;
    s->root.frame_no = -1;
    return s;
}

/* A step named by rel (borrowed names are taken). */
static int
builder_rel_step(Builder *b, const GyRel *rel, uint32_t dst)
{
    GySPStep *s = builder_new_step(b, (int)rel->kind, dst);
    if (s == NULL) {
        return -1;
    }
    s->name = rel->name;
    s->obj = Py_XNewRef(rel->obj);
    s->index = rel->index;
    if (rel->kind == GY_REL_ROOT) {
        s->root = *rel->root;
        s->root.code = NULL;
        /* Root steps sort by their text: make it now. */
        s->text = gy_rel_str(rel);
        if (s->text == NULL) {
            return -1;
        }
    }
    b->named[dst] = 1;
    return 0;
}

/* The result node a referent of the current node is, if it is one of its
 * successors; else NO_INDEX. */
static inline uint32_t
builder_successor(const Builder *b, Py_ssize_t id)
{
    if (id < 0) {
        return NO_INDEX;
    }
    uint32_t j = b->queue[id];
    if (j == NO_INDEX || b->stamp[j] != b->cur + 1) {
        return NO_INDEX;
    }
    return j;
}

/* gy_relproc: keep the names of edges to successors. */
static int
builder_relate_visit(const GyRel *rel, PyObject *dst, void *arg)
{
    Builder *b = arg;
    uint32_t j = builder_successor(b, gy_graph_id(b->g, dst));
    if (j == NO_INDEX) {
        return 0;
    }
    return builder_rel_step(b, rel, j) < 0 ? -1 : 0;
}

/* Steps out of the root or a stack frame: their edges' recorded names. */
static int
builder_virtual_steps(Builder *b, uint32_t u)
{
    GyGraph *g = b->g;
    uint32_t base = g->out_start[g->nreal];
    for (uint32_t e = g->out_start[u]; e < g->out_start[u + 1]; e++) {
        uint32_t j = builder_successor(b, g->out[e]);
        if (j == NO_INDEX) {
            continue;
        }
        const GyRootRef *ref = &g->vlabels[e - base];
        GyRel rel;
        if (ref->in_frame && ref->member != NULL
            && strcmp(ref->member, "frame") == 0) {
            /* hp.Root.i0_t<tid>_f<n> is that frame object already. */
            if (builder_new_step(b, GY_STEP_IDENTITY, j) == NULL) {
                return -1;
            }
            b->named[j] = 1;
        }
        else if (gy_relate_rootref(ref, &rel)
                 && builder_rel_step(b, &rel, j) < 0) {
            return -1;
        }
    }
    return 0;
}

static int
builder_steps(Builder *b)
{
    GyGraph *g = b->g;
    GySPGraph *sp = b->sp;
    GyRelater relater;
    if (gy_relater_init(&relater) < 0) {
        return -1;
    }
    int rc = -1;
    /* queue becomes graph id -> result node. */
    for (Py_ssize_t i = 0; i < g->nnodes; i++) {
        b->queue[i] = NO_INDEX;
    }
    for (Py_ssize_t i = 0; i < sp->nnodes; i++) {
        b->queue[b->ids[i]] = (uint32_t)i;
    }
    b->stamp = PyMem_Calloc((size_t)sp->nnodes + 1, sizeof(uint32_t));
    b->named = PyMem_Calloc((size_t)sp->nnodes + 1, 1);
    if (b->stamp == NULL || b->named == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    uint32_t last = sp->level_start[sp->nlevels - 1];
    for (uint32_t i = 0; i < last; i++) {
        GySPNode *node = &sp->nodes[i];
        uint32_t u = b->ids[i];
        b->cur = i;
        node->first_step = (uint32_t)sp->nsteps;
        /* Mark the successors: result nodes one level down that an edge
           not avoided leads to. */
        for (uint32_t e = g->out_start[u]; e < g->out_start[u + 1]; e++) {
            uint32_t v = g->out[e];
            uint32_t j = b->queue[v];
            if (j == NO_INDEX || sp->nodes[j].level != node->level + 1
                || b->stamp[j] == i + 1 || builder_avoided(b, u, v)) {
                continue;
            }
            b->stamp[j] = i + 1;
            b->named[j] = 0;
        }
        int r;
        if (node->key.kind == GY_SPN_OBJECT) {
            r = gy_relate(&relater, node->key.obj, builder_relate_visit, b);
        }
        else {
            r = builder_virtual_steps(b, u);
        }
        if (r != 0) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_SystemError,
                                "naming references failed");
            }
            goto done;
        }
        /* Successors nothing names: one ".??" step each. */
        for (uint32_t e = g->out_start[u]; e < g->out_start[u + 1]; e++) {
            uint32_t j = builder_successor(b, g->out[e]);
            if (j != NO_INDEX && !b->named[j]) {
                if (builder_new_step(b, GY_STEP_NONE, j) == NULL) {
                    goto done;
                }
                b->named[j] = 1;
            }
        }
        node = &sp->nodes[i];
        node->nsteps = (uint32_t)(sp->nsteps - node->first_step);
    }
    rc = 0;
done:
    gy_relater_fini(&relater);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Sorting steps */

/* a < b for two values of relations (keys, names) of one kind: by type
 * address when the types differ, else by the type's '<'; values '<'
 * refuses compare by address. 1, 0, or -1 with an exception
 * (MemoryError, KeyboardInterrupt and the like). */
static int
value_less(PyObject *a, PyObject *b)
{
    if (Py_TYPE(a) != Py_TYPE(b)) {
        return (uintptr_t)Py_TYPE(a) < (uintptr_t)Py_TYPE(b);
    }
    if (PyUnicode_CheckExact(a)) {
        return PyUnicode_Compare(a, b) < 0;
    }
    /* '<' may run Python code that drops the last other reference. */
    Py_INCREF(a);
    Py_INCREF(b);
    int r = PyObject_RichCompareBool(a, b, Py_LT);
    if (r < 0 && PyErr_ExceptionMatches(PyExc_Exception)) {
        PyErr_Clear();
        r = (uintptr_t)a < (uintptr_t)b;
    }
    Py_DECREF(a);
    Py_DECREF(b);
    return r;
}

/* Names of attributes: C strings (static names) compare as exact strs.
 * a < b: 1, 0, or -1 with an exception. */
static int
name_less(const GySPStep *a, const GySPStep *b)
{
    if (a->name != NULL && b->name != NULL) {
        return strcmp(a->name, b->name) < 0;
    }
    if (a->name == NULL && b->name == NULL) {
        return value_less(a->obj, b->obj);
    }
    PyObject *o = a->name != NULL ? b->obj : a->obj;
    const char *c = a->name != NULL ? a->name : b->name;
    int o_less_c;              /* o < c */
    if (Py_TYPE(o) != &PyUnicode_Type) {
        o_less_c = (uintptr_t)Py_TYPE(o) < (uintptr_t)&PyUnicode_Type;
        /* different types are never equal */
        return a->name != NULL ? !o_less_c : o_less_c;
    }
    int cmp = PyUnicode_CompareWithASCIIString(o, c);  /* o vs c */
    return a->name != NULL ? cmp > 0 : cmp < 0;
}

/* An item's key, or its index as an int: one of the two may be NULL. */
static int
item_less(const GySPStep *a, const GySPStep *b)
{
    if (a->obj == NULL && b->obj == NULL) {
        return a->index < b->index;
    }
    PyObject *x = a->obj ? Py_NewRef(a->obj) : PyLong_FromSsize_t(a->index);
    PyObject *y = b->obj ? Py_NewRef(b->obj) : PyLong_FromSsize_t(b->index);
    int r = (x == NULL || y == NULL) ? -1 : value_less(x, y);
    Py_XDECREF(x);
    Py_XDECREF(y);
    return r;
}

static int
kind_rank(const GySPStep *s)
{
    /* heapy names the root's references as attributes. */
    return s->kind == GY_REL_ROOT ? GY_REL_ATTRIBUTE : s->kind;
}

/* heapy's order of relations: a < b. 1, 0, or -1 with an exception. */
static int
step_less(const GySPStep *a, const GySPStep *b)
{
    int ka = kind_rank(a), kb = kind_rank(b);
    if (ka != kb) {
        return ka < kb;
    }
    if (a->kind != b->kind) {
        return a->kind < b->kind;
    }
    switch (a->kind) {
    case GY_REL_ATTRIBUTE:
    case GY_REL_INTERATTR:
        return name_less(a, b);
    case GY_REL_ROOT:
        return PyUnicode_Compare(a->text, b->text) < 0;
    case GY_REL_INDEXVAL:
        return item_less(a, b);
    case GY_REL_LOCAL_VAR:
    case GY_REL_CELL:
        if (a->obj == NULL || b->obj == NULL) {
            return a->obj == NULL && b->obj != NULL;
        }
        return value_less(a->obj, b->obj);
    case GY_REL_INDEXKEY:
    case GY_REL_HASATTR:
    case GY_REL_STACK:
    case GY_REL_INSET:
        return a->index < b->index;
    default:
        return 0;              /* .?? and identity steps are all equal */
    }
}

typedef int (*step_lessfunc)(const GySPStep *a, const GySPStep *b,
                             const uint32_t *ids);

static int
by_target(const GySPStep *a, const GySPStep *b, const uint32_t *ids)
{
    return ids[a->dst] < ids[b->dst];
}

static int
by_relation(const GySPStep *a, const GySPStep *b, const uint32_t *ids)
{
    (void)ids;
    return step_less(a, b);
}

/* Stable bottom-up merge sort of s[0 .. n) by less, using tmp (n
 * elements); each comparison asks less(right, left) once, so a '<' that
 * is not a consistent order still leaves a permutation. -1 with an
 * exception if less failed (s is then some permutation of itself). */
static int
steps_sort(GySPStep *s, GySPStep *tmp, uint32_t n, step_lessfunc less,
           const uint32_t *ids)
{
    GySPStep *from = s, *to = tmp;
    int rc = 0;
    for (uint32_t width = 1; width < n; width *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * width) {
            uint32_t mid = lo + width < n ? lo + width : n;
            uint32_t hi = mid + width < n ? mid + width : n;
            uint32_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                int r = rc < 0 ? 0 : less(&from[j], &from[i], ids);
                if (r < 0) {
                    rc = -1;   /* finish the pass as a plain merge */
                    r = 0;
                }
                to[k++] = r ? from[j++] : from[i++];
            }
            while (i < mid) {
                to[k++] = from[i++];
            }
            while (j < hi) {
                to[k++] = from[j++];
            }
        }
        GySPStep *t = from;
        from = to;
        to = t;
        if (width > UINT32_MAX / 2) {
            break;
        }
    }
    if (from != s) {
        memcpy(s, from, (size_t)n * sizeof(GySPStep));
    }
    return rc;
}

/* Each node's steps by target address (the order heapy meets them in),
 * then stably by relation. */
static int
builder_sort(Builder *b)
{
    GySPGraph *sp = b->sp;
    uint32_t most = 0;
    for (Py_ssize_t i = 0; i < sp->nnodes; i++) {
        if (sp->nodes[i].nsteps > most) {
            most = sp->nodes[i].nsteps;
        }
    }
    GySPStep *tmp = gy_alloc_array((Py_ssize_t)most + 1, sizeof(GySPStep));
    if (tmp == NULL) {
        return -1;
    }
    int rc = 0;
    for (Py_ssize_t i = 0; i < sp->nnodes && rc == 0; i++) {
        GySPNode *node = &sp->nodes[i];
        if (node->nsteps < 2) {
            continue;
        }
        GySPStep *s = &sp->steps[node->first_step];
        rc = steps_sort(s, tmp, node->nsteps, by_target, b->ids);
        if (rc == 0) {
            rc = steps_sort(s, tmp, node->nsteps, by_relation, b->ids);
        }
    }
    PyMem_Free(tmp);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Counting */

static void
sp_count(GySPGraph *sp)
{
    /* Levels from the targets up: each node's successors are counted
       before it. */
    for (Py_ssize_t i = sp->nnodes - 1; i >= 0; i--) {
        GySPNode *node = &sp->nodes[i];
        if (node->level == sp->nlevels - 1) {
            node->npaths = 1;
            continue;
        }
        uint64_t n = 0;
        for (uint32_t k = 0; k < node->nsteps; k++) {
            n = add_sat(n, sp->nodes[sp->steps[node->first_step + k].dst]
                               .npaths);
        }
        node->npaths = n;
        if (n == UINT64_MAX) {
            sp->saturated = 1;
        }
    }
}

/* ------------------------------------------------------------------ */
/* API */

static void
builder_fini(Builder *b)
{
    PyMem_Free(b->level);
    PyMem_Free(b->queue);
    PyMem_Free(b->is_target);
    PyMem_Free(b->in_result);
    PyMem_Free(b->avoid);
    PyMem_Free(b->ids);
    PyMem_Free(b->stamp);
    PyMem_Free(b->named);
}

GySPGraph *
gy_sp_build(GyGraph *g, const GySPQuery *q)
{
    Builder b;
    memset(&b, 0, sizeof(b));
    b.g = g;
    b.q = q;
    b.sp = PyMem_Calloc(1, sizeof(GySPGraph));
    if (b.sp == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    Py_ssize_t last_start = 0, last_end = 0;
    Py_ssize_t depth = 0;
    if (g != NULL
        && (builder_avoid_edges(&b) < 0
            || (depth = builder_search(&b, &last_start, &last_end)) < 0)) {
        goto error;
    }
    if (depth > 0) {
        if (builder_prune(&b, (uint32_t)depth, last_start, last_end) < 0
            || builder_steps(&b) < 0) {
            goto error;
        }
        /* The search's arrays go before Python code may run (key '<'). */
        PyMem_Free(b.level);
        b.level = NULL;
        PyMem_Free(b.is_target);
        b.is_target = NULL;
        PyMem_Free(b.in_result);
        b.in_result = NULL;
        if (builder_sort(&b) < 0) {
            goto error;
        }
        sp_count(b.sp);
    }
    GySPGraph *sp = b.sp;
    Py_ssize_t nsrc = sp->nlevels ? sp->level_start[1] : 0;
    sp->sources = gy_alloc_array(nsrc + 1, sizeof(uint32_t));
    if (sp->sources == NULL) {
        goto error;
    }
    for (Py_ssize_t i = 0; i < nsrc; i++) {
        sp->sources[i] = (uint32_t)i;
    }
    builder_fini(&b);
    return sp;

error:
    builder_fini(&b);
    gy_sp_free(b.sp);
    return NULL;
}

void
gy_sp_free(GySPGraph *sp)
{
    if (sp == NULL) {
        return;
    }
    for (Py_ssize_t i = 0; i < sp->nnodes; i++) {
        Py_CLEAR(sp->nodes[i].key.obj);
    }
    for (Py_ssize_t i = 0; i < sp->nsteps; i++) {
        Py_CLEAR(sp->steps[i].obj);
        Py_CLEAR(sp->steps[i].text);
    }
    PyMem_Free(sp->nodes);
    PyMem_Free(sp->steps);
    PyMem_Free(sp->level_start);
    PyMem_Free(sp->sources);
    PyMem_Free(sp);
}

int
gy_sp_traverse(const GySPGraph *sp, visitproc visit, void *arg)
{
    for (Py_ssize_t i = 0; i < sp->nnodes; i++) {
        Py_VISIT(sp->nodes[i].key.obj);
    }
    for (Py_ssize_t i = 0; i < sp->nsteps; i++) {
        Py_VISIT(sp->steps[i].obj);
        Py_VISIT(sp->steps[i].text);
    }
    return 0;
}

PyObject *
gy_sp_numpaths(const GySPGraph *sp)
{
    Py_ssize_t nsrc = sp->nlevels ? sp->level_start[1] : 0;
    if (!sp->saturated) {
        uint64_t n = 0;
        int exact = 1;
        for (Py_ssize_t i = 0; i < nsrc; i++) {
            uint64_t s = add_sat(n, sp->nodes[i].npaths);
            exact &= s != UINT64_MAX;
            n = s;
        }
        if (exact) {
            return PyLong_FromUnsignedLongLong(n);
        }
    }
    /* Recount with Python ints, targets up. */
    PyObject **count = PyMem_Calloc((size_t)sp->nnodes + 1,
                                    sizeof(PyObject *));
    PyObject *total = NULL;
    if (count == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = sp->nnodes - 1; i >= 0; i--) {
        const GySPNode *node = &sp->nodes[i];
        if (node->level == sp->nlevels - 1) {
            count[i] = PyLong_FromLong(1);
        }
        else {
            count[i] = PyLong_FromLong(0);
            for (uint32_t k = 0; count[i] != NULL && k < node->nsteps; k++) {
                PyObject *sum = PyNumber_Add(
                    count[i], count[sp->steps[node->first_step + k].dst]);
                Py_SETREF(count[i], sum);
            }
        }
        if (count[i] == NULL) {
            goto done;
        }
    }
    total = PyLong_FromLong(0);
    for (Py_ssize_t i = 0; total != NULL && i < nsrc; i++) {
        Py_SETREF(total, PyNumber_Add(total, count[i]));
    }
done:
    for (Py_ssize_t i = 0; i < sp->nnodes; i++) {
        Py_XDECREF(count[i]);
    }
    PyMem_Free(count);
    return total;
}

int
gy_sp_order_sources(GySPGraph *sp, const uint32_t *order, Py_ssize_t n)
{
    Py_ssize_t nsrc = sp->nlevels ? sp->level_start[1] : 0;
    if (n != nsrc) {
        PyErr_SetString(PyExc_ValueError,
                        "source order must list every source once");
        return -1;
    }
    uint8_t *seen = PyMem_Calloc((size_t)n + 1, 1);
    if (seen == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (order[i] >= (uint32_t)n || seen[order[i]]) {
            PyMem_Free(seen);
            PyErr_SetString(PyExc_ValueError,
                            "source order must list every source once");
            return -1;
        }
        seen[order[i]] = 1;
    }
    PyMem_Free(seen);
    memcpy(sp->sources, order, (size_t)n * sizeof(uint32_t));
    return 0;
}

int
gy_sp_path_at(const GySPGraph *sp, uint64_t index, uint32_t *src_pos,
              uint32_t *steps)
{
    Py_ssize_t nsrc = sp->nlevels ? sp->level_start[1] : 0;
    Py_ssize_t p = 0;
    /* Counts are exact below UINT64_MAX and index is below it, so a
       saturated count is never skipped wrongly. */
    for (; p < nsrc; p++) {
        uint64_t c = sp->nodes[sp->sources[p]].npaths;
        if (index < c) {
            break;
        }
        index -= c;
    }
    if (p == nsrc) {
        return 0;
    }
    *src_pos = (uint32_t)p;
    uint32_t u = sp->sources[p];
    for (uint32_t d = 0; d + 1 < sp->nlevels; d++) {
        const GySPNode *node = &sp->nodes[u];
        uint32_t k = node->first_step, end = k + node->nsteps;
        for (; k < end; k++) {
            uint64_t c = sp->nodes[sp->steps[k].dst].npaths;
            if (index < c) {
                break;
            }
            index -= c;
        }
        if (k == end) {
            return 0;          /* NEVER: counts sum to the node's */
        }
        steps[d] = k;
        u = sp->steps[k].dst;
    }
    return 1;
}

int
gy_sp_path_next(const GySPGraph *sp, uint32_t *src_pos, uint32_t *steps)
{
    Py_ssize_t nsrc = sp->nlevels ? sp->level_start[1] : 0;
    uint32_t depth = sp->nlevels - 1;
    /* The deepest level that can move to its next step; the levels below
       it restart at their node's first step. */
    uint32_t d = depth;
    while (d > 0) {
        d--;
        uint32_t u = d == 0 ? sp->sources[*src_pos] : sp->steps[steps[d - 1]].dst;
        const GySPNode *node = &sp->nodes[u];
        if (steps[d] + 1 < node->first_step + node->nsteps) {
            steps[d]++;
            goto refill;
        }
    }
    if ((Py_ssize_t)*src_pos + 1 >= nsrc) {
        return 0;
    }
    (*src_pos)++;
    steps[0] = sp->nodes[sp->sources[*src_pos]].first_step;
    d = 0;
refill:
    for (uint32_t k = d + 1; k < depth; k++) {
        steps[k] = sp->nodes[sp->steps[steps[k - 1]].dst].first_step;
    }
    return 1;
}

/* "[key]" with the key shortened by reprlib.repr; a repr that fails or
 * is not a str is replaced by the default one. */
static PyObject *
sp_key_text(PyObject *key, PyObject *reprlib_repr)
{
    PyObject *r = PyObject_CallOneArg(reprlib_repr, key);
    if (r == NULL && PyErr_ExceptionMatches(PyExc_MemoryError)) {
        return NULL;
    }
    if (r == NULL || !PyUnicode_Check(r)) {
        PyErr_Clear();
        Py_XDECREF(r);
        r = PyUnicode_FromFormat("<%s object at %p>", Py_TYPE(key)->tp_name,
                                 (void *)key);
        if (r == NULL) {
            return NULL;
        }
    }
    PyObject *s = PyUnicode_FromFormat("[%U]", r);
    Py_DECREF(r);
    return s;
}

PyObject *
gy_sp_step_text(GySPStep *s, PyObject *reprlib_repr)
{
    if (s->text != NULL) {
        return s->text;
    }
    PyObject *t;
    switch (s->kind) {
    case GY_STEP_NONE:
        t = PyUnicode_FromString(".??");
        break;
    case GY_STEP_IDENTITY:
        t = PyUnicode_FromString("");
        break;
    case GY_REL_INSET:
        t = PyUnicode_FromFormat(")[%zd]", s->index);
        break;
    default:
        if (s->kind == GY_REL_INDEXVAL && s->obj != NULL) {
            /* The key object stays alive through the call: the step
               holds it. */
            t = sp_key_text(s->obj, reprlib_repr);
        }
        else {
            GyRel rel = {(GyRelKind)s->kind, s->name, s->obj, s->index,
                         &s->root};
            t = gy_rel_str(&rel);
        }
        break;
    }
    if (t == NULL) {
        return NULL;
    }
    /* A repr that ran Python code may have filled it meanwhile. */
    if (s->text != NULL) {
        Py_DECREF(t);
        return s->text;
    }
    s->text = t;
    return t;
}
