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

/* Table formats, as heapy names them (Stat.format_name). */
typedef enum GyFormat {
    GY_FORMAT_SET = 0,      /* "SetFormat": a partition by any relation
                               but Id */
    GY_FORMAT_ID = 1,       /* "IdFormat": one row per object (byid) */
    GY_FORMAT_DIFF = 2,     /* "DiffFormat": Stat - Stat */
} GyFormat;

/* Row i of a table: its count and size and, if label is not NULL, its
 * label as a new reference. Returns 0, or -1 with an exception set. */
typedef int (*GyTableRowFn)(void *ctx, Py_ssize_t i, int64_t *count,
                            int64_t *size, PyObject **label);

/* What a page of any table is printed from. Totals are at most
 * GY_TABLE_LIMIT (2**62 - 1) in magnitude, so DiffFormat's A = count +
 * b_count and size + b_size cannot overflow. */
#define GY_TABLE_LIMIT ((INT64_C(1) << 62) - 1)
typedef struct GyTable {
    GyFormat format;
    int64_t count, size;          /* totals */
    int64_t b_count, b_size;      /* DiffFormat: B's totals */
    PyObject *kindname;           /* borrowed str: IdFormat's "<str>" */
    PyObject *kindheader;         /* borrowed str: the label column title */
    Py_ssize_t nrows;
    Py_ssize_t index_base;        /* added to every printed Index */
    int64_t cumul_before;         /* added to every printed Cumulative */
    GyTableRowFn row;
    void *ctx;
} GyTable;

/* One page of a table: the title if title is set, then, if rows remain
 * from start, the column header, rows [start, start + maxrows) and, if
 * more than one row remains, the "<N more rows ...>" footer (a single
 * remaining row is printed instead). maxrows < 0 prints every row. A
 * page without title that would begin at the last row is empty (the
 * page before it printed that row). Trailing whitespace is stripped, as
 * heapy's printer does. */
PyObject *gy_render_page(const GyTable *t, Py_ssize_t start,
                         Py_ssize_t maxrows, int title);

/* An Id partition's IdFormat kind name ("<str>", "<mixed>") and label
 * column title ("Representation (limited)", "Brief"), new references;
 * *mixed tells whether the rows' Clodo classes differ. 0 or -1. */
int gy_render_id_header(GyState *state, GyPartition *p, GyNodes *nodes,
                        PyObject **kindname, PyObject **coltitle,
                        int *mixed);
/* Row i of an Id partition as IdFormat prints it: the rendering, after
 * its Clodo label and ': ' when mixed. New reference. */
PyObject *gy_render_id_label(GyState *state, GyPartition *p,
                             GyNodes *nodes, Py_ssize_t i, int mixed);

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
