/* walk.h -- GyWalk: every object reachable from the interpreter's roots. */
#ifndef GY_WALK_H
#define GY_WALK_H

#include "gy.h"
#include "classify.h"
#include "owners.h"
#include "ptrmap.h"

typedef struct GyWalkResult {
    PyObject **items;          /* sorted by address, strong references
                                  unless borrowed */
    int borrowed;              /* gy_walk_heap_logged(..., borrow) */
    Py_ssize_t count;
    GyOwners *owners;          /* owned; never NULL on success */
} GyWalkResult;

/* Walk the heap from the roots (pyinternals.c), skipping the profiler's
 * own objects (instances of state->hidden_type and its subclasses) and
 * frames (globals in state->own_globals), and everything reachable only
 * through them. 0 and *out filled, or -1 with an exception set. Calls no
 * Python code; the result holds strong references. */
int gy_walk_heap(GyState *state, GyWalkResult *out);

/* GyEdgeLog: every reference a walk follows, in the order followed, for
 * building the reference graph without traversing the heap twice. An
 * entry with bit 0 set starts an object's references (the object's
 * address | 1); the plain entries after it are the addresses it refers
 * to, the profiler's own included. Kept in blocks, so growing never
 * copies. */
#define GY_EDGELOG_BLOCK ((Py_ssize_t)1 << 18)     /* 2 MiB: one huge page */

typedef struct GyEdgeLog {
    uintptr_t **blocks;
    Py_ssize_t nblocks, blocks_cap;
    uintptr_t *cur, *end;      /* free part of the last block */
} GyEdgeLog;

int gy_edgelog_grow(GyEdgeLog *log);
void gy_edgelog_fini(GyEdgeLog *log);

static inline int
gy_edgelog_append(GyEdgeLog *log, uintptr_t entry)
{
    if (log->cur == log->end && gy_edgelog_grow(log) < 0) {
        return -1;
    }
    *log->cur++ = entry;
    return 0;
}

/* gy_walk_heap, also logging every edge followed into log (zeroed by the
 * caller, released by gy_edgelog_fini). With borrow set the result holds
 * no references (out->borrowed): its user must run no Python code, and
 * let no object go, while it reads the result. */
int gy_walk_heap_logged(GyState *state, GyWalkResult *out, GyEdgeLog *log,
                        int borrow);

/* gy_walk_heap, also summing the result's Clodo table (count and size
 * per class) on the way: *totals is a new GyTotals (classify.h) the
 * caller frees with gy_totals_fini and PyMem_Free. May run Python code
 * after the walk (__sizeof__ methods written in Python). */
int gy_walk_heap_totals(GyState *state, GyWalkResult *out,
                        GyTotals **totals);

/* Release what a successful gy_walk_heap returned. */
void gy_walk_result_clear(GyWalkResult *r);

/* Owners of the dicts found by a full walk, without keeping the nodes:
 * for classifying sets not made by heap(). New GyOwners or NULL. */
GyOwners *gy_walk_owners(GyState *state);

/* 1 if a frame running with these globals is the profiler's own. */
int gy_own_globals(GyState *state, PyObject *globals);

/* The references an object holds, exactly as the walk follows them
 * (tp_traverse completed for types, code objects and dict keys), for
 * building the reference graph. Type facts are cached between calls. */
typedef struct GyReferents {
    GyState *state;
    GyPtrMap facts;            /* type -> how to traverse it, hidden? */
    GyPtrCache cache;          /* recent entries of facts */
} GyReferents;

int gy_referents_init(GyReferents *r, GyState *state);
void gy_referents_fini(GyReferents *r);
/* 1 if op is the profiler's own (never shown), 0 if not, -1 on
 * MemoryError. */
int gy_referents_hidden(GyReferents *r, PyObject *op);
/* Call visit(referent, arg) for each reference op holds; nothing for the
 * profiler's own objects. Returns visit's first nonzero result, or -1
 * with MemoryError. Calls no Python code. */
int gy_referents_visit(GyReferents *r, PyObject *op, visitproc visit,
                       void *arg);

/* What a walk does with op: GY_REF_HIDDEN, the profiler's own (neither
 * shown nor followed); GY_REF_LEAF, it holds no reference a walk follows
 * (str, int, float, ...); GY_REF_FOLLOW otherwise. -1 on MemoryError. */
enum { GY_REF_HIDDEN = 0, GY_REF_LEAF = 1, GY_REF_FOLLOW = 2 };
int gy_referents_kind(GyReferents *r, PyObject *op);

/* The unreachable heap: objects alive but not reachable from the roots
 * (hp.heapu). Seeds are the objects the cyclic collector tracks that the
 * roots do not reach (with rma false: all of them); the result is their
 * closure under references, minus what the roots reach and minus the
 * profiler's own objects. Reachability sees through the profiler's
 * objects and frames: what a set or the session holds is reachable. 0 and
 * *out filled (sorted, strong references, owners of the result's dicts),
 * or -1 with an exception set. If garbage is not NULL, *garbage tells
 * whether cyclic garbage (what gc.collect() would free) is among the
 * unreachable objects. Calls no Python code. */
int gy_walk_unreachable(GyState *state, int rma, GyWalkResult *out,
                        int *garbage);

#endif /* GY_WALK_H */
