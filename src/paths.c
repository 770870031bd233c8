/* paths.c -- shortest paths from a source set (default: the root) to the
 * nearest members of a target set, as heapy's x.sp finds them. Knows
 * nothing of printing pages or of the Python objects that show paths
 * (py_paths.c).
 *
 * The search is heapy's: breadth first from the sources over the live
 * heap, one level at a time, each node taking the level at which it is
 * first reached, until a level holds any target; only the targets of that
 * level count. It follows references exactly as the heap walk does
 * (walk.c's GyReferents: tp_traverse completed for types, code objects
 * and dict keys; the profiler's own objects and frames left out), from
 * the roots as gy_visit_roots gives them: the root's members and every
 * thread's stack frames, which are nodes of their own (3.11+ frames have
 * no object). It reads only as many levels as the nearest target needs:
 * a global costs a few thousand objects, not a walk of the heap.
 *
 * Then it goes back up: the targets' parents are the nodes of the level
 * above with a reference to one of them (that level is traversed again;
 * no edge was stored on the way down), and so on to the sources. The
 * result, a GySPGraph, keeps just the nodes on some shortest path, with
 * strong references, and the named steps between consecutive levels. Each
 * reference src -> dst becomes one step per name relate.c gives it (a list
 * holding x twice: [0] and [1]; no name: ".??"), and the number of paths
 * multiplies along them.
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
 * Cost: the search O(objects and references read), twice over (down, then
 * up), with a visited bitmap (markset.c) and a queue of one word per
 * object read; the result O(its nodes + their references), names from
 * one gy_relate per node. Enumeration by index: O(depth x steps per
 * node); the next path: O(the steps that change). No recursion anywhere:
 * a path can be millions long. Until the result holds its references, no
 * Python code runs, so nothing read can be freed.
 */
#include "paths.h"

#include "frameobject.h"     /* PyFrame_Check before 3.11 */
#include "markset.h"
#include "walk.h"

#define NO_INDEX UINT32_MAX

/* Nodes are handles: an object's address (even), the root (1), or stack
 * frame k of the search's frame table (3 + 2k, odd). */
#define ROOT_HANDLE ((uintptr_t)1)

static inline int
handle_is_object(uintptr_t h)
{
    return (h & 1) == 0;
}

static inline uintptr_t
frame_handle(Py_ssize_t k)
{
    return (uintptr_t)(3 + 2 * k);
}

static inline Py_ssize_t
handle_frame(uintptr_t h)
{
    return (Py_ssize_t)((h - 3) / 2);
}

/* ------------------------------------------------------------------ */
/* Small helpers */

static inline uint64_t
add_sat(uint64_t a, uint64_t b)
{
    uint64_t s = a + b;
    return s < a ? UINT64_MAX : s;
}

static int
cmp_handle(const void *a, const void *b)
{
    uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
    return x < y ? -1 : x > y;
}

/* An edge to avoid, by handles. */
typedef struct AvoidEdge {
    uintptr_t src, dst;
} AvoidEdge;

static int
cmp_avoid(const void *a, const void *b)
{
    const AvoidEdge *x = a, *y = b;
    if (x->src != y->src) {
        return x->src < y->src ? -1 : 1;
    }
    return x->dst < y->dst ? -1 : x->dst > y->dst;
}

/* ------------------------------------------------------------------ */
/* The builder */

/* A reference held by the root or a stack frame, with its name. */
typedef struct VRef {
    PyObject *obj;             /* borrowed; nothing runs while it is read */
    GyRootRef label;
    Py_ssize_t src;            /* -1: the root; else the frame's number */
} VRef;

typedef struct VFrame {
    unsigned long thread_id;
    int frame_no;
    PyObject *frame_obj;       /* its frame object, if it has one */
    Py_ssize_t first, nrefs;   /* its references: vrefs[first ..] */
} VFrame;

typedef struct Builder Builder;
typedef int (*edgefunc)(Builder *b, uintptr_t u, uintptr_t v);

