/* classify.c -- the equivalence relations of issue 2's tables: Clodo (class
 * or dict owner, the default), Type, Size, Unity, Module, Id and Idset. A
 * relation maps each object to a key, a machine word that is equal for
 * objects of one class, and each key to a row label. Keys are cheap (no
 * Python code, no allocation): partition.c classifies a million objects
 * with them. Labels are computed once per row.
 *
 * Clodo keys are type addresses, tagged in the low bits for exact dicts:
 * "dict of T" (the owner's type, tag 1) and "dict (no owner)" (tag 2).
 * Owners come from the walk (walk.c). Type names follow heapy: builtins by
 * their builtins name, types the types module exports as types.<Name>
 * (the last name alphabetically), module and function, else
 * <__module__>.<__name__> (render.c, gy_render_type_name).
 */
#include "classify.h"

#include "render.h"

uintptr_t
gy_classify_key(GyBy by, PyObject *op, Py_ssize_t size,
                const GyOwners *owners, Py_ssize_t *cursor)
{
    switch (by) {
    case GY_BY_CLODO:
        if (PyDict_CheckExact(op)) {
            PyObject *owner = cursor ? gy_owners_next(owners, cursor, op)
                                     : gy_owners_get(owners, op);
            if (owner == NULL) {
                return (uintptr_t)&PyDict_Type | GY_CLODO_NOOWNER;
            }
            return (uintptr_t)Py_TYPE(owner) | GY_CLODO_DICTOF;
        }
        return (uintptr_t)Py_TYPE(op);
    case GY_BY_TYPE:
        return (uintptr_t)Py_TYPE(op);
    case GY_BY_SIZE:
        /* Keys must be nonzero; sizes are at least 16. */
        return (uintptr_t)size + 1;
    case GY_BY_MODULE:
        return PyModule_Check(op) ? (uintptr_t)op : 1;
    case GY_BY_ID:
    case GY_BY_IDSET:
        return (uintptr_t)op;
    case GY_BY_UNITY:
    default:
        return 1;
    }
}

PyObject *
gy_classify_label(GyState *state, GyBy by, uintptr_t key, PyObject *example,
                  const GyOwners *owners)
{
    switch (by) {
    case GY_BY_CLODO:
        if (key & GY_CLODO_NOOWNER) {
            return PyUnicode_FromString("dict (no owner)");
        }
        if (key & GY_CLODO_DICTOF) {
            PyObject *name = gy_render_type_name(
                state, (PyTypeObject *)(key & ~(uintptr_t)3));
            if (name == NULL) {
                return NULL;
            }
            PyObject *label = PyUnicode_FromFormat("dict of %U", name);
            Py_DECREF(name);
            return label;
        }
        return gy_render_type_name(state, (PyTypeObject *)key);
    case GY_BY_TYPE:
        return gy_render_type_name(state, (PyTypeObject *)key);
    case GY_BY_SIZE:
        return PyUnicode_FromFormat("%9zd", (Py_ssize_t)(key - 1));
    case GY_BY_MODULE:
        if (key == 1) {
            return PyUnicode_FromString("~module");
        }
        return gy_render_module_name((PyObject *)key);
    case GY_BY_ID:
    case GY_BY_IDSET:
        return gy_render_brief_one(state, example, owners);
    case GY_BY_UNITY:
    default:
        return PyUnicode_FromString("<Anything>");
    }
}

PyObject *
gy_classify_key_object(GyBy by, uintptr_t key, PyObject *example)
{
    switch (by) {
    case GY_BY_CLODO:
        if (key & GY_CLODO_NOOWNER) {
            return PyTuple_New(0);
        }
        if (key & GY_CLODO_DICTOF) {
            return PyTuple_Pack(1, (PyObject *)(key & ~(uintptr_t)3));
        }
        return Py_NewRef((PyObject *)key);
    case GY_BY_TYPE:
        return Py_NewRef((PyObject *)key);
    case GY_BY_SIZE:
        return PyLong_FromSize_t((size_t)(key - 1));
    case GY_BY_MODULE:
        return Py_NewRef(key == 1 ? Py_None : (PyObject *)key);
    case GY_BY_ID:
    case GY_BY_IDSET:
        return Py_NewRef(example);
    case GY_BY_UNITY:
    default:
        return Py_NewRef(Py_None);
    }
}

const char *
gy_classify_header(GyBy by)
{
    switch (by) {
    case GY_BY_CLODO:
        return "Kind (class / dict of class)";
    case GY_BY_TYPE:
        return "Type";
    case GY_BY_SIZE:
        return "Individual Size";
    case GY_BY_MODULE:
        return "Module";
    case GY_BY_IDSET:
        return "by identity set";
    case GY_BY_ID:
        return "Brief";
    case GY_BY_UNITY:
    default:
        return "<unclassified>";
    }
}

int
gy_classify_needs_owners(GyBy by)
{
    return by == GY_BY_CLODO || by == GY_BY_ID || by == GY_BY_IDSET;
}

/* ------------------------------------------------------------------ */
/* Totals per class */

int
gy_totals_init(GyTotals *t)
{
    memset(t, 0, sizeof(*t));
    return gy_ptrmap_init(&t->index, 256);
}

void
gy_totals_fini(GyTotals *t)
{
    gy_ptrmap_fini(&t->index);
    PyMem_Free(t->rows);
    memset(t, 0, sizeof(*t));
}

Py_ssize_t
gy_totals_row(GyTotals *t, uintptr_t key)
{
    uintptr_t pos;
    if (gy_ptrcache_get(&t->recent, (void *)key, &pos)) {
        return (Py_ssize_t)pos - 1;
    }
    int added;
    uintptr_t *slot = gy_ptrmap_slot(&t->index, (void *)key, &added);
    if (slot == NULL) {
        return -1;
    }
    if (added) {
        if (t->nrows == t->cap
            && gy_grow(&t->rows, &t->cap, t->nrows + 1,
                       sizeof(GyClassTotal)) < 0) {
            *slot = 0;
            return -1;
        }
        t->rows[t->nrows].key = key;
        t->rows[t->nrows].count = 0;
        t->rows[t->nrows].size = 0;
        *slot = (uintptr_t)++t->nrows;
    }
    pos = *slot;
    gy_ptrcache_put(&t->recent, (void *)key, pos);
    return (Py_ssize_t)pos - 1;
}

int
gy_totals_add(GyTotals *t, uintptr_t key, Py_ssize_t size)
{
    Py_ssize_t row = gy_totals_row(t, key);
    if (row < 0) {
        return -1;
    }
    t->count++;
    t->size += size;
    t->rows[row].count++;
    t->rows[row].size += size;
    return 0;
}
