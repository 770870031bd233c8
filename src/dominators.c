/* dominators.c -- who keeps what alive. An object x dominates y when every
 * chain of references from the roots to y passes through x: freeing x (or
 * dropping the references to it) frees y. This file answers that question
 * three ways:
 *
 *   gy_domtree_build   the immediate-dominator tree of the whole heap's
 *                      graph (graph.c) and, per node, the objects and
 *                      bytes of its subtree: its retained count and size
 *                      (x.retained; Eclipse MAT's dominator tree);
 *   gy_dominos,        heapy's x.dominos and x.domisize for a SET: what
 *   gy_domisize        the roots no longer reach once every member is
 *                      gone. A set can dominate what none of its members
 *                      dominates alone (both arms of a diamond), so this
 *                      is two walks of the heap, not a tree lookup;
 *   gy_graph_imdom     heapy's x.imdom: the referrers of the members that
 *                      the root reaches without passing another referrer.
 *
 * Knows nothing of printing or Python objects beyond the GyNodes it is
 * given and returns. Nodes are the graph's ids; the root and the stack
 * frames are nodes of size 0 that are never reported.
 *
 * Costs: the tree O(e log n) time after the graph, 20 bytes a node while
 * building and 16 kept (idom 4, count 4, retained 8); groups O(n), 8 bytes
 * a node while working; dominos two heap walks without reference counting
 * (no graph), a bitmap each; imdom O(n + e) on the graph, two bitmaps.
 * Nothing here recurses: a 10-million-long linked list is a chain of 10
 * million immediate dominators, walked with loops.
 *
 * A GyDomTree belongs to the graph it was built from: its ids mean
 * nothing in another graph, and like the graph it is a snapshot, built
 * for one call and freed with it. The walks of gy_dominos follow exactly
 * the edges the graph holds (walk.c's GyReferents), so a singleton's
 * dominos is its subtree in the tree.
 */
#include "dominators.h"

#include "markset.h"
#include "pyinternals.h"
#include "sizes.h"
#include "walk.h"

#define NONE GY_DOM_NONE

/* ------------------------------------------------------------------ */
/* dominos and domisize: two walks, no graph
 *
 * heapy defines the dominos of a set D as T(D, W) where W = T(Root, D)
 * and T(X, Y) is what paths from X reach while avoiding Y. So:
 *   1. mark W: walk from the roots as heap() does (the profiler's own
 *      objects neither followed nor reported, its frames skipped), with
 *      D's members marked first so that the walk stops at them;
 *   2. walk from D's members, skipping everything marked: what is newly
 *      reached is dominated by D.
 * Pass 2 uses the same marks as its visited set, so each object is
 * looked up once per edge in either pass, and the two passes together
 * touch each object of the heap once. No reference is taken and no
 * Python code runs while they walk; domisize sizes each object as it is
 * found (gy_sizer_size_quick: no Python code) and keeps the few whose
 * size needs a __sizeof__ written in Python for after the walk.
 */

typedef struct DomWalk {
    GyState *state;
    GyReferents refs;
    GyMarkSet marks;           /* W, then also what pass 2 reached */
    GyMarkSet found;           /* the dominos (gy_dominos only) */
    int want_found;
    PyObject **stack;
    Py_ssize_t depth, cap;
    GySizer sizer;             /* gy_domisize only */
    int want_size;
    Py_ssize_t size;           /* sizes summed so far */
    PyObject **later;          /* found, to size after the walk */
    Py_ssize_t nlater, later_cap;
} DomWalk;

static int
domwalk_push(DomWalk *dw, PyObject *op)
{
    if (dw->depth == dw->cap
        && gy_grow(&dw->stack, &dw->cap, dw->depth + 1,
                   sizeof(PyObject *)) < 0) {
        return -1;
    }
    dw->stack[dw->depth++] = op;
    return 0;
}

/* visitproc of pass 1: op is reached from the roots. */
static int
domwalk_mark(PyObject *op, void *arg)
{
    DomWalk *dw = arg;
    int added = gy_markset_add(&dw->marks, op);
    if (added <= 0) {
        return added;
    }
    int kind = gy_referents_kind(&dw->refs, op);
    if (kind < 0) {
        return -1;
    }
    return kind == GY_REF_FOLLOW ? domwalk_push(dw, op) : 0;
}

static int
domwalk_mark_root(PyObject *op, const GyRootRef *ref, void *arg)
{
    (void)ref;
    return domwalk_mark(op, arg);
}

