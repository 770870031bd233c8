/* graph.c -- GyGraph: the heap walked once and laid out as a graph of node
 * ids, with every edge stored in both directions, for referrers (byrcs,
 * byvia, x.referrers), paths and dominators.
 *
 * Nodes are the walk's result in address order (node id = position, so
 * sets, which are sorted the same way, map to ids by a merge), then the
 * root, then one node per frame on any thread's stack: the interpreter
 * keeps frames outside any object since 3.11, and a profiler must not
 * create frame objects to look at them. The root's edges lead to the
 * interpreter's members and to the frames; a frame's edges to its code,
 * globals and variables. Those edges keep their names (vlabels) because
 * nothing else could recover them later.
 *
 * Edges are compressed sparse rows of uint32 ids: 4 bytes per edge each
 * way, plus 8 bytes per node, plus the address index (nodeindex.c). The
 * forward rows are filled in one pass over the nodes (each object's
 * references through the walk's own traversal, walk.c), the reverse rows
 * by counting in-degrees and scattering. O(nodes + edges); no Python
 * code runs, so nothing can change while the graph is built. Afterwards
 * it is a snapshot: the nodes stay alive (strong references in nodes)
 * but the edges are those of the moment it was built.
 */
#include "graph.h"

#include "bigmem.h"
#include "walk.h"

typedef struct VEdge {
    uint32_t src;              /* 0 the root, 1 + k frame k */
    uint32_t dst;
    GyRootRef label;
} VEdge;

typedef struct Builder {
    GyState *state;
    GyGraph *g;
    VEdge *vedges;
    Py_ssize_t nvedges, vedges_cap;
    Py_ssize_t frames_cap;
} Builder;

static int
builder_add_vedge(Builder *b, uint32_t src, uint32_t dst,
                  const GyRootRef *label)
{
    if (b->nvedges == b->vedges_cap
        && gy_grow(&b->vedges, &b->vedges_cap, b->nvedges + 1,
                   sizeof(VEdge)) < 0) {
        return -1;
    }
    VEdge *e = &b->vedges[b->nvedges++];
    e->src = src;
    e->dst = dst;
    e->label = *label;
    return 0;
}

/* gy_rootproc: an edge from the root, or from the frame it names. */
static int
builder_root_edge(PyObject *obj, const GyRootRef *ref, void *arg)
{
    Builder *b = arg;
    GyGraph *g = b->g;
    uint32_t src = 0;
    if (ref->in_frame) {
        GyGraphFrame *last = g->nframes ? &g->frames[g->nframes - 1] : NULL;
        if (last == NULL || last->thread_id != ref->thread_id
            || last->frame_no != ref->frame_no) {
            if (g->nframes == b->frames_cap
                && gy_grow(&g->frames, &b->frames_cap, g->nframes + 1,
                           sizeof(GyGraphFrame)) < 0) {
                return -1;
            }
            last = &g->frames[g->nframes++];
            last->thread_id = ref->thread_id;
            last->frame_no = ref->frame_no;
            GyRootRef to_frame = *ref;
            to_frame.member = NULL;
            /* frame k is node nreal + 1 + k; nframes is k + 1 now */
            if (builder_add_vedge(b, 0, (uint32_t)(g->nreal + g->nframes),
                                  &to_frame) < 0) {
                return -1;
            }
        }
        src = (uint32_t)g->nframes;
    }
    Py_ssize_t dst = gy_graph_id(g, obj);
    if (dst < 0) {
        return 0;               /* the profiler's own */
    }
    return builder_add_vedge(b, src, (uint32_t)dst, ref);
}

static int
builder_own_frame(PyObject *globals, void *arg)
{
    Builder *b = arg;
    return gy_own_globals(b->state, globals);
}

static int
graph_check_edges(Py_ssize_t n)
{
    if (n >= (Py_ssize_t)UINT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "more than 2**32 references");
        return -1;
    }
    return 0;
}

/* The forward rows. Real nodes' edges come from the walk's log: a pass
 * turns each logged address into its node id in place (the profiler's
 * own objects, which have none, become NO_NODE) and counts each node's
 * edges, a second copies them into their rows. Then the root and the
 * frames, whose edges vedges holds in discovery order. */
#define NO_NODE UINTPTR_MAX

/* Pass 1 over the log: each address becomes its node id in place (a
 * source's tagged), or NO_NODE; each edge is counted in count[src + 1]
 * (by_dst 0) or count[dst + 2] (by_dst 1). Returns the number of edges. */
