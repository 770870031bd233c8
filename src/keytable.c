/* keytable.c -- GyKeyTable: vectors of machine words interned to dense ids
 * 0, 1, 2, ... in order of first appearance.
 *
 * Composite relations give each object a class made of several words: the
 * sorted classes of its referrers (Rcs), the sorted names of its incoming
 * edges (Via), a pair of classes (A & B). Interning such a vector turns it
 * into one word, so partition.c can group objects by it like any other
 * key. A million objects typically share a few thousand vectors: the
 * table stores each distinct vector once, back to back in one array, and
 * finds it again by hash (FNV-style mixing of the words, linear probing,
 * load under 1/2). Intern is O(len) expected; nothing is ever removed.
 */
#include "keytable.h"

static size_t
keytable_hash(const uintptr_t *v, Py_ssize_t len)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325) ^ (uint64_t)len;
    for (Py_ssize_t i = 0; i < len; i++) {
        h = (h ^ (uint64_t)v[i]) * UINT64_C(0x100000001b3);
        h ^= h >> 29;
    }
    return (size_t)(h * UINT64_C(0x9E3779B97F4A7C15));
}

int
gy_keytable_init(GyKeyTable *t)
{
    memset(t, 0, sizeof(*t));
    t->start_cap = 64;
    t->start = gy_alloc_array(t->start_cap, sizeof(Py_ssize_t));
    t->slots = PyMem_Calloc(128, sizeof(uint32_t));
    if (t->start == NULL || t->slots == NULL) {
        gy_keytable_fini(t);
        PyErr_NoMemory();
        return -1;
    }
    t->start[0] = 0;
    t->mask = 127;
    return 0;
}

void
gy_keytable_fini(GyKeyTable *t)
{
    PyMem_Free(t->words);
    PyMem_Free(t->start);
    PyMem_Free(t->slots);
    memset(t, 0, sizeof(*t));
}

static int
keytable_equal(const GyKeyTable *t, Py_ssize_t id, const uintptr_t *v,
               Py_ssize_t len)
{
    Py_ssize_t n;
    const uintptr_t *w = gy_keytable_get(t, id, &n);
    if (n != len) {
        return 0;
    }
    /* Vectors are a few words: a loop beats a call to memcmp. */
    for (Py_ssize_t i = 0; i < len; i++) {
        if (w[i] != v[i]) {
            return 0;
        }
    }
    return 1;
}

static int
keytable_rehash(GyKeyTable *t)
{
    size_t cap = (t->mask + 1) * 2;
    uint32_t *slots = PyMem_Calloc(cap, sizeof(uint32_t));
    if (slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t id = 0; id < t->n; id++) {
        Py_ssize_t len;
        const uintptr_t *v = gy_keytable_get(t, id, &len);
        size_t i = keytable_hash(v, len) & (cap - 1);
        while (slots[i] != 0) {
            i = (i + 1) & (cap - 1);
        }
        slots[i] = (uint32_t)(id + 1);
    }
    PyMem_Free(t->slots);
    t->slots = slots;
    t->mask = cap - 1;
    return 0;
}

Py_ssize_t
gy_keytable_intern(GyKeyTable *t, const uintptr_t *v, Py_ssize_t len)
{
    size_t i = keytable_hash(v, len) & t->mask;
    while (t->slots[i] != 0) {
        Py_ssize_t id = (Py_ssize_t)t->slots[i] - 1;
        if (keytable_equal(t, id, v, len)) {
            return id;
        }
        i = (i + 1) & t->mask;
    }
    if (t->n >= (Py_ssize_t)UINT32_MAX - 1) {
        PyErr_SetString(PyExc_OverflowError, "too many distinct classes");
        return -1;
    }
    if (gy_grow(&t->words, &t->words_cap, t->nwords + len,
                sizeof(uintptr_t)) < 0
        || gy_grow(&t->start, &t->start_cap, t->n + 2,
                   sizeof(Py_ssize_t)) < 0) {
        return -1;
    }
    if (len > 0) {
        memcpy(t->words + t->nwords, v, (size_t)len * sizeof(*v));
    }
    t->nwords += len;
    Py_ssize_t id = t->n++;
    t->start[t->n] = t->nwords;
    t->slots[i] = (uint32_t)(id + 1);
    if ((size_t)t->n * 2 > t->mask && keytable_rehash(t) < 0) {
        /* Forget the vector again: it was the last one stored, and its
           slot was empty before. */
        t->slots[i] = 0;
        t->n--;
        t->nwords -= len;
        return -1;
    }
    return id;
}
