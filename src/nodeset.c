/* nodeset.c -- GyNodes, the representation behind every IdentitySet: a
 * sorted array of object addresses, each a strong reference, shared (by a
 * C reference count) between the set objects that have the same members,
 * such as h, h.bytype and h.byclodo.
 *
 * Why sorted arrays: the heap walk yields its result already sorted
 * (markset.c); the common sets are either most of the heap or a small
 * slice of it; algebra on two sets is then a linear merge allocating only
 * the result, membership a binary search, and iteration is in address
 * order, which heapy promises (x.nodes iterates by ascending address).
 * Each array costs one word per member.
 *
 * Sizes are computed on first need (partition.c) and cached here, so a
 * set and its re-partitioned copies size each object once.
 *
 * A selection from a big set (h & kind, a row of a partition) may borrow
 * its items instead: taking and later dropping a reference to each of
 * 400,000 objects is a cache miss apiece, most of such a selection's
 * cost. py_nodeset.c then keeps the big set's holder alive, and makes the
 * selection adopt its items (gy_nodes_adopt) before the big set could go.
 *
 * Invariants: items strictly increase; every item is a strong reference,
 * or, if borrowed, one of a set that outlives this one; a GyNodes is never
 * modified after creation except to fill in sizes and to adopt.
 */
#include "nodeset.h"

#include "classify.h"

#include <stdlib.h>

GyNodes *
gy_nodes_empty(void)
{
    return gy_nodes_new_steal(NULL, 0, NULL);
}

/* A GyNodes over items, taking them and a reference to owners; the
 * items are strong references unless borrowed. NULL with MemoryError,
 * having released what it took. */
static GyNodes *
nodes_wrap(PyObject **items, Py_ssize_t count, GyOwners *owners,
           int borrowed)
{
    GyNodes *s = PyMem_Calloc(1, sizeof(GyNodes));
    if (s == NULL) {
        for (Py_ssize_t i = 0; !borrowed && i < count; i++) {
            Py_DECREF(items[i]);
        }
        PyMem_Free(items);
        gy_owners_decref(owners);
        PyErr_NoMemory();
        return NULL;
    }
    s->refcnt = 1;
    s->count = count;
    s->items = items;
    s->owners = owners;
    s->borrowed = borrowed;
    return s;
}

GyNodes *
gy_nodes_new_steal(PyObject **items, Py_ssize_t count, GyOwners *owners)
{
    return nodes_wrap(items, count, owners, 0);
}

GyNodes *
gy_nodes_new_borrowed(PyObject **items, Py_ssize_t count, GyOwners *owners)
{
    return nodes_wrap(items, count, owners, 1);
}

void
gy_nodes_incref(GyNodes *s)
{
    s->refcnt++;
}

void
gy_nodes_decref(GyNodes *s)
{
    if (s == NULL || --s->refcnt > 0) {
        return;
    }
    /* Members may run finalizers that look at other sets: detach the
       array before releasing it. */
    PyObject **items = s->items;
    Py_ssize_t count = s->count;
    s->items = NULL;
    s->count = 0;
    int borrowed = s->borrowed;
    gy_owners_decref(s->owners);
    PyMem_Free(s->sizes);
    if (s->clodo_totals != NULL) {
        gy_totals_fini(s->clodo_totals);
        PyMem_Free(s->clodo_totals);
    }
    PyMem_Free(s);
    for (Py_ssize_t i = 0; !borrowed && i < count; i++) {
        Py_DECREF(items[i]);
    }
    PyMem_Free(items);
}

void
gy_nodes_adopt(GyNodes *s)
{
    if (s->borrowed) {
        for (Py_ssize_t i = 0; i < s->count; i++) {
            Py_INCREF(s->items[i]);
        }
        s->borrowed = 0;
    }
}

static int
nodes_cmp(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (PyObject *const *)a;
    uintptr_t y = (uintptr_t) * (PyObject *const *)b;
    return (x > y) - (x < y);
}

GyNodes *
gy_nodes_from_array(PyObject *const *objs, Py_ssize_t n)
{
    PyObject **items = gy_alloc_array(n + 1, sizeof(PyObject *));
    if (items == NULL) {
        return NULL;
    }
    /* Neither may be given a NULL pointer, even for zero elements. */
    if (n > 0) {
        memcpy(items, objs, (size_t)n * sizeof(PyObject *));
    }
    if (n > 1) {
        qsort(items, (size_t)n, sizeof(PyObject *), nodes_cmp);
    }
    Py_ssize_t m = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (m == 0 || items[m - 1] != items[i]) {
            items[m++] = Py_NewRef(items[i]);
        }
    }
    return gy_nodes_new_steal(items, m, NULL);
}

GyNodes *
gy_nodes_from_iterable(PyObject *iterable)
{
    /* Collect into a list first: the iterator is user code, and the list
       keeps every object alive until we hold our own references. */
    PyObject *list = PySequence_List(iterable);
    if (list == NULL) {
        return NULL;
    }
    /* An empty list has no item array: &items[0] of its NULL is
       undefined (UBSan; found by the args fuzzer with hp.idset('')). */
    Py_ssize_t n = PyList_GET_SIZE(list);
    GyNodes *s = gy_nodes_from_array(n > 0 ? &PyList_GET_ITEM(list, 0) : NULL,
                                     n);
    Py_DECREF(list);
    return s;
}

