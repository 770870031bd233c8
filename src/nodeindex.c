/* nodeindex.c -- GyNodeIndex: the id of an object in a graph's node table,
 * from its address.
 *
 * Building the reference graph asks this once per edge, millions of times,
 * for arbitrary addresses. A hash table would cost 32 bytes per object and
 * a cache miss per question. The members are already sorted by address
 * (node id = position), so the index is a rank structure instead: the
 * address bitmap of markset.c (one bit per 16 bytes, 1 MiB chunks), plus
 * for each 64-bit word of it the id of the word's first member. An
 * address's id is that rank plus the members before it in its word: one
 * popcount, in memory that stays in cache (1/85 of the heap's span). A
 * rank per 8-word block instead took a quarter less memory but up to
 * eight popcounts, and the graph build asks millions of times.
 *
 * Addresses that are not multiples of 16 (statically allocated objects)
 * have no bit; they, and every member of a block that holds one, go to a
 * small GyPtrMap, and the block's words are flagged so lookups go there.
 *
 * Build O(n); lookup O(1); no references held.
 */
#include "nodeindex.h"

#define GRAIN_MASK (((uintptr_t)1 << GY_GRAIN_SHIFT) - 1)
#define CHUNK_MASK (((uintptr_t)1 << GY_CHUNK_SHIFT) - 1)
#define BLOCK_SHIFT (GY_GRAIN_SHIFT + 6 + 3)      /* 8 KiB: 8 bitmap words */

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
    /* Numbers of the blocks holding an address that is not a multiple of
       16, ascending like the items; usually none or a handful. */
    uintptr_t *mixed = NULL;
    Py_ssize_t nmixed = 0, mixed_cap = 0;
    memset(ix, 0, sizeof(*ix));
    if (n >= (Py_ssize_t)GY_RANK_MIXED) {
        PyErr_SetString(PyExc_OverflowError, "more than 2**32 objects");
        return -1;
    }
    if (gy_ptrmap_init(&ix->chunks, 64) < 0
        || gy_ptrmap_init(&ix->odd, 64) < 0) {
        gy_nodeindex_fini(ix);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        uintptr_t a = (uintptr_t)items[i];
        if (!(a & GRAIN_MASK)
            || (nmixed > 0 && mixed[nmixed - 1] == a >> BLOCK_SHIFT)) {
            continue;
        }
        if (gy_grow(&mixed, &mixed_cap, nmixed + 1, sizeof(uintptr_t)) < 0) {
            goto error;
        }
        mixed[nmixed++] = a >> BLOCK_SHIFT;
    }
    Py_ssize_t next_mixed = 0;
    uintptr_t chunk_key = 0;
    GyIndexChunk *c = NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        uintptr_t a = (uintptr_t)items[i];
        while (next_mixed < nmixed && mixed[next_mixed] < a >> BLOCK_SHIFT) {
            next_mixed++;
        }
        int in_mixed = next_mixed < nmixed
                       && mixed[next_mixed] == a >> BLOCK_SHIFT;
        if (in_mixed
            && gy_ptrmap_set(&ix->odd, items[i], (uintptr_t)i + 1) < 0) {
            goto error;
        }
        if (a & GRAIN_MASK) {
            continue;
        }
        if ((a >> GY_CHUNK_SHIFT) + 1 != chunk_key) {
            chunk_key = (a >> GY_CHUNK_SHIFT) + 1;
            c = index_chunk(ix, chunk_key, 1);
            if (c == NULL) {
                goto error;
            }
        }
        size_t bit = (a & CHUNK_MASK) >> GY_GRAIN_SHIFT;
        size_t w = bit >> 6;
        if (in_mixed) {
            c->rank[w] = GY_RANK_MIXED;
        }
        else if (c->bits[w] == 0) {
            c->rank[w] = (uint32_t)i;        /* members come in order */
        }
        c->bits[w] |= UINT64_C(1) << (bit & 63);
    }
    PyMem_Free(mixed);
    return 0;

error:
    PyMem_Free(mixed);
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
    if (((c->bits[bit >> 6] >> (bit & 63)) & 1)
        && c->rank[bit >> 6] == GY_RANK_MIXED) {
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
