/* classify.h -- equivalence relations: object -> class key -> label. */
#ifndef GY_CLASSIFY_H
#define GY_CLASSIFY_H

#include "gy.h"
#include "owners.h"
#include "ptrmap.h"

typedef enum {
    GY_BY_CLODO = 1,   /* class, or dict of owner's class */
    GY_BY_TYPE,
    GY_BY_SIZE,
    GY_BY_UNITY,
    GY_BY_MODULE,
    GY_BY_ID,
    GY_BY_IDSET,
    /* Composite and graph-based relations (classify_set.c). */
    GY_BY_RCS,         /* spec 8: the Clodo classes of the referrers */
    GY_BY_VIA,         /* spec 9: the names of the incoming references */
    GY_BY_PROD,        /* spec 10: the allocation line (tracemalloc) */
    GY_BY_AND,         /* ('and', A, B) */
    GY_BY_DICTOF,      /* ('dictof', A): dicts by their owner's A class */
    GY_BY_REFDBY,      /* ('refdby', A): the A classes of the referrers */
    GY_BY_PYTHON,      /* ('python', f): rows computed by f */
} GyBy;

#define GY_BY_LAST_SIMPLE GY_BY_IDSET

/* Clodo keys are type addresses; low bits tag dicts. */
#define GY_CLODO_DICTOF 1u     /* key = owner type | 1 */
#define GY_CLODO_NOOWNER 2u    /* key = &PyDict_Type | 2 */

/* The class key of op; size is op's individual size. cursor, if not NULL,
 * is a gy_owners_next cursor for callers that classify in address order.
 * Never fails, calls no Python code. */
uintptr_t gy_classify_key(GyBy by, PyObject *op, Py_ssize_t size,
                          const GyOwners *owners, Py_ssize_t *cursor);
/* The row label of a class, new reference; example is a member of it
 * (borrowed), owners the dict owners of its set (for an Idset label,
 * which is a brief and names a dict by its owner; may be NULL). May call
 * Python code (a module's name, a type's __module__); never fails except
 * with MemoryError: what cannot be read is shown as '?'. */
PyObject *gy_classify_label(GyState *state, GyBy by, uintptr_t key,
                            PyObject *example, const GyOwners *owners);
/* The class as a Python value, new reference: Clodo a type, (owner
 * type,) for a dict of it or () for a dict without owner; Type the type;
 * Size the int; Module the module or None for ~module; Id and Idset the
 * object; Unity None. Kinds (guppy/heapy/Classifiers.py) test these. */
PyObject *gy_classify_key_object(GyBy by, uintptr_t key, PyObject *example);
/* The kind column title of a relation's table. */
const char *gy_classify_header(GyBy by);
/* Whether classifying by `by` needs dict owners. */
int gy_classify_needs_owners(GyBy by);

/* GyTotals: count and size per class, summed as objects go by, for a
 * table of a relation without a pass over the set afterwards (heap()
 * sums its Clodo table during the walk). */
typedef struct GyClassTotal {
    uintptr_t key;
    Py_ssize_t count;
    Py_ssize_t size;
} GyClassTotal;

typedef struct GyTotals {
    GyPtrMap index;            /* key -> position + 1 in rows */
    GyPtrCache recent;         /* recent entries of index */
    GyClassTotal *rows;
    Py_ssize_t nrows, cap;
    Py_ssize_t count, size;    /* over every class */
} GyTotals;

int gy_totals_init(GyTotals *t);
void gy_totals_fini(GyTotals *t);
/* Add one object of class key and size. 0, or -1 with MemoryError. */
int gy_totals_add(GyTotals *t, uintptr_t key, Py_ssize_t size);
/* The position of key's row in t->rows, made empty if new; -1 with
 * MemoryError. Positions stay valid as rows are added. */
Py_ssize_t gy_totals_row(GyTotals *t, uintptr_t key);

#endif /* GY_CLASSIFY_H */