struct Builder {
    GyState *st;
    const GySPQuery *q;
    GyReferents refs;
    /* The roots, read once. */
    VRef *vrefs;
    Py_ssize_t nvrefs, vrefs_cap;
    VFrame *frames;
    Py_ssize_t nframes, frames_cap;
    /* The search: every node reached, level by level. */
    GyMarkSet seen;            /* objects reached, hidden, or avoided */
    uint8_t *frame_seen;       /* per frame */
    GyMarkSet targets;
    uintptr_t *queue;
    Py_ssize_t nqueue, queue_cap;
    Py_ssize_t *lstart;        /* level k is queue[lstart[k] .. lstart[k+1]) */
    Py_ssize_t nlevels, lstart_cap;
    Py_ssize_t found;          /* targets in the level being made */
    /* Edges not followed. */
    GyPtrMap moddicts;         /* module dict -> its module */
    int nsrule;                /* the module-dict rule is on */
    AvoidEdge *avoid;          /* sorted */
    Py_ssize_t navoid, avoid_cap;
    /* The result: node i is the handle ids[i]; sorted within a level. */
    uintptr_t *ids;
    Py_ssize_t nids, ids_cap;
    GySPGraph *sp;
    Py_ssize_t steps_cap;
    uint32_t *stamp;           /* result node -> 1 + the node whose steps
                                  are being made, if it is a successor */
    uint8_t *named;            /* that successor got a named step */
    uint32_t cur;              /* the node whose steps are being made */
    /* The current expansion (visitproc callbacks get only the Builder). */
    uintptr_t exp_from;
    edgefunc exp_edge;
    /* Going up, and making steps: where the level below starts and ends
       in ids. */
    Py_ssize_t below_begin, below_end;
};

/* The module-dict rule. From the root, a module's dict is entered only
 * from its module (or from the root itself: i0_sysdict, i0_builtins).
 * Running code shares its module's globals: a frame's f_globals, a
 * module-level frame's f_locals, every function's __globals__ refer to
 * the same dict, and the frames are roots, so without the rule a global
 * would have a path through whichever frame or local function is nearest
 * the stack (hp.Root.i0_t<tid>_f0.f_globals['x']), often several. With
 * it, globals read hp.Root.i0_modules['m'].__dict__['x'], as guppy3
 * prints them. The modules are those of sys.modules. Searches from other
 * sources follow every reference; so does a search from the root that
 * finds nothing with the rule. */
static inline int
builder_blocked(const Builder *b, uintptr_t u, uintptr_t v)
{
    uintptr_t module;
    if (b->nsrule && u != ROOT_HANDLE && handle_is_object(v)
        && gy_ptrmap_get(&b->moddicts, (void *)v, &module) && module != u) {
        return 1;
    }
    if (b->navoid == 0) {
        return 0;
    }
    AvoidEdge key = {u, v};
    return bsearch(&key, b->avoid, (size_t)b->navoid, sizeof(AvoidEdge),
                   cmp_avoid) != NULL;
}

static int
builder_module_dicts(Builder *b)
{
    PyObject *modules = PyImport_GetModuleDict();   /* borrowed */
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    if (modules == NULL || !PyDict_Check(modules)) {
        return 0;
    }
    while (PyDict_Next(modules, &pos, &key, &value)) {
        if (!PyModule_Check(value)) {
            continue;
        }
        PyObject *d = PyModule_GetDict(value);      /* borrowed */
        if (d != NULL
            && gy_ptrmap_set(&b->moddicts, d, (uintptr_t)value) < 0) {
            return -1;
        }
    }
    b->nsrule = b->moddicts.used > 0;
    return 0;
}