static Py_ssize_t
log_to_ids(GyGraph *g, GyEdgeLog *log, uint32_t *count, int by_dst)
{
    Py_ssize_t src = -1, nreal_edges = 0;
    for (Py_ssize_t k = 0; k < log->nblocks; k++) {
        uintptr_t *e = log->blocks[k];
        uintptr_t *end = k == log->nblocks - 1 ? log->cur
                                                : e + GY_EDGELOG_BLOCK;
        for (; e < end; e++) {
            if (*e & 1) {
                src = gy_graph_id(g, (PyObject *)(*e & ~(uintptr_t)1));
                *e = src < 0 ? NO_NODE : ((uintptr_t)src << 1) | 1;
                continue;
            }
            Py_ssize_t dst = gy_graph_id(g, (PyObject *)*e);
            if (dst < 0 || src < 0) {
                *e = NO_NODE;
                continue;
            }
            *e = (uintptr_t)dst << 1;
            count[by_dst ? dst + 2 : src + 1]++;
            nreal_edges++;
        }
    }
    return nreal_edges;
}

/* Pass 2 over the log: the edges into their rows, each block freed once
 * read (8 bytes an edge: the log and the rows are never both whole).
 * Forward (by_dst 0): a node's edges follow its header, into out from
 * out_start[src]. Reverse: the source's id into in, at its referent's
 * fill position in_start[dst + 1]. */
static void
log_scatter(GyGraph *g, GyEdgeLog *log, int by_dst)
{
    uint32_t src = 0;
    Py_ssize_t pos = 0;
    for (Py_ssize_t k = 0; k < log->nblocks; k++) {
        uintptr_t *e = log->blocks[k];
        uintptr_t *end = k == log->nblocks - 1 ? log->cur
                                                : e + GY_EDGELOG_BLOCK;
        for (; e < end; e++) {
            if (*e == NO_NODE) {
                continue;
            }
            uint32_t id = (uint32_t)(*e >> 1);
            if (*e & 1) {
                src = id;
                pos = by_dst ? 0 : g->out_start[src];
            }
            else if (by_dst) {
                g->in[g->in_start[id + 1]++] = src;
            }
            else {
                g->out[pos++] = id;
            }
        }
        gy_big_free(log->blocks[k]);
        log->blocks[k] = NULL;
    }
    gy_edgelog_fini(log);
}

static int
builder_forward(Builder *b, GyEdgeLog *log)
{
    GyGraph *g = b->g;
    g->out_start = gy_big_alloc(g->nnodes + 2, sizeof(uint32_t), 1);
    if (g->out_start == NULL) {
        return -1;
    }
    /* Pass 1: ids, and counts in out_start[src + 1]. */
    Py_ssize_t nreal_edges = log_to_ids(g, log, g->out_start, 0);
    for (Py_ssize_t i = 1; i <= g->nreal; i++) {
        g->out_start[i] += g->out_start[i - 1];
    }
    if (graph_check_edges(nreal_edges + b->nvedges) < 0) {
        return -1;
    }
    g->out = gy_big_alloc(nreal_edges + b->nvedges + 1, sizeof(uint32_t), 0);
    if (g->out == NULL) {
        return -1;
    }
    /* Pass 2: each node's edges follow its header in the log. */
    log_scatter(g, log, 0);

    /* Virtual sources, grouped by a counting sort that keeps discovery
       order within each. */
    Py_ssize_t nvirt = 1 + g->nframes;
    Py_ssize_t base = nreal_edges;
    g->vlabels = gy_alloc_array(b->nvedges + 1, sizeof(GyRootRef));
    Py_ssize_t *fill = PyMem_Calloc((size_t)nvirt + 1, sizeof(Py_ssize_t));
    if (g->vlabels == NULL || fill == NULL) {
        PyMem_Free(fill);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t e = 0; e < b->nvedges; e++) {
        fill[b->vedges[e].src + 1]++;
    }
    for (Py_ssize_t v = 0; v < nvirt; v++) {
        g->out_start[g->nreal + v] = (uint32_t)(base + fill[v]);
        fill[v + 1] += fill[v];
    }
    g->out_start[g->nnodes] = (uint32_t)(base + b->nvedges);
    for (Py_ssize_t e = 0; e < b->nvedges; e++) {
        Py_ssize_t at = fill[b->vedges[e].src]++;
        g->out[base + at] = b->vedges[e].dst;
        g->vlabels[at] = b->vedges[e].label;
    }
    PyMem_Free(fill);
    return 0;
}

