/* nodeset.h -- GyNodes: an immutable, sorted array of objects, and set
 * algebra on such arrays. */
#ifndef GY_NODESET_H
#define GY_NODESET_H

#include "gy.h"
#include "owners.h"

struct GyTotals;

typedef struct GyNodes {
    Py_ssize_t refcnt;         /* C-level sharing between set objects */
    Py_ssize_t count;
    PyObject **items;          /* ascending addresses, strong references
                                  unless borrowed */
    int borrowed;              /* items are borrowed from a larger set
                                  that outlives this one (a selection,
                                  py_nodeset.c keeps it alive) */
    Py_ssize_t *sizes;         /* individual sizes, or NULL until asked */
    Py_ssize_t total_size;     /* valid when sizes != NULL */
    GyOwners *owners;          /* dict owners from the walk, or NULL */
    struct GyTotals *clodo_totals; /* the Clodo table summed by the walk
                                      (heap(); classify.h), owned, or
                                      NULL */
} GyNodes;

/* A new empty set; NULL on MemoryError. */
GyNodes *gy_nodes_empty(void);
/* Steals items (count strong references, sorted, distinct; PyMem
 * allocated) and a reference to owners (may be NULL). NULL on MemoryError,
 * having released what it stole. */
GyNodes *gy_nodes_new_steal(PyObject **items, Py_ssize_t count,
                            GyOwners *owners);
/* As gy_nodes_new_steal, but the items are borrowed (no references). */
GyNodes *gy_nodes_new_borrowed(PyObject **items, Py_ssize_t count,
                               GyOwners *owners);
/* From any iterable: identity, duplicates collapse. New or NULL. May call
 * Python code (the iterator). */
GyNodes *gy_nodes_from_iterable(PyObject *iterable);
/* From a C array of borrowed objects (any order, duplicates allowed). */
GyNodes *gy_nodes_from_array(PyObject *const *objs, Py_ssize_t n);

void gy_nodes_incref(GyNodes *s);
void gy_nodes_decref(GyNodes *s);

/* 1 if op is a member, else 0. O(log n). */
int gy_nodes_contains(const GyNodes *s, PyObject *op);

typedef enum {
    GY_OP_AND, GY_OP_OR, GY_OP_SUB, GY_OP_XOR
} GySetOp;

/* a op b as a new GyNodes, O(|a| + |b|). */
GyNodes *gy_nodes_binop(GyNodes *a, GyNodes *b, GySetOp op);
/* -1, 0 or 1 as for "a <= b" (1 if a is a subset of b). */
int gy_nodes_subset(const GyNodes *a, const GyNodes *b);
/* Members i with wanted[rows[i]] set, n of them (the rows' counts add
 * up to it), as a new GyNodes sharing owners and with the sizes already
 * computed. One pass over rows. With borrow set the result takes no
 * references (borrowed): the caller keeps s's members alive for it, or
 * calls gy_nodes_adopt first. */
GyNodes *gy_nodes_select(GyNodes *s, const uint32_t *rows,
                         const uint8_t *wanted, Py_ssize_t n, int borrow);
/* Make a borrowed set own its members: a reference to each. */
void gy_nodes_adopt(GyNodes *s);
/* Hash depending only on the members. */
Py_hash_t gy_nodes_hash(const GyNodes *s);

#endif /* GY_NODESET_H */
