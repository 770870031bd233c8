/* nodeindex.h -- GyNodeIndex: object address -> node id (its position in
 * the sorted array of a heap's members). */
#ifndef GY_NODEINDEX_H
#define GY_NODEINDEX_H

#include "gy.h"
#include "markset.h"
#include "ptrmap.h"

#define GY_RANK_MIXED UINT32_MAX
/* Chunks found without the directory: every chunk of a heap spanning up
 * to 1 GiB has its own slot (lookups come in no useful order). */
#define GY_INDEX_CACHE 1024

typedef struct GyIndexChunk {
    uint64_t bits[GY_CHUNK_WORDS];
    /* Id of the first member in each word that has one, or GY_RANK_MIXED
       when the word's 8 KiB block also holds addresses that are not
       multiples of 16: then all of the block's members are in the odd
       table. Words without members are never read. */
    uint32_t rank[GY_CHUNK_WORDS];
} GyIndexChunk;

typedef struct GyNodeIndex {
    GyPtrMap chunks;           /* chunk number + 1 -> GyIndexChunk * */
    GyPtrMap odd;              /* address -> id + 1, for the rest */
    uintptr_t cache_key[GY_INDEX_CACHE];
    GyIndexChunk *cache[GY_INDEX_CACHE];
} GyNodeIndex;

/* Index items[0..n) (ascending addresses). 0, or -1 with MemoryError. */
int gy_nodeindex_build(GyNodeIndex *ix, PyObject *const *items,
                       Py_ssize_t n);
void gy_nodeindex_fini(GyNodeIndex *ix);
/* Bytes the index takes. */
size_t gy_nodeindex_bytes(const GyNodeIndex *ix);
/* Slow path of gy_nodeindex_get; do not call directly. */
Py_ssize_t gy_nodeindex_get_slow(GyNodeIndex *ix, const void *p);

/* Population count: the instruction where the build may use it, else
 * the bit-parallel sum inline (a libgcc call would cost more than it). */
static inline int
gy_popcount64(uint64_t x)
{
#if defined(__POPCNT__)
    return __builtin_popcountll(x);
#else
    x = x - ((x >> 1) & UINT64_C(0x5555555555555555));
    x = (x & UINT64_C(0x3333333333333333))
        + ((x >> 2) & UINT64_C(0x3333333333333333));
    x = (x + (x >> 4)) & UINT64_C(0x0F0F0F0F0F0F0F0F);
    return (int)((x * UINT64_C(0x0101010101010101)) >> 56);
#endif
}

/* The id of p, or -1 if p is not a member. O(1): one cached chunk lookup
 * and one popcount. */
static inline Py_ssize_t
gy_nodeindex_get(GyNodeIndex *ix, const void *p)
{
    uintptr_t a = (uintptr_t)p;
    uintptr_t key = (a >> GY_CHUNK_SHIFT) + 1;
    size_t k = key & (GY_INDEX_CACHE - 1);
    if (ix->cache_key[k] != key || (a & ((1u << GY_GRAIN_SHIFT) - 1))) {
        return gy_nodeindex_get_slow(ix, p);
    }
    const GyIndexChunk *c = ix->cache[k];
    size_t bit = (a & (((uintptr_t)1 << GY_CHUNK_SHIFT) - 1))
                 >> GY_GRAIN_SHIFT;
    size_t w = bit >> 6;
    uint64_t word = c->bits[w];
    if (!((word >> (bit & 63)) & 1)) {
        return -1;
    }
    uint32_t rank = c->rank[w];
    if (rank == GY_RANK_MIXED) {
        return gy_nodeindex_get_slow(ix, p);
    }
    uint64_t below = (UINT64_C(1) << (bit & 63)) - 1;
    return (Py_ssize_t)rank + gy_popcount64(word & below);
}

#endif /* GY_NODEINDEX_H */
