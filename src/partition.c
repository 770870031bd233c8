/* partition.c -- group a set by an equivalence relation: one row per class
 * with its count and total size, in heapy's table order, and for each
 * member the row it fell in (so x[i] is a filter, not a second
 * classification).
 *
 * Classifying is one pass over the members in address order with a
 * GyPtrMap from class key to row: O(members), no Python code. Labels are
 * made once per row, then rows are sorted (descending size, ties by label
 * as strings: heapy's order) by a radix sort (rows_order). Id partitions
 * have a row per member and render labels only when a row is printed.
 *
 * Memory: one uint32 per member (row_of) plus the rows.
 */
#include "partition.h"

#include <stdlib.h>

#include "pyinternals.h"
#include "render.h"
#include "sizes.h"
#include "walk.h"

int
gy_nodes_ensure_sizes(GyState *state, GyNodes *nodes)
{
    if (nodes->sizes != NULL || nodes->count == 0) {
        return 0;
    }
    Py_ssize_t *sizes = gy_alloc_array(nodes->count, sizeof(Py_ssize_t));
    if (sizes == NULL) {
        return -1;
    }
    GySizer z;
    if (gy_sizer_init(&z, state) < 0) {
        PyMem_Free(sizes);
        return -1;
    }
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < nodes->count; i++) {
        Py_ssize_t size = gy_sizer_size(&z, nodes->items[i]);
        if (size < 0) {
            gy_sizer_fini(&z);
            PyMem_Free(sizes);
            return -1;
        }
        sizes[i] = size;
        total += size;
    }
    gy_sizer_fini(&z);
    /* A __sizeof__ in Python may have computed them meanwhile. */
    if (nodes->sizes != NULL) {
        PyMem_Free(sizes);
        return 0;
    }
    nodes->sizes = sizes;
    nodes->total_size = total;
    return 0;
}

int
gy_nodes_ensure_owners(GyState *state, GyNodes *nodes)
{
    if (nodes->owners != NULL) {
        return gy_owners_seal(nodes->owners);
    }
    int any_dict = 0;
    for (Py_ssize_t i = 0; i < nodes->count && !any_dict; i++) {
        any_dict = PyDict_CheckExact(nodes->items[i]);
    }
    if (!any_dict) {
        return 0;
    }
    GyOwners *o = gy_walk_owners(state);
    if (o == NULL) {
        return -1;
    }
    if (nodes->owners != NULL) {
        gy_owners_decref(o);
        return 0;
    }
    nodes->owners = o;
    return 0;
}

static void
partition_clear_rows(GyRow *rows, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_XDECREF(rows[i].label);
        Py_XDECREF(rows[i].keyobj);
    }
    PyMem_Free(rows);
}

void
gy_partition_free(GyPartition *p)
{
    if (p == NULL) {
        return;
    }
    partition_clear_rows(p->rows, p->nrows);
    Py_XDECREF(p->header);
    if (p->classified != NULL) {
        gy_classified_fini(p->classified);
        PyMem_Free(p->classified);
    }
    gy_er_free(p->er);
    PyMem_Free(p->row_of);
    PyMem_Free(p);
}

/* Sort support: rows carry their own index so the permutation can be
 * applied to row_of afterwards. */
typedef struct SortRow {
    GyRow row;
    uint32_t old;
    PyObject *sortkey;   /* Id: value or name to order equal sizes */
} SortRow;

/* str comparison; ASCII strs (nearly every label) by their bytes, which
 * order as their code points. */
static int
label_cmp(PyObject *x, PyObject *y)
{
    if (PyUnicode_IS_COMPACT_ASCII(x) && PyUnicode_IS_COMPACT_ASCII(y)) {
        Py_ssize_t nx = PyUnicode_GET_LENGTH(x), ny = PyUnicode_GET_LENGTH(y);
        int c = memcmp(PyUnicode_DATA(x), PyUnicode_DATA(y),
                       (size_t)(nx < ny ? nx : ny));
        if (c != 0) {
            return c < 0 ? -1 : 1;
        }
        return (nx > ny) - (nx < ny);
    }
    return PyUnicode_Compare(x, y);
}

