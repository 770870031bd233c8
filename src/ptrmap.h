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

#endif /* GY_PTRMAP_H */
