/* sizes.h -- GySizer: the individual size of objects, as sys.getsizeof. */
#ifndef GY_SIZES_H
#define GY_SIZES_H

#include "gy.h"
#include "ptrmap.h"

typedef struct GySizeWay {
    int how;                   /* SIZE_BASIC, SIZE_CMETH, SIZE_CALL */
    PyCFunction cmeth;         /* for SIZE_CMETH */
    int quick;                 /* sizable without Python code running */
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

/* The same without running Python code: -2 for an object whose size
 * needs a __sizeof__ written in Python or an extension type's C one. For
 * sizing during a walk, where no Python code may run. */
Py_ssize_t gy_sizer_size_quick(GySizer *z, PyObject *op);
/* The way to size tp's instances (for callers that keep it per type),
 * 0 or -1 with MemoryError; and gy_sizer_size_quick by a known way. */
int gy_sizer_way(GySizer *z, PyTypeObject *tp, GySizeWay *way);
Py_ssize_t gy_size_quick(const GySizeWay *way, PyObject *op);

#endif /* GY_SIZES_H */
