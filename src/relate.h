/* relate.h -- the names of references: how an object refers to another
 * (".a", "['key']", "[3]", ".keys()[0]", ".f_locals['x']", ...). */
#ifndef GY_RELATE_H
#define GY_RELATE_H

#include "gy.h"
#include "ptrmap.h"
#include "pyinternals.h"

/* Kinds of relation, numbered as heapy numbers them (paths sort edges by
 * kind first). */
typedef enum {
    GY_REL_ATTRIBUTE = 1,      /* .name */
    GY_REL_INDEXVAL = 2,       /* [key] or [i] */
    GY_REL_INDEXKEY = 3,       /* .keys()[i] */
    GY_REL_INTERATTR = 4,      /* ->name: a pointer with no Python name */
    GY_REL_HASATTR = 5,        /* .__dict__.keys()[i] */
    GY_REL_LOCAL_VAR = 6,      /* .f_locals['name'] */
    GY_REL_CELL = 7,           /* .f_locals ['name'] */
    GY_REL_STACK = 8,          /* ->f_valuestack[i] */
    GY_REL_INSET = 9,          /* list(_)[i] */
    GY_REL_ROOT = 10           /* .i0_<member>: a root's reference */
} GyRelKind;

typedef struct GyRel {
    GyRelKind kind;
    const char *name;          /* ATTRIBUTE, INTERATTR: a static name */
    PyObject *obj;             /* ATTRIBUTE: the name (if name is NULL);
                                  INDEXVAL: the key (NULL: index);
                                  LOCAL_VAR, CELL: the variable's name.
                                  Borrowed. */
    Py_ssize_t index;
    const GyRootRef *root;     /* ROOT: where the reference comes from */
} GyRel;

/* Called for each named reference: nonzero stops and is returned. */
typedef int (*gy_relproc)(const GyRel *rel, PyObject *dst, void *arg);

/* Per-operation cache of each type's object members. */
typedef struct GyRelater {
    GyPtrMap members;          /* type -> MemberList * */
} GyRelater;

int gy_relater_init(GyRelater *r);
void gy_relater_fini(GyRelater *r);

/* Call proc for each reference src holds that has a name, with that name.
 * References heapy does not name (an instance's type, a generator's
 * frame, ...) are left out, or named "->ob_type" style when they are
 * internal pointers. Calls no Python code; -1 with MemoryError. */
int gy_relate(GyRelater *r, PyObject *src, gy_relproc proc, void *arg);

/* The relation of a root or frame edge (graph.c's vlabels) as a GyRel;
 * 0 if that edge has no name. */
int gy_relate_rootref(const GyRootRef *ref, GyRel *out);

/* The text of a relation with the source left out, as byvia shows it:
 * "['key']" (full repr of the key), "[3]", ".a", "->ob_type",
 * ".keys()[0]", ".f_locals['x']", "list(_)[2]", ".i0_modules". New
 * reference, or NULL with an exception (MemoryError only: a key whose
 * repr fails is shown as <T object at 0x...>). */
PyObject *gy_rel_str(const GyRel *rel);

/* True if no relation of another kind or key has the same text: item
 * positions ([i] of a sequence, .keys()[i], list(_)[i], ...). Callers
 * deduplicating texts can skip those. An int dict key must then be given
 * as an index (obj NULL), which prints the same. */
int gy_rel_text_is_unique(const GyRel *rel);

#endif /* GY_RELATE_H */