static int
domwalk_own_frame(PyObject *globals, void *arg)
{
    DomWalk *dw = arg;
    return gy_own_globals(dw->state, globals);
}

/* op is dominated (or a member of the set): record it, size it, and
 * follow it later. */
static int
domwalk_take(DomWalk *dw, PyObject *op, int kind)
{
    if (dw->want_found && gy_markset_add(&dw->found, op) < 0) {
        return -1;
    }
    if (dw->want_size) {
        Py_ssize_t size = gy_sizer_size_quick(&dw->sizer, op);
        if (size == -1) {
            return -1;
        }
        if (size == -2) {
            if (dw->nlater == dw->later_cap
                && gy_grow(&dw->later, &dw->later_cap, dw->nlater + 1,
                           sizeof(PyObject *)) < 0) {
                return -1;
            }
            dw->later[dw->nlater++] = op;
        }
        else {
            dw->size += size;
        }
    }
    return kind == GY_REF_FOLLOW ? domwalk_push(dw, op) : 0;
}

/* visitproc of pass 2: op is reached from the set. Unless marked (the
 * roots reach it without the set, or pass 2 has been here), it is
 * dominated; the profiler's own objects are marked and left. */
static int
domwalk_reach(PyObject *op, void *arg)
{
    DomWalk *dw = arg;
    int added = gy_markset_add(&dw->marks, op);
    if (added <= 0) {
        return added;
    }
    int kind = gy_referents_kind(&dw->refs, op);
    if (kind < 0) {
        return -1;
    }
    return kind == GY_REF_HIDDEN ? 0 : domwalk_take(dw, op, kind);
}

/* Expand the objects on the stack with visit until it is empty. */
static int
domwalk_drain(DomWalk *dw, visitproc visit)
{
    /* Invariant: every object this pass marked that has references is
       on the stack or has been expanded. */
    while (dw->depth > 0) {
        PyObject *op = dw->stack[--dw->depth];
        if (gy_referents_visit(&dw->refs, op, visit, dw)) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_RuntimeError,
                                "dominators: a tp_traverse failed");
            }
            return -1;
        }
    }
    return 0;
}

/* Both passes; afterwards found (if wanted) holds the dominos and size
 * the sum of the sizes known without Python code. */
static int
domwalk_run(DomWalk *dw, const GyNodes *s)
{
    if (gy_markset_init(&dw->marks) < 0
        || gy_markset_init(&dw->found) < 0
        || gy_referents_init(&dw->refs, dw->state) < 0
        || (dw->want_size && gy_sizer_init(&dw->sizer, dw->state) < 0)) {
        return -1;
    }
    /* Pass 1: the members are marked first, so the walk stops there. */
    for (Py_ssize_t i = 0; i < s->count; i++) {
        if (gy_markset_add(&dw->marks, s->items[i]) < 0) {
            return -1;
        }
    }
    if (gy_visit_roots(domwalk_mark_root, domwalk_own_frame, dw)) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_RuntimeError,
                            "dominators: visiting the roots failed");
        }
        return -1;
    }
    if (domwalk_drain(dw, domwalk_mark) < 0) {
        return -1;
    }
    /* Pass 2: from the members (marked already, so never taken twice). */
    for (Py_ssize_t i = 0; i < s->count; i++) {
        PyObject *op = s->items[i];
        int kind = gy_referents_kind(&dw->refs, op);
        if (kind < 0
            || (kind != GY_REF_HIDDEN && domwalk_take(dw, op, kind) < 0)) {
            return -1;
        }
    }
    return domwalk_drain(dw, domwalk_reach);
}

static void
domwalk_fini(DomWalk *dw)
{
    gy_markset_fini(&dw->marks);
    gy_markset_fini(&dw->found);
    gy_referents_fini(&dw->refs);
    if (dw->want_size) {
        gy_sizer_fini(&dw->sizer);
    }
    PyMem_Free(dw->stack);
    PyMem_Free(dw->later);
}

GyNodes *
gy_dominos(GyState *state, const GyNodes *s)
{
    DomWalk dw;
    PyObject **items = NULL;
    memset(&dw, 0, sizeof(dw));
    dw.state = state;
    dw.want_found = 1;
    if (domwalk_run(&dw, s) < 0) {
        goto error;
    }
    Py_ssize_t n = dw.found.count;
    items = gy_alloc_array(n + 1, sizeof(PyObject *));
    if (items == NULL || gy_markset_sorted(&dw.found, items) < 0) {
        goto error;
    }
    /* Still no Python code has run: every address is a live object. */
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_INCREF(items[i]);
    }
    domwalk_fini(&dw);
    return gy_nodes_new_steal(items, n, NULL);

