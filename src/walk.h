/* walk.h -- GyWalk: every object reachable from the interpreter's roots. */
#ifndef GY_WALK_H
#define GY_WALK_H

#include "gy.h"
#include "ptrmap.h"

/* Who owns each dict met by a walk: the object whose __dict__ it is
 * (module, type, function, instance), which Clodo and byid need. Shared,
 * reference counted in C by the sets made from one walk; holds a strong
 * reference to every owner, so lookups stay valid after the walk. */
typedef struct GyOwners {
    Py_ssize_t refcnt;
    GyPtrMap map;              /* dict -> owner */
    PyObject **objs;           /* the owners, strong references */
    Py_ssize_t nobjs;
    Py_ssize_t cap;
} GyOwners;

void gy_owners_incref(GyOwners *o);
void gy_owners_decref(GyOwners *o);
/* The owner of dict, borrowed, or NULL if it has no owner. */
PyObject *gy_owners_get(const GyOwners *o, PyObject *dict);

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
