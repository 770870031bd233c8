/* markset.c -- GyMarkSet, the visited set of a heap walk, and the source of
 * its sorted result.
 *
 * A walk asks "seen before?" once per edge, several million times. A hash
 * table of addresses answers with a cache miss per question and costs 16
 * bytes per object or more. Instead we keep one bit per 16 bytes of address
 * space, in 8 KiB bitmaps each covering 1 MiB, created on first use and
 * found through a small directory (GyPtrMap) behind a direct-mapped cache
 * of recently used chunks. Python
 * objects are at least 16 bytes long, so two objects never share a bit.
 * The bitmaps take 1/128 of the memory the heap spans, stay in cache, and
 * listing the set bits chunk by chunk yields the members already sorted by
 * address, which is the order nodeset.c needs: no sort after the walk.
 *
 * Objects at addresses that are not multiples of 16 (statically allocated
 * objects such as builtin types) go to a side table instead, so a bit
 * always means the aligned address it stands for.
 *
 * Costs: add and contains O(1); gy_markset_sorted O(count + chunks * 8 KiB).
 */
#include "markset.h"

#include <stdlib.h>

#define GY_GRAIN_MASK (((uintptr_t)1 << GY_GRAIN_SHIFT) - 1)
#define GY_CHUNK_MASK (((uintptr_t)1 << GY_CHUNK_SHIFT) - 1)

int
gy_markset_init(GyMarkSet *s)
{
    memset(s, 0, sizeof(*s));
    if (gy_ptrmap_init(&s->chunks, 64) < 0) {
        return -1;
    }
    if (gy_ptrmap_init(&s->odd, 64) < 0) {
        gy_ptrmap_fini(&s->chunks);
        return -1;
    }
    return 0;
}

void
gy_markset_fini(GyMarkSet *s)
{
    if (s->chunks.keys != NULL) {
        for (size_t i = 0; i <= s->chunks.mask; i++) {
            if (s->chunks.keys[i] != NULL) {
                PyMem_Free((void *)s->chunks.values[i]);
            }
        }
    }
    gy_ptrmap_fini(&s->chunks);
    gy_ptrmap_fini(&s->odd);
    memset(s->cache_key, 0, sizeof(s->cache_key));
    s->count = 0;
}

