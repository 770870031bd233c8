/* walk.h -- GyWalk: every object reachable from the interpreter's roots. */
#ifndef GY_WALK_H
#define GY_WALK_H

#include "gy.h"
#include "owners.h"

typedef struct GyWalkResult {
    PyObject **items;          /* sorted by address, strong references */
    Py_ssize_t count;
    GyOwners *owners;          /* owned; never NULL on success */
} GyWalkResult;

/* Walk the heap from the roots (pyinternals.c), skipping the profiler's
 * own objects (instances of state->hidden_type and its subclasses) and
 * frames (globals in state->own_globals), and everything reachable only
 * through them. 0 and *out filled, or -1 with an exception set. Calls no
 * Python code; the result holds strong references. */
int gy_walk_heap(GyState *state, GyWalkResult *out);

/* Release what a successful gy_walk_heap returned. */
void gy_walk_result_clear(GyWalkResult *r);

/* Owners of the dicts found by a full walk, without keeping the nodes:
 * for classifying sets not made by heap(). New GyOwners or NULL. */
GyOwners *gy_walk_owners(GyState *state);

#endif /* GY_WALK_H */
