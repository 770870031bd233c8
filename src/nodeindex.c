/* nodeindex.c -- GyNodeIndex: the id of an object in a graph's node table,
 * from its address.
 *
 * Building the reference graph asks this once per edge, millions of times,
 * for arbitrary addresses. A hash table would cost 32 bytes per object and
 * a cache miss per question. The members are already sorted by address
 * (node id = position), so the index is a rank structure instead: the
 * address bitmap of markset.c (one bit per 16 bytes, 1 MiB chunks), plus
 * for each 8 KiB block the id of its first member. An address's id is
 * that base plus the members before it in its block: at most eight
 * popcounts in memory that stays in cache (1/120 of the heap's span).
 *
 * Addresses that are not multiples of 16 (statically allocated objects)
 * have no bit; they, and every member of a block that holds one, go to a
 * small GyPtrMap, and the block is flagged so lookups go there.
 *
 * Build O(n); lookup O(1); no references held.
 */
#include "nodeindex.h"

#define GRAIN_MASK (((uintptr_t)1 << GY_GRAIN_SHIFT) - 1)
#define CHUNK_MASK (((uintptr_t)1 << GY_CHUNK_SHIFT) - 1)
#define BLOCK_SHIFT (GY_GRAIN_SHIFT + 6 + 3)      /* 8 words of 64 bits */

static GyIndexChunk *
index_chunk(GyNodeIndex *ix, uintptr_t key, int create)
{
    uintptr_t value;
    if (gy_ptrmap_get(&ix->chunks, (const void *)key, &value)) {
        return (GyIndexChunk *)value;
    }
    if (!create) {
        return NULL;
    }
    GyIndexChunk *c = PyMem_Calloc(1, sizeof(GyIndexChunk));
    if (c == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    if (gy_ptrmap_set(&ix->chunks, (const void *)key, (uintptr_t)c) < 0) {
        PyMem_Free(c);
        return NULL;
    }
    return c;
}

int
gy_nodeindex_build(GyNodeIndex *ix, PyObject *const *items, Py_ssize_t n)
{
    GyPtrMap mixed;                /* block number + 1 -> 1 */
    memset(ix, 0, sizeof(*ix));
    if (n >= (Py_ssize_t)GY_BLOCK_MIXED) {
        PyErr_SetString(PyExc_OverflowError, "more than 2**32 objects");
        return -1;
    }
    if (gy_ptrmap_init(&ix->chunks, 64) < 0
        || gy_ptrmap_init(&ix->odd, 64) < 0
        || gy_ptrmap_init(&mixed, 64) < 0) {
        gy_nodeindex_fini(ix);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        uintptr_t a = (uintptr_t)items[i];
        if ((a & GRAIN_MASK)
            && gy_ptrmap_set(&mixed, (const void *)((a >> BLOCK_SHIFT) + 1),
                             1) < 0) {
            goto error;
        }
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        uintptr_t a = (uintptr_t)items[i], dummy;
        int in_mixed = gy_ptrmap_get(&mixed,
                                     (const void *)((a >> BLOCK_SHIFT) + 1),
                                     &dummy);
        if (in_mixed
            && gy_ptrmap_set(&ix->odd, items[i], (uintptr_t)i + 1) < 0) {
            goto error;
        }
        if (a & GRAIN_MASK) {
            continue;
        }
        GyIndexChunk *c = index_chunk(ix, (a >> GY_CHUNK_SHIFT) + 1, 1);
        if (c == NULL) {
            goto error;
        }
        size_t bit = (a & CHUNK_MASK) >> GY_GRAIN_SHIFT;
        size_t block = bit >> (6 + 3);
        const uint64_t *bw = &c->bits[block * GY_BLOCK_WORDS];
        int block_empty = 1;
        for (size_t j = 0; j < GY_BLOCK_WORDS; j++) {
            block_empty &= bw[j] == 0;
        }
        if (in_mixed) {
            c->first[block] = GY_BLOCK_MIXED;
        }
        else if (block_empty) {
            c->first[block] = (uint32_t)i;   /* members come in order */
        }
        c->bits[bit >> 6] |= UINT64_C(1) << (bit & 63);
    }
    gy_ptrmap_fini(&mixed);
    return 0;

error:
    gy_ptrmap_fini(&mixed);
    gy_nodeindex_fini(ix);
    return -1;
}

void
gy_nodeindex_fini(GyNodeIndex *ix)
{
    if (ix->chunks.keys != NULL) {
        for (size_t i = 0; i <= ix->chunks.mask; i++) {
            if (ix->chunks.keys[i] != NULL) {
                PyMem_Free((void *)ix->chunks.values[i]);
            }
        }
    }
    gy_ptrmap_fini(&ix->chunks);
    gy_ptrmap_fini(&ix->odd);
    memset(ix->cache_key, 0, sizeof(ix->cache_key));
}

Py_ssize_t
gy_nodeindex_get_slow(GyNodeIndex *ix, const void *p)
{
    uintptr_t a = (uintptr_t)p, value;
    if (gy_ptrmap_get(&ix->odd, p, &value)) {
        return (Py_ssize_t)value - 1;
    }
    if (a & GRAIN_MASK) {
        return -1;
    }
    uintptr_t key = (a >> GY_CHUNK_SHIFT) + 1;
    GyIndexChunk *c = index_chunk(ix, key, 0);
    if (c == NULL) {
        return -1;
    }
    size_t bit = (a & CHUNK_MASK) >> GY_GRAIN_SHIFT;
    if (c->first[bit >> (6 + 3)] == GY_BLOCK_MIXED) {
        return -1;        /* a member would have been in the odd table */
    }
    ix->cache_key[key & (GY_INDEX_CACHE - 1)] = key;
    ix->cache[key & (GY_INDEX_CACHE - 1)] = c;
    return gy_nodeindex_get(ix, p);
}

size_t
gy_nodeindex_bytes(const GyNodeIndex *ix)
{
    return ix->chunks.used * sizeof(GyIndexChunk)
           + (ix->chunks.mask + 1 + ix->odd.mask + 1)
             * (sizeof(void *) + sizeof(uintptr_t));
}
