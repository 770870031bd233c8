/* bigmem.c -- the engine's largest scratch arrays (the reference graph's
 * rows, the walk's edge log): tens of megabytes built by one call and
 * dropped at its end.
 *
 * Such an array is fresh memory every time: the allocator returns it to
 * the system on free and maps it again on the next call. With 4 KiB pages
 * each call then takes one page fault per 4 KiB it writes, 18,000 faults
 * (a fifth of the time) for a byrcs of 1.4 million objects. On Linux an
 * array of at least GY_BIG_MIN bytes is therefore mapped on its own, its
 * data starting at a 2 MiB boundary, and marked for transparent huge
 * pages (madvise), which the default "madvise" policy then grants: one
 * fault per 2 MiB. The pages go back to the system on free, as before,
 * and the user's own heap is untouched.
 *
 * Elsewhere, or below GY_BIG_MIN, or when mapping fails, the array comes
 * from PyMem. Either way a 16-byte header before the data says which, so
 * gy_big_free needs no size.
 */
#include "bigmem.h"

#if defined(__linux__)
#include <sys/mman.h>
#define GY_BIG_MAP 1
#else
#define GY_BIG_MAP 0
#endif

#define GY_BIG_MIN ((size_t)1 << 20)
#define GY_HUGE ((size_t)2 << 20)
#define GY_PAGE ((size_t)4096)

typedef struct BigHeader {
    void *map;                 /* start of the mapping, or NULL: PyMem */
    size_t maplen;
} BigHeader;

#if GY_BIG_MAP
/* bytes of data at a 2 MiB boundary with the header in the page before
   it; NULL if the system refuses (the caller falls back to PyMem). */
static void *
big_map(size_t bytes)
{
    size_t want = bytes + GY_PAGE + GY_HUGE;
    if (want < bytes) {
        return NULL;
    }
    char *base = mmap(NULL, want, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
        return NULL;
    }
    uintptr_t data = ((uintptr_t)base + GY_PAGE + GY_HUGE - 1)
                     & ~(uintptr_t)(GY_HUGE - 1);
    char *start = (char *)(data - GY_PAGE);
    char *end = (char *)((data + bytes + GY_PAGE - 1)
                         & ~(uintptr_t)(GY_PAGE - 1));
    /* Give back the slack before and after; both are whole pages. */
    if (start > base) {
        munmap(base, (size_t)(start - base));
    }
    if (base + want > end) {
        munmap(end, (size_t)(base + want - end));
    }
#ifdef MADV_HUGEPAGE
    /* A hint: without huge pages the array still works, only slower. */
    (void)madvise((void *)data, (size_t)(end - (char *)data), MADV_HUGEPAGE);
#endif
    BigHeader *h = (BigHeader *)data - 1;
    h->map = start;
    h->maplen = (size_t)(end - start);
    return (void *)data;
}
#endif

void *
gy_big_alloc(Py_ssize_t n, size_t elsize, int zero)
{
    if (n < 0 || elsize == 0
        || (size_t)n > (PY_SSIZE_T_MAX - sizeof(BigHeader)) / elsize) {
        PyErr_NoMemory();
        return NULL;
    }
    size_t bytes = (size_t)n * elsize;
#if GY_BIG_MAP
    if (bytes >= GY_BIG_MIN) {
        void *p = big_map(bytes);
        if (p != NULL) {
            return p;          /* fresh anonymous pages read as zero */
        }
    }
#endif
    size_t total = sizeof(BigHeader) + bytes;
    BigHeader *h = zero ? PyMem_Calloc(1, total) : PyMem_Malloc(total);
    if (h == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    h->map = NULL;
    h->maplen = 0;
    return h + 1;
}

void
gy_big_free(void *p)
{
    if (p == NULL) {
        return;
    }
    BigHeader *h = (BigHeader *)p - 1;
#if GY_BIG_MAP
    if (h->map != NULL) {
        munmap(h->map, h->maplen);
        return;
    }
#endif
    PyMem_Free(h);
}
