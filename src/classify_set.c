/* classify_set.c -- a whole set classified by any relation: the simple ones
 * of classify.c object by object, and those whose class is made of several
 * parts or needs the reference graph:
 *
 *   refdby(E)  the E classes of an object's referrers (Rcs = refdby Clodo)
 *   Via        the names of the references to it (relate.c)
 *   Prod       the line that allocated it (tracemalloc)
 *   A & B      the pair of its A and B classes
 *   dictof(E)  for dicts, the E class of their owner
 *
 * A composite class is a short vector of words (sorted referrer classes,
 * sorted edge-name ids, a pair), interned in a GyKeyTable so the class key
 * is one word again and partition.c groups by it as by any other.
 *
 * refdby reads each member's referrers from the graph's reverse rows and
 * classifies each referrer once. Via finds the members' referrers by
 * scanning the forward rows (the graph is built without reverse rows
 * unless refdby asks for them) and relates each referrer once, in address
 * order, with gy_relate, keeping the named references that lead to a
 * member along an edge of the graph. refdby is O(members + their
 * in-edges), Via O(nodes + edges), where heapy relates every (referrer,
 * member) pair by scanning the referrer, quadratic for big containers.
 *
 * No Python code runs while the graph is read; edge names are turned into
 * text afterwards (a dict key's repr may be Python code).
 */
#include "classify_set.h"

#include "frameobject.h"

#include "bigmem.h"
#include "partition.h"
#include "pyinternals.h"
#include "relate.h"
#include "render.h"
#include "sizes.h"

#define NONE32 UINT32_MAX

/* ------------------------------------------------------------------ */
/* Relation specs */