/* The reverse rows straight from the log, for a caller that reads no
 * forward edges (byrcs on its own): pass 1 counts in-degrees, pass 2
 * puts each source's id in the rows of its referents. Writing forward
 * rows only to read them back cost a fifth of the graph. A row lists its
 * referrers in walk order, with repeats. */
static int
builder_reverse(Builder *b, GyEdgeLog *log)
{
    GyGraph *g = b->g;
    Py_ssize_t n = g->nnodes;
    g->in_start = gy_big_alloc(n + 2, sizeof(uint32_t), 1);
    if (g->in_start == NULL) {
        return -1;
    }
    Py_ssize_t nedges = log_to_ids(g, log, g->in_start, 1);
    for (Py_ssize_t e = 0; e < b->nvedges; e++) {
        g->in_start[b->vedges[e].dst + 2]++;
    }
    nedges += b->nvedges;
    if (graph_check_edges(nedges) < 0) {
        return -1;
    }
    for (Py_ssize_t d = 2; d <= n + 1; d++) {
        g->in_start[d] += g->in_start[d - 1];
    }
    g->in = gy_big_alloc(nedges + 1, sizeof(uint32_t), 0);
    if (g->in == NULL) {
        return -1;
    }
    log_scatter(g, log, 1);
    /* The root is node nreal, frame k node nreal + 1 + k. */
    for (Py_ssize_t e = 0; e < b->nvedges; e++) {
        g->in[g->in_start[b->vedges[e].dst + 1]++] =
            (uint32_t)(g->nreal + b->vedges[e].src);
    }
    return 0;
}

static int
graph_reverse(GyGraph *g)
{
    Py_ssize_t n = g->nnodes;
    Py_ssize_t nedges = g->out_start[n];
    g->in_start = gy_big_alloc(n + 2, sizeof(uint32_t), 1);
    if (g->in_start == NULL) {
        return -1;
    }
    g->in = gy_big_alloc(nedges + 1, sizeof(uint32_t), 0);
    if (g->in == NULL) {
        gy_big_free(g->in_start);
        g->in_start = NULL;
        return -1;
    }
    /* in_start[d + 2] counts d's referrers; the prefix sum shifted by one
       makes in_start[d + 1] the fill position while scattering, and
       in_start[d] the start of d's row once done. */
    for (Py_ssize_t e = 0; e < nedges; e++) {
        g->in_start[g->out[e] + 2]++;
    }
    for (Py_ssize_t d = 2; d <= n + 1; d++) {
        g->in_start[d] += g->in_start[d - 1];
    }
    for (Py_ssize_t s = 0; s < n; s++) {
        for (uint32_t e = g->out_start[s]; e < g->out_start[s + 1]; e++) {
            g->in[g->in_start[g->out[e] + 1]++] = (uint32_t)s;
        }
    }
    return 0;
}

/* Which rows graph_build makes. */
enum { GRAPH_FORWARD = 1, GRAPH_REVERSE = 2 };

static GyGraph *
graph_build(GyState *state, int borrow, int rows)
{
    GyWalkResult r;
    Builder b;
    memset(&b, 0, sizeof(b));
    GyGraph *g = PyMem_Calloc(1, sizeof(GyGraph));
    if (g == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    GyEdgeLog log;
    memset(&log, 0, sizeof(log));
    if (gy_walk_heap_logged(state, &r, &log, borrow) < 0) {
        gy_edgelog_fini(&log);
        PyMem_Free(g);
        return NULL;
    }
    g->nodes = r.borrowed ? gy_nodes_new_borrowed(r.items, r.count, r.owners)
                          : gy_nodes_new_steal(r.items, r.count, r.owners);
    if (g->nodes == NULL) {
        gy_edgelog_fini(&log);
        PyMem_Free(g);
        return NULL;
    }
    g->nreal = r.count;
    b.state = state;
    b.g = g;
    if (gy_nodeindex_build(&g->index, g->nodes->items, g->nreal) < 0) {
        goto error;
    }
    /* The root's edges first: they also tell how many frames there are,
       which fixes the node count. */
    if (gy_visit_roots(builder_root_edge, builder_own_frame, &b)) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_RuntimeError,
                            "reference graph: visiting the roots failed");
        }
        goto error;
    }
    g->nnodes = g->nreal + 1 + g->nframes;
    if (g->nnodes >= (Py_ssize_t)UINT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "more than 2**32 objects");
        goto error;
    }
    if (!(rows & GRAPH_FORWARD)) {
        if (builder_reverse(&b, &log) < 0) {
            goto error;
        }
    }
    else if (builder_forward(&b, &log) < 0
             || ((rows & GRAPH_REVERSE) && graph_reverse(g) < 0)) {
        goto error;
    }
    PyMem_Free(b.vedges);
    return g;

