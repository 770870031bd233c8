/* partition.h -- GyPartition: a set grouped by a relation, in table order. */
#ifndef GY_PARTITION_H
#define GY_PARTITION_H

#include "gy.h"
#include "classify.h"
#include "classify_set.h"
#include "nodeset.h"

typedef struct GyRow {
    uintptr_t key;             /* class key (classify.c) */
    Py_ssize_t count;
    Py_ssize_t size;
    PyObject *label;           /* owned str, or NULL until rendered (Id) */
    PyObject *example;         /* a member of the class, borrowed from the
                                  set's nodes */
    PyObject *keyobj;          /* owned class value for relations whose
                                  key is not a machine word (Rcs, Via),
                                  else NULL */
} GyRow;

typedef struct GyPartition {
    GyBy by;
    Py_ssize_t nrows;
    GyRow *rows;               /* table order */
    uint32_t *row_of;          /* per member: its row, in table order */
    Py_ssize_t count;
    Py_ssize_t size;
    PyObject *header;          /* the kind column title (owned) */
    GyClassified *classified;  /* composite relations: the classes, for
                                  rows' class values; else NULL */
    GyER *er;                  /* the relation, owned (set by the caller
                                  of gy_partition_new) */
} GyPartition;

/* Compute the individual sizes of all members (once per GyNodes). */
int gy_nodes_ensure_sizes(GyState *state, GyNodes *nodes);
/* Make sure nodes->owners covers the dicts among the members (a walk if
 * the set was not made by one). */
int gy_nodes_ensure_owners(GyState *state, GyNodes *nodes);

/* Partition nodes by `by`. Rows: descending total size, ties by label;
 * for Id one row per object, descending size, ties by kind and value.
 * New partition or NULL with an exception set. */
GyPartition *gy_partition_new(GyState *state, GyNodes *nodes,
                              const GyER *er);
/* A partition with the given rows: subsets[i] (disjoint, covering nodes)
 * labelled labels[i], with class value keyobjs[i] (borrowed; new
 * references are taken). For relations computed in Python. */
GyPartition *gy_partition_explicit(GyState *state, GyNodes *nodes,
                                   GyNodes *const *subsets,
                                   PyObject *const *labels,
                                   PyObject *const *keyobjs,
                                   Py_ssize_t nrows, PyObject *header);
void gy_partition_free(GyPartition *p);
/* Label of row i, rendered on first use; borrowed (owned by p). */
PyObject *gy_partition_label(GyState *state, GyPartition *p,
                             GyNodes *nodes, Py_ssize_t i);

/* The Clodo partition of a heap() set from the table its walk summed
 * (nodes->clodo_totals): rows, labels and totals, but no row_of (NULL),
 * so a caller that selects rows must make the full partition. */
GyPartition *gy_partition_from_totals(GyState *state, GyNodes *nodes);

/* Row i's class as a Python value (gy_classify_key_object), new
 * reference. */
PyObject *gy_partition_key_object(GyState *state, GyPartition *p,
                                  Py_ssize_t i);

#endif /* GY_PARTITION_H */
