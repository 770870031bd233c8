/* graph.h -- GyGraph: the heap as nodes and edges, both directions. */
#ifndef GY_GRAPH_H
#define GY_GRAPH_H

#include "gy.h"
#include "nodeindex.h"
#include "nodeset.h"
#include "pyinternals.h"

/* A frame that exists only inside the interpreter (3.11+), or any frame
 * on a thread's stack: a node of the graph that is not an object. */
typedef struct GyGraphFrame {
    unsigned long thread_id;
    int frame_no;              /* counted from the thread's outermost */
} GyGraphFrame;

typedef struct GyGraph {
    GyNodes *nodes;            /* the heap; node i < nreal is items[i] */
    Py_ssize_t nreal;
    Py_ssize_t nnodes;         /* nreal, then the root, then the frames */
    GyGraphFrame *frames;      /* node nreal + 1 + k is frames[k] */
    Py_ssize_t nframes;
    GyNodeIndex index;         /* address -> node id */
    uint32_t *out_start;       /* CSR: node i's referents are */
    uint32_t *out;             /*   out[out_start[i] .. out_start[i+1]) */
    uint32_t *in_start;        /* and its referrers */
    uint32_t *in;              /*   in[in_start[i] .. in_start[i+1]) */
    /* Names of the edges out of the root and the frames: edge e from
       out_start[nreal] on is vlabels[e - out_start[nreal]]. The member
       NULL marks an edge from the root to a frame. */
    GyRootRef *vlabels;
} GyGraph;

#define GY_GRAPH_ROOT(g) ((g)->nreal)

/* Walk the heap and build its graph: every object reachable from the
 * roots except the profiler's own, every reference between them, and the
 * root and stack frames as extra nodes. NULL with an exception set. Calls
 * no Python code. The nodes are strong references, or, with borrow set,
 * borrowed: taking and dropping a reference to each of a million objects
 * costs a tenth of a build. A borrowed graph is for a caller that runs no
 * Python code while it holds the graph (the collector paused) or that
 * calls gy_graph_adopt first. */
GyGraph *gy_graph_build(GyState *state, int borrow);
/* The same without the reverse rows (in_start and in stay NULL): byvia
 * finds the referrers of its members by scanning the forward rows, which
 * costs less than reversing them. gy_graph_ensure_reverse adds them (an
 * And of Via and Rcs); 0, or -1 with MemoryError. */
GyGraph *gy_graph_build_forward(GyState *state, int borrow);
int gy_graph_ensure_reverse(GyGraph *g);
/* Only the reverse rows (out_start, out and vlabels stay NULL), made from
 * the walk's log directly, each row in walk order with repeats: byrcs when
 * nothing else reads the graph. */
GyGraph *gy_graph_build_reverse(GyState *state, int borrow);
/* Take a reference to every node of a borrowed graph. */
void gy_graph_adopt(GyGraph *g);
/* Free the forward rows (out_start, out; the vlabels they index) once a
 * caller is done with them: the dominator tree reads them only in its
 * first search, and they are half the graph. Nothing may read forward
 * edges afterwards; the reverse rows, index and nodes stay. */
void gy_graph_drop_forward(GyGraph *g);
void gy_graph_free(GyGraph *g);

/* Node id of an object, or -1 if it is not in the graph. */
static inline Py_ssize_t
gy_graph_id(GyGraph *g, PyObject *op)
{
    return gy_nodeindex_get(&g->index, op);
}

/* Bytes the graph's own arrays and index take (not the nodes array,
 * which the heap's set shares). */
size_t gy_graph_bytes(const GyGraph *g);

/* Objects (not the root or frames) referring to any member of s, as a
 * new GyNodes; NULL with MemoryError. O(|s| + their referrers). */
GyNodes *gy_graph_referrers(GyGraph *g, const GyNodes *s);

#endif /* GY_GRAPH_H */
