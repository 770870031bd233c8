/* keytable.h -- GyKeyTable: interning of short vectors of machine words
 * (class keys of composite relations) to dense ids. */
#ifndef GY_KEYTABLE_H
#define GY_KEYTABLE_H

#include "gy.h"

typedef struct GyKeyTable {
    uintptr_t *words;          /* every interned vector, back to back */
    Py_ssize_t nwords, words_cap;
    Py_ssize_t *start;         /* vector id -> offset in words; start[n]
                                  is the end of the last vector */
    Py_ssize_t n, start_cap;   /* number of vectors */
    uint32_t *slots;           /* open addressing: id + 1, 0 = empty */
    size_t mask;
} GyKeyTable;

int gy_keytable_init(GyKeyTable *t);
void gy_keytable_fini(GyKeyTable *t);
/* The id of the vector v[0..len), adding it if new; -1 with MemoryError. */
Py_ssize_t gy_keytable_intern(GyKeyTable *t, const uintptr_t *v,
                              Py_ssize_t len);
/* Vector id's words (valid until the next intern) and length. */
static inline const uintptr_t *
gy_keytable_get(const GyKeyTable *t, Py_ssize_t id, Py_ssize_t *len)
{
    *len = t->start[id + 1] - t->start[id];
    return t->words + t->start[id];
}

#endif /* GY_KEYTABLE_H */
