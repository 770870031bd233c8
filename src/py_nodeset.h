/* py_nodeset.h -- the NodeSet type (the C half of IdentitySet) and its
 * _Members holder: what module.c needs to make them and to wrap a set. */
#ifndef GY_PY_NODESET_H
#define GY_PY_NODESET_H

#include "gy.h"
#include "nodeset.h"

/* Make the NodeSet and _Members types (state->nodeset_type and
 * state->members_type), both with the given bases, the tuple (Hidden,),
 * and add NodeSet to the module. 0, or -1 with an exception. */
int gy_nodeset_add_types(PyObject *module, GyState *st, PyObject *bases);

/* New reference: a NodeSet (state->nodeset_type) over nodes, stolen;
 * NULL nodes passes on the exception already set. NULL with an
 * exception. */
PyObject *gy_nodeset_new(GyState *st, GyNodes *nodes);

#endif /* GY_PY_NODESET_H */