static uint64_t *
markset_chunk(GyMarkSet *s, uintptr_t key, int create)
{
    uintptr_t value;
    if (gy_ptrmap_get(&s->chunks, (const void *)key, &value)) {
        return (uint64_t *)value;
    }
    if (!create) {
        return NULL;
    }
    uint64_t *bits = PyMem_Calloc(GY_CHUNK_WORDS, sizeof(uint64_t));
    if (bits == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    if (gy_ptrmap_set(&s->chunks, (const void *)key, (uintptr_t)bits) < 0) {
        PyMem_Free(bits);
        return NULL;
    }
    return bits;
}

int
gy_markset_add_slow(GyMarkSet *s, const void *p)
{
    uintptr_t a = (uintptr_t)p;
    if (a & GY_GRAIN_MASK) {
        int added;
        uintptr_t *slot = gy_ptrmap_slot(&s->odd, p, &added);
        if (slot == NULL) {
            return -1;
        }
        s->count += added;
        return added;
    }
    uintptr_t key = (a >> GY_CHUNK_SHIFT) + 1;
    uint64_t *bits = markset_chunk(s, key, 1);
    if (bits == NULL) {
        return -1;
    }
    s->cache_key[key & (GY_CHUNK_CACHE - 1)] = key;
    s->cache_bits[key & (GY_CHUNK_CACHE - 1)] = bits;
    return gy_markset_add(s, p);
}

int
gy_markset_contains(GyMarkSet *s, const void *p)
{
    uintptr_t a = (uintptr_t)p;
    uintptr_t dummy;
    if (a & GY_GRAIN_MASK) {
        return gy_ptrmap_get(&s->odd, p, &dummy);
    }
    uint64_t *bits = markset_chunk(s, (a >> GY_CHUNK_SHIFT) + 1, 0);
    if (bits == NULL) {
        return 0;
    }
    size_t bit = (a & GY_CHUNK_MASK) >> GY_GRAIN_SHIFT;
    return (bits[bit >> 6] >> (bit & 63)) & 1;
}

void
gy_markset_foreach(const GyMarkSet *s, void (*fn)(PyObject *))
{
    for (size_t i = 0; s->chunks.keys != NULL && i <= s->chunks.mask; i++) {
        if (s->chunks.keys[i] == NULL) {
            continue;
        }
        uintptr_t base = ((uintptr_t)s->chunks.keys[i] - 1) << GY_CHUNK_SHIFT;
        const uint64_t *bits = (const uint64_t *)s->chunks.values[i];
        for (size_t w = 0; w < GY_CHUNK_WORDS; w++) {
            uint64_t word = bits[w];
            while (word) {
                int b = __builtin_ctzll(word);
                fn((PyObject *)(base + ((((uintptr_t)w << 6) + (uintptr_t)b)
                                        << GY_GRAIN_SHIFT)));
                word &= word - 1;
            }
        }
    }
    for (size_t i = 0; s->odd.keys != NULL && i <= s->odd.mask; i++) {
        if (s->odd.keys[i] != NULL) {
            fn((PyObject *)s->odd.keys[i]);
        }
    }
}

void
gy_markset_discard(GyMarkSet *s, const void *p)
{
    uintptr_t a = (uintptr_t)p;
    if (a & GY_GRAIN_MASK) {
        /* The side table has no deletion; rebuild it without p. */
        GyPtrMap old = s->odd;
        uintptr_t dummy;
        if (!gy_ptrmap_get(&old, p, &dummy)
            || gy_ptrmap_init(&s->odd, old.used) < 0) {
            s->odd = old;   /* absent, or no memory: keep as is */
            PyErr_Clear();
            return;
        }
        for (size_t i = 0; i <= old.mask; i++) {
            if (old.keys[i] != NULL && old.keys[i] != p) {
                (void)gy_ptrmap_set(&s->odd, old.keys[i], 1);
            }
        }
        gy_ptrmap_fini(&old);
        s->count--;
        return;
    }
    uint64_t *bits = markset_chunk(s, (a >> GY_CHUNK_SHIFT) + 1, 0);
    if (bits == NULL) {
        return;
    }
    size_t bit = (a & GY_CHUNK_MASK) >> GY_GRAIN_SHIFT;
    uint64_t mask = UINT64_C(1) << (bit & 63);
    if (bits[bit >> 6] & mask) {
        bits[bit >> 6] &= ~mask;
        s->count--;
    }
}

static int
markset_cmp_word(const void *a, const void *b)
{
    uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
    return (x > y) - (x < y);
}

/* Collect the keys of m, sorted, into a new array of m->used words. */
static uintptr_t *
markset_sorted_keys(const GyPtrMap *m)
{
    uintptr_t *keys = gy_alloc_array((Py_ssize_t)m->used + 1,
                                     sizeof(uintptr_t));
    if (keys == NULL) {
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; m->keys != NULL && i <= m->mask; i++) {
        if (m->keys[i] != NULL) {
            keys[n++] = (uintptr_t)m->keys[i];
        }
    }
    qsort(keys, n, sizeof(uintptr_t), markset_cmp_word);
    return keys;
}

int
gy_markset_sorted(const GyMarkSet *s, PyObject **out)
{
    /* Both key arrays are small: a word per MiB of heap, one per static
       object. */
    int rc = -1;
    uintptr_t *chunks = markset_sorted_keys(&s->chunks);
    uintptr_t *odd = markset_sorted_keys(&s->odd);
    Py_ssize_t n = 0;
    size_t ci = 0, oi = 0;
    if (chunks == NULL || odd == NULL) {
        goto done;
    }
    /* Invariant: out[0..n) holds, in order, every marked address below
       the current chunk and below odd[oi]. */
    for (ci = 0; ci < s->chunks.used; ci++) {
        uintptr_t key = chunks[ci];
        uintptr_t base = (key - 1) << GY_CHUNK_SHIFT;
        uintptr_t value = 0;
        gy_ptrmap_get(&s->chunks, (const void *)key, &value);
        const uint64_t *bits = (const uint64_t *)value;
        for (size_t w = 0; w < GY_CHUNK_WORDS; w++) {
            uint64_t word = bits[w];
            while (word) {
                int b = __builtin_ctzll(word);
                uintptr_t a = base + ((((uintptr_t)w << 6) + (uintptr_t)b)
                                      << GY_GRAIN_SHIFT);
                while (oi < s->odd.used && odd[oi] < a) {
                    out[n++] = (PyObject *)odd[oi++];
                }
                out[n++] = (PyObject *)a;
                word &= word - 1;
            }
        }
    }
    while (oi < s->odd.used) {
        out[n++] = (PyObject *)odd[oi++];
    }
    GY_ASSERT(n == s->count);
    rc = 0;
done:
    PyMem_Free(chunks);
    PyMem_Free(odd);
    return rc;
}
