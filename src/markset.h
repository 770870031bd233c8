/* markset.h -- GyMarkSet: the set of objects a walk has reached. */
#ifndef GY_MARKSET_H
#define GY_MARKSET_H

#include "gy.h"
#include "ptrmap.h"

#define GY_CHUNK_SHIFT 20                      /* 1 MiB of address space */
#define GY_GRAIN_SHIFT 4                       /* objects are >= 16 bytes */
#define GY_CHUNK_WORDS \
    ((size_t)1 << (GY_CHUNK_SHIFT - GY_GRAIN_SHIFT - 6))

#define GY_CHUNK_CACHE 64

typedef struct GyMarkSet {
    GyPtrMap chunks;          /* chunk number + 1 -> uint64_t bitmap[] */
    GyPtrMap odd;             /* objects not 16-byte aligned -> 1 */
    /* Direct-mapped cache of recent chunks: slot k holds a chunk whose
       number + 1 is congruent to k modulo GY_CHUNK_CACHE. */
    uintptr_t cache_key[GY_CHUNK_CACHE];
    uint64_t *cache_bits[GY_CHUNK_CACHE];
    Py_ssize_t count;         /* objects marked */
} GyMarkSet;

int gy_markset_init(GyMarkSet *s);
void gy_markset_fini(GyMarkSet *s);
/* Slow path of gy_markset_add; do not call directly. */
int gy_markset_add_slow(GyMarkSet *s, const void *p);
/* 1 if p is marked, 0 if not. */
int gy_markset_contains(GyMarkSet *s, const void *p);
/* Call fn on every marked address, in no particular order, allocating
 * nothing (for releasing references on an error path). */
void gy_markset_foreach(const GyMarkSet *s, void (*fn)(PyObject *));
/* Unmark p if marked. */
void gy_markset_discard(GyMarkSet *s, const void *p);
/* Fill out[0 .. s->count) with the marked addresses in ascending order;
 * 0, or -1 with MemoryError. */
int gy_markset_sorted(const GyMarkSet *s, PyObject **out);

/* Mark p: 1 if it was not marked before, 0 if it was, -1 on MemoryError.
 * The walk calls this once per edge, so the common case (a recently used
 * 1 MiB chunk, aligned object) stays inline. */
static inline int
gy_markset_add(GyMarkSet *s, const void *p)
{
    uintptr_t a = (uintptr_t)p;
    uintptr_t key = (a >> GY_CHUNK_SHIFT) + 1;
    size_t k = key & (GY_CHUNK_CACHE - 1);
    if (s->cache_key[k] == key
        && (a & ((1u << GY_GRAIN_SHIFT) - 1)) == 0) {
        size_t bit = (a & (((uintptr_t)1 << GY_CHUNK_SHIFT) - 1))
                     >> GY_GRAIN_SHIFT;
        uint64_t mask = UINT64_C(1) << (bit & 63);
        uint64_t *word = &s->cache_bits[k][bit >> 6];
        if (*word & mask) {
            return 0;
        }
        *word |= mask;
        s->count++;
        return 1;
    }
    return gy_markset_add_slow(s, p);
}

#endif /* GY_MARKSET_H */
