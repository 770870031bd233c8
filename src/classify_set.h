/* classify_set.h -- classifying a whole set by any relation, composite and
 * graph-based ones included: the keys partition.c groups by. */
#ifndef GY_CLASSIFY_SET_H
#define GY_CLASSIFY_SET_H

#include "gy.h"
#include "classify.h"
#include "graph.h"
#include "keytable.h"
#include "nodeset.h"

/* A relation as the facade specifies it: an int code (1..10) or a tuple
 * ('and', A, B), ('dictof', A), ('refdby', A), ('python', f). */
typedef struct GyER {
    GyBy by;
    struct GyER *a, *b;        /* AND: both; DICTOF, REFDBY: a */
    PyObject *func;            /* PYTHON: strong reference */
} GyER;

/* Parse a spec. New GyER, or NULL with ValueError/TypeError naming the
 * problem. */
GyER *gy_er_from_spec(PyObject *spec);
void gy_er_free(GyER *er);
/* The kind column title: heapy's header, in "and" context (inside A & B)
 * when and_ctx is set. New reference. */
PyObject *gy_er_header(const GyER *er, int and_ctx);

/* The classes of every member of a set under a composite relation. */
typedef struct GyClassified {
    const GyER *er;
    uintptr_t *keys;           /* per member; for composite relations
                                  the id of an interned vector, plus 1 */
    GyKeyTable table;          /* those vectors */
    PyObject **examples;       /* per vector id: an object of the class
                                  (borrowed), for labels */
    Py_ssize_t nexamples, examples_cap;
    struct GyClassified *a, *b;  /* the components' classes */
    const GyOwners *owners;    /* the set's dict owners, borrowed */
    GyNodes *held;             /* dictof(composite): the owners, classed
                                  in a (owned) */
    PyObject **strings;        /* Via: relation text by atom id (owned) */
    Py_ssize_t nstrings;
} GyClassified;

/* Classify every member of nodes by er (not PYTHON). graph is built on
 * first need and kept in *graph for the caller to free, who must not read
 * it: Via may free it early (and set *graph to NULL) before running a
 * key's repr. 0, or -1 with an exception set. Sizes and owners of nodes
 * must be ensured by the caller. */
int gy_classify_set(GyState *state, const GyER *er, GyNodes *nodes,
                    GyGraph **graph, GyClassified *out);
void gy_classified_fini(GyClassified *c);
/* Free the per-member keys (of c and its components), keeping what
 * labels and class values need. */
void gy_classified_drop_keys(GyClassified *c);
/* The label of key (from c->keys), and its class as a Python value (see
 * gy_classify_key_object; composite: frozensets, tuples). New references;
 * example is a member of the class. */
PyObject *gy_classified_label(GyState *state, const GyClassified *c,
                              uintptr_t key, PyObject *example, int and_ctx);
PyObject *gy_classified_key_object(GyState *state, const GyClassified *c,
                                   uintptr_t key, PyObject *example);
/* How many distinct keys c can have when they map to dense indexes (Via:
 * every key is the empty set, one atom or an interned set), else 0; and
 * the index of a key in [0, that number). Lets a partition find a key's
 * row with an array instead of a hash table. */
Py_ssize_t gy_classified_ndense(const GyClassified *c);
Py_ssize_t gy_classified_dense(const GyClassified *c, uintptr_t key);

#endif /* GY_CLASSIFY_SET_H */
