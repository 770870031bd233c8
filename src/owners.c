/* owners.c -- GyOwners, the owner of every dict a walk met: the module,
 * type, function or instance whose __dict__ it is. Clodo labels dicts by
 * their owner's class ("dict of module", "dict of __main__.Point") and
 * byid renders them by their owner.
 *
 * The walk appends (dict, owner) pairs as it expands owners (no lookup on
 * that path), then seals the map by sorting the pairs by dict address with
 * an LSD radix sort (8 passes of 8 bits, skipping passes whose byte is the
 * same in every key: addresses share their high bytes). Classification
 * then meets the dicts of a set in address order too, and finds owners
 * with a cursor that only moves forward: one merge, no hashing, no random
 * access. Single lookups binary-search.
 *
 * A dict shared by two owners (b.__dict__ = a.__dict__) keeps one of them.
 * Owners are strong references: a set can print its dicts' owners after
 * the owners are gone from everywhere else.
 */
#include "owners.h"

GyOwners *
gy_owners_new(void)
{
    GyOwners *o = PyMem_Calloc(1, sizeof(GyOwners));
    if (o == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    o->refcnt = 1;
    return o;
}

void
gy_owners_incref(GyOwners *o)
{
    o->refcnt++;
}

void
gy_owners_decref(GyOwners *o)
{
    if (o == NULL || --o->refcnt > 0) {
        return;
    }
    GyOwnerPair *pairs = o->pairs;
    Py_ssize_t n = o->count;
    PyMem_Free(o);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_DECREF(pairs[i].owner);
    }
    PyMem_Free(pairs);
}

int
gy_owners_add(GyOwners *o, PyObject *dict, PyObject *owner)
{
    if (o->count == o->cap
        && gy_grow(&o->pairs, &o->cap, o->count + 1,
                   sizeof(GyOwnerPair)) < 0) {
        return -1;
    }
    o->pairs[o->count].dict = dict;
    o->pairs[o->count].owner = Py_NewRef(owner);
    o->count++;
    return 0;
}

/* Records are 16 bytes, the first word the key; they are read and moved
 * with memcpy so any struct of that shape can be sorted. */
#define REC 16

static uintptr_t
rec_key(const unsigned char *rec)
{
    uintptr_t k;
    memcpy(&k, rec, sizeof(k));
    return k;
}

int
gy_sort_by_address(void *records, Py_ssize_t n)
{
    if (n < 2) {
        return 0;
    }
    unsigned char *tmp = gy_alloc_array(n, REC);
    Py_ssize_t (*counts)[257] = PyMem_Calloc(8, sizeof(*counts));
    if (tmp == NULL || counts == NULL) {
        PyMem_Free(tmp);
        PyMem_Free(counts);
        PyErr_NoMemory();
        return -1;
    }
    /* Every byte's histogram in one pass over the keys. */
    unsigned char *src = records, *dst = tmp;
    for (Py_ssize_t i = 0; i < n; i++) {
        uintptr_t k = rec_key(src + i * REC);
        for (int b = 0; b < 8; b++) {
            counts[b][((k >> (8 * b)) & 0xff) + 1]++;
        }
    }
    uintptr_t first = rec_key(src);
    for (int b = 0; b < 8; b++) {
        int shift = 8 * b;
        Py_ssize_t *c = counts[b];
        if (c[((first >> shift) & 0xff) + 1] == n) {
            continue;          /* every key has this byte: nothing to do */
        }
        for (int v = 0; v < 256; v++) {
            c[v + 1] += c[v];
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_ssize_t at = c[(rec_key(src + i * REC) >> shift) & 0xff]++;
            memcpy(dst + at * REC, src + i * REC, REC);
        }
        unsigned char *t = src;
        src = dst;
        dst = t;
    }
    if (src != records) {
        memcpy(records, src, (size_t)n * REC);
    }
    PyMem_Free(tmp);
    PyMem_Free(counts);
    return 0;
}

int
gy_owners_seal(GyOwners *o)
{
    if (o->sealed) {
        return 0;
    }
    if (gy_sort_by_address(o->pairs, o->count) < 0) {
        return -1;
    }
    o->sealed = 1;
    return 0;
}

PyObject *
gy_owners_get(const GyOwners *o, PyObject *dict)
{
    if (o == NULL) {
        return NULL;
    }
    Py_ssize_t lo = 0, hi = o->count;
    uintptr_t key = (uintptr_t)dict;
    /* Invariant: dict, if present, is in pairs[lo .. hi). */
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        uintptr_t v = (uintptr_t)o->pairs[mid].dict;
        if (v == key) {
            return o->pairs[mid].owner;
        }
        if (v < key) {
            lo = mid + 1;
        }
        else {
            hi = mid;
        }
    }
    return NULL;
}
