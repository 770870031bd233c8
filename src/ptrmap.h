/* ptrmap.h -- GyPtrMap: address -> uintptr_t, open addressing. */
#ifndef GY_PTRMAP_H
#define GY_PTRMAP_H

#include "gy.h"

typedef struct GyPtrMap {
    const void **keys;     /* NULL marks an empty slot */
    uintptr_t *values;
    size_t mask;           /* capacity - 1; capacity is a power of two */
    size_t used;
} GyPtrMap;

int gy_ptrmap_init(GyPtrMap *m, size_t expected);
void gy_ptrmap_fini(GyPtrMap *m);
/* 1 and *value if found, 0 if not. */
int gy_ptrmap_get(const GyPtrMap *m, const void *key, uintptr_t *value);
/* Insert or overwrite; 0, or -1 with MemoryError. */
int gy_ptrmap_set(GyPtrMap *m, const void *key, uintptr_t value);
/* Pointer to the value slot for key, inserting value 0 if absent; *added
 * tells which. NULL with MemoryError. The pointer is valid until the next
 * insertion. */
uintptr_t *gy_ptrmap_slot(GyPtrMap *m, const void *key, int *added);

/* GyPtrCache: a direct-mapped cache of recent (key, value) pairs in front
 * of a GyPtrMap, for the per-object lookups of the hot loops (type facts,
 * class rows), where a handful of keys recur in mixed order. Values must
 * not change once cached. Zero-initialise before use. */
#define GY_PTRCACHE_SIZE 64

typedef struct GyPtrCache {
    const void *keys[GY_PTRCACHE_SIZE];
    uintptr_t values[GY_PTRCACHE_SIZE];
} GyPtrCache;

static inline size_t
gy_ptrcache_index(const void *key)
{
    uintptr_t a = (uintptr_t)key;
    return (size_t)((a >> 4) ^ (a >> 10)) & (GY_PTRCACHE_SIZE - 1);
}

static inline int
gy_ptrcache_get(const GyPtrCache *c, const void *key, uintptr_t *value)
{
    size_t i = gy_ptrcache_index(key);
    if (c->keys[i] == key) {
        *value = c->values[i];
        return 1;
    }
    return 0;
}

static inline void
gy_ptrcache_put(GyPtrCache *c, const void *key, uintptr_t value)
{
    size_t i = gy_ptrcache_index(key);
    c->keys[i] = key;
    c->values[i] = value;
}

#endif /* GY_PTRMAP_H */