static int
row_cmp(const void *pa, const void *pb)
{
    const SortRow *a = pa, *b = pb;
    if (a->row.size != b->row.size) {
        return a->row.size > b->row.size ? -1 : 1;
    }
    int c = label_cmp(a->row.label, b->row.label);
    if (c == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        c = 0;
    }
    if (c != 0) {
        return c;
    }
    return (a->row.key > b->row.key) - (a->row.key < b->row.key);
}

static int
id_cmp(const void *pa, const void *pb)
{
    const SortRow *a = pa, *b = pb;
    if (a->row.size != b->row.size) {
        return a->row.size > b->row.size ? -1 : 1;
    }
    if (a->row.label != b->row.label) {
        int c = PyUnicode_Compare(a->row.label, b->row.label);
        if (c == -1 && PyErr_Occurred()) {
            PyErr_Clear();
        }
        else if (c != 0) {
            return c;
        }
    }
    PyObject *x = a->sortkey, *y = b->sortkey;
    if (x != NULL && y != NULL && Py_TYPE(x) == Py_TYPE(y)) {
        /* Exact builtin types only (str, bytes, int, float): no user
           code runs. */
        int lt = PyObject_RichCompareBool(x, y, Py_LT);
        int gt = lt == 0 ? PyObject_RichCompareBool(x, y, Py_GT) : 0;
        if (lt < 0 || gt < 0) {
            PyErr_Clear();
        }
        else if (lt || gt) {
            return lt ? -1 : 1;
        }
    }
    return (a->row.key > b->row.key) - (a->row.key < b->row.key);
}

static int
row_ptr_cmp(const void *pa, const void *pb)
{
    return row_cmp(*(const SortRow *const *)pa, *(const SortRow *const *)pb);
}

/* Heapy's row order (row_cmp) without comparing labels as objects: a
 * partition by Via has a row per list index, 200,000 of them, and qsort of
 * the rows took a tenth of byvia. Each row gets two words, its size
 * (complemented: descending) and the first 8 bytes of its label, which
 * order the same way as the labels wherever they differ (label_prefix);
 * those are radix-sorted, and only runs equal in both are compared in
 * full. */
typedef struct RowOrder {
    uint64_t words[2];         /* [0] label prefix, [1] ~size */
    uint32_t at;               /* index into the rows */
} RowOrder;

/* The first 8 characters of s as bytes, most significant first, zero
 * padded: ASCII as itself, and from the first other character on 0xff,
 * which is above any ASCII and leaves two such labels to the full
 * comparison. So prefix(a) < prefix(b) implies a < b as str. */
static uint64_t
label_prefix(PyObject *s)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    uint64_t p = 0;
    for (int i = 0; i < 8; i++) {
        Py_UCS4 ch = i < n ? PyUnicode_READ(kind, data, i) : 0;
        if (ch >= 0x80) {
            int rest = 8 * (8 - i);
            return rest == 64 ? UINT64_MAX
                              : (p << rest) | ((UINT64_C(1) << rest) - 1);
        }
        p = (p << 8) | ch;
    }
    return p;
}

/* order[i] = the index in srows of the row that goes i-th. 0, or -1 with
 * MemoryError. */