error:
    PyMem_Free(items);
    domwalk_fini(&dw);
    return NULL;
}

int
gy_domisize(GyState *state, const GyNodes *s, Py_ssize_t *size)
{
    DomWalk dw;
    int rc = -1;
    Py_ssize_t taken = 0;
    memset(&dw, 0, sizeof(dw));
    dw.state = state;
    dw.want_size = 1;
    if (domwalk_run(&dw, s) < 0) {
        goto done;
    }
    /* A __sizeof__ in Python may free any object not referenced: take
       them all before the first call. */
    for (; taken < dw.nlater; taken++) {
        Py_INCREF(dw.later[taken]);
    }
    for (Py_ssize_t i = 0; i < dw.nlater; i++) {
        Py_ssize_t one = gy_sizer_size(&dw.sizer, dw.later[i]);
        if (one < 0) {
            goto done;
        }
        dw.size += one;
    }
    *size = dw.size;
    rc = 0;
done:
    for (Py_ssize_t i = 0; i < taken; i++) {
        Py_DECREF(dw.later[i]);
    }
    domwalk_fini(&dw);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The dominator tree: Lengauer and Tarjan
 *
 * T. Lengauer and R. E. Tarjan, "A fast algorithm for finding dominators
 * in a flowgraph", ACM TOPLAS 1(1), 1979: the version with simple path
 * compression, O(e log n). Iterative schemes (Cooper, Harvey and Kennedy)
 * are simpler but can take quadratic time on heaps: a string that a
 * million dicts deep in a linked list refer to makes each of those
 * references walk the whole chain of dominators.
 *
 * 1. Depth-first search from the root numbers the reachable nodes in
 *    preorder (dfn); parent[d] is d's parent in the search tree.
 * 2. In decreasing dfn, the semidominator of w: the smallest dfn from
 *    which a path reaches w through nodes numbered above w. Over each
 *    predecessor v: v itself if v < w, else the smallest semidominator on
 *    v's search-tree path up to the nodes already processed, found by
 *    eval() in a forest of the processed nodes whose paths are
 *    compressed as they are read. w then joins the forest under its
 *    parent, and waits in the bucket of its semidominator.
 * 3. When w's parent p has been reached, every node u in p's bucket gets
 *    its immediate dominator: p if no node between p and u has a smaller
 *    semidominator than u, else (for now) that node, whose own immediate
 *    dominator is u's too; step 4 resolves those in increasing dfn.
 *
 * Memory, per node, is five uint32 arrays (20 bytes) and no stack. A
 * node is unprocessed (dfn <= the current w) or processed (in the
 * forest), and some facts are needed for only one of the two, so an
 * array holds one fact for the unprocessed and another for the processed:
 *  - pre: node -> dfn, for reading predecessors (at the end, node ->
 *    immediate dominator's node);
 *  - vx: dfn -> node while unprocessed (the node's in-edges are read when
 *    it is processed); then, in the forest, the node of smallest
 *    semidominator on its compressed path (label). Rebuilt from pre at
 *    the end;
 *  - anc: the search-tree parent, which is also the forest's ancestor
 *    link. The forest holds exactly the nodes already processed (dfn above
 *    the current w), so "is x in the forest" is a comparison of dfns and
 *    anc needs no separate initial state; compression rewrites only the
 *    links of processed nodes, whose parents are no longer needed;
 *  - semi: during the search, the next out-edge of each node on the
 *    search path (the path itself is anc), so the search needs no stack;
 *    then, while unprocessed, the head of the node's bucket (the nodes
 *    whose semidominator it is, waiting for their immediate dominator;
 *    a bucket is filled only by nodes numbered above its owner and
 *    emptied for good when the owner's first child, dfn + 1, is
 *    processed, so it is empty when its owner's own semidominator
 *    arrives); once processed, the node's semidominator;
 *  - dom: a node's link in its bucket until it leaves the bucket, then
 *    its immediate dominator (in dfns).
 * eval() compresses a path by reversing its links on the way up and
 *    restoring them, shortened, on the way down: no recursion, no stack.
 */

typedef struct DomArrays {
    uint32_t *pre, *vx, *anc, *semi, *dom;
} DomArrays;

/* The node of smallest semidominator on v's path in the forest, whose
 * members are the dfns >= lo; v must be one. Compresses the path. */
static uint32_t
domtree_eval(DomArrays *a, uint32_t v, uint32_t lo)
{
    uint32_t *anc = a->anc, *label = a->vx;
    const uint32_t *semi = a->semi;
    /* Up, while the ancestor is in the forest, reversing each link. */
    uint32_t prev = NONE, x = v;
    while (anc[x] >= lo) {
        uint32_t up = anc[x];
        anc[x] = prev;
        prev = x;
        x = up;
    }
    /* x is the topmost forest node of the path; its ancestor is the
       tree's root, which every node below x now links to directly. */
    uint32_t top = anc[x];
    uint32_t above = x;
    while (prev != NONE) {
        uint32_t down = anc[prev];
        if (semi[label[above]] < semi[label[prev]]) {
            label[prev] = label[above];
        }
        anc[prev] = top;
        above = prev;
        prev = down;
    }
    return label[v];
}

/* Step 1: depth-first search from root; returns the number of nodes
 * reached. The path from the root to the current node is anc. */
static uint32_t
domtree_search(const GyGraph *g, DomArrays *a, uint32_t root)
{
    uint32_t *pre = a->pre, *vertex = a->vx, *anc = a->anc;
    uint32_t *next_edge = a->semi;
    uint32_t n = 1, cur = 0;
    pre[root] = 0;
    vertex[0] = root;
    anc[0] = NONE;
    next_edge[0] = g->out_start[root];
    for (;;) {
        uint32_t v = vertex[cur];
        uint32_t e = next_edge[cur];
        if (e < g->out_start[v + 1]) {
            next_edge[cur] = e + 1;
            uint32_t w = g->out[e];
            if (pre[w] == NONE) {
                pre[w] = n;
                vertex[n] = w;
                anc[n] = cur;
                next_edge[n] = g->out_start[w];
                cur = n++;
            }
        }
        else if (cur == 0) {
            return n;
        }
        else {
            cur = anc[cur];
        }
    }
}

/* Steps 2 to 4 over the n reached nodes; a->dom gets the immediate
 * dominators (dfns), and a->vx is dfn -> node again. */
static void
domtree_idoms(const GyGraph *g, DomArrays *a, uint32_t n)
{
    uint32_t *semi = a->semi, *label = a->vx, *dom = a->dom;
    const uint32_t *pre = a->pre;
    for (uint32_t d = 0; d < n; d++) {
        semi[d] = NONE;           /* empty bucket */
        dom[d] = NONE;
    }
    for (uint32_t w = n - 1; w > 0; w--) {
        uint32_t p = a->anc[w];   /* w is not in the forest: intact */
        uint32_t node = a->vx[w]; /* unprocessed: still the node */
        uint32_t s = w;
        for (uint32_t e = g->in_start[node]; e < g->in_start[node + 1];
             e++) {
            uint32_t v = pre[g->in[e]];
            if (v == NONE) {
                continue;         /* a referrer the root does not reach */
            }
            /* Not in the forest (v <= w): eval(v) is v, whose
               semidominator is still its own dfn. */
            uint32_t c = v <= w ? v : semi[domtree_eval(a, v, w + 1)];
            if (c < s) {
                s = c;
            }
        }
        GY_ASSERT(semi[w] == NONE);   /* w's bucket is empty */
        semi[w] = s;
        /* s < w (the parent is a predecessor): s is unprocessed, and its
           semi is a bucket. */
        dom[w] = semi[s];
        semi[s] = w;
        label[w] = w;             /* w joins the forest under p */
        uint32_t u = semi[p];
        semi[p] = NONE;
        while (u != NONE) {
            uint32_t next = dom[u];
            uint32_t m = domtree_eval(a, u, w);
            dom[u] = semi[m] < semi[u] ? m : p;
            u = next;
        }
    }
    dom[0] = 0;
    for (uint32_t w = 1; w < n; w++) {
        if (dom[w] != semi[w]) {
            dom[w] = dom[dom[w]];
        }
    }
    /* Labels are done with: dfn -> node again, from pre. */
    for (Py_ssize_t i = 0; i < g->nnodes; i++) {
        if (pre[i] != NONE) {
            a->vx[pre[i]] = (uint32_t)i;
        }
    }
}

static void
domarrays_free(DomArrays *a)
{
    PyMem_Free(a->pre);
    PyMem_Free(a->vx);
    PyMem_Free(a->anc);
    PyMem_Free(a->semi);
    PyMem_Free(a->dom);
    memset(a, 0, sizeof(*a));
}

int
gy_domtree_build(GyGraph *g, const Py_ssize_t *sizes, GyDomTree *t)
{
    DomArrays a;
    int rc = -1;
    memset(&a, 0, sizeof(a));
    memset(t, 0, sizeof(*t));
    Py_ssize_t nn = g->nnodes;   /* below UINT32_MAX: graph.c checks */
    uint32_t root = (uint32_t)GY_GRAPH_ROOT(g);
    if ((a.pre = gy_alloc_array(nn, sizeof(uint32_t))) == NULL
        || (a.vx = gy_alloc_array(nn, sizeof(uint32_t))) == NULL
        || (a.anc = gy_alloc_array(nn, sizeof(uint32_t))) == NULL
        || (a.semi = gy_alloc_array(nn, sizeof(uint32_t))) == NULL
        || (a.dom = gy_alloc_array(nn, sizeof(uint32_t))) == NULL) {
        goto done;
    }
    memset(a.pre, 0xff, (size_t)nn * sizeof(uint32_t));
    uint32_t n = domtree_search(g, &a, root);
    gy_graph_drop_forward(g);       /* the search was their last reader */
    domtree_idoms(g, &a, n);

    /* Node ids from here on: pre becomes node -> idom (nodes the root
       does not reach keep NONE), in place. Then only vx is needed, for
       the order: 12 bytes a node, then 20 with the totals. */
    PyMem_Free(a.anc);
    PyMem_Free(a.semi);
    a.anc = a.semi = NULL;
    a.pre[root] = NONE;
    for (uint32_t d = 1; d < n; d++) {
        a.pre[a.vx[d]] = a.vx[a.dom[d]];
    }
    PyMem_Free(a.dom);
    a.dom = NULL;
    t->nnodes = nn;
    t->idom = a.pre;
    a.pre = NULL;
    if ((t->count = gy_alloc_array(nn, sizeof(uint32_t))) == NULL
        || (t->retained = gy_alloc_array(nn, sizeof(int64_t))) == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < nn; i++) {
        int real = i < g->nreal;
        t->count[i] = real;
        t->retained[i] = real ? sizes[i] : 0;
    }
    /* Children have higher dfns than their immediate dominators: in
       decreasing dfn every subtree is complete when it is added. */
    for (uint32_t d = n - 1; d > 0; d--) {
        uint32_t v = a.vx[d], p = t->idom[v];
        t->count[p] += t->count[v];
        t->retained[p] += t->retained[v];
    }
    rc = 0;
done:
    domarrays_free(&a);
    if (rc < 0) {
        gy_domtree_fini(t);
    }
    return rc;
}

void
gy_domtree_fini(GyDomTree *t)
{
    PyMem_Free(t->idom);
    PyMem_Free(t->count);
    PyMem_Free(t->retained);
    memset(t, 0, sizeof(*t));
}

/* ------------------------------------------------------------------ */
/* Groups: the retained objects of each row of a partition
 *
 * A group retains what any member dominates. Its members' subtrees
 * nest or are disjoint, so the group's total is the sum over the members
 * no other member of the group dominates. A walk of the tree in preorder
 * keeps, per group, how many of its members are on the path from the
 * root: a member entered while that count is 0 is such a top member.
 * The tree is walked through first-child and next-sibling links, going
 * back up by idom, so the walk needs no stack.
 */

int
gy_domtree_groups(const GyDomTree *t, const GyGraph *g,
                  const uint32_t *group_of, Py_ssize_t ngroups,
                  int64_t *count, int64_t *size)
{
    Py_ssize_t nn = t->nnodes, nreal = g->nreal;
    uint32_t root = (uint32_t)GY_GRAPH_ROOT(g);
    int rc = -1;
    uint32_t *child = gy_alloc_array(nn, sizeof(uint32_t));
    uint32_t *sibling = gy_alloc_array(nn, sizeof(uint32_t));
    uint32_t *active = PyMem_Calloc((size_t)ngroups + 1, sizeof(uint32_t));
    if (child == NULL || sibling == NULL || active == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_NoMemory();
        }
        goto done;
    }
    memset(count, 0, (size_t)ngroups * sizeof(int64_t));
    memset(size, 0, (size_t)ngroups * sizeof(int64_t));
    memset(child, 0xff, (size_t)nn * sizeof(uint32_t));
    for (Py_ssize_t v = nn - 1; v >= 0; v--) {
        uint32_t p = t->idom[v];
        if (p != NONE) {
            sibling[v] = child[p];
            child[p] = (uint32_t)v;
        }
        else if (v < nreal && group_of[v] != NONE) {
            /* Not reached from the root: a tree of its own. */
            count[group_of[v]] += t->count[v];
            size[group_of[v]] += t->retained[v];
        }
    }
    /* Preorder from the root. Entering v: count it if it is a top
       member; leaving it: it is no longer on the path. Invariant: for
       each group, active holds how many of its members are on the path
       from the root to v. */
    uint32_t v = root;
    for (;;) {
        uint32_t k = v < nreal ? group_of[v] : NONE;
        if (k != NONE && active[k]++ == 0) {
            count[k] += t->count[v];
            size[k] += t->retained[v];
        }
        if (child[v] != NONE) {
            v = child[v];
            continue;
        }
        /* Leave v and each ancestor whose children are all done. */
        for (;;) {
            k = v < nreal ? group_of[v] : NONE;
            if (k != NONE) {
                active[k]--;
            }
            if (v == root) {
                rc = 0;
                goto done;
            }
            if (sibling[v] != NONE) {
                v = sibling[v];
                break;
            }
            v = t->idom[v];
        }
    }
done:
    PyMem_Free(child);
    PyMem_Free(sibling);
    PyMem_Free(active);
    return rc;
}

