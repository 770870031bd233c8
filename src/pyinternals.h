/* pyinternals.h -- version-neutral access to the CPython internals the
 * engine needs. pyinternals.c is the only file that reads private layouts.
 */
#ifndef GY_PYINTERNALS_H
#define GY_PYINTERNALS_H

#include "gy.h"

/* Where a root reference comes from, for naming (hp.Root.i0_<member>,
 * i0_t<thread>_<member>, i0_t<thread>_f<n>). thread_id is 0 for
 * interpreter members; frame_no is -1 except for frame contents. */
typedef struct GyRootRef {
    const char *member;
    unsigned long thread_id;
    int frame_no;
} GyRootRef;

/* Called once per root reference; nonzero stops the visit and is
 * returned. obj is borrowed and valid during the call. */
typedef int (*gy_rootproc)(PyObject *obj, const GyRootRef *ref, void *arg);

/* Nonzero if a frame running with these globals is the profiler's own. */
typedef int (*gy_ownframeproc)(PyObject *globals, void *arg);

/* Visit every root of the current interpreter: its members (sys.modules,
 * sys dict, builtins, import and codec state, fork and audit hooks), then
 * for every thread its state (exception, dict, context, async-gen hooks,
 * profile and trace objects) and the contents of each frame on its stack,
 * skipping the frames is_own accepts. Frames that exist only inside the
 * interpreter (3.11+) are read in place: no frame object is created. A
 * frame object that already exists is visited as an object too. Calls no
 * Python code and allocates nothing. */
int gy_visit_roots(gy_rootproc visit, gy_ownframeproc is_own, void *arg);

/* Every reference held by a type object: dict, mro, bases, base, cache,
 * subclasses, and the name, qualname, slots and module of heap types.
 * Replaces tp_traverse, which CPython must not call on static types. */
int gy_visit_type(PyTypeObject *tp, visitproc visit, void *arg);

/* Every reference held by a code object (code objects are not GC types,
 * so they have no tp_traverse). */
int gy_visit_code(PyObject *code, visitproc visit, void *arg);

/* The object's __dict__ if it exists, else NULL; never creates one (3.11+
 * instances keep their attributes inline until asked for the dict).
 * Borrowed. */
PyObject *gy_peek_dict(PyObject *op);

/* The type's __dict__ (for static builtin types on 3.12+, the one kept by
 * the interpreter), borrowed, or NULL. */
PyObject *gy_peek_type_dict(PyTypeObject *tp);

/* Bytes sys.getsizeof() adds to __sizeof__() for op (GC header and
 * pre-header), plus memory an instance holds for its attributes outside
 * any dict (the values array of 3.11-3.12 when no dict exists, the inline
 * values of 3.13+), which no __sizeof__ reports. */
size_t gy_size_overhead(PyObject *op);

/* name looked up in tp's MRO as attribute lookup on the type does it
 * (through the type attribute cache), without calling descriptors or any
 * Python code. Borrowed, or NULL (no exception). */
PyObject *gy_type_lookup(PyTypeObject *tp, PyObject *name);

/* __sizeof__() of an exact dict, list or compact ASCII str computed
 * directly (it is most of a heap), or -1 if op is not one of those. */
Py_ssize_t gy_fast_sizeof(PyObject *op);

/* True if op's type keeps instance attributes in managed storage. */
int gy_type_has_managed_dict(PyTypeObject *tp);

#endif /* GY_PYINTERNALS_H */