static int
rows_order(const SortRow *srows, Py_ssize_t n, uint32_t *order)
{
    RowOrder *a = gy_alloc_array(n, sizeof(RowOrder));
    RowOrder *b = gy_alloc_array(n, sizeof(RowOrder));
    uint32_t (*hist)[256] = PyMem_Calloc(16, sizeof(*hist));
    const SortRow **run = NULL;
    Py_ssize_t run_cap = 0;
    int rc = -1;
    if (a == NULL || b == NULL || hist == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        a[i].words[0] = label_prefix(srows[i].row.label);
        a[i].words[1] = ~(uint64_t)srows[i].row.size;
        a[i].at = (uint32_t)i;
        for (int d = 0; d < 16; d++) {
            hist[d][(a[i].words[d >> 3] >> (8 * (d & 7))) & 0xff]++;
        }
    }
    /* Least significant byte first; a byte all rows share is skipped. */
    for (int d = 0; d < 16; d++) {
        uint32_t *h = hist[d];
        int shift = 8 * (d & 7), w = d >> 3;
        if (h[(a[0].words[w] >> shift) & 0xff] == (uint32_t)n) {
            continue;
        }
        uint32_t sum = 0;
        for (int v = 0; v < 256; v++) {
            uint32_t c = h[v];
            h[v] = sum;
            sum += c;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            b[h[(a[i].words[w] >> shift) & 0xff]++] = a[i];
        }
        RowOrder *t = a;
        a = b;
        b = t;
    }
    /* Runs equal in both words: the full comparison. */
    for (Py_ssize_t i = 0; i < n;) {
        Py_ssize_t j = i + 1;
        while (j < n && a[j].words[0] == a[i].words[0]
               && a[j].words[1] == a[i].words[1]) {
            j++;
        }
        if (j - i > 1) {
            if (gy_grow(&run, &run_cap, j - i, sizeof(SortRow *)) < 0) {
                goto done;
            }
            for (Py_ssize_t k = i; k < j; k++) {
                run[k - i] = &srows[a[k].at];
            }
            qsort(run, (size_t)(j - i), sizeof(SortRow *), row_ptr_cmp);
            for (Py_ssize_t k = i; k < j; k++) {
                a[k].at = (uint32_t)(run[k - i] - srows);
            }
        }
        i = j;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        order[i] = a[i].at;
    }
    rc = 0;
done:
    PyMem_Free(a);
    PyMem_Free(b);
    PyMem_Free(hist);
    PyMem_Free(run);
    return rc;
}

/* The value or name heapy orders equal-sized objects by, new reference,
 * or NULL for "by address". */
static PyObject *
id_sortkey(GyState *state, PyObject *op, const GyOwners *owners)
{
    PyTypeObject *tp = Py_TYPE(op);
    if (tp == &PyUnicode_Type || tp == &PyBytes_Type || tp == &PyLong_Type
        || tp == &PyFloat_Type) {
        return Py_NewRef(op);
    }
    if (PyModule_CheckExact(op) || PyFunction_Check(op) || PyType_Check(op)) {
        PyObject *r = gy_render_object(state, op, owners);
        if (r == NULL) {
            PyErr_Clear();
        }
        return r;
    }
    return NULL;
}

static GyPartition *
partition_alloc(GyBy by, Py_ssize_t count)
{
    GyPartition *p = PyMem_Calloc(1, sizeof(GyPartition));
    if (p == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    p->by = by;
    if (count > 0) {
        if (count > (Py_ssize_t)UINT32_MAX) {
            PyMem_Free(p);
            PyErr_SetString(PyExc_OverflowError,
                            "sets of more than 2**32 objects");
            return NULL;
        }
        p->row_of = gy_alloc_array(count, sizeof(uint32_t));
        if (p->row_of == NULL) {
            PyMem_Free(p);
            return NULL;
        }
    }
    return p;
}

/* Store srows[0..n) as p's rows, in heapy's order (row_cmp) if sort is
 * set, else as they are, remapping row_of. Takes the labels; frees
 * srows. */
static int
partition_finish(GyPartition *p, SortRow *srows, Py_ssize_t n,
                 Py_ssize_t count, int sort)
{
    uint32_t *order = gy_alloc_array(n + 1, sizeof(uint32_t));
    uint32_t *perm = gy_alloc_array(n + 1, sizeof(uint32_t));
    GyRow *rows = gy_alloc_array(n + 1, sizeof(GyRow));
    if (order == NULL || perm == NULL || rows == NULL) {
        goto error;
    }
    if (sort && n > 1) {
        if (rows_order(srows, n, order) < 0) {
            goto error;
        }
    }
    else {
        for (Py_ssize_t i = 0; i < n; i++) {
            order[i] = (uint32_t)i;
        }
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        SortRow *sr = &srows[order[i]];
        perm[sr->old] = (uint32_t)i;
        rows[i] = sr->row;
        Py_XDECREF(sr->sortkey);
        p->size += rows[i].size;
    }
    PyMem_Free(srows);
    PyMem_Free(order);
    for (Py_ssize_t i = 0; i < count; i++) {
        p->row_of[i] = perm[p->row_of[i]];
    }
    PyMem_Free(perm);
    p->rows = rows;
    p->nrows = n;
    p->count = count;
    return 0;

error:
    PyMem_Free(order);
    PyMem_Free(perm);
    PyMem_Free(rows);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_XDECREF(srows[i].row.label);
        Py_XDECREF(srows[i].row.keyobj);
        Py_XDECREF(srows[i].sortkey);
    }
    PyMem_Free(srows);
    return -1;
}

