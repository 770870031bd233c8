/* dominators.h -- who keeps what alive: the heap's dominator tree with
 * retained sizes (GyDomTree), and heapy's dominos, domisize and imdom. */
#ifndef GY_DOMINATORS_H
#define GY_DOMINATORS_H

#include "gy.h"
#include "graph.h"
#include "nodeset.h"

/* No immediate dominator: the root, and nodes the root does not reach. */
#define GY_DOM_NONE UINT32_MAX

/* The immediate-dominator tree of a GyGraph from its root, with each
 * node's subtree totalled. Node ids are the graph's. 16 bytes a node. */
typedef struct GyDomTree {
    Py_ssize_t nnodes;         /* the graph's, root and frames included */
    uint32_t *idom;            /* node -> its immediate dominator, or
                                  GY_DOM_NONE */
    uint32_t *count;           /* node -> objects in its subtree (itself
                                  included if it is an object) */
    int64_t *retained;         /* node -> their total individual size */
} GyDomTree;

/* The dominator tree of g. sizes[i] is the individual size of object i
 * (g->nodes->sizes); the root and the frames have size 0. 0, or -1 with
 * MemoryError (t is then empty). O(e log n) time; 16 bytes a node kept,
 * 20 while building, from which g's forward rows are freed after the
 * first search (gy_graph_drop_forward), 4 bytes a node and an edge: on a
 * heap of two references an object the build then peaks below the graph
 * it started with. Calls no Python code. */
int gy_domtree_build(GyGraph *g, const Py_ssize_t *sizes,
                     GyDomTree *t);
void gy_domtree_fini(GyDomTree *t);

/* Retained count and size of groups of objects: group k is the objects i
 * with group_of[i] == k (GY_DOM_NONE: in none), and its retained objects
 * are those some member dominates, each counted once. count[k] and
 * size[k] for k < ngroups. O(n), 8 bytes a node while working. 0, or -1
 * with MemoryError. */
int gy_domtree_groups(const GyDomTree *t, const GyGraph *g,
                      const uint32_t *group_of, Py_ssize_t ngroups,
                      int64_t *count, int64_t *size);

/* heapy's x.dominos: the objects reachable from a member of s without
 * passing through an object that the roots reach without passing through
 * s; the members themselves included, the profiler's own objects left
 * out. Two walks of the heap, no graph. New GyNodes (without owners) or
 * NULL with an exception set. Calls no Python code. */
GyNodes *gy_dominos(GyState *state, const GyNodes *s);

/* heapy's x.domisize: the total individual size of gy_dominos(s),
 * summed during the walk (sizes that need Python code after it). 0 and
 * *size, or -1 with an exception set. */
int gy_domisize(GyState *state, const GyNodes *s, Py_ssize_t *size);

/* heapy's x.imdom: the objects referring to a member of s that the root
 * reaches without passing through another such object. New GyNodes, or
 * NULL with MemoryError. O(n + e). */
GyNodes *gy_graph_imdom(GyGraph *g, const GyNodes *s);

#endif /* GY_DOMINATORS_H */
