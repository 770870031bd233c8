/* bigmem.h -- scratch arrays of megabytes, mapped with huge pages where
 * the system offers them. */
#ifndef GY_BIGMEM_H
#define GY_BIGMEM_H

#include "gy.h"

/* n elements of elsize bytes, uninitialised (zeroed if zero is set);
 * NULL with MemoryError. Free with gy_big_free, never PyMem_Free. */
void *gy_big_alloc(Py_ssize_t n, size_t elsize, int zero);
void gy_big_free(void *p);

#endif /* GY_BIGMEM_H */