int
gy_nodes_contains(const GyNodes *s, PyObject *op)
{
    Py_ssize_t lo = 0, hi = s->count;
    uintptr_t key = (uintptr_t)op;
    /* Invariant: op, if present, is in items[lo .. hi). */
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        uintptr_t v = (uintptr_t)s->items[mid];
        if (v == key) {
            return 1;
        }
        if (v < key) {
            lo = mid + 1;
        }
        else {
            hi = mid;
        }
    }
    return 0;
}

/* The owner map the result may keep: only one both sides agree on. */
static GyOwners *
nodes_common_owners(const GyNodes *a, const GyNodes *b, GySetOp op)
{
    GyOwners *o = NULL;
    if (a->owners == b->owners || b->count == 0) {
        o = a->owners;
    }
    else if (a->count == 0) {
        o = b->owners;
    }
    else if (op == GY_OP_SUB || op == GY_OP_AND) {
        /* A subset of a: a's walk saw every member. */
        o = a->owners;
    }
    if (o != NULL) {
        gy_owners_incref(o);
    }
    return o;
}

GyNodes *
gy_nodes_binop(GyNodes *a, GyNodes *b, GySetOp op)
{
    Py_ssize_t cap;
    switch (op) {
    case GY_OP_AND:
        cap = a->count < b->count ? a->count : b->count;
        break;
    case GY_OP_SUB:
        cap = a->count;
        break;
    default:
        if (a->count > PY_SSIZE_T_MAX - b->count) {
            PyErr_NoMemory();
            return NULL;
        }
        cap = a->count + b->count;
        break;
    }
    PyObject **out = gy_alloc_array(cap + 1, sizeof(PyObject *));
    if (out == NULL) {
        return NULL;
    }
    Py_ssize_t i = 0, j = 0, n = 0;
    int keep_a = op != GY_OP_AND;
    int keep_b = op == GY_OP_OR || op == GY_OP_XOR;
    int keep_both = op == GY_OP_AND || op == GY_OP_OR;
    /* Invariant: out[0..n) is the result restricted to addresses below
       min(a[i], b[j]). */
    while (i < a->count && j < b->count) {
        uintptr_t x = (uintptr_t)a->items[i], y = (uintptr_t)b->items[j];
        if (x < y) {
            if (keep_a) {
                out[n++] = a->items[i];
            }
            i++;
        }
        else if (y < x) {
            if (keep_b) {
                out[n++] = b->items[j];
            }
            j++;
        }
        else {
            if (keep_both) {
                out[n++] = a->items[i];
            }
            i++;
            j++;
        }
    }
    for (; keep_a && i < a->count; i++) {
        out[n++] = a->items[i];
    }
    for (; keep_b && j < b->count; j++) {
        out[n++] = b->items[j];
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_INCREF(out[k]);
    }
    return gy_nodes_new_steal(out, n, nodes_common_owners(a, b, op));
}

int
gy_nodes_subset(const GyNodes *a, const GyNodes *b)
{
    if (a->count > b->count) {
        return 0;
    }
    Py_ssize_t j = 0;
    for (Py_ssize_t i = 0; i < a->count; i++) {
        uintptr_t x = (uintptr_t)a->items[i];
        while (j < b->count && (uintptr_t)b->items[j] < x) {
            j++;
        }
        if (j == b->count || b->items[j] != a->items[i]) {
            return 0;
        }
        j++;
    }
    return 1;
}

GyNodes *
gy_nodes_select(GyNodes *s, const uint32_t *rows, const uint8_t *wanted,
                Py_ssize_t n, int borrow)
{
    PyObject **out = gy_alloc_array(n + 1, sizeof(PyObject *));
    Py_ssize_t *sizes = NULL;
    if (out == NULL) {
        return NULL;
    }
    if (s->sizes != NULL && n > 0
        && (sizes = gy_alloc_array(n, sizeof(Py_ssize_t))) == NULL) {
        PyMem_Free(out);
        return NULL;
    }
    /* One pass; the counts were known, so the result is allocated once. */
    Py_ssize_t k = 0, total = 0;
    for (Py_ssize_t i = 0; i < s->count && k < n; i++) {
        if (wanted[rows[i]]) {
            if (sizes != NULL) {
                sizes[k] = s->sizes[i];
                total += s->sizes[i];
            }
            out[k++] = s->items[i];
        }
    }
    GY_ASSERT(k == n);
    if (s->owners != NULL) {
        gy_owners_incref(s->owners);
    }
    GyNodes *r = nodes_wrap(out, k, s->owners, 1);
    if (r == NULL) {
        PyMem_Free(sizes);
        return NULL;
    }
    if (!borrow) {
        gy_nodes_adopt(r);
    }
    r->sizes = sizes;
    r->total_size = total;
    return r;
}

Py_hash_t
gy_nodes_hash(const GyNodes *s)
{
    /* Order-independent is not needed (members are sorted); mix like a
       tuple hash so equal sets hash equal. */
    uint64_t h = UINT64_C(0x27D4EB2F165667C5) ^ (uint64_t)s->count;
    for (Py_ssize_t i = 0; i < s->count; i++) {
        h = (h ^ ((uint64_t)(uintptr_t)s->items[i] >> 4))
            * UINT64_C(0x100000001B3);
    }
    Py_hash_t r = (Py_hash_t)(h ^ (h >> 32));
    return r == -1 ? -2 : r;
}
