/* ptrmap.c -- GyPtrMap, a map from addresses to machine words, used for
 * the small per-operation tables of the engine: type -> facts about the type
 * (walk.c, classify.c), dict -> owner type (walk.c), kind -> row
 * (partition.c). It holds no references: its users decide what keeps the
 * keys alive. Linear probing with Fibonacci hashing, load kept under 1/2;
 * lookups O(1) expected, growth doubles and rehashes (amortised O(1)).
 * There is no deletion: every table lives for one operation.
 */
#include "ptrmap.h"

static size_t
ptrmap_index(const GyPtrMap *m, const void *key)
{
    size_t i = gy_hash_ptr(key) & m->mask;
    while (m->keys[i] != NULL && m->keys[i] != key) {
        i = (i + 1) & m->mask;
    }
    return i;
}

static int
ptrmap_alloc(GyPtrMap *m, size_t capacity)
{
    m->keys = PyMem_Calloc(capacity, sizeof(*m->keys));
    m->values = PyMem_Calloc(capacity, sizeof(*m->values));
    if (m->keys == NULL || m->values == NULL) {
        PyMem_Free(m->keys);
        PyMem_Free(m->values);
        m->keys = NULL;
        m->values = NULL;
        PyErr_NoMemory();
        return -1;
    }
    m->mask = capacity - 1;
    m->used = 0;
    return 0;
}

int
gy_ptrmap_init(GyPtrMap *m, size_t expected)
{
    size_t capacity = 16;
    while (capacity < 2 * expected) {
        if (capacity > SIZE_MAX / 4) {
            PyErr_NoMemory();
            return -1;
        }
        capacity *= 2;
    }
    return ptrmap_alloc(m, capacity);
}

void
gy_ptrmap_fini(GyPtrMap *m)
{
    PyMem_Free(m->keys);
    PyMem_Free(m->values);
    m->keys = NULL;
    m->values = NULL;
    m->mask = 0;
    m->used = 0;
}

int
gy_ptrmap_get(const GyPtrMap *m, const void *key, uintptr_t *value)
{
    if (m->keys == NULL) {
        return 0;
    }
    size_t i = ptrmap_index(m, key);
    if (m->keys[i] == NULL) {
        return 0;
    }
    *value = m->values[i];
    return 1;
}

static int
ptrmap_grow(GyPtrMap *m)
{
    GyPtrMap old = *m;
    size_t capacity = (old.mask + 1) * 2;
    if (capacity == 0 || capacity > SIZE_MAX / sizeof(void *)) {
        PyErr_NoMemory();
        return -1;
    }
    if (ptrmap_alloc(m, capacity) < 0) {
        *m = old;
        return -1;
    }
    for (size_t i = 0; i <= old.mask; i++) {
        if (old.keys[i] != NULL) {
            size_t j = ptrmap_index(m, old.keys[i]);
            m->keys[j] = old.keys[i];
            m->values[j] = old.values[i];
        }
    }
    m->used = old.used;
    gy_ptrmap_fini(&old);
    return 0;
}

uintptr_t *
gy_ptrmap_slot(GyPtrMap *m, const void *key, int *added)
{
    GY_ASSERT(key != NULL);
    if (m->keys == NULL && gy_ptrmap_init(m, 8) < 0) {
        return NULL;
    }
    size_t i = ptrmap_index(m, key);
    if (m->keys[i] == key) {
        *added = 0;
        return &m->values[i];
    }
    if (2 * (m->used + 1) > m->mask + 1) {
        if (ptrmap_grow(m) < 0) {
            return NULL;
        }
        i = ptrmap_index(m, key);
    }
    m->keys[i] = key;
    m->values[i] = 0;
    m->used++;
    *added = 1;
    return &m->values[i];
}

int
gy_ptrmap_set(GyPtrMap *m, const void *key, uintptr_t value)
{
    int added;
    uintptr_t *slot = gy_ptrmap_slot(m, key, &added);
    if (slot == NULL) {
        return -1;
    }
    *slot = value;
    return 0;
}
