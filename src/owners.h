/* owners.h -- GyOwners: which object owns each dict (whose __dict__ it is). */
#ifndef GY_OWNERS_H
#define GY_OWNERS_H

#include "gy.h"

typedef struct GyOwnerPair {
    PyObject *dict;            /* borrowed: the sets that use this hold it */
    PyObject *owner;           /* strong reference */
} GyOwnerPair;

/* Reference counted in C: shared by every set made from one walk. */
typedef struct GyOwners {
    Py_ssize_t refcnt;
    GyOwnerPair *pairs;        /* sorted by dict address once sealed */
    Py_ssize_t count;
    Py_ssize_t cap;
    int sealed;                /* lookups need it: gy_owners_seal */
} GyOwners;

/* A new, empty map; NULL with MemoryError. */
GyOwners *gy_owners_new(void);
void gy_owners_incref(GyOwners *o);
void gy_owners_decref(GyOwners *o);
/* Record that owner's __dict__ is dict (takes a new reference to owner).
 * 0, or -1 with MemoryError. Only before gy_owners_seal. */
int gy_owners_add(GyOwners *o, PyObject *dict, PyObject *owner);
/* Sort the pairs by dict address (once: a sealed map is left as is); 0
 * or -1 with MemoryError. heap() leaves its map unsealed until a lookup
 * is needed (gy_nodes_ensure_owners): printing its table needs none. */
int gy_owners_seal(GyOwners *o);
/* Sort n 16-byte records (two words, the first an address) by that
 * address: an LSD radix sort skipping the bytes all addresses share.
 * O(n) time, 2 n records of scratch; 0 or -1 with MemoryError. */
int gy_sort_by_address(void *records, Py_ssize_t n);
/* The owner of dict, borrowed, or NULL. O(log n). o may be NULL. */
PyObject *gy_owners_get(const GyOwners *o, PyObject *dict);
/* The same for dicts asked in ascending address order: *cursor starts at
 * 0 and only moves forward, so a pass over a sorted set is O(n + pairs). */
static inline PyObject *
gy_owners_next(const GyOwners *o, Py_ssize_t *cursor, PyObject *dict)
{
    if (o == NULL) {
        return NULL;
    }
    Py_ssize_t i = *cursor;
    while (i < o->count && (uintptr_t)o->pairs[i].dict < (uintptr_t)dict) {
        i++;
    }
    *cursor = i;
    return i < o->count && o->pairs[i].dict == dict ? o->pairs[i].owner
                                                    : NULL;
}

#endif /* GY_OWNERS_H */
