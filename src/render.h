/* render.h -- the exact text of tables, labels and object renderings. */
#ifndef GY_RENDER_H
#define GY_RENDER_H

#include "gy.h"
#include "partition.h"

/* All return new references, or NULL with an exception set. */

/* heapy's name of a type: "int", "types.CodeType", "module", "a.B". */
PyObject *gy_render_type_name(GyState *state, PyTypeObject *tp);
/* A module's __name__, or '?' if it has none that is a str. */
PyObject *gy_render_module_name(PyObject *mod);
/* Build state->type_names from the builtins and types modules. */
int gy_render_init_type_names(GyState *state);

/* The identity rendering of op (byid's last column), by op's Clodo class:
 * reprlib.repr of str and bytes, repr of numbers, 0xADDR*LEN of
 * containers, names of modules, functions and types, ... */
PyObject *gy_render_object(GyState *state, PyObject *op,
                           const GyOwners *owners);
/* The byid column title for op's Clodo class ("Value", "Name", ...). */
PyObject *gy_render_object_title(GyState *state, PyObject *op,
                                 const GyOwners *owners);
/* "<1 label: rendering>", the brief of a one-object set. */
PyObject *gy_render_brief_one(GyState *state, PyObject *op,
                              const GyOwners *owners);

/* A partition table (SetFormat or, for GY_BY_ID, IdFormat): the title
 * line if title is set, the column header, rows [start, start + maxrows)
 * and, if more than one row remains, the "<N more rows ...>" footer (a
 * single remaining row is printed instead). index_base and cumul_before
 * shift the Index and Cumulative columns (a row taken out of a bigger
 * table keeps its place there). maxrows < 0 prints every row. */
PyObject *gy_render_table(GyState *state, GyPartition *p, GyNodes *nodes,
                          Py_ssize_t start, Py_ssize_t maxrows, int title,
                          Py_ssize_t index_base, Py_ssize_t cumul_before);

/* Python's int('%.0f' % (part * 100.0 / whole)): halves to even. */
long gy_render_percent(Py_ssize_t part, Py_ssize_t whole);

#endif /* GY_RENDER_H */
