/* paths.h -- shortest paths through the heap: the graph of every shortest
 * path from a source set to the nearest members of a target set (heapy's
 * x.sp), counted and enumerated in heapy's order. */
#ifndef GY_PATHS_H
#define GY_PATHS_H

#include "gy.h"
#include "nodeset.h"
#include "relate.h"

/* A node of the heap named so that a later search can find it again: an
 * object, the root, or a stack frame by thread and number. */
typedef enum {
    GY_SPN_OBJECT,
    GY_SPN_ROOT,
    GY_SPN_FRAME
} GySPNodeKind;

typedef struct GySPKey {
    GySPNodeKind kind;
    PyObject *obj;             /* OBJECT: the object */
    unsigned long thread_id;   /* FRAME */
    int frame_no;              /* FRAME: counted from the outermost */
} GySPKey;

/* Step kinds beyond relate.h's GyRelKind. */
#define GY_STEP_NONE (-1)      /* an edge nothing names: ".??" */
#define GY_STEP_IDENTITY 0     /* a stack frame to its own frame object */

/* One named edge of the path graph. */
typedef struct GySPStep {
    uint32_t dst;              /* index into nodes */
    int kind;                  /* GyRelKind or a GY_STEP_ */
    const char *name;          /* ATTRIBUTE, INTERATTR: static */
    PyObject *obj;             /* attribute name, key, variable name:
                                  strong, or NULL */
    Py_ssize_t index;
    GyRootRef root;            /* ROOT: where from (code NULL) */
    PyObject *text;            /* the step's text, strong, made on demand */
} GySPStep;

typedef struct GySPNode {
    GySPKey key;               /* key.obj strong */
    uint32_t level;            /* edges from a source */
    uint32_t first_step;       /* steps[first_step .. + nsteps), sorted */
    uint32_t nsteps;
    uint64_t npaths;           /* paths to a target, saturated */
} GySPNode;

/* The shortest-path graph: the nodes on some shortest path, level by
 * level (then the root, stack frames, objects by address), and the steps
 * between consecutive levels. Holds strong references to its objects;
 * reads nothing of the heap once built. */
typedef struct GySPGraph {
    GySPNode *nodes;
    Py_ssize_t nnodes;
    GySPStep *steps;
    Py_ssize_t nsteps;
    uint32_t nlevels;          /* depth + 1; 0 when no target is reached */
    uint32_t *level_start;     /* level k: nodes [level_start[k],
                                  level_start[k + 1]) */
    uint32_t *sources;         /* level 0 in the order paths take them */
    int saturated;             /* some npaths did not fit 64 bits */
} GySPGraph;

/* What to search. targets is required; sources NULL means the root; an
 * OBJECT key or member that is root_obj stands for the root. */
typedef struct GySPQuery {
    const GyNodes *targets;            /* none: an empty result at once */
    const GyNodes *sources;
    const GyNodes *avoid_nodes;        /* or NULL */
    const GySPKey *avoid_edges;        /* pairs: navoid_edges * 2 keys */
    Py_ssize_t navoid_edges;
    PyObject *root_obj;                /* hp.Root (borrowed) */
} GySPQuery;

/* Breadth-first search of the heap from the sources (walk.c's references,
 * the profiler's own objects and frames left out), level by level, until
 * a level holds a target; then the graph of every shortest path to the
 * targets of that level, with each edge named (relate.c) and sorted as
 * heapy sorts them, and the number of paths from each node. NULL with an
 * exception. Calls Python code only to compare dict keys (their __lt__),
 * after the result holds its references. */
GySPGraph *gy_sp_build(GyState *st, const GySPQuery *q);
void gy_sp_free(GySPGraph *sp);
/* Visit every object the graph holds (tp_traverse of its owner). */
int gy_sp_traverse(const GySPGraph *sp, visitproc visit, void *arg);

/* The number of paths, exact (a Python int; new reference). */
PyObject *gy_sp_numpaths(const GySPGraph *sp);

/* Put the sources in the given order: order[i] is an index of a level-0
 * node, each once. -1 with ValueError otherwise. */
int gy_sp_order_sources(GySPGraph *sp, const uint32_t *order, Py_ssize_t n);

/* Path number index in enumeration order: its source's position in
 * sources (*src_pos) and its steps (steps[0 .. nlevels - 1)). 1 if found,
 * 0 if index is past the end. */
int gy_sp_path_at(const GySPGraph *sp, uint64_t index, uint32_t *src_pos,
                  uint32_t *steps);

/* The path after the one in (*src_pos, steps), in place: 1, or 0 at the
 * end. O(the steps that change), at most the depth. */
int gy_sp_path_next(const GySPGraph *sp, uint32_t *src_pos, uint32_t *steps);

/* A step's text, source left out: ".a", "[0]", "['k']" (keys shortened by
 * reprlib_repr), ".i0_modules", "" (identity), ".??"; for an INSET step,
 * ")[i]" (the path then opens with "list("). Borrowed, cached in the step;
 * NULL with an exception (MemoryError; a failing key repr is shown as
 * <T object at 0x...>). */
PyObject *gy_sp_step_text(GySPStep *step, PyObject *reprlib_repr);

#endif /* GY_PATHS_H */
