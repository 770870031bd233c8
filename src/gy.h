/* gy.h -- types and helpers shared by every file of the engine; no code
 * beyond small inline helpers.
 *
 * The engine works on raw object addresses collected by one walk of the
 * heap (walk.c) and on sorted arrays of them (nodeset.c). Only module.c
 * and the files of its Python types (py_*.c, stat.c's Stat) create Python
 * objects that users see; the other files trade in the C structs declared
 * in their own headers. Every function that can fail
 * returns -1 or NULL with a Python exception set.
 */
#ifndef GY_H
#define GY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "compat.h"

#ifdef GUPPY_DEBUG
#define GY_ASSERT(cond) assert(cond)
#else
#define GY_ASSERT(cond) ((void)0)
#endif

/* Per-module state: the only mutable state outside objects. */
typedef struct GyState {
    PyTypeObject *nodeset_type;   /* guppy._guppy.NodeSet, base of sets */
    PyTypeObject *hidden_type;    /* guppy._guppy.Hidden, base of facade */
    /* guppy.heapy.heapyc.RootStateType (heapy's name): the class of the
       root in referrer classes and of hp.Root. Hidden. */
    PyTypeObject *root_type;
    /* guppy._guppy._Members: holds the members shared by NodeSets. */
    PyTypeObject *members_type;
    /* Module dicts of the facade: frames running with these globals are
       the profiler's own and are not walked. A list, appended to by
       guppy/ when its modules load. */
    PyObject *own_globals;
    /* Type -> display name, built once from the builtins and types
       modules (render.c). A dict keyed by id(type) as int: lookups never
       call a metaclass __hash__ or __eq__. Values are (type, name). */
    PyObject *type_names;
    PyObject *str_sizeof;         /* interned "__sizeof__" */
    PyObject *str_module;         /* interned "__module__" */
    PyObject *reprlib_repr;       /* reprlib.repr, for byid renderings */
    PyTypeObject *stat_type;      /* guppy._guppy.StatTable (stat.c) */
    PyTypeObject *statrow_type;   /* guppy.heapy.Part.StatRow (stat.c) */
    PyTypeObject *pathgraph_type; /* guppy._guppy.PathGraph (py_paths.c) */
    PyObject *root;               /* hp.Root: the one root_type instance */
} GyState;

/* The state of the guppy._guppy module whose spec made tp or a type in
 * its MRO (a NodeSet subclass of the facade, such as IdentitySet, finds
 * NodeSet's). Borrowed; NULL with TypeError if there is none. Defined in
 * module.c, which owns the module's definition. */
GyState *gy_state_of_type(PyTypeObject *tp);

/* Grow *buf (holding *cap elements of elsize bytes) to hold at least need
 * elements. Returns 0, or -1 with MemoryError set (the buffer is then
 * unchanged). Capacity grows by half again so repeated appends are
 * amortised O(1). */
int gy_grow(void *buf, Py_ssize_t *cap, Py_ssize_t need, size_t elsize);

/* PyMem_Malloc of n * elsize bytes with the product checked for overflow;
 * NULL with MemoryError set on failure. */
void *gy_alloc_array(Py_ssize_t n, size_t elsize);

/* Fibonacci hashing of an address: objects are at least 16-byte apart, so
 * drop the low bits before mixing. */
static inline size_t
gy_hash_ptr(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p >> 4;
    return (size_t)(x * UINT64_C(0x9E3779B97F4A7C15));
}

#endif /* GY_H */