/* gy_rootproc: a reference of the root or of a stack frame. */
static int
builder_root_ref(PyObject *obj, const GyRootRef *ref, void *arg)
{
    Builder *b = arg;
    Py_ssize_t src = -1;
    if (ref->in_frame) {
        VFrame *last = b->nframes ? &b->frames[b->nframes - 1] : NULL;
        if (last == NULL || last->thread_id != ref->thread_id
            || last->frame_no != ref->frame_no) {
            if (b->nframes == b->frames_cap
                && gy_grow(&b->frames, &b->frames_cap, b->nframes + 1,
                           sizeof(VFrame)) < 0) {
                return -1;
            }
            last = &b->frames[b->nframes++];
            last->thread_id = ref->thread_id;
            last->frame_no = ref->frame_no;
            last->frame_obj = NULL;
            last->first = b->nvrefs;
            last->nrefs = 0;
        }
        last->nrefs++;
        src = b->nframes - 1;
        if (ref->member != NULL && strcmp(ref->member, "frame") == 0) {
            last->frame_obj = obj;
        }
    }
    if (b->nvrefs == b->vrefs_cap
        && gy_grow(&b->vrefs, &b->vrefs_cap, b->nvrefs + 1,
                   sizeof(VRef)) < 0) {
        return -1;
    }
    VRef *r = &b->vrefs[b->nvrefs++];
    r->obj = obj;
    r->label = *ref;
    r->src = src;
    return 0;
}

static int
builder_own_frame(PyObject *globals, void *arg)
{
    Builder *b = arg;
    return gy_own_globals(b->st, globals);
}

/* The name of the root's reference to frame k. */
static GyRootRef
builder_frame_label(const Builder *b, Py_ssize_t k)
{
    GyRootRef r = {NULL, b->frames[k].thread_id, b->frames[k].frame_no, -1,
                   NULL, 1};
    return r;
}

/* The stack frame whose frame object op is, or -1 (3.11+: a running
 * frame's object does not traverse what the frame holds; paths from it
 * show those references all the same, as guppy3's do). */
static Py_ssize_t
builder_frame_of(const Builder *b, PyObject *op)
{
    if (b->nframes == 0 || !PyFrame_Check(op)) {
        return -1;
    }
    for (Py_ssize_t k = 0; k < b->nframes; k++) {
        if (b->frames[k].frame_obj == op) {
            return k;
        }
    }
    return -1;
}

/* visitproc over an object's references. */
static int
builder_expand_visit(PyObject *v, void *arg)
{
    Builder *b = arg;
    return b->exp_edge(b, b->exp_from, (uintptr_t)v);
}

/* Call edge(b, u, v) for each reference u holds, as the walk follows
 * them; the first nonzero result stops and is returned (-1: error). */
static int
builder_expand(Builder *b, uintptr_t u, edgefunc edge)
{
    int rc;
    Py_ssize_t src;
    if (handle_is_object(u)) {
        b->exp_from = u;
        b->exp_edge = edge;
        rc = gy_referents_visit(&b->refs, (PyObject *)u,
                                builder_expand_visit, b);
        if (rc < 0 && !PyErr_Occurred()) {
            PyErr_SetString(PyExc_RuntimeError,
                            "shortest paths: a tp_traverse failed");
        }
        if (rc != 0 || (src = builder_frame_of(b, (PyObject *)u)) < 0) {
            return rc;
        }
        /* and the references of the stack frame it is (not itself) */
    }
    else {
        src = u == ROOT_HANDLE ? -1 : handle_frame(u);
    }
    /* A frame's references are consecutive; the root's are not. */
    Py_ssize_t first = src < 0 ? 0 : b->frames[src].first;
    Py_ssize_t end = src < 0 ? b->nvrefs : first + b->frames[src].nrefs;
    for (Py_ssize_t i = first; i < end; i++) {
        if (b->vrefs[i].src == src && (uintptr_t)b->vrefs[i].obj != u
            && (rc = edge(b, u, (uintptr_t)b->vrefs[i].obj)) != 0) {
            return rc;
        }
    }
    for (Py_ssize_t k = 0; u == ROOT_HANDLE && k < b->nframes; k++) {
        if ((rc = edge(b, u, frame_handle(k))) != 0) {
            return rc;
        }
    }
    return 0;
}

/* The handles a key stands for (at most two: a frame object on a
 * thread's stack is both an object and that stack frame). */
