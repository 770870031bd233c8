/* py_paths.h -- the Python types of shortest paths: PathGraph (a GySPGraph
 * for the facade, guppy/heapy/Path.py) and the behaviour of hp.Root. */
#ifndef GY_PY_PATHS_H
#define GY_PY_PATHS_H

#include "gy.h"
#include "nodeset.h"

/* Make the PathGraph type and the hp.Root singleton (an instance of
 * state->root_type, which must exist) and add both to the module as
 * PathGraph and Root. 0, or -1 with an exception. */
int gy_paths_add_types(PyObject *module, GyState *st);

/* New reference: a PathGraph of the shortest paths from sources (NULL:
 * the root) to the nearest members of targets, never entering a member of
 * avoid_nodes (may be NULL) nor following an edge of avoid_edges, a
 * sequence whose items are (PathGraph, level) -- that graph's edges from
 * that level to the next -- or (object, object), hp.Root standing for the
 * root. Searches the heap as it is now (paths.c). NULL with an
 * exception (TypeError or ValueError naming avoid_edges for bad items). */
PyObject *gy_pathgraph_new(GyState *st, GyNodes *targets, GyNodes *sources,
                           GyNodes *avoid_nodes, PyObject *avoid_edges);

/* Slots of guppy.heapy.heapyc.RootStateType (hp.Root): attributes
 * i0_<member>, i0_t<thread>_<member> and i0_t<thread>_f<n> name the
 * roots, as paths print them. */
PyObject *gy_root_tp_getattro(PyObject *self, PyObject *name);
PyObject *gy_root_tp_repr(PyObject *self);
extern PyMethodDef gy_root_methods[];

#endif /* GY_PY_PATHS_H */