GyER *
gy_er_from_spec(PyObject *spec)
{
    GyER *er = PyMem_Calloc(1, sizeof(GyER));
    if (er == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    if (PyLong_Check(spec)) {
        long code = PyLong_AsLong(spec);
        if (code == -1 && PyErr_Occurred()) {
            goto error;
        }
        if (code < GY_BY_CLODO || code > GY_BY_PROD) {
            PyErr_Format(PyExc_ValueError, "unknown relation number %ld",
                         code);
            goto error;
        }
        er->by = (GyBy)code;
        if (er->by == GY_BY_RCS) {
            er->by = GY_BY_REFDBY;
            if ((er->a = PyMem_Calloc(1, sizeof(GyER))) == NULL) {
                PyErr_NoMemory();
                goto error;
            }
            er->a->by = GY_BY_CLODO;
        }
        return er;
    }
    if (!PyTuple_Check(spec)) {
        PyErr_Format(PyExc_TypeError,
                     "relation spec must be an int or a tuple "
                     "('and'|'dictof'|'refdby'|'python', ...), not %.100s",
                     Py_TYPE(spec)->tp_name);
        goto error;
    }
    if (PyTuple_GET_SIZE(spec) < 2
        || !PyUnicode_Check(PyTuple_GET_ITEM(spec, 0))) {
        PyErr_Format(PyExc_ValueError, "relation spec: malformed %R", spec);
        goto error;
    }
    const char *op = PyUnicode_AsUTF8(PyTuple_GET_ITEM(spec, 0));
    Py_ssize_t n = PyTuple_GET_SIZE(spec);
    if (op == NULL) {
        goto error;
    }
    if (strcmp(op, "and") == 0 && n == 3) {
        er->by = GY_BY_AND;
        if ((er->a = gy_er_from_spec(PyTuple_GET_ITEM(spec, 1))) == NULL
            || (er->b = gy_er_from_spec(PyTuple_GET_ITEM(spec, 2))) == NULL) {
            goto error;
        }
        if (er->a->by == GY_BY_PYTHON || er->b->by == GY_BY_PYTHON) {
            PyErr_SetString(PyExc_ValueError,
                            "relation spec: 'python' inside 'and'");
            goto error;
        }
        return er;
    }
    if ((strcmp(op, "dictof") == 0 || strcmp(op, "refdby") == 0) && n == 2) {
        er->by = op[0] == 'd' ? GY_BY_DICTOF : GY_BY_REFDBY;
        if ((er->a = gy_er_from_spec(PyTuple_GET_ITEM(spec, 1))) == NULL) {
            goto error;
        }
        GyBy inner = er->a->by;
        if (inner == GY_BY_PYTHON
            || (er->by == GY_BY_REFDBY
                && (inner > GY_BY_LAST_SIMPLE || inner == GY_BY_ID
                    || inner == GY_BY_IDSET))) {
            PyErr_Format(PyExc_ValueError,
                         "relation spec: %s of this relation is not "
                         "supported", op);
            goto error;
        }
        return er;
    }
    if (strcmp(op, "python") == 0 && n == 2
        && PyCallable_Check(PyTuple_GET_ITEM(spec, 1))) {
        er->by = GY_BY_PYTHON;
        er->func = Py_NewRef(PyTuple_GET_ITEM(spec, 1));
        return er;
    }
    PyErr_Format(PyExc_ValueError, "relation spec: malformed %R", spec);
error:
    gy_er_free(er);
    return NULL;
}

void
gy_er_free(GyER *er)
{
    if (er == NULL) {
        return;
    }
    gy_er_free(er->a);
    gy_er_free(er->b);
    Py_XDECREF(er->func);
    PyMem_Free(er);
}

PyObject *
gy_er_header(const GyER *er, int and_ctx)
{
    switch (er->by) {
    case GY_BY_VIA:
        return PyUnicode_FromString(and_ctx ? "{Referred Via}"
                                            : "Referred Via:");
    case GY_BY_PROD:
        return PyUnicode_FromString("Producer (line of allocation)");
    case GY_BY_REFDBY: {
        PyObject *h = gy_er_header(er->a, 0);
        PyObject *r = h ? PyUnicode_FromFormat(and_ctx ? "{Referrers by %U}"
                                                       : "Referrers by %U",
                                               h)
                        : NULL;
        Py_XDECREF(h);
        return r;
    }
    case GY_BY_DICTOF: {
        PyObject *h = gy_er_header(er->a, and_ctx);
        PyObject *r = h ? PyUnicode_FromFormat("Dict of %U", h) : NULL;
        Py_XDECREF(h);
        return r;
    }
    case GY_BY_AND: {
        /* A & B & C comes as ('and', A, ('and', B, C)) and prints flat,
           as heapy prints it; a nested & on the left keeps its
           parentheses. */
        PyObject *ha = gy_er_header(er->a, 1);
        PyObject *hb = ha ? gy_er_header(er->b, er->b->by != GY_BY_AND)
                          : NULL;
        PyObject *r = hb ? PyUnicode_FromFormat(and_ctx ? "(%U & %U)"
                                                        : "%U & %U", ha, hb)
                         : NULL;
        Py_XDECREF(ha);
        Py_XDECREF(hb);
        return r;
    }
    case GY_BY_PYTHON:
        return PyUnicode_FromString("");
    default:
        return PyUnicode_FromString(gy_classify_header(er->by));
    }
}

/* ------------------------------------------------------------------ */
/* Shared pieces */

/* Intern v as a class of c; its key is id + 1. example is recorded for
 * a new class. Returns the key, or 0 with MemoryError. */
static uintptr_t
classified_intern(GyClassified *c, const uintptr_t *v, Py_ssize_t len,
                  PyObject *example)
{
    Py_ssize_t id = gy_keytable_intern(&c->table, v, len);
    if (id < 0) {
        return 0;
    }
    if (id == c->nexamples) {
        if (gy_grow(&c->examples, &c->examples_cap, c->nexamples + 1,
                    sizeof(PyObject *)) < 0) {
            return 0;
        }
        c->examples[c->nexamples++] = example;
    }
    return (uintptr_t)id + 1;
}

/* Sets of words (the classes of Rcs and Via) as keys. Most are empty or
 * hold one word, which the key then holds itself (shifted, tagged 2);
 * larger sets are interned (id shifted, tagged 3). 1 is the empty set. */
#define SETKEY_EMPTY ((uintptr_t)1)

static uintptr_t
setkey_make(GyClassified *c, const uintptr_t *v, Py_ssize_t n)
{
    if (n == 0) {
        return SETKEY_EMPTY;
    }
    if (n == 1) {
        return (v[0] << 2) | 2;
    }
    Py_ssize_t id = gy_keytable_intern(&c->table, v, n);
    return id < 0 ? 0 : ((uintptr_t)id << 2) | 3;
}

Py_ssize_t
gy_classified_ndense(const GyClassified *c)
{
    /* Via's single atoms are string indexes, dense already; Rcs's are
       class keys (addresses), which are not. */
    if (c->er->by != GY_BY_VIA) {
        return 0;
    }
    return 1 + c->nstrings + c->table.n;
}

Py_ssize_t
gy_classified_dense(const GyClassified *c, uintptr_t key)
{
    if (key == SETKEY_EMPTY) {
        return 0;
    }
    if ((key & 3) == 2) {
        return 1 + (Py_ssize_t)(key >> 2);
    }
    return 1 + c->nstrings + (Py_ssize_t)(key >> 2);
}

/* The words of a set key; one is scratch space for a one-word set. */
static const uintptr_t *
setkey_get(const GyClassified *c, uintptr_t key, uintptr_t *one,
           Py_ssize_t *len)
{
    if (key == SETKEY_EMPTY) {
        *len = 0;
        return one;
    }
    if ((key & 3) == 2) {
        *one = key >> 2;
        *len = 1;
        return one;
    }
    return gy_keytable_get(&c->table, (Py_ssize_t)(key >> 2), len);
}

static int
uintptr_cmp(const void *pa, const void *pb)
{
    uintptr_t a = *(const uintptr_t *)pa, b = *(const uintptr_t *)pb;
    return (a > b) - (a < b);
}

/* Sort v[0..n) and drop duplicates; the new length. Most objects have
 * one to three referrers: insertion sort for those. */
static Py_ssize_t
sort_unique(uintptr_t *v, Py_ssize_t n)
{
    if (n > 64) {
        /* An object referred to from thousands of places (None, a
           shared type) by few kinds: drop repeats before sorting. A
           small open-addressing table of the distinct values; if they
           are many after all, sort them all. */
        uintptr_t seen[256];
        Py_ssize_t m = 0;
        memset(seen, 0, sizeof(seen));
        for (Py_ssize_t i = 0; i < n && m >= 0; i++) {
            uintptr_t x = v[i];         /* stored + 1: 0 is "empty" */
            size_t h = (size_t)((x + 1) * UINT64_C(0x9E3779B97F4A7C15)
                                >> 56);
            while (seen[h] != 0 && seen[h] != x + 1) {
                h = (h + 1) & 255;
            }
            if (seen[h] == 0) {
                if (m == 128) {
                    m = -1;     /* too many distinct values */
                    break;
                }
                seen[h] = x + 1;
                v[m++] = x;     /* m <= i: overwrites only seen values */
            }
        }
        if (m >= 0) {
            n = m;
        }
    }
    if (n > 16) {
        qsort(v, (size_t)n, sizeof(uintptr_t), uintptr_cmp);
    }
    else {
        for (Py_ssize_t i = 1; i < n; i++) {
            uintptr_t x = v[i];
            Py_ssize_t j = i;
            while (j > 0 && v[j - 1] > x) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
    }
    Py_ssize_t m = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (m == 0 || v[m - 1] != v[i]) {
            v[m++] = v[i];
        }
    }
    return m;
}

/* The graph is borrowed (graph.h) where partitions pause the collector:
 * classifying runs no Python code except where graph_hold is called first
 * (a __sizeof__ for Size, Via's key reprs, tracemalloc for Prod). */
static int
ensure_graph(GyState *state, GyGraph **graph)
{
    if (*graph == NULL) {
        *graph = gy_graph_build_forward(state, GY_CAN_PAUSE_GC);
    }
    return *graph != NULL ? 0 : -1;
}

/* Before code that may run Python code (a __sizeof__, a key's repr,
 * tracemalloc's functions): a borrowed graph made for this or an earlier
 * part of the classification takes its references, since that code, or
 * another thread it lets run, may let objects go. */
static void
graph_hold(GyGraph *graph)
{
    if (graph != NULL) {
        gy_graph_adopt(graph);
    }
}

/* Each member's graph id, or -1. Both arrays are sorted by address: a
 * merge, sequential in memory, when the set is a good part of the heap;
 * index lookups when it is small. */
static Py_ssize_t *
member_ids(GyGraph *g, const GyNodes *nodes)
{
    Py_ssize_t n = nodes->count;
    Py_ssize_t *ids = gy_big_alloc(n + 1, sizeof(Py_ssize_t), 0);
    if (ids == NULL) {
        return NULL;
    }
    if (n < g->nreal / 64) {
        for (Py_ssize_t k = 0; k < n; k++) {
            ids[k] = gy_graph_id(g, nodes->items[k]);
        }
        return ids;
    }
    PyObject **heap = g->nodes->items;
    Py_ssize_t j = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        uintptr_t a = (uintptr_t)nodes->items[k];
        while (j < g->nreal && (uintptr_t)heap[j] < a) {
            j++;
        }
        ids[k] = j < g->nreal && heap[j] == nodes->items[k] ? j : -1;
    }
    return ids;
}

/* ------------------------------------------------------------------ */
/* refdby(E): the E classes of the referrers */

/* The E key of graph node id; the root and frames classify as instances
 * of the root type and of the frame type. */
