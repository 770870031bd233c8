/* sizes.h -- GySizer: the individual size of objects, as sys.getsizeof. */
#ifndef GY_SIZES_H
#define GY_SIZES_H

#include "gy.h"
#include "ptrmap.h"

typedef struct GySizeWay {
    int how;                   /* SIZE_BASIC, SIZE_CMETH, SIZE_CALL */
    PyCFunction cmeth;         /* for SIZE_CMETH */
} GySizeWay;

typedef struct GySizer {
    GyState *state;
    GyPtrMap types;            /* type -> index + 1 into ways */
    GySizeWay *ways;
    Py_ssize_t nways;
    Py_ssize_t capways;
    PyTypeObject *memo_type;
    GySizeWay memo;
} GySizer;

int gy_sizer_init(GySizer *z, GyState *state);
void gy_sizer_fini(GySizer *z);
/* Size of op in bytes; -1 with an exception set only on MemoryError. May
 * call a Python __sizeof__ (only for classes that define one in Python);
 * the caller must hold a reference to op. */
Py_ssize_t gy_sizer_size(GySizer *z, PyObject *op);

#endif /* GY_SIZES_H */