static GyPartition *
partition_by_id(GyState *state, GyNodes *nodes, GyBy by)
{
    Py_ssize_t n = nodes->count;
    GyPartition *p = partition_alloc(by, n);
    SortRow *srows = NULL;
    GyPtrMap kind_labels = {0};
    if (p == NULL) {
        return NULL;
    }
    srows = PyMem_Calloc((size_t)n + 1, sizeof(SortRow));
    if (srows == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    /* Kind labels, one per Clodo class, borrowed by the rows while
       sorting (kind_labels owns them). */
    if (gy_ptrmap_init(&kind_labels, 16) < 0) {
        goto error;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *op = nodes->items[i];
        uintptr_t ck = gy_classify_key(GY_BY_CLODO, op, 0, nodes->owners,
                                       NULL);
        int added;
        uintptr_t *slot = gy_ptrmap_slot(&kind_labels, (void *)ck, &added);
        if (slot == NULL) {
            goto error;
        }
        if (added) {
            PyObject *lab = gy_classify_label(state, GY_BY_CLODO, ck, op,
                                              nodes->owners);
            if (lab == NULL) {
                goto error;
            }
            *slot = (uintptr_t)lab;
        }
        srows[i].row.key = (uintptr_t)op;
        srows[i].row.count = 1;
        srows[i].row.size = nodes->sizes[i];
        srows[i].row.example = op;
        srows[i].row.label = (PyObject *)*slot;     /* borrowed for now */
        srows[i].old = (uint32_t)i;
        srows[i].sortkey = id_sortkey(state, op, nodes->owners);
        p->row_of[i] = (uint32_t)i;
    }
    if (n > 1) {
        qsort(srows, (size_t)n, sizeof(SortRow), id_cmp);
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        srows[i].row.label = NULL;   /* rendered on demand */
    }
    for (size_t i = 0; i <= kind_labels.mask; i++) {
        if (kind_labels.keys[i] != NULL) {
            Py_DECREF((PyObject *)kind_labels.values[i]);
        }
    }
    gy_ptrmap_fini(&kind_labels);
    if (partition_finish(p, srows, n, n, 0) < 0) {
        gy_partition_free(p);
        return NULL;
    }
    return p;

error:
    if (kind_labels.keys != NULL) {
        for (size_t i = 0; i <= kind_labels.mask; i++) {
            if (kind_labels.keys[i] != NULL) {
                Py_XDECREF((PyObject *)kind_labels.values[i]);
            }
        }
        gy_ptrmap_fini(&kind_labels);
    }
    if (srows != NULL) {
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_XDECREF(srows[i].sortkey);
        }
        PyMem_Free(srows);
    }
    gy_partition_free(p);
    return NULL;
}

/* Whether classifying by er reads the members' sizes (need == SIZE) or
 * the owners of member dicts (need == CLODO). Referrers and dict owners
 * are classified from the graph and the owners themselves. */
static int
er_needs(const GyER *er, GyBy need)
{
    switch (er->by) {
    case GY_BY_AND:
        return er_needs(er->a, need) || er_needs(er->b, need);
    case GY_BY_SIZE:
        return need == GY_BY_SIZE;
    case GY_BY_ID:
        return 1;
    case GY_BY_CLODO:
    case GY_BY_IDSET:
    case GY_BY_DICTOF:
        return need == GY_BY_CLODO;
    default:
        return 0;
    }
}

/* A new row of key, op its first member, at the end of *srows; its
 * index, or -1 with MemoryError. */