static uintptr_t
node_key(GyState *state, GyGraph *g, GyBy by, uint32_t id, GySizer *sizer,
         int *err)
{
    if (id >= g->nreal) {
        PyTypeObject *tp = id == GY_GRAPH_ROOT(g) ? state->root_type
                                                  : &PyFrame_Type;
        switch (by) {
        case GY_BY_CLODO:
        case GY_BY_TYPE:
            return (uintptr_t)tp;
        default:
            return 1;
        }
    }
    PyObject *op = g->nodes->items[id];
    Py_ssize_t size = 0;
    if (by == GY_BY_SIZE && (size = gy_sizer_size(sizer, op)) < 0) {
        *err = 1;
        return 0;
    }
    return gy_classify_key(by, op, size, g->nodes->owners, NULL);
}

static int
classify_refdby(GyState *state, GyClassified *c, GyNodes *nodes,
                GyGraph **graph, int graph_last)
{
    GyBy by = c->er->a->by;
    GySizer sizer;
    uintptr_t *cache = NULL, *vec = NULL;
    Py_ssize_t *ids = NULL, veccap = 0;
    int rc = -1, err = 0;
    if (*graph == NULL && graph_last) {
        /* Nothing else reads it: the reverse rows alone. */
        *graph = gy_graph_build_reverse(state, GY_CAN_PAUSE_GC);
        if (*graph == NULL) {
            return -1;
        }
    }
    if (ensure_graph(state, graph) < 0
        || gy_graph_ensure_reverse(*graph) < 0) {
        return -1;
    }
    GyGraph *g = *graph;
    if (by == GY_BY_SIZE) {
        graph_hold(g);              /* a __sizeof__ may be Python code */
    }
    if (gy_sizer_init(&sizer, state) < 0) {
        return -1;
    }
    cache = PyMem_Calloc((size_t)g->nnodes + 1, sizeof(uintptr_t));
    ids = member_ids(g, nodes);
    if (cache == NULL || ids == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (by == GY_BY_CLODO && nodes->count > g->nreal / 8) {
        /* Most nodes will be asked for: class them all in address
           order, dict owners by one forward cursor instead of a binary
           search each. */
        Py_ssize_t cursor = 0;
        for (Py_ssize_t i = 0; i < g->nreal; i++) {
            cache[i] = gy_classify_key(GY_BY_CLODO, g->nodes->items[i], 0,
                                       g->nodes->owners, &cursor);
        }
    }
    for (Py_ssize_t k = 0; k < nodes->count; k++) {
        Py_ssize_t n = 0, id = ids[k];
        if (id >= 0) {
            Py_ssize_t indeg = g->in_start[id + 1] - g->in_start[id];
            if (gy_grow(&vec, &veccap, indeg + 1, sizeof(uintptr_t)) < 0) {
                goto done;
            }
            for (uint32_t e = g->in_start[id]; e < g->in_start[id + 1]; e++) {
                uint32_t r = g->in[e];
                if (cache[r] == 0) {
                    cache[r] = node_key(state, g, by, r, &sizer, &err);
                    if (err) {
                        goto done;
                    }
                }
                vec[n++] = cache[r];
            }
            n = sort_unique(vec, n);
        }
        c->keys[k] = setkey_make(c, vec, n);
        if (c->keys[k] == 0) {
            goto done;
        }
    }
    rc = 0;
done:
    gy_sizer_fini(&sizer);
    PyMem_Free(cache);
    gy_big_free(ids);
    PyMem_Free(vec);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Via: the names of the references to each member */

typedef struct ViaNode {
    uint32_t member;           /* member index, or NONE32 */
    uint32_t stamp;            /* last referrer + 1 to reach it */
    uint32_t atom;             /* its one name so far: atom id + 1, 0 for
                                  none, MULTI_ATOM for several (in pairs) */
} ViaNode;

#define MULTI_ATOM UINT32_MAX

typedef struct ViaPair {
    uint32_t member;
    uint32_t atom;
} ViaPair;

#define ATOM_CACHE 256

typedef struct Via {
    /* Recent atoms by their key words: most edges are named alike
       ('.__dict__', "['name']"), so this spares the table a probe. */
    uintptr_t cache_key[ATOM_CACHE][3];
    uint32_t cache_atom[ATOM_CACHE];
    GyClassified *c;
    GyGraph *g;
    ViaNode *node;             /* by node id; its fields are read together
                                  for each named reference */
    uint32_t src;              /* the referrer being related */
    int trusted;               /* it names only edges the graph holds */
    GyKeyTable atoms;          /* distinct relations seen, but for */
    uint32_t *table_atom;      /*   (by table id: the atom id) */
    uint32_t *index_atom;      /* item positions [i]: atom id + 1 by i, 0
                                  if none yet (a list of 200,000 items
                                  names 200,000 atoms: no hashing) */
    Py_ssize_t index_cap, table_cap;
    GyRel *atom_rels;          /* by atom id */
    Py_ssize_t natoms, atoms_cap;
    ViaPair *pairs;            /* of the members with several names */
    Py_ssize_t npairs, pairs_cap;
    PyObject **held;           /* keys whose repr may run code, owned */
    Py_ssize_t nheld;
} Via;

/* A new atom for rel: its id, or -1 with MemoryError. */
static Py_ssize_t
via_new_atom(Via *v, const GyRel *rel)
{
    if (gy_grow(&v->atom_rels, &v->atoms_cap, v->natoms + 1,
                sizeof(GyRel)) < 0) {
        return -1;
    }
    v->atom_rels[v->natoms] = *rel;
    return v->natoms++;
}

/* The atom id of rel (interning a new one), or -1 with MemoryError. */
static Py_ssize_t
via_atom(Via *v, const GyRel *given)
{
    GyRel canon;
    const GyRel *rel = given;
    if (given->kind == GY_REL_INDEXVAL && given->obj != NULL
        && PyLong_CheckExact(given->obj)) {
        /* d[5] and l[5] print alike: one atom, in index form. */
        int overflow;
        long long i = PyLong_AsLongLongAndOverflow(given->obj, &overflow);
        if (!overflow && i >= PY_SSIZE_T_MIN && i <= PY_SSIZE_T_MAX) {
            canon = *given;
            canon.obj = NULL;
            canon.index = (Py_ssize_t)i;
            rel = &canon;
        }
    }
    if (rel->kind == GY_REL_INDEXVAL && rel->obj == NULL && rel->index >= 0
        && rel->index < (Py_ssize_t)UINT32_MAX) {
        Py_ssize_t i = rel->index;
        if (i >= v->index_cap) {
            Py_ssize_t old = v->index_cap;
            if (gy_grow(&v->index_atom, &v->index_cap, i + 1,
                        sizeof(uint32_t)) < 0) {
                return -1;
            }
            memset(v->index_atom + old, 0,
                   (size_t)(v->index_cap - old) * sizeof(uint32_t));
        }
        if (v->index_atom[i] == 0) {
            Py_ssize_t id = via_new_atom(v, rel);
            if (id < 0) {
                return -1;
            }
            v->index_atom[i] = (uint32_t)id + 1;
        }
        return v->index_atom[i] - 1;
    }
    uintptr_t key[3] = {(uintptr_t)rel->kind, 0, 0};
    switch (rel->kind) {
    case GY_REL_ATTRIBUTE:
    case GY_REL_INTERATTR:
        key[1] = (uintptr_t)rel->name;
        key[2] = (uintptr_t)rel->obj;
        break;
    case GY_REL_INDEXVAL:
        key[1] = rel->obj == NULL;
        key[2] = rel->obj ? (uintptr_t)rel->obj : (uintptr_t)rel->index;
        break;
    case GY_REL_LOCAL_VAR:
    case GY_REL_CELL:
        key[1] = (uintptr_t)rel->obj;
        break;
    case GY_REL_ROOT:
        key[1] = (uintptr_t)rel->root;
        break;
    default:
        key[1] = (uintptr_t)rel->index;
        break;
    }
    size_t slot = (size_t)((key[0] * 31 + key[1] * 0x9E3779B1u + key[2])
                           >> 3) & (ATOM_CACHE - 1);
    uintptr_t *ck = v->cache_key[slot];
    if (ck[0] == key[0] && ck[1] == key[1] && ck[2] == key[2]) {
        return v->cache_atom[slot];
    }
    Py_ssize_t known = v->atoms.n;
    Py_ssize_t tid = gy_keytable_intern(&v->atoms, key, 3);
    if (tid < 0) {
        return -1;
    }
    if (tid == known) {                 /* new to the table */
        Py_ssize_t id = via_new_atom(v, rel);
        if (id < 0 || gy_grow(&v->table_atom, &v->table_cap, tid + 1,
                              sizeof(uint32_t)) < 0) {
            return -1;
        }
        v->table_atom[tid] = (uint32_t)id;
    }
    uint32_t id = v->table_atom[tid];
    ck[0] = key[0];
    ck[1] = key[1];
    ck[2] = key[2];
    v->cache_atom[slot] = id;
    return id;
}

static int
via_pair(Via *v, uint32_t member, uint32_t atom)
{
    if (v->npairs == v->pairs_cap
        && gy_grow(&v->pairs, &v->pairs_cap, v->npairs + 1,
                   sizeof(ViaPair)) < 0) {
        return -1;
    }
    v->pairs[v->npairs].member = member;
    v->pairs[v->npairs].atom = atom;
    v->npairs++;
    return 0;
}

/* Name the reference to node n (a member) by rel. Most members have one
 * name, kept in the node; a member with several has them all in pairs,
 * grouped later. */
static int
via_add(Via *v, ViaNode *n, const GyRel *rel)
{
    /* heapy does not name an instance's reference to its class. */
    if (rel->kind == GY_REL_INTERATTR && rel->name != NULL
        && strcmp(rel->name, "ob_type") == 0) {
        return 0;
    }
    Py_ssize_t atom = via_atom(v, rel);
    if (atom < 0) {
        return -1;
    }
    if (atom >= (Py_ssize_t)MULTI_ATOM - 1) {
        PyErr_SetString(PyExc_OverflowError, "more than 2**32 names");
        return -1;
    }
    uint32_t a = (uint32_t)atom + 1;
    if (n->atom == 0) {
        n->atom = a;
        return 0;
    }
    if (n->atom == a) {
        return 0;
    }
    if (n->atom != MULTI_ATOM) {
        if (via_pair(v, n->member, n->atom - 1) < 0) {
            return -1;
        }
        n->atom = MULTI_ATOM;
    }
    return via_pair(v, n->member, (uint32_t)atom);
}

/* gy_relproc: keep the named references that are edges to members. */
static int
via_relproc(const GyRel *rel, PyObject *dst, void *arg)
{
    Via *v = arg;
    Py_ssize_t id = gy_graph_id(v->g, dst);
    if (id < 0 || v->node[id].member == NONE32
        || (!v->trusted && v->node[id].stamp != v->src + 1)) {
        return 0;
    }
    return via_add(v, &v->node[id], rel);
}

static void
via_fini(Via *v)
{
    gy_big_free(v->node);
    gy_keytable_fini(&v->atoms);
    PyMem_Free(v->table_atom);
    PyMem_Free(v->index_atom);
    PyMem_Free(v->atom_rels);
    PyMem_Free(v->pairs);
    for (Py_ssize_t i = 0; i < v->nheld; i++) {
        Py_DECREF(v->held[i]);
    }
    PyMem_Free(v->held);
}

/* Whether making the text of atom a may run Python code: its key or name
 * has a repr that is not the builtin's own. */
static int
via_atom_runs_code(const Via *v, Py_ssize_t a)
{
    PyObject *o = v->atom_rels[a].obj;
    return o != NULL && !PyUnicode_CheckExact(o) && !PyLong_CheckExact(o)
           && !PyFloat_CheckExact(o) && !PyBytes_CheckExact(o)
           && !PyBool_Check(o) && o != Py_None;
}

/* A reference to the key of each atom whose text may run Python code,
 * kept until via_fini; returns how many. */
static Py_ssize_t
via_hold_keys(Via *v)
{
    Py_ssize_t n = 0;
    for (Py_ssize_t a = 0; a < v->natoms; a++) {
        n += via_atom_runs_code(v, a);
    }
    if (n == 0) {
        return 0;
    }
    v->held = gy_alloc_array(n, sizeof(PyObject *));
    if (v->held == NULL) {
        return -1;
    }
    for (Py_ssize_t a = 0; a < v->natoms; a++) {
        if (via_atom_runs_code(v, a)) {
            v->held[v->nheld++] = Py_NewRef(v->atom_rels[a].obj);
        }
    }
    return n;
}

/* Text of the atoms that run no Python code (code_pass 0) or of the others
 * (code_pass 1), deduplicated through seen: canon[atom] = index into
 * c->strings. */
static int
via_atom_strings(Via *v, GyClassified *c, uint32_t *canon, PyObject *seen,
                 int code_pass)
{
    Py_ssize_t cap = c->nstrings;
    for (Py_ssize_t a = 0; a < v->natoms; a++) {
        if (via_atom_runs_code(v, a) != code_pass) {
            continue;
        }
        PyObject *s = gy_rel_str(&v->atom_rels[a]);
        if (s == NULL) {
            return -1;
        }
        if (gy_rel_text_is_unique(&v->atom_rels[a])) {
            if (gy_grow(&c->strings, &cap, c->nstrings + 1,
                        sizeof(PyObject *)) < 0) {
                Py_DECREF(s);
                return -1;
            }
            canon[a] = (uint32_t)c->nstrings;
            c->strings[c->nstrings++] = s;
            continue;
        }
        PyObject *known;
        if (gy_dict_get_ref(seen, s, &known) < 0) {
            Py_DECREF(s);
            return -1;
        }
        if (known != NULL) {
            canon[a] = (uint32_t)PyLong_AsSize_t(known);
            Py_DECREF(known);
            Py_DECREF(s);
            continue;
        }
        PyObject *idx = PyLong_FromSsize_t(c->nstrings);
        if (idx == NULL || PyDict_SetItem(seen, s, idx) < 0
            || gy_grow(&c->strings, &cap, c->nstrings + 1,
                       sizeof(PyObject *)) < 0) {
            Py_XDECREF(idx);
            Py_DECREF(s);
            return -1;
        }
        Py_DECREF(idx);
        canon[a] = (uint32_t)c->nstrings;
        c->strings[c->nstrings++] = s;      /* owned by c */
    }
    return 0;
}

/* The named references from node r to members, into v's pairs. */
static int
via_relate_referrer(Via *v, GyRelater *relater, uint32_t r)
{
    GyGraph *g = v->g;
    v->src = r;
    if (r < g->nreal) {
        PyObject *op = g->nodes->items[r];
        v->trusted = PyDict_CheckExact(op) || PyList_CheckExact(op)
                     || PyTuple_CheckExact(op);
        if (!v->trusted) {
            for (uint32_t e = g->out_start[r]; e < g->out_start[r + 1]; e++) {
                v->node[g->out[e]].stamp = r + 1;
            }
        }
        if (gy_relate(relater, op, via_relproc, v)) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_RuntimeError,
                                "byvia: relating a referrer failed");
            }
            return -1;
        }
        return 0;
    }
    /* The root or a frame: its edges carry their names. */
    uint32_t base = g->out_start[g->nreal];
    for (uint32_t e = g->out_start[r]; e < g->out_start[r + 1]; e++) {
        uint32_t d = g->out[e];
        GyRel rel;
        if (v->node[d].member != NONE32
            && gy_relate_rootref(&g->vlabels[e - base], &rel)
            && via_add(v, &v->node[d], &rel) < 0) {
            return -1;
        }
    }
    return 0;
}

