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
    int slot;                  /* f_localsplus index, else -1 */
    PyObject *code;            /* the frame's code object (borrowed) when
                                  slot >= 0, for the variable's name */
    int in_frame;              /* 1 for a frame's contents (read in place
                                  or through a frame object) */
} GyRootRef;

/* Kinds of a frame variable slot, for naming it. */
typedef enum {
    GY_SLOT_LOCAL,             /* .f_locals['name'] */
    GY_SLOT_CELL,              /* cell or free variable: .f_locals ['name'] */
    GY_SLOT_UNKNOWN
} GySlotKind;

/* The name (borrowed) and kind of slot i of a code object's frame
 * variables, or NULL if i is out of range. */
PyObject *gy_code_slot_name(PyObject *code, int i, GySlotKind *kind);

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

/* The frame object of frame frame_no (counted from the outermost, as
 * gy_visit_roots numbers them) of the thread with this id, created if the
 * frame has none yet, as sys._getframe creates them. New reference, or
 * NULL without an exception if there is no such frame (or it is being
 * set up and cannot have one yet). */
PyObject *gy_frame_object(unsigned long thread_id, int frame_no);

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

/* Called once per object the cyclic collector tracks; nonzero stops the
 * visit and is returned. obj is borrowed and valid during the call. */
typedef int (*gy_gcobjproc)(PyObject *obj, void *arg);

/* Visit every object the cyclic collector tracks, as gc.get_objects()
 * lists them: the three generations, not the permanent one of
 * gc.freeze(). fn must not allocate, free or untrack GC objects (Py_INCREF
 * and tp_traverse are fine). Calls no Python code. */
int gy_visit_gc_objects(gy_gcobjproc fn, void *arg);

/* Called for each attribute an instance keeps outside any dict (3.11+
 * inline or detached values): its name (a str) and value, both borrowed.
 * Nonzero stops the visit and is returned. */
typedef int (*gy_attrproc)(PyObject *name, PyObject *value, void *arg);

/* Visit op's attributes held outside a dict: its inline values (3.13+;
 * still the object's own when a dict has been made from them) or its
 * detached values (3.11, 3.12: only while it has no dict). Never creates
 * the dict. */
int gy_visit_inline_attrs(PyObject *op, gy_attrproc visit, void *arg);

/* Visit the references a frame object holds, as its tp_traverse does,
 * naming each as gy_visit_roots names frame contents ("f_back",
 * "f_trace", "f_code", "f_globals", "f_builtins", "f_locals", "f_func",
 * "f_localsplus" with the slot index; slots past the code's variables are
 * its value stack). thread_id is 0 and frame_no -1. */
int gy_visit_frame_object(PyObject *frame, gy_rootproc visit, void *arg);

/* Number of variable slots (locals, cells, free variables) of a code
 * object's frames; slots from there on are the value stack. */
int gy_code_nslots(PyObject *code);

/* op's __dict__ when it exists but op's tp_traverse does not visit it:
 * 3.13+ keeps an instance's values inline even after its dict is made,
 * and then traverses the values, not the dict. Borrowed, or NULL. */
PyObject *gy_untraversed_dict(PyObject *op);

/* The code object of a generator, coroutine or async generator
 * (borrowed), or NULL. */
PyObject *gy_gen_code(PyObject *gen);

/* The mapping a mappingproxy wraps (borrowed). */
PyObject *gy_mappingproxy_mapping(PyObject *proxy);

/* The traceback tracemalloc recorded for op's allocation: a tuple of
 * (filename, lineno), most recent first, or None; new reference. The
 * block starts before the object (GC header and pre-header), which
 * tracemalloc's own lookup gets wrong for 3.11 instances. */
PyObject *gy_alloc_traceback(PyObject *op);

#endif /* GY_PYINTERNALS_H */