static Py_ssize_t
row_add(SortRow **srows, Py_ssize_t *cap, Py_ssize_t *nrows, uintptr_t key,
        PyObject *op)
{
    Py_ssize_t n = *nrows;
    if (n == *cap && gy_grow(srows, cap, n + 1, sizeof(SortRow)) < 0) {
        return -1;
    }
    SortRow *r = &(*srows)[n];
    memset(r, 0, sizeof(SortRow));
    r->row.key = key;
    r->row.example = op;
    r->old = (uint32_t)n;
    *nrows = n + 1;
    return n;
}

static GyPartition *
partition_new(GyState *state, GyNodes *nodes, const GyER *er)
{
    GyBy by = er->by;
    GyClassified classified;
    GyGraph *graph = NULL;
    const uintptr_t *keys = NULL;
    /* Composite relations size the members before classifying: a
       __sizeof__ in Python may let objects go, and their keys (an Rcs
       key is the class of a referrer, which only the graph had) must not
       point at what is gone when the rows are labelled. */
    if ((er_needs(er, GY_BY_SIZE) || by > GY_BY_LAST_SIMPLE)
        && gy_nodes_ensure_sizes(state, nodes) < 0) {
        return NULL;
    }
    if (er_needs(er, GY_BY_CLODO)
        && gy_nodes_ensure_owners(state, nodes) < 0) {
        return NULL;
    }
    if (by == GY_BY_ID) {
        GyPartition *p = partition_by_id(state, nodes, by);
        if (p != NULL
            && (p->header = PyUnicode_FromString(
                    gy_classify_header(by))) == NULL) {
            gy_partition_free(p);
            return NULL;
        }
        return p;
    }
    if (by > GY_BY_LAST_SIMPLE) {
        /* Composite relations classify the whole set first; the graph,
           if one was needed, is dropped as soon as the keys are known. */
        int rc = gy_classify_set(state, er, nodes, &graph, &classified);
        gy_graph_free(graph);
        if (rc < 0) {
            return NULL;
        }
        keys = classified.keys;
    }
    Py_ssize_t n = nodes->count;
    GyPartition *p = partition_alloc(by, n);
    GyPtrMap rowmap = {0};
    SortRow *srows = NULL;
    Py_ssize_t nrows = 0, cap = 0, cursor = 0;
    GyPtrCache recent;
    uint32_t *dense_rows = NULL;   /* row by dense key index, if any */
    /* Sizes not known yet are computed in the same pass: one trip through
       the members' headers instead of two. */
    Py_ssize_t *sizes = nodes->sizes, *new_sizes = NULL, total = 0;
    GySizer sizer = {0};
    if (p == NULL) {
        goto error;
    }
    if ((p->header = gy_er_header(er, 0)) == NULL) {
        goto error;
    }
    if (sizes == NULL && n > 0) {
        new_sizes = gy_alloc_array(n, sizeof(Py_ssize_t));
        if (new_sizes == NULL || gy_sizer_init(&sizer, state) < 0) {
            goto error;
        }
        sizes = new_sizes;
    }
    if (gy_ptrmap_init(&rowmap, 64) < 0) {
        goto error;
    }
    memset(&recent, 0, sizeof(recent));
    if (keys != NULL && gy_classified_ndense(&classified) > 0) {
        dense_rows = gy_alloc_array(gy_classified_ndense(&classified),
                                    sizeof(uint32_t));
        if (dense_rows == NULL) {
            goto error;
        }
        memset(dense_rows, 0xff,
               (size_t)gy_classified_ndense(&classified) * sizeof(uint32_t));
    }
    /* Invariant: rows [0, nrows) hold the totals of members [0, i). */
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *op = nodes->items[i];
        if (new_sizes != NULL) {
            Py_ssize_t size = gy_sizer_size(&sizer, op);
            if (size < 0) {
                goto error;
            }
            new_sizes[i] = size;
            total += size;
        }
        uintptr_t key = keys ? keys[i]
                             : gy_classify_key(by, op, sizes[i],
                                               nodes->owners, &cursor);
        uintptr_t r;
        if (dense_rows != NULL) {
            /* Keys with dense indexes: the row by array, no hashing. */
            uint32_t *at = &dense_rows[gy_classified_dense(&classified, key)];
            if (*at == UINT32_MAX) {
                Py_ssize_t added = row_add(&srows, &cap, &nrows, key, op);
                if (added < 0) {
                    goto error;
                }
                *at = (uint32_t)added;
            }
            r = *at;
        }
        else if (!gy_ptrcache_get(&recent, (void *)key, &r)) {
            int added;
            uintptr_t *slot = gy_ptrmap_slot(&rowmap, (void *)key, &added);
            if (slot == NULL) {
                goto error;
            }
            if (added) {
                Py_ssize_t row = row_add(&srows, &cap, &nrows, key, op);
                if (row < 0) {
                    goto error;
                }
                *slot = (uintptr_t)row;
            }
            r = *slot;
            gy_ptrcache_put(&recent, (void *)key, r);
        }
        srows[r].row.count++;
        srows[r].row.size += sizes[i];
        p->row_of[i] = (uint32_t)r;
    }
    gy_ptrmap_fini(&rowmap);
    PyMem_Free(dense_rows);
    dense_rows = NULL;
    if (new_sizes != NULL) {
        gy_sizer_fini(&sizer);
        if (nodes->sizes == NULL) {
            nodes->sizes = new_sizes;
            nodes->total_size = total;
        }
        else {
            /* A Python __sizeof__ sized the set meanwhile; row totals
               came from ours, which it cannot have changed. */
            PyMem_Free(new_sizes);
        }
        new_sizes = NULL;
    }
    for (Py_ssize_t r = 0; r < nrows; r++) {
        GyRow *row = &srows[r].row;
        if (keys != NULL) {
            row->label = gy_classified_label(state, &classified, row->key,
                                             row->example, 0);
        }
        else {
            row->label = gy_classify_label(state, by, row->key,
                                           row->example, nodes->owners);
        }
        if (row->label == NULL) {
            goto error;
        }
    }
    if (keys != NULL) {
        /* Kept for the rows' class values, made when asked for. */
        gy_classified_drop_keys(&classified);
        keys = NULL;
        p->classified = PyMem_Malloc(sizeof(GyClassified));
        if (p->classified == NULL) {
            gy_classified_fini(&classified);
            PyErr_NoMemory();
            goto error;
        }
        *p->classified = classified;
    }
    if (partition_finish(p, srows, nrows, n, 1) < 0) {
        srows = NULL;
        nrows = 0;
        goto error;
    }
    return p;