static int
classify_via(GyState *state, GyClassified *c, GyNodes *nodes,
             GyGraph **graph, int graph_last)
{
    Via v;
    GyRelater relater;
    Py_ssize_t *ids = NULL, *first = NULL;
    uint32_t *canon = NULL;
    uint64_t *referrers = NULL;
    uintptr_t *vec = NULL;
    PyObject *seen = NULL;
    int rc = -1;
    memset(&v, 0, sizeof(v));
    if (ensure_graph(state, graph) < 0) {
        return -1;
    }
    GyGraph *g = *graph;
    v.c = c;
    v.g = g;
    if (gy_relater_init(&relater) < 0) {
        return -1;
    }
    if (gy_keytable_init(&v.atoms) < 0) {
        goto done;
    }
    /* The arrays over all nodes are big scratch (bigmem.c). */
    v.node = gy_big_alloc(g->nnodes + 1, sizeof(ViaNode), 0);
    ids = v.node ? member_ids(g, nodes) : NULL;
    if (ids == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < g->nnodes; i++) {
        v.node[i].member = NONE32;
        v.node[i].stamp = 0;
        v.node[i].atom = 0;
    }
    for (Py_ssize_t k = 0; k < nodes->count; k++) {
        if (ids[k] >= 0) {
            v.node[ids[k]].member = (uint32_t)k;
        }
    }
    /* The distinct referrers of the members, as a bitmap over node ids,
       from the forward edges (the graph has no reverse rows): they are
       then related in id order, which is address order, so the objects
       are read front to back rather than at random. */
    size_t nwords = ((size_t)g->nnodes + 63) / 64;
    referrers = PyMem_Calloc(nwords + 1, sizeof(uint64_t));
    if (referrers == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (uint32_t r = 0; r < (uint32_t)g->nnodes; r++) {
        for (uint32_t e = g->out_start[r]; e < g->out_start[r + 1]; e++) {
            if (v.node[g->out[e]].member != NONE32) {
                referrers[r >> 6] |= UINT64_C(1) << (r & 63);
                break;
            }
        }
    }
    /* Relate each referrer once. node[d].stamp == r + 1 tells that r has an
       edge to d, so names of references the graph does not hold (fields
       a type's traversal skips) are not counted. Exact dicts, lists and
       tuples name just what they traverse: no stamps needed. */
    for (size_t w = 0; w < nwords; w++) {
        for (uint64_t word = referrers[w]; word != 0; word &= word - 1) {
            uint32_t r = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(word));
            if (via_relate_referrer(&v, &relater, r) < 0) {
                goto done;
            }
        }
    }
    canon = gy_alloc_array(v.natoms + 1, sizeof(uint32_t));
    seen = PyDict_New();
    if (canon == NULL || seen == NULL
        || via_atom_strings(&v, c, canon, seen, 0) < 0) {
        goto done;
    }
    /* The reprs of the other keys may run Python code, which could let
       objects of a borrowed graph go. Those keys are held; the graph is
       then given up if nothing after this reads it (holding a reference
       to every object in it, and letting go of them all, would take as
       long as relating them), else it takes its references. */
    Py_ssize_t nheld = via_hold_keys(&v);
    if (nheld < 0) {
        goto done;
    }
    if (nheld > 0) {
        if (graph_last) {
            gy_graph_free(g);
            *graph = NULL;
            v.g = g = NULL;
        }
        else {
            graph_hold(g);
        }
        if (via_atom_strings(&v, c, canon, seen, 1) < 0) {
            goto done;
        }
    }
    first = gy_big_alloc(nodes->count + 2, sizeof(Py_ssize_t), 1);
    vec = gy_big_alloc(v.npairs + 1, sizeof(uintptr_t), 0);
    if (first == NULL || vec == NULL) {
        goto done;
    }
    /* The pairs of the members with several names, grouped by member: a
       counting sort. */
    for (Py_ssize_t p = 0; p < v.npairs; p++) {
        first[v.pairs[p].member + 2]++;
    }
    for (Py_ssize_t k = 2; k <= nodes->count + 1; k++) {
        first[k] += first[k - 1];
    }
    for (Py_ssize_t p = 0; p < v.npairs; p++) {
        vec[first[v.pairs[p].member + 1]++] = canon[v.pairs[p].atom];
    }
    for (Py_ssize_t k = 0; k < nodes->count; k++) {
        uint32_t atom = ids[k] >= 0 ? v.node[ids[k]].atom : 0;
        if (atom == MULTI_ATOM) {
            Py_ssize_t lo = first[k], n = first[k + 1] - lo;
            n = sort_unique(vec + lo, n);
            c->keys[k] = setkey_make(c, vec + lo, n);
        }
        else {
            uintptr_t one = atom ? canon[atom - 1] : 0;
            c->keys[k] = setkey_make(c, &one, atom != 0);
        }
        if (c->keys[k] == 0) {
            goto done;
        }
    }
    rc = 0;
done:
    gy_relater_fini(&relater);
    via_fini(&v);
    gy_big_free(ids);
    gy_big_free(first);
    PyMem_Free(canon);
    Py_XDECREF(seen);
    PyMem_Free(referrers);
    gy_big_free(vec);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Prod: where tracemalloc saw the object allocated */

static int
classify_prod(GyClassified *c, GyNodes *nodes)
{
    PyObject *mod = PyImport_ImportModule("tracemalloc");
    PyObject *tracing = NULL, *seen = NULL;
    Py_ssize_t cap = 0;
    int rc = -1;
    if (mod == NULL) {
        return -1;
    }
    tracing = PyObject_CallMethod(mod, "is_tracing", NULL);
    if (tracing == NULL) {
        goto done;
    }
    if (!PyObject_IsTrue(tracing)) {
        PyErr_SetString(PyExc_RuntimeError,
                        "Tracemalloc is not tracing. No producer profile "
                        "available. See "
                        "https://docs.python.org/3/library/tracemalloc.html");
        goto done;
    }
    seen = PyDict_New();
    if (seen == NULL) {
        goto done;
    }
    for (Py_ssize_t k = 0; k < nodes->count; k++) {
        PyObject *tb = gy_alloc_traceback(nodes->items[k]);
        if (tb == NULL) {
            goto done;
        }
        /* The most recent frame, (filename, lineno), or None. */
        PyObject *where = Py_None;
        if (PyTuple_Check(tb) && PyTuple_GET_SIZE(tb) > 0
            && PyTuple_Check(PyTuple_GET_ITEM(tb, 0))
            && PyTuple_GET_SIZE(PyTuple_GET_ITEM(tb, 0)) >= 2) {
            where = PyTuple_GET_ITEM(tb, 0);
        }
        PyObject *known;
        if (gy_dict_get_ref(seen, where, &known) < 0) {
            Py_DECREF(tb);
            goto done;
        }
        Py_ssize_t id;
        if (known != NULL) {
            id = PyLong_AsSsize_t(known);
            Py_DECREF(known);
        }
        else {
            id = c->nstrings;
            PyObject *idx = PyLong_FromSsize_t(id);
            if (idx == NULL || PyDict_SetItem(seen, where, idx) < 0
                || gy_grow(&c->strings, &cap, id + 1,
                           sizeof(PyObject *)) < 0) {
                Py_XDECREF(idx);
                Py_DECREF(tb);
                goto done;
            }
            Py_DECREF(idx);
            c->strings[c->nstrings++] = Py_NewRef(where);
        }
        Py_DECREF(tb);
        uintptr_t v = (uintptr_t)id;
        if ((c->keys[k] = classified_intern(c, &v, 1, nodes->items[k]))
            == 0) {
            goto done;
        }
    }
    rc = 0;
done:
    Py_DECREF(mod);
    Py_XDECREF(tracing);
    Py_XDECREF(seen);
    return rc;
}

/* ------------------------------------------------------------------ */
/* A & B, dictof(E), and the simple relations */

static int
classify_simple(GyBy by, GyClassified *c, GyNodes *nodes)
{
    Py_ssize_t cursor = 0;
    for (Py_ssize_t k = 0; k < nodes->count; k++) {
        c->keys[k] = gy_classify_key(by, nodes->items[k],
                                     nodes->sizes ? nodes->sizes[k] : 0,
                                     nodes->owners, &cursor);
    }
    return 0;
}

enum { DICTOF_NOT_DICT, DICTOF_NO_OWNER, DICTOF_OWNED };

static int
classify_dictof(GyState *state, GyClassified *c, GyNodes *nodes)
{
    GyBy by = c->er->a->by;
    GySizer sizer;
    Py_ssize_t cursor = 0;
    if (gy_sizer_init(&sizer, state) < 0) {
        return -1;
    }
    for (Py_ssize_t k = 0; k < nodes->count; k++) {
        PyObject *op = nodes->items[k], *owner = NULL;
        uintptr_t v[2] = {DICTOF_NOT_DICT, 0};
        Py_ssize_t len = 1;
        if (PyDict_CheckExact(op)) {
            owner = gy_owners_next(nodes->owners, &cursor, op);
            v[0] = owner ? DICTOF_OWNED : DICTOF_NO_OWNER;
        }
        if (owner != NULL) {
            Py_ssize_t size = 0;
            if (by == GY_BY_SIZE
                && (size = gy_sizer_size(&sizer, owner)) < 0) {
                gy_sizer_fini(&sizer);
                return -1;
            }
            v[1] = gy_classify_key(by, owner, size, nodes->owners, NULL);
            len = 2;
        }
        c->keys[k] = classified_intern(c, v, len, owner ? owner : op);
        if (c->keys[k] == 0) {
            gy_sizer_fini(&sizer);
            return -1;
        }
    }
    gy_sizer_fini(&sizer);
    return 0;
}

static int classify_any(GyState *state, const GyER *er, GyNodes *nodes,
                        GyGraph **graph, GyClassified *out, int graph_last);

/* dictof(E) for a composite E: the owners of the member dicts are
 * classified as a set of their own (E may need their referrers, their
 * pairs of classes, ...), then each dict takes its owner's class. */
static int
classify_dictof_composite(GyState *state, GyClassified *c, GyNodes *nodes,
                          GyGraph **graph)
{
    PyObject **own = NULL;
    Py_ssize_t n = 0, cap = 0, cursor = 0;
    GyNodes *os = NULL;
    for (Py_ssize_t k = 0; k < nodes->count; k++) {
        PyObject *op = nodes->items[k];
        PyObject *owner = PyDict_CheckExact(op)
            ? gy_owners_next(nodes->owners, &cursor, op) : NULL;
        if (owner != NULL) {
            if (n == cap && gy_grow(&own, &cap, n + 1,
                                    sizeof(PyObject *)) < 0) {
                goto error;
            }
            own[n++] = owner;
        }
    }
    os = gy_nodes_from_array(own, n);
    PyMem_Free(own);
    own = NULL;
    if (os == NULL) {
        return -1;
    }
    if (nodes->owners != NULL) {
        gy_owners_incref(nodes->owners);
        os->owners = nodes->owners;
    }
    c->held = os;
    c->a = PyMem_Calloc(1, sizeof(GyClassified));
    if (c->a == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (gy_nodes_ensure_sizes(state, os) < 0
        || classify_any(state, c->er->a, os, graph, c->a, 0) < 0) {
        PyMem_Free(c->a);
        c->a = NULL;
        return -1;
    }
    cursor = 0;
    for (Py_ssize_t k = 0; k < nodes->count; k++) {
        PyObject *op = nodes->items[k], *owner = NULL;
        uintptr_t v[2] = {DICTOF_NOT_DICT, 0};
        Py_ssize_t len = 1;
        if (PyDict_CheckExact(op)) {
            owner = gy_owners_next(nodes->owners, &cursor, op);
            v[0] = owner ? DICTOF_OWNED : DICTOF_NO_OWNER;
        }
        if (owner != NULL) {
            /* The owner's position in os, which is sorted. */
            Py_ssize_t lo = 0, hi = os->count;
            while (lo < hi) {
                Py_ssize_t mid = lo + (hi - lo) / 2;
                if ((uintptr_t)os->items[mid] < (uintptr_t)owner) {
                    lo = mid + 1;
                }
                else {
                    hi = mid;
                }
            }
            v[1] = c->a->keys[lo];
            len = 2;
        }
        c->keys[k] = classified_intern(c, v, len, owner ? owner : op);
        if (c->keys[k] == 0) {
            return -1;
        }
    }
    return 0;
error:
    PyMem_Free(own);
    return -1;
}

static int
classified_alloc(GyClassified *c, const GyER *er, Py_ssize_t n)
{
    memset(c, 0, sizeof(*c));
    c->er = er;
    c->keys = gy_alloc_array(n + 1, sizeof(uintptr_t));
    if (c->keys == NULL || gy_keytable_init(&c->table) < 0) {
        PyMem_Free(c->keys);
        c->keys = NULL;
        return -1;
    }
    return 0;
}

/* graph_last: nothing reads *graph after this classification (a part of
 * an And or of a dictof may be followed by another reading it, and the
 * keys of earlier parts may point into objects only it holds). */
static int
classify_any(GyState *state, const GyER *er, GyNodes *nodes,
             GyGraph **graph, GyClassified *out, int graph_last)
{
    if (classified_alloc(out, er, nodes->count) < 0) {
        return -1;
    }
    out->owners = nodes->owners;
    int rc;
    switch (er->by) {
    case GY_BY_REFDBY:
        rc = classify_refdby(state, out, nodes, graph, graph_last);
        break;
    case GY_BY_VIA:
        rc = classify_via(state, out, nodes, graph, graph_last);
        break;
    case GY_BY_PROD:
        graph_hold(*graph);         /* tracemalloc's functions */
        rc = classify_prod(out, nodes);
        break;
    case GY_BY_DICTOF:
        if (er->a->by > GY_BY_LAST_SIMPLE) {
            rc = classify_dictof_composite(state, out, nodes, graph);
            break;
        }
        if (er->a->by == GY_BY_SIZE) {
            graph_hold(*graph);     /* the owners' __sizeof__ */
        }
        rc = classify_dictof(state, out, nodes);
        break;
    case GY_BY_AND: {
        out->a = PyMem_Calloc(1, sizeof(GyClassified));
        out->b = PyMem_Calloc(1, sizeof(GyClassified));
        rc = -1;
        if (out->a == NULL || out->b == NULL) {
            PyErr_NoMemory();
            break;
        }
        if (classify_any(state, er->a, nodes, graph, out->a, 0) < 0
            || classify_any(state, er->b, nodes, graph, out->b, 0) < 0) {
            break;
        }
        rc = 0;
        for (Py_ssize_t k = 0; k < nodes->count && rc == 0; k++) {
            uintptr_t v[2] = {out->a->keys[k], out->b->keys[k]};
            out->keys[k] = classified_intern(out, v, 2, nodes->items[k]);
            rc = out->keys[k] == 0 ? -1 : 0;
        }
        break;
    }
    case GY_BY_PYTHON:
        PyErr_SetString(PyExc_SystemError,
                        "gy_classify_set: 'python' relations are "
                        "partitioned by partition.c");
        rc = -1;
        break;
    default:
        rc = classify_simple(er->by, out, nodes);
        break;
    }
    if (rc < 0) {
        gy_classified_fini(out);
    }
    return rc;
}

int
gy_classify_set(GyState *state, const GyER *er, GyNodes *nodes,
                GyGraph **graph, GyClassified *out)
{
    return classify_any(state, er, nodes, graph, out, 1);
}

void
gy_classified_fini(GyClassified *c)
{
    if (c->a != NULL) {
        gy_classified_fini(c->a);
        PyMem_Free(c->a);
    }
    if (c->b != NULL) {
        gy_classified_fini(c->b);
        PyMem_Free(c->b);
    }
    for (Py_ssize_t i = 0; i < c->nstrings; i++) {
        Py_DECREF(c->strings[i]);
    }
    gy_nodes_decref(c->held);
    PyMem_Free(c->strings);
    PyMem_Free(c->keys);
    PyMem_Free(c->examples);
    gy_keytable_fini(&c->table);
    memset(c, 0, sizeof(*c));
}

void
gy_classified_drop_keys(GyClassified *c)
{
    PyMem_Free(c->keys);
    c->keys = NULL;
    if (c->a != NULL) {
        gy_classified_drop_keys(c->a);
    }
    if (c->b != NULL) {
        gy_classified_drop_keys(c->b);
    }
}

/* ------------------------------------------------------------------ */
/* Labels and key objects */

/* ", ".join(sorted(labels)), wrapped in braces in "and" context; empty
 * gives if_empty. Steals labels (a list). */
static PyObject *
join_sorted(PyObject *labels, const char *if_empty, int and_ctx)
{
    PyObject *sep = NULL, *joined = NULL, *r = NULL;
    if (labels != NULL && PyList_GET_SIZE(labels) == 1 && !and_ctx) {
        r = Py_NewRef(PyList_GET_ITEM(labels, 0));
        goto done;
    }
    if (labels == NULL || PyList_Sort(labels) < 0) {
        goto done;
    }
    if (PyList_GET_SIZE(labels) == 0) {
        r = PyUnicode_FromString(and_ctx ? "{}" : if_empty);
        goto done;
    }
    sep = PyUnicode_FromString(", ");
    joined = sep ? PyUnicode_Join(sep, labels) : NULL;
    if (joined != NULL) {
        r = and_ctx ? PyUnicode_FromFormat("{%U}", joined)
                    : Py_NewRef(joined);
    }
done:
    Py_XDECREF(labels);
    Py_XDECREF(sep);
    Py_XDECREF(joined);
    return r;
}

/* repr(s), for a str: made directly when s is printable ASCII without
 * quote or backslash (a byvia label per row, 200,000 of them for a list's
 * items), else by repr itself. */
static PyObject *
quoted(PyObject *s)
{
    if (!PyUnicode_IS_ASCII(s)) {
        return PyObject_Repr(s);
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    const Py_UCS1 *data = PyUnicode_1BYTE_DATA(s);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (data[i] < 0x20 || data[i] == 0x7f || data[i] == '\\'
            || data[i] == '\'') {
            return PyObject_Repr(s);
        }
    }
    PyObject *r = PyUnicode_New(n + 2, 127);
    if (r == NULL) {
        return NULL;
    }
    Py_UCS1 *out = PyUnicode_1BYTE_DATA(r);
    out[0] = '\'';
    memcpy(out + 1, data, (size_t)n);
    out[n + 1] = '\'';
    return r;
}

/* Label of a simple relation's class, Size unpadded in "and" context. */
static PyObject *
simple_label(GyState *state, const GyClassified *c, GyBy by, uintptr_t key,
             PyObject *example, int and_ctx)
{
    if (by == GY_BY_SIZE && and_ctx) {
        return PyUnicode_FromFormat("%zd", (Py_ssize_t)(key - 1));
    }
    return gy_classify_label(state, by, key, example, c->owners);
}

/* The words of a composite class: a set key (Rcs, Via) or an interned
 * vector (id + 1). */
static const uintptr_t *
class_words(const GyClassified *c, uintptr_t key, uintptr_t *one,
            Py_ssize_t *len)
{
    if (c->er->by == GY_BY_REFDBY || c->er->by == GY_BY_VIA) {
        return setkey_get(c, key, one, len);
    }
    return gy_keytable_get(&c->table, (Py_ssize_t)key - 1, len);
}

PyObject *
gy_classified_label(GyState *state, const GyClassified *c, uintptr_t key,
                    PyObject *example, int and_ctx)
{
    const GyER *er = c->er;
    if (er->by <= GY_BY_LAST_SIMPLE) {
        return simple_label(state, c, er->by, key, example, and_ctx);
    }
    Py_ssize_t len, id = (Py_ssize_t)key - 1;
    uintptr_t one;
    const uintptr_t *v = class_words(c, key, &one, &len);
    switch (er->by) {
    case GY_BY_REFDBY:
    case GY_BY_VIA: {
        /* The referrers' class labels, or the names quoted. */
        int via = er->by == GY_BY_VIA;
        if (via && len == 1 && !and_ctx) {
            return quoted(c->strings[v[0]]);
        }
        PyObject *labels = PyList_New(len);
        for (Py_ssize_t i = 0; labels != NULL && i < len; i++) {
            PyObject *l = via ? PyObject_Repr(c->strings[v[i]])
                              : simple_label(state, c, er->a->by, v[i],
                                             NULL, 0);
            if (l == NULL) {
                Py_CLEAR(labels);
                break;
            }
            PyList_SET_ITEM(labels, i, l);
        }
        return join_sorted(labels, via ? "" : "<Nothing>", and_ctx);
    }
    case GY_BY_PROD: {
        PyObject *where = c->strings[v[0]];
        if (where == Py_None) {
            return PyUnicode_FromString("unknown");
        }
        return PyUnicode_FromFormat("%S:%S", PyTuple_GET_ITEM(where, 0),
                                    PyTuple_GET_ITEM(where, 1));
    }
    case GY_BY_DICTOF: {
        if (v[0] == DICTOF_NOT_DICT) {
            return PyUnicode_FromString("~dict");
        }
        if (v[0] == DICTOF_NO_OWNER) {
            return PyUnicode_FromString("dict (no owner)");
        }
        PyObject *l = c->a != NULL
            ? gy_classified_label(state, c->a, v[1], c->examples[id],
                                  and_ctx)
            : simple_label(state, c, er->a->by, v[1], c->examples[id],
                           and_ctx);
        PyObject *r = l ? PyUnicode_FromFormat("dict of %U", l) : NULL;
        Py_XDECREF(l);
        return r;
    }
    case GY_BY_AND: {
        PyObject *la = gy_classified_label(state, c->a, v[0], example, 1);
        PyObject *lb = la ? gy_classified_label(state, c->b, v[1], example, 1)
                          : NULL;
        PyObject *r = lb ? PyUnicode_FromFormat("%U & %U", la, lb) : NULL;
        Py_XDECREF(la);
        Py_XDECREF(lb);
        return r;
    }
    default:
        PyErr_SetString(PyExc_SystemError, "label of an unknown relation");
        return NULL;
    }
}

PyObject *
gy_classified_key_object(GyState *state, const GyClassified *c,
                         uintptr_t key, PyObject *example)
{
    const GyER *er = c->er;
    if (er->by <= GY_BY_LAST_SIMPLE) {
        return gy_classify_key_object(er->by, key, example);
    }
    Py_ssize_t len, id = (Py_ssize_t)key - 1;
    uintptr_t one;
    const uintptr_t *v = class_words(c, key, &one, &len);
    switch (er->by) {
    case GY_BY_REFDBY:
    case GY_BY_VIA: {
        PyObject *set = PyFrozenSet_New(NULL);
        for (Py_ssize_t i = 0; set != NULL && i < len; i++) {
            PyObject *o = er->by == GY_BY_VIA
                ? Py_NewRef(c->strings[v[i]])
                : gy_classify_key_object(er->a->by, v[i], NULL);
            if (o == NULL || PySet_Add(set, o) < 0) {
                Py_XDECREF(o);
                Py_CLEAR(set);
                break;
            }
            Py_DECREF(o);
        }
        return set;
    }
    case GY_BY_PROD:
        return Py_NewRef(c->strings[v[0]]);
    case GY_BY_DICTOF:
        if (v[0] == DICTOF_NOT_DICT) {
            Py_RETURN_NONE;
        }
        if (v[0] == DICTOF_NO_OWNER) {
            return PyTuple_New(0);
        }
        else {
            PyObject *o = c->a != NULL
                ? gy_classified_key_object(state, c->a, v[1],
                                           c->examples[id])
                : gy_classify_key_object(er->a->by, v[1], c->examples[id]);
            PyObject *t = o ? PyTuple_Pack(1, o) : NULL;
            Py_XDECREF(o);
            return t;
        }
    case GY_BY_AND: {
        PyObject *a = gy_classified_key_object(state, c->a, v[0], example);
        PyObject *b = a ? gy_classified_key_object(state, c->b, v[1],
                                                   example)
                        : NULL;
        PyObject *t = b ? PyTuple_Pack(2, a, b) : NULL;
        Py_XDECREF(a);
        Py_XDECREF(b);
        return t;
    }
    default:
        PyErr_SetString(PyExc_SystemError, "key of an unknown relation");
        return NULL;
    }
}