error:
    gy_edgelog_fini(&log);
    PyMem_Free(b.vedges);
    gy_graph_free(g);
    return NULL;
}

GyGraph *
gy_graph_build(GyState *state, int borrow)
{
    return graph_build(state, borrow, GRAPH_FORWARD | GRAPH_REVERSE);
}

GyGraph *
gy_graph_build_forward(GyState *state, int borrow)
{
    return graph_build(state, borrow, GRAPH_FORWARD);
}

GyGraph *
gy_graph_build_reverse(GyState *state, int borrow)
{
    return graph_build(state, borrow, GRAPH_REVERSE);
}

int
gy_graph_ensure_reverse(GyGraph *g)
{
    return g->in != NULL ? 0 : graph_reverse(g);
}

void
gy_graph_adopt(GyGraph *g)
{
    gy_nodes_adopt(g->nodes);
}

void
gy_graph_drop_forward(GyGraph *g)
{
    gy_big_free(g->out_start);
    gy_big_free(g->out);
    PyMem_Free(g->vlabels);
    g->out_start = NULL;
    g->out = NULL;
    g->vlabels = NULL;
}

void
gy_graph_free(GyGraph *g)
{
    if (g == NULL) {
        return;
    }
    gy_nodes_decref(g->nodes);
    gy_nodeindex_fini(&g->index);
    PyMem_Free(g->frames);
    gy_big_free(g->out_start);
    gy_big_free(g->out);
    gy_big_free(g->in_start);
    gy_big_free(g->in);
    PyMem_Free(g->vlabels);
    PyMem_Free(g);
}

GyNodes *
gy_graph_referrers(GyGraph *g, const GyNodes *s)
{
    /* Mark referrer ids in a bitmap, then list them in id order, which is
       address order: sorted and distinct without a sort. */
    size_t nwords = (size_t)(g->nreal + 63) / 64;
    uint64_t *seen = PyMem_Calloc(nwords + 1, sizeof(uint64_t));
    if (seen == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    Py_ssize_t n = 0;
    for (Py_ssize_t k = 0; k < s->count; k++) {
        Py_ssize_t id = gy_graph_id(g, s->items[k]);
        if (id < 0) {
            continue;
        }
        for (uint32_t e = g->in_start[id]; e < g->in_start[id + 1]; e++) {
            uint32_t src = g->in[e];
            uint64_t bit = UINT64_C(1) << (src & 63);
            /* The root and frames are not objects: left out. */
            if (src < g->nreal && !(seen[src >> 6] & bit)) {
                seen[src >> 6] |= bit;
                n++;
            }
        }
    }
    PyObject **items = gy_alloc_array(n + 1, sizeof(PyObject *));
    if (items == NULL) {
        PyMem_Free(seen);
        return NULL;
    }
    Py_ssize_t m = 0;
    for (size_t w = 0; w < nwords; w++) {
        uint64_t word = seen[w];
        while (word) {
            size_t id = w * 64 + (size_t)__builtin_ctzll(word);
            items[m++] = Py_NewRef(g->nodes->items[id]);
            word &= word - 1;
        }
    }
    PyMem_Free(seen);
    /* The graph's walk found every dict's owner: the referrers share
       them, so classing them needs no walk of its own. */
    GyOwners *owners = g->nodes->owners;
    if (owners != NULL) {
        if (gy_owners_seal(owners) < 0) {
            for (Py_ssize_t i = 0; i < m; i++) {
                Py_DECREF(items[i]);
            }
            PyMem_Free(items);
            return NULL;
        }
        gy_owners_incref(owners);
    }
    return gy_nodes_new_steal(items, m, owners);
}

size_t
gy_graph_bytes(const GyGraph *g)
{
    GY_ASSERT(g->out_start != NULL);
    size_t edges = g->out_start[g->nnodes];
    size_t nvirt = edges - g->out_start[g->nreal];
    size_t ways = g->in != NULL ? 2 : 1;
    return ways * ((size_t)g->nnodes + 2) * sizeof(uint32_t)
           + ways * edges * sizeof(uint32_t)
           + nvirt * sizeof(GyRootRef)
           + (size_t)g->nframes * sizeof(GyGraphFrame)
           + gy_nodeindex_bytes(&g->index);
}