error:
    if (keys != NULL) {
        gy_classified_fini(&classified);
    }
    if (new_sizes != NULL) {
        gy_sizer_fini(&sizer);
        PyMem_Free(new_sizes);
    }
    gy_ptrmap_fini(&rowmap);
    PyMem_Free(dense_rows);
    for (Py_ssize_t r = 0; r < nrows; r++) {
        Py_XDECREF(srows[r].row.label);
        Py_XDECREF(srows[r].row.keyobj);
    }
    PyMem_Free(srows);
    gy_partition_free(p);
    return NULL;
}

PyObject *
gy_partition_label(GyState *state, GyPartition *p, GyNodes *nodes,
                   Py_ssize_t i)
{
    GyRow *row = &p->rows[i];
    if (row->label == NULL) {
        /* Only Id rows are lazy: the rendering, prefixed by the kind
           when the set mixes kinds. */
        row->label = gy_render_object(state, row->example, nodes->owners);
        if (row->label == NULL) {
            return NULL;
        }
    }
    return row->label;
}

PyObject *
gy_partition_key_object(GyState *state, GyPartition *p, Py_ssize_t i)
{
    GyRow *row = &p->rows[i];
    if (row->keyobj != NULL) {
        return Py_NewRef(row->keyobj);
    }
    if (p->classified != NULL) {
        return gy_classified_key_object(state, p->classified, row->key,
                                        row->example);
    }
    return gy_classify_key_object(p->by, row->key, row->example);
}