/* ------------------------------------------------------------------ */
/* imdom */

GyNodes *
gy_graph_imdom(GyGraph *g, const GyNodes *s)
{
    size_t nwords = (size_t)(g->nnodes + 63) / 64;
    uint64_t *pred = PyMem_Calloc(nwords + 1, sizeof(uint64_t));
    uint64_t *seen = PyMem_Calloc(nwords + 1, sizeof(uint64_t));
    uint32_t *stack = NULL;
    Py_ssize_t depth = 0, cap = 0;
    PyObject **items = NULL;
    if (pred == NULL || seen == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    /* The referrers: objects only, as x.referrers. */
    for (Py_ssize_t k = 0; k < s->count; k++) {
        Py_ssize_t id = gy_graph_id(g, s->items[k]);
        if (id < 0) {
            continue;
        }
        for (uint32_t e = g->in_start[id]; e < g->in_start[id + 1]; e++) {
            uint32_t src = g->in[e];
            if (src < g->nreal) {
                pred[src >> 6] |= UINT64_C(1) << (src & 63);
            }
        }
    }
    /* What the root reaches, not going past a referrer. */
    uint32_t root = (uint32_t)GY_GRAPH_ROOT(g);
    seen[root >> 6] |= UINT64_C(1) << (root & 63);
    if (gy_grow(&stack, &cap, 64, sizeof(uint32_t)) < 0) {
        goto error;
    }
    stack[depth++] = root;
    while (depth > 0) {
        uint32_t v = stack[--depth];
        for (uint32_t e = g->out_start[v]; e < g->out_start[v + 1]; e++) {
            uint32_t w = g->out[e];
            uint64_t bit = UINT64_C(1) << (w & 63);
            if (seen[w >> 6] & bit) {
                continue;
            }
            seen[w >> 6] |= bit;
            if (pred[w >> 6] & bit) {
                continue;
            }
            if (depth == cap
                && gy_grow(&stack, &cap, depth + 1, sizeof(uint32_t)) < 0) {
                goto error;
            }
            stack[depth++] = w;
        }
    }
    Py_ssize_t n = 0;
    for (size_t i = 0; i < nwords; i++) {
        n += __builtin_popcountll(pred[i] & seen[i]);
    }
    items = gy_alloc_array(n + 1, sizeof(PyObject *));
    if (items == NULL) {
        goto error;
    }
    /* In id order, which is address order. */
    Py_ssize_t m = 0;
    for (size_t i = 0; i < nwords; i++) {
        uint64_t word = pred[i] & seen[i];
        while (word) {
            size_t id = i * 64 + (size_t)__builtin_ctzll(word);
            items[m++] = Py_NewRef(g->nodes->items[id]);
            word &= word - 1;
        }
    }
    PyMem_Free(pred);
    PyMem_Free(seen);
    PyMem_Free(stack);
    /* The graph's dict owners go with them (sealed by the graph walk). */
    if (g->nodes->owners != NULL) {
        gy_owners_incref(g->nodes->owners);
    }
    return gy_nodes_new_steal(items, m, g->nodes->owners);

error:
    PyMem_Free(pred);
    PyMem_Free(seen);
    PyMem_Free(stack);
    PyMem_Free(items);
    return NULL;
}