static int
builder_key_handles(const Builder *b, const GySPKey *key, uintptr_t h[2])
{
    switch (key->kind) {
    case GY_SPN_ROOT:
        h[0] = ROOT_HANDLE;
        return 1;
    case GY_SPN_FRAME:
        for (Py_ssize_t k = 0; k < b->nframes; k++) {
            if (b->frames[k].thread_id == key->thread_id
                && b->frames[k].frame_no == key->frame_no) {
                h[0] = frame_handle(k);
                return 1;
            }
        }
        return 0;
    case GY_SPN_OBJECT:
        break;
    }
    if (key->obj == b->q->root_obj) {
        h[0] = ROOT_HANDLE;
        return 1;
    }
    int n = 0;
    h[n++] = (uintptr_t)key->obj;
    for (Py_ssize_t k = 0; k < b->nframes && n < 2; k++) {
        if (b->frames[k].frame_obj == key->obj) {
            h[n++] = frame_handle(k);
        }
    }
    return n;
}

static int
builder_avoid_edges(Builder *b)
{
    const GySPQuery *q = b->q;
    for (Py_ssize_t i = 0; i < q->navoid_edges; i++) {
        uintptr_t s[2], d[2];
        int ns = builder_key_handles(b, &q->avoid_edges[2 * i], s);
        int nd = builder_key_handles(b, &q->avoid_edges[2 * i + 1], d);
        for (int x = 0; x < ns; x++) {
            for (int y = 0; y < nd; y++) {
                if (b->navoid == b->avoid_cap
                    && gy_grow(&b->avoid, &b->avoid_cap, b->navoid + 1,
                               sizeof(AvoidEdge)) < 0) {
                    return -1;
                }
                b->avoid[b->navoid].src = s[x];
                b->avoid[b->navoid].dst = d[y];
                b->navoid++;
            }
        }
    }
    if (b->navoid > 1) {
        qsort(b->avoid, (size_t)b->navoid, sizeof(AvoidEdge), cmp_avoid);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Down: the search */

static int
builder_push(Builder *b, uintptr_t h)
{
    if (b->nqueue == b->queue_cap
        && gy_grow(&b->queue, &b->queue_cap, b->nqueue + 1,
                   sizeof(uintptr_t)) < 0) {
        return -1;
    }
    b->queue[b->nqueue++] = h;
    return 0;
}

static int
builder_level_mark(Builder *b)
{
    if (b->nlevels + 1 >= b->lstart_cap
        && gy_grow(&b->lstart, &b->lstart_cap, b->nlevels + 2,
                   sizeof(Py_ssize_t)) < 0) {
        return -1;
    }
    b->lstart[++b->nlevels] = b->nqueue;
    return 0;
}

/* edgefunc of the search: reach v from u. */
static int
search_edge(Builder *b, uintptr_t u, uintptr_t v)
{
    if (!handle_is_object(v)) {
        Py_ssize_t k = handle_frame(v);
        if (b->frame_seen[k] || builder_blocked(b, u, v)) {
            return 0;
        }
        b->frame_seen[k] = 1;
        return builder_push(b, v);
    }
    int added = gy_markset_add(&b->seen, (void *)v);
    if (added <= 0) {
        return added;
    }
    if (builder_blocked(b, u, v)) {
        /* Not through this edge; maybe through another. */
        gy_markset_discard(&b->seen, (void *)v);
        return 0;
    }
    int kind = gy_referents_kind(&b->refs, (PyObject *)v);
    if (kind < 0) {
        return -1;
    }
    if (kind == GY_REF_HIDDEN) {
        return 0;              /* stays marked: never entered */
    }
    b->found += gy_markset_contains(&b->targets, (void *)v);
    return builder_push(b, v);
}

static void
builder_search_fini(Builder *b)
{
    gy_markset_fini(&b->seen);
    PyMem_Free(b->frame_seen);
    PyMem_Free(b->queue);
    PyMem_Free(b->lstart);
    b->frame_seen = NULL;
    b->queue = NULL;
    b->lstart = NULL;
    b->nqueue = b->queue_cap = b->nlevels = b->lstart_cap = 0;
}

/* Breadth first from the sources until a level holds a target. Returns
 * the depth of that level (>= 1), 0 if no target is reachable, -1 on
 * error. Levels 0 .. depth are left in queue and lstart. */
static Py_ssize_t
builder_search(Builder *b)
{
    const GySPQuery *q = b->q;
    int any_target = 0;
    if (gy_markset_init(&b->seen) < 0) {
        return -1;
    }
    b->frame_seen = PyMem_Calloc((size_t)b->nframes + 1, 1);
    b->lstart_cap = 16;
    b->lstart = gy_alloc_array(b->lstart_cap, sizeof(Py_ssize_t));
    if (b->frame_seen == NULL || b->lstart == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    b->lstart[0] = 0;
    b->nlevels = 0;
    int root_avoided = 0;
    for (Py_ssize_t k = 0; q->avoid_nodes && k < q->avoid_nodes->count;
         k++) {
        PyObject *op = q->avoid_nodes->items[k];
        if (op == q->root_obj) {
            root_avoided = 1;
        }
        else if (gy_markset_add(&b->seen, op) < 0) {
            return -1;
        }
    }
    if (q->sources == NULL) {
        if (!root_avoided && builder_push(b, ROOT_HANDLE) < 0) {
            return -1;
        }
    }
    for (Py_ssize_t k = 0; q->sources && k < q->sources->count; k++) {
        PyObject *op = q->sources->items[k];
        int added;
        if (op == q->root_obj) {
            added = !root_avoided;
            root_avoided = 1;          /* once */
            if (added && builder_push(b, ROOT_HANDLE) < 0) {
                return -1;
            }
            continue;
        }
        added = gy_markset_add(&b->seen, op);
        if (added < 0 || (added && builder_push(b, (uintptr_t)op) < 0)) {
            return -1;
        }
    }
    if (builder_level_mark(b) < 0) {
        return -1;
    }
    for (Py_ssize_t k = 0; k < q->targets->count; k++) {
        if (q->targets->items[k] != q->root_obj) {
            any_target = 1;
        }
    }
    if (!any_target) {
        return 0;
    }
    /* Invariant: queue[lstart[d] .. lstart[d + 1]) is level d, and every
       node of a lower level has been expanded. Sources are never targets:
       level 0 is not tested, as in heapy. */
    for (Py_ssize_t d = 0;; d++) {
        Py_ssize_t begin = b->lstart[d], end = b->lstart[d + 1];
        if (begin == end) {
            return 0;
        }
        b->found = 0;
        for (Py_ssize_t i = begin; i < end; i++) {
            if (builder_expand(b, b->queue[i], search_edge) < 0) {
                return -1;
            }
        }
        if (builder_level_mark(b) < 0) {
            return -1;
        }
        if (b->found) {
            return d + 1;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Up: the nodes on shortest paths */

static int
builder_push_id(Builder *b, uintptr_t h)
{
    if (b->nids == b->ids_cap
        && gy_grow(&b->ids, &b->ids_cap, b->nids + 1, sizeof(uintptr_t)) < 0) {
        return -1;
    }
    b->ids[b->nids++] = h;
    return 0;
}

/* The position of h among ids[begin .. end) (sorted), or -1. */
static Py_ssize_t
builder_find(const Builder *b, Py_ssize_t begin, Py_ssize_t end,
             uintptr_t h)
{
    const uintptr_t *p = bsearch(&h, b->ids + begin, (size_t)(end - begin),
                                 sizeof(uintptr_t), cmp_handle);
    return p ? p - b->ids : -1;
}

/* edgefunc going up: 1 (stop) if v is a kept node of the level below. */
static int
prune_edge(Builder *b, uintptr_t u, uintptr_t v)
{
    return builder_find(b, b->below_begin, b->below_end, v) >= 0
           && !builder_blocked(b, u, v);
}

/* The result's nodes: the targets of the last level, then level by level
 * up to the sources, each node one with a reference to a node already
 * kept; sorted by handle within a level. Then laid out from the sources
 * down, holding references to the objects. */
static int
builder_prune(Builder *b, Py_ssize_t depth)
{
    Py_ssize_t *seg = gy_alloc_array(depth + 2, sizeof(Py_ssize_t));
    uintptr_t *order = NULL;
    if (seg == NULL) {
        return -1;
    }
    /* seg[j] is where level depth - j starts in ids while going up. */
    seg[0] = 0;
    for (Py_ssize_t i = b->lstart[depth]; i < b->lstart[depth + 1]; i++) {
        uintptr_t h = b->queue[i];
        if (handle_is_object(h)
            && gy_markset_contains(&b->targets, (void *)h)
            && builder_push_id(b, h) < 0) {
            goto error;
        }
    }
    qsort(b->ids, (size_t)b->nids, sizeof(uintptr_t), cmp_handle);
    seg[1] = b->nids;
    for (Py_ssize_t k = depth - 1; k >= 0; k--) {
        Py_ssize_t j = depth - k;
        b->below_begin = seg[j - 1];
        b->below_end = seg[j];
        for (Py_ssize_t i = b->lstart[k]; i < b->lstart[k + 1]; i++) {
            int rc = builder_expand(b, b->queue[i], prune_edge);
            if (rc < 0 || (rc > 0 && builder_push_id(b, b->queue[i]) < 0)) {
                goto error;
            }
        }
        qsort(b->ids + seg[j], (size_t)(b->nids - seg[j]), sizeof(uintptr_t),
              cmp_handle);
        seg[j + 1] = b->nids;
    }

    GySPGraph *sp = b->sp;
    sp->nodes = PyMem_Calloc((size_t)b->nids + 1, sizeof(GySPNode));
    sp->level_start = gy_alloc_array(depth + 2, sizeof(uint32_t));
    order = gy_alloc_array(b->nids + 1, sizeof(uintptr_t));
    if (sp->nodes == NULL || sp->level_start == NULL || order == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    /* Only now: gy_sp_free reads nnodes entries of nodes. */
    sp->nnodes = b->nids;
    sp->nlevels = (uint32_t)depth + 1;
    Py_ssize_t at = 0;
    for (Py_ssize_t k = 0; k <= depth; k++) {
        sp->level_start[k] = (uint32_t)at;
        for (Py_ssize_t i = seg[depth - k]; i < seg[depth - k + 1]; i++) {
            uintptr_t h = b->ids[i];
            GySPNode *node = &sp->nodes[at];
            node->level = (uint32_t)k;
            if (handle_is_object(h)) {
                node->key.kind = GY_SPN_OBJECT;
                node->key.obj = Py_NewRef((PyObject *)h);
            }
            else if (h == ROOT_HANDLE) {
                node->key.kind = GY_SPN_ROOT;
            }
            else {
                const VFrame *f = &b->frames[handle_frame(h)];
                node->key.kind = GY_SPN_FRAME;
                node->key.thread_id = f->thread_id;
                node->key.frame_no = f->frame_no;
            }
            order[at++] = h;
        }
    }
    sp->level_start[depth + 1] = (uint32_t)at;
    PyMem_Free(b->ids);
    b->ids = order;
    b->ids_cap = b->nids;
    PyMem_Free(seg);
    return 0;

error:
    PyMem_Free(order);
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
    b->named[dst] = 1;
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
        s->root.code = NULL;   /* borrowed; not needed to name a root */
    }
    return 0;
}

/* Root steps sort by their text: made once every step is, since making a
 * str may run the collector, and the roots' labels are borrowed. */
static int
builder_root_texts(Builder *b)
{
    GySPGraph *sp = b->sp;
    for (Py_ssize_t i = 0; i < sp->nsteps; i++) {
        GySPStep *s = &sp->steps[i];
        if (s->kind == GY_REL_ROOT) {
            GyRel rel = {GY_REL_ROOT, NULL, NULL, 0, &s->root};
            s->text = gy_rel_str(&rel);
            if (s->text == NULL) {
                return -1;
            }
        }
    }
    return 0;
}

/* The result node v is if it is a successor of the current node (marked
 * by step_mark_edge), else NO_INDEX. */
static inline uint32_t
builder_successor(const Builder *b, uintptr_t v)
{
    Py_ssize_t j = builder_find(b, b->below_begin, b->below_end, v);
    if (j < 0 || b->stamp[j] != b->cur + 1) {
        return NO_INDEX;
    }
    return (uint32_t)j;
}

/* edgefunc: mark v if it is a node of the level below, reached by an
 * edge the search follows. */
static int
step_mark_edge(Builder *b, uintptr_t u, uintptr_t v)
{
    Py_ssize_t j = builder_find(b, b->below_begin, b->below_end, v);
    if (j >= 0 && b->stamp[j] != b->cur + 1 && !builder_blocked(b, u, v)) {
        b->stamp[j] = b->cur + 1;
        b->named[j] = 0;
    }
    return 0;
}

/* edgefunc: one ".??" step to each successor nothing named. */
static int
step_unnamed_edge(Builder *b, uintptr_t u, uintptr_t v)
{
    (void)u;
    uint32_t j = builder_successor(b, v);
    if (j != NO_INDEX && !b->named[j]
        && builder_new_step(b, GY_STEP_NONE, j) == NULL) {
        return -1;
    }
    return 0;
}

/* gy_relproc: keep the names of references to successors. */
static int
step_relate_visit(const GyRel *rel, PyObject *dst, void *arg)
{
    Builder *b = arg;
    uint32_t j = builder_successor(b, (uintptr_t)dst);
    if (j == NO_INDEX) {
        return 0;
    }
    return builder_rel_step(b, rel, j) < 0 ? -1 : 0;
}

/* Steps out of the root or stack frame src (-1: the root), or out of that
 * frame's frame object u: the references' recorded names. */
static int
builder_virtual_steps(Builder *b, uintptr_t u, Py_ssize_t src)
{
    Py_ssize_t first = src < 0 ? 0 : b->frames[src].first;
    Py_ssize_t end = src < 0 ? b->nvrefs : first + b->frames[src].nrefs;
    GyRel rel;
    for (Py_ssize_t i = first; i < end; i++) {
        const VRef *r = &b->vrefs[i];
        uint32_t j;
        if (r->src != src
            || (j = builder_successor(b, (uintptr_t)r->obj)) == NO_INDEX) {
            continue;
        }
        if (r->label.in_frame && r->label.member != NULL
            && strcmp(r->label.member, "frame") == 0) {
            /* hp.Root.i0_t<tid>_f<n> is that frame object already. */
            if (builder_new_step(b, GY_STEP_IDENTITY, j) == NULL) {
                return -1;
            }
        }
        else if (gy_relate_rootref(&r->label, &rel)
                 && builder_rel_step(b, &rel, j) < 0) {
            return -1;
        }
    }
    for (Py_ssize_t k = 0; u == ROOT_HANDLE && k < b->nframes; k++) {
        uint32_t j = builder_successor(b, frame_handle(k));
        GyRootRef label = builder_frame_label(b, k);
        if (j != NO_INDEX && gy_relate_rootref(&label, &rel)
            && builder_rel_step(b, &rel, j) < 0) {
            return -1;
        }
    }
    return 0;
}

static int
builder_steps(Builder *b)
{
    GySPGraph *sp = b->sp;
    GyRelater relater;
    if (gy_relater_init(&relater) < 0) {
        return -1;
    }
    int rc = -1;
    b->stamp = PyMem_Calloc((size_t)sp->nnodes + 1, sizeof(uint32_t));
    b->named = PyMem_Calloc((size_t)sp->nnodes + 1, 1);
    if (b->stamp == NULL || b->named == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    uint32_t last = sp->level_start[sp->nlevels - 1];
    for (uint32_t i = 0; i < last; i++) {
        uintptr_t u = b->ids[i];
        uint32_t level = sp->nodes[i].level;
        b->cur = i;
        b->below_begin = sp->level_start[level + 1];
        b->below_end = sp->level_start[level + 2];
        sp->nodes[i].first_step = (uint32_t)sp->nsteps;
        if (builder_expand(b, u, step_mark_edge) < 0) {
            goto done;
        }
        int r;
        Py_ssize_t frame;
        if (handle_is_object(u)) {
            r = gy_relate(&relater, (PyObject *)u, step_relate_visit, b);
            if (r != 0 && !PyErr_Occurred()) {
                PyErr_SetString(PyExc_SystemError,
                                "naming references failed");
            }
            frame = builder_frame_of(b, (PyObject *)u);
            if (r == 0 && frame >= 0) {
                r = builder_virtual_steps(b, u, frame);
            }
        }
        else {
            r = builder_virtual_steps(b, u, u == ROOT_HANDLE
                                               ? -1 : handle_frame(u));
        }
        if (r != 0 || builder_expand(b, u, step_unnamed_edge) < 0) {
            goto done;
        }
        sp->nodes[i].nsteps = (uint32_t)(sp->nsteps
                                         - sp->nodes[i].first_step);
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
                             const uintptr_t *ids);

static int
by_target(const GySPStep *a, const GySPStep *b, const uintptr_t *ids)
{
    return ids[a->dst] < ids[b->dst];
}

static int
by_relation(const GySPStep *a, const GySPStep *b, const uintptr_t *ids)
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
           const uintptr_t *ids)
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
    builder_search_fini(b);
    gy_referents_fini(&b->refs);
    gy_markset_fini(&b->targets);
    gy_ptrmap_fini(&b->moddicts);
    PyMem_Free(b->vrefs);
    PyMem_Free(b->frames);
    PyMem_Free(b->avoid);
    PyMem_Free(b->ids);
    PyMem_Free(b->stamp);
    PyMem_Free(b->named);
}

/* Everything the search needs before it starts: the targets as a set,
 * the roots, the edges to avoid, the module dicts. */
static int
builder_init(Builder *b)
{
    const GySPQuery *q = b->q;
    if (gy_referents_init(&b->refs, b->st) < 0
        || gy_markset_init(&b->targets) < 0
        || gy_ptrmap_init(&b->moddicts, 64) < 0) {
        return -1;
    }
    for (Py_ssize_t k = 0; k < q->targets->count; k++) {
        if (gy_markset_add(&b->targets, q->targets->items[k]) < 0) {
            return -1;
        }
    }
    if (gy_visit_roots(builder_root_ref, builder_own_frame, b)) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_RuntimeError,
                            "shortest paths: visiting the roots failed");
        }
        return -1;
    }
    if (builder_avoid_edges(b) < 0) {
        return -1;
    }
    return q->sources == NULL ? builder_module_dicts(b) : 0;
}

GySPGraph *
gy_sp_build(GyState *st, const GySPQuery *q)
{
    Builder b;
    memset(&b, 0, sizeof(b));
    b.st = st;
    b.q = q;
    b.sp = PyMem_Calloc(1, sizeof(GySPGraph));
    if (b.sp == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    Py_ssize_t depth = 0;
    if (q->targets->count > 0
        && (builder_init(&b) < 0 || (depth = builder_search(&b)) < 0)) {
        goto error;
    }
    if (depth == 0 && b.nsrule) {
        /* Targets reached only through a module dict from elsewhere than
           its module: search again without the rule. */
        b.nsrule = 0;
        builder_search_fini(&b);
        depth = builder_search(&b);
        if (depth < 0) {
            goto error;
        }
    }
    if (depth > 0) {
        if (builder_prune(&b, depth) < 0 || builder_steps(&b) < 0
            || builder_root_texts(&b) < 0) {
            goto error;
        }
        /* The search's memory goes before Python code may run (key
           '<'); the result holds its references by now. */
        builder_search_fini(&b);
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
        uint32_t u = d == 0 ? sp->sources[*src_pos]
                            : sp->steps[steps[d - 1]].dst;
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
 * is not a str is replaced by the default one. MemoryError and what is
 * not an Exception (KeyboardInterrupt) propagate. */
static PyObject *
sp_key_text(PyObject *key, PyObject *reprlib_repr)
{
    PyObject *r = PyObject_CallOneArg(reprlib_repr, key);
    if (r == NULL && (PyErr_ExceptionMatches(PyExc_MemoryError)
                      || !PyErr_ExceptionMatches(PyExc_Exception))) {
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