GyPartition *
gy_partition_explicit(GyState *state, GyNodes *nodes,
                      GyNodes *const *subsets, PyObject *const *labels,
                      PyObject *const *keyobjs, Py_ssize_t nrows,
                      PyObject *header)
{
    Py_ssize_t n = nodes->count;
    if (gy_nodes_ensure_sizes(state, nodes) < 0) {
        return NULL;
    }
    GyPartition *p = partition_alloc(GY_BY_PYTHON, n);
    SortRow *srows = NULL;
    if (p == NULL) {
        return NULL;
    }
    p->header = Py_NewRef(header);
    srows = PyMem_Calloc((size_t)nrows + 1, sizeof(SortRow));
    if (srows == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        p->row_of[i] = UINT32_MAX;
    }
    /* Each subset is sorted like nodes: one merge per row. */
    for (Py_ssize_t r = 0; r < nrows; r++) {
        const GyNodes *sub = subsets[r];
        Py_ssize_t i = 0;
        srows[r].old = (uint32_t)r;
        srows[r].row.key = (uintptr_t)r + 1;
        srows[r].row.label = Py_NewRef(labels[r]);
        srows[r].row.keyobj = Py_NewRef(keyobjs[r]);
        for (Py_ssize_t k = 0; k < sub->count; k++) {
            PyObject *op = sub->items[k];
            while (i < n && (uintptr_t)nodes->items[i] < (uintptr_t)op) {
                i++;
            }
            if (i == n || nodes->items[i] != op) {
                PyErr_SetString(PyExc_ValueError,
                                "partition rows: an object that is not in "
                                "the set");
                goto error;
            }
            if (p->row_of[i] != UINT32_MAX) {
                PyErr_SetString(PyExc_ValueError,
                                "partition rows overlap");
                goto error;
            }
            p->row_of[i] = (uint32_t)r;
            if (srows[r].row.example == NULL) {
                srows[r].row.example = op;
            }
            srows[r].row.count++;
            srows[r].row.size += nodes->sizes[i];
        }
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (p->row_of[i] == UINT32_MAX) {
            PyErr_SetString(PyExc_ValueError,
                            "partition rows do not cover the set");
            goto error;
        }
    }
    if (partition_finish(p, srows, nrows, n, 1) < 0) {
        gy_partition_free(p);
        return NULL;
    }
    return p;

error:
    for (Py_ssize_t r = 0; srows != NULL && r < nrows; r++) {
        Py_XDECREF(srows[r].row.label);
        Py_XDECREF(srows[r].row.keyobj);
    }
    PyMem_Free(srows);
    gy_partition_free(p);
    return NULL;
}

GyPartition *
gy_partition_new(GyState *state, GyNodes *nodes, const GyER *er)
{
    int was_enabled = gy_gc_pause();
    GyPartition *p = partition_new(state, nodes, er);
    gy_gc_resume(was_enabled);
    return p;
}

GyPartition *
gy_partition_from_totals(GyState *state, GyNodes *nodes)
{
    const GyTotals *t = nodes->clodo_totals;
    GyPartition *p = PyMem_Calloc(1, sizeof(GyPartition));
    SortRow *srows = PyMem_Calloc((size_t)t->nrows + 1, sizeof(SortRow));
    if (p == NULL || srows == NULL) {
        PyMem_Free(p);
        PyMem_Free(srows);
        PyErr_NoMemory();
        return NULL;
    }
    p->by = GY_BY_CLODO;
    p->header = PyUnicode_FromString(gy_classify_header(GY_BY_CLODO));
    if (p->header == NULL) {
        goto error;
    }
    for (Py_ssize_t r = 0; r < t->nrows; r++) {
        srows[r].row.key = t->rows[r].key;
        srows[r].row.count = t->rows[r].count;
        srows[r].row.size = t->rows[r].size;
        srows[r].old = (uint32_t)r;
        srows[r].row.label = gy_classify_label(state, GY_BY_CLODO,
                                               t->rows[r].key, NULL, NULL);
        if (srows[r].row.label == NULL) {
            goto error;
        }
    }
    /* No member rows: partition_finish remaps none. */
    if (partition_finish(p, srows, t->nrows, 0, 1) < 0) {
        gy_partition_free(p);
        return NULL;
    }
    p->count = t->count;
    return p;

error:
    for (Py_ssize_t r = 0; r < t->nrows; r++) {
        Py_XDECREF(srows[r].row.label);
    }
    PyMem_Free(srows);
    gy_partition_free(p);
    return NULL;
}
