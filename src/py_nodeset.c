/* py_nodeset.c -- guppy._guppy.NodeSet, the C half of heapy's IdentitySet
 * (guppy.heapy.UniSet subclasses it), and _Members, the holder of the
 * members that sets share. Each method validates its arguments, calls one
 * engine function and wraps the result: the set algebra is nodeset.c's,
 * grouping partition.c's, the text render.c's.
 *
 * A NodeSet is an immutable set of objects by identity: a GyNodes, shared
 * between sets with the same members (x.bytype costs no copy) through one
 * _Members object, which alone reports the members to the collector, plus
 * the cached partition of the relation it was last asked for. A selection
 * (h & kind, a row) borrows its items from the set it was selected from
 * until that set goes (members_release).
 *
 * Methods that need the whole heap build a reference graph (graph.c) or
 * walk it (refpat.c, dominators.c) for the call and free it before they
 * return, as a graph keeps the heap alive; _with_graph and _with_referrers
 * lend one to a Python callable for the length of the call. module.c makes
 * the types (gy_nodeset_add_types) and the sets of heap() and heapu()
 * (gy_nodeset_new).
 */
#include "py_nodeset.h"

#include "classify.h"
#include "dominators.h"
#include "graph.h"
#include "nodeset.h"
#include "partition.h"
#include "render.h"
#include "stat.h"
#include "walk.h"
#include "py_paths.h"
#include "refpat.h"

/* ------------------------------------------------------------------ */
/* NodeSet */

/* Members: the one Python object holding a GyNodes's references on behalf
 * of every NodeSet that shares it (x, x.bytype, x.byrcs, ...). The
 * collector must see each reference once: the NodeSets report their
 * Members object, and it reports the members.
 *
 * A selection (h & kind, h.bytype[0]) borrows its items from the Members
 * it was selected from, its keeper (nodeset.c says why): it holds a
 * reference to the keeper and reports that instead of the members, so
 * the collector sees the members kept alive through it. The keeper lists
 * its borrowers. When the last holder that is not a borrower lets go of
 * the keeper (members_release), every borrower first adopts its items,
 * so a selection never keeps the rest of a big set alive. */
typedef struct MembersObject {
    PyObject_HEAD
    GyNodes *nodes;           /* owns one C reference */
    PyObject *keeper;         /* borrowed from: a MembersObject, or NULL */
    struct MembersObject *borrowers;    /* list of those borrowing ours */
    struct MembersObject *next_borrower, *prev_borrower;
    Py_ssize_t nborrowers;
} MembersObject;

typedef struct {
    PyObject_HEAD
    GyNodes *nodes;           /* borrowed from members */
    PyObject *members;        /* MembersObject, shared */
    GyPartition *part;        /* cached partition, or NULL */
    PyObject *part_spec;      /* the relation spec it was made by */
} NodeSetObject;

static void
members_unlink(MembersObject *b)
{
    MembersObject *k = (MembersObject *)b->keeper;
    if (b->prev_borrower != NULL) {
        b->prev_borrower->next_borrower = b->next_borrower;
    }
    else {
        k->borrowers = b->next_borrower;
    }
    if (b->next_borrower != NULL) {
        b->next_borrower->prev_borrower = b->prev_borrower;
    }
    b->next_borrower = b->prev_borrower = NULL;
    k->nborrowers--;
}

/* Drop a reference to a Members object. If only its borrowers would hold
 * it then, they adopt their items first and let it go. Runs no Python
 * code before the last Py_DECREF. */
static void
members_release(PyObject *op)
{
    MembersObject *m = (MembersObject *)op;
    if (m->nborrowers > 0 && Py_REFCNT(op) == 1 + m->nborrowers) {
        while (m->borrowers != NULL) {
            MembersObject *b = m->borrowers;
            gy_nodes_adopt(b->nodes);
            members_unlink(b);
            b->keeper = NULL;
            Py_DECREF(op);          /* b's; ours keeps it alive */
        }
    }
    Py_DECREF(op);
}

static void
members_tp_dealloc(PyObject *op)
{
    MembersObject *m = (MembersObject *)op;
    PyTypeObject *tp = Py_TYPE(op);
    PyObject_GC_UnTrack(op);
    /* A keeper with borrowers is never deallocated: they hold it. */
    GY_ASSERT(m->nborrowers == 0);
    GyNodes *nodes = m->nodes;
    PyObject *keeper = m->keeper;
    m->nodes = NULL;
    if (keeper != NULL) {
        members_unlink(m);
        m->keeper = NULL;
    }
    tp->tp_free(op);
    gy_nodes_decref(nodes);         /* borrowed items: no references */
    if (keeper != NULL) {
        members_release(keeper);
    }
    Py_DECREF(tp);
}

static int
members_tp_traverse(PyObject *op, visitproc visit, void *arg)
{
    MembersObject *m = (MembersObject *)op;
    GyNodes *nodes = m->nodes;
    Py_VISIT(Py_TYPE(op));
    if (m->keeper != NULL) {
        Py_VISIT(m->keeper);        /* our items are its references */
        return 0;
    }
    for (Py_ssize_t i = 0; nodes != NULL && i < nodes->count; i++) {
        Py_VISIT(nodes->items[i]);
    }
    return 0;
}

/* New reference: a NodeSet of type tp over the Members object members. */
static PyObject *
nodeset_wrap_members(PyTypeObject *tp, PyObject *members)
{
    NodeSetObject *self = (NodeSetObject *)tp->tp_alloc(tp, 0);
    if (self == NULL) {
        return NULL;
    }
    self->members = Py_NewRef(members);
    self->nodes = ((MembersObject *)members)->nodes;
    return (PyObject *)self;
}

/* New reference: a NodeSet of type tp over nodes (stolen); if keeper is
 * set, nodes is a selection whose items are borrowed from that Members
 * object's. The Members object is complete before the collector can see
 * it: it must never report borrowed items as its references. */
static PyObject *
nodeset_wrap_nodes(PyTypeObject *tp, GyNodes *nodes, MembersObject *keeper)
{
    if (nodes == NULL) {
        return NULL;
    }
    GyState *st = gy_state_of_type(tp);
    MembersObject *m = st == NULL ? NULL
        : PyObject_GC_New(MembersObject, st->members_type);
    if (m == NULL) {
        gy_nodes_decref(nodes);     /* releases only what it owns */
        return NULL;
    }
    m->nodes = nodes;
    m->keeper = NULL;
    m->borrowers = m->next_borrower = m->prev_borrower = NULL;
    m->nborrowers = 0;
    if (keeper != NULL) {
        if (keeper->keeper != NULL) {
            /* a selection of a selection: the same items' keeper */
            keeper = (MembersObject *)keeper->keeper;
        }
        m->keeper = Py_NewRef((PyObject *)keeper);
        m->next_borrower = keeper->borrowers;
        if (keeper->borrowers != NULL) {
            keeper->borrowers->prev_borrower = m;
        }
        keeper->borrowers = m;
        keeper->nborrowers++;
    }
    PyObject_GC_Track((PyObject *)m);
    PyObject *self = nodeset_wrap_members(tp, (PyObject *)m);
    Py_DECREF(m);
    return self;
}

/* New reference: a NodeSet of type tp over nodes (stolen). */
static PyObject *
nodeset_wrap_steal(PyTypeObject *tp, GyNodes *nodes)
{
    return nodeset_wrap_nodes(tp, nodes, NULL);
}

/* New reference: a NodeSet of type tp over sub (stolen), selected from
 * the NodeSet source with its items borrowed from source's members. */
static PyObject *
nodeset_wrap_selection(PyTypeObject *tp, GyNodes *sub, PyObject *source)
{
    return nodeset_wrap_nodes(
        tp, sub, (MembersObject *)((NodeSetObject *)source)->members);
}

static int
nodeset_check(GyState *st, PyObject *op)
{
    return PyObject_TypeCheck(op, st->nodeset_type);
}

static PyObject *
nodeset_tp_new(PyTypeObject *tp, PyObject *args, PyObject *kwds)
{
    PyObject *iterable = NULL;
    static char *kwlist[] = {"iterable", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:NodeSet", kwlist,
                                     &iterable)) {
        return NULL;
    }
    GyState *st = gy_state_of_type(tp);
    if (st == NULL) {
        return NULL;
    }
    GyNodes *nodes;
    if (iterable == NULL) {
        nodes = gy_nodes_empty();
    }
    else if (nodeset_check(st, iterable)) {
        /* Same members: share them (h.bytype costs no copy). */
        return nodeset_wrap_members(tp, ((NodeSetObject *)iterable)->members);
    }
    else {
        nodes = gy_nodes_from_iterable(iterable);
    }
    return nodeset_wrap_steal(tp, nodes);
}

static void
nodeset_tp_dealloc(PyObject *op)
{
    NodeSetObject *self = (NodeSetObject *)op;
    PyTypeObject *tp = Py_TYPE(op);
    PyObject_GC_UnTrack(op);
    gy_partition_free(self->part);
    self->part = NULL;
    Py_CLEAR(self->part_spec);
    self->nodes = NULL;
    PyObject *members = self->members;
    self->members = NULL;
    if (members != NULL) {
        members_release(members);
    }
    tp->tp_free(op);
    Py_DECREF(tp);
}

static int
nodeset_tp_traverse(PyObject *op, visitproc visit, void *arg)
{
    NodeSetObject *self = (NodeSetObject *)op;
    Py_VISIT(Py_TYPE(op));
    Py_VISIT(self->part_spec);
    if (self->part != NULL) {
        for (Py_ssize_t i = 0; i < self->part->nrows; i++) {
            Py_VISIT(self->part->rows[i].keyobj);
        }
    }
    /* The members through their holder, so the collector sees cycles
       through sets and counts each reference once. */
    Py_VISIT(self->members);
    return 0;
}

static Py_ssize_t
nodeset_sq_length(PyObject *op)
{
    return ((NodeSetObject *)op)->nodes->count;
}

static int
nodeset_sq_contains(PyObject *op, PyObject *item)
{
    return gy_nodes_contains(((NodeSetObject *)op)->nodes, item);
}

static PyObject *
nodeset_tp_iter(PyObject *op)
{
    /* Members in address order, through a snapshot list. */
    GyNodes *n = ((NodeSetObject *)op)->nodes;
    PyObject *list = PyList_New(n->count);
    if (list == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n->count; i++) {
        PyList_SET_ITEM(list, i, Py_NewRef(n->items[i]));
    }
    PyObject *it = PyObject_GetIter(list);
    Py_DECREF(list);
    return it;
}

static Py_hash_t
nodeset_tp_hash(PyObject *op)
{
    return gy_nodes_hash(((NodeSetObject *)op)->nodes);
}

static PyObject *
nodeset_tp_richcompare(PyObject *a, PyObject *b, int op)
{
    GyState *st = gy_state_of_type(Py_TYPE(a));
    if (st == NULL) {
        return NULL;
    }
    if (!nodeset_check(st, a) || !nodeset_check(st, b)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    GyNodes *x = ((NodeSetObject *)a)->nodes, *y = ((NodeSetObject *)b)->nodes;
    int le = gy_nodes_subset(x, y), ge = gy_nodes_subset(y, x), r;
    switch (op) {
    case Py_LE: r = le; break;
    case Py_GE: r = ge; break;
    case Py_LT: r = le && !ge; break;
    case Py_GT: r = ge && !le; break;
    case Py_EQ: r = le && ge; break;
    default: r = !(le && ge); break;
    }
    return PyBool_FromLong(r);
}

/* Python: _binop(other, op) with op one of '&', '|', '-', '^'. Returns a
 * plain NodeSet; the facade re-wraps it in its own class. */
static PyObject *
nodeset_py_binop(PyObject *op, PyObject *args)
{
    PyObject *other;
    const char *opname;
    GyState *st = gy_state_of_type(Py_TYPE(op));
    if (st == NULL || !PyArg_ParseTuple(args, "Os:_binop", &other, &opname)) {
        return NULL;
    }
    if (!nodeset_check(st, other)) {
        PyErr_SetString(PyExc_TypeError, "_binop: other must be a NodeSet");
        return NULL;
    }
    GySetOp sop;
    switch (opname[0]) {
    case '&': sop = GY_OP_AND; break;
    case '|': sop = GY_OP_OR; break;
    case '-': sop = GY_OP_SUB; break;
    case '^': sop = GY_OP_XOR; break;
    default:
        PyErr_Format(PyExc_ValueError, "_binop: unknown operator %R",
                     PyTuple_GET_ITEM(args, 1));
        return NULL;
    }
    GyNodes *r = gy_nodes_binop(((NodeSetObject *)op)->nodes,
                                ((NodeSetObject *)other)->nodes, sop);
    return nodeset_wrap_steal(st->nodeset_type, r);
}

/* The partition computed by a ('python', func) relation: func(set)
 * returns (subsets, labels, class values, header). */
static GyPartition *
nodeset_partition_python(NodeSetObject *self, GyState *st, PyObject *func)
{
    GyPartition *p = NULL;
    GyNodes **subsets = NULL;
    Py_ssize_t n = 0;
    PyObject *arg = nodeset_wrap_members(st->nodeset_type, self->members);
    PyObject *res = arg ? PyObject_CallOneArg(func, arg) : NULL;
    Py_XDECREF(arg);
    if (res == NULL) {
        return NULL;
    }
    PyObject *sets, *labels, *keyobjs, *header;
    if (!PyTuple_Check(res)
        || !PyArg_ParseTuple(res, "O!O!O!U", &PyList_Type, &sets,
                             &PyList_Type, &labels, &PyList_Type, &keyobjs,
                             &header)) {
        if (!PyErr_Occurred() || PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            PyErr_SetString(PyExc_TypeError,
                            "a 'python' relation must return (list of "
                            "NodeSets, list of labels, list of class "
                            "values, header str)");
        }
        goto done;
    }
    n = PyList_GET_SIZE(sets);
    if (PyList_GET_SIZE(labels) != n || PyList_GET_SIZE(keyobjs) != n) {
        PyErr_SetString(PyExc_ValueError, "a 'python' relation returned "
                        "lists of different lengths");
        goto done;
    }
    subsets = gy_alloc_array(n + 1, sizeof(GyNodes *));
    if (subsets == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = PyList_GET_ITEM(sets, i);
        if (!nodeset_check(st, s)
            || !PyUnicode_Check(PyList_GET_ITEM(labels, i))) {
            PyErr_SetString(PyExc_TypeError, "a 'python' relation must "
                            "return NodeSets and str labels");
            goto done;
        }
        subsets[i] = ((NodeSetObject *)s)->nodes;
    }
    p = gy_partition_explicit(st, self->nodes, subsets,
                              &PyList_GET_ITEM(labels, 0),
                              &PyList_GET_ITEM(keyobjs, 0), n, header);
done:
    PyMem_Free(subsets);
    Py_DECREF(res);
    return p;
}

/* The partition of self by a relation spec (an int code or a tuple, see
 * classify_set.h), cached; borrowed, NULL on error. */
static GyPartition *
nodeset_partition(NodeSetObject *self, GyState *st, PyObject *spec)
{
    if (self->part != NULL) {
        int eq = self->part_spec == spec;
        if (!eq) {
            /* A spec's callable may compare by a raising __eq__. */
            eq = PyObject_RichCompareBool(self->part_spec, spec, Py_EQ);
            if (eq < 0) {
                return NULL;
            }
        }
        if (eq) {
            return self->part;
        }
    }
    GyER *er = gy_er_from_spec(spec);
    if (er == NULL) {
        return NULL;
    }
    GyPartition *p;
    if (er->by == GY_BY_PYTHON) {
        p = nodeset_partition_python(self, st, er->func);
    }
    else if (er->by == GY_BY_CLODO && self->nodes->clodo_totals != NULL) {
        p = gy_partition_from_totals(st, self->nodes);
    }
    else {
        p = gy_partition_new(st, self->nodes, er);
    }
    if (p == NULL) {
        gy_er_free(er);
        return NULL;
    }
    p->er = er;               /* its classes refer to it */
    gy_partition_free(self->part);
    self->part = p;
    Py_XSETREF(self->part_spec, Py_NewRef(spec));
    return p;
}

/* nodeset_partition, with each member's row known (a partition from the
 * walk's totals has none: the full one is made then). */
static GyPartition *
nodeset_partition_rows(NodeSetObject *self, GyState *st, PyObject *spec)
{
    GyPartition *p = nodeset_partition(self, st, spec);
    if (p == NULL || p->row_of != NULL || self->nodes->count == 0) {
        return p;
    }
    GyPartition *full = gy_partition_new(st, self->nodes, p->er);
    if (full == NULL) {
        return NULL;
    }
    full->er = p->er;          /* moved */
    p->er = NULL;
    gy_partition_free(p);
    self->part = full;
    return full;
}

static PyObject *
nodeset_get_size(PyObject *op, void *closure)
{
    (void)closure;
    NodeSetObject *self = (NodeSetObject *)op;
    GyState *st = gy_state_of_type(Py_TYPE(op));
    if (st == NULL) {
        return NULL;
    }
    if (self->nodes->sizes == NULL && self->nodes->clodo_totals != NULL) {
        return PyLong_FromSsize_t(self->nodes->clodo_totals->size);
    }
    if (gy_nodes_ensure_sizes(st, self->nodes) < 0) {
        return NULL;
    }
    return PyLong_FromSsize_t(self->nodes->sizes ? self->nodes->total_size
                                                 : 0);
}

static PyObject *
nodeset_get_count(PyObject *op, void *closure)
{
    (void)closure;
    return PyLong_FromSsize_t(((NodeSetObject *)op)->nodes->count);
}

/* Python: _numrows(by) */
static PyObject *
nodeset_py_numrows(PyObject *op, PyObject *arg)
{
    GyState *st = gy_state_of_type(Py_TYPE(op));
    if (st == NULL) {
        return NULL;
    }
    GyPartition *p = nodeset_partition((NodeSetObject *)op, st, arg);
    return p ? PyLong_FromSsize_t(p->nrows) : NULL;
}

/* Python: _table(by, start, maxrows, title, index_base, cumul_before) */
static PyObject *
nodeset_py_table(PyObject *op, PyObject *args)
{
    GyState *st = gy_state_of_type(Py_TYPE(op));
    int title;
    Py_ssize_t start, maxrows, index_base, cumul_before;
    PyObject *by;
    if (st == NULL
        || !PyArg_ParseTuple(args, "Onnpnn:_table", &by, &start, &maxrows,
                             &title, &index_base, &cumul_before)) {
        return NULL;
    }
    NodeSetObject *self = (NodeSetObject *)op;
    GyPartition *p = nodeset_partition(self, st, by);
    if (p == NULL) {
        return NULL;
    }
    if (start < 0) {
        start = 0;
    }
    if (start > p->nrows) {
        start = p->nrows;
    }
    return gy_render_table(st, p, self->nodes, start, maxrows, title,
                           index_base, cumul_before);
}

/* Python: _row(by, i) -> (NodeSet, cumulative size before row i) */
static PyObject *
nodeset_py_row(PyObject *op, PyObject *args)
{
    GyState *st = gy_state_of_type(Py_TYPE(op));
    Py_ssize_t i;
    PyObject *by;
    if (st == NULL || !PyArg_ParseTuple(args, "On:_row", &by, &i)) {
        return NULL;
    }
    NodeSetObject *self = (NodeSetObject *)op;
    GyPartition *p = nodeset_partition_rows(self, st, by);
    if (p == NULL) {
        return NULL;
    }
    if (i < 0 || i >= p->nrows) {
        PyErr_SetString(PyExc_IndexError, "Partition index out of range.");
        return NULL;
    }
    Py_ssize_t before = 0;
    for (Py_ssize_t k = 0; k < i; k++) {
        before += p->rows[k].size;
    }
    uint8_t *wanted = PyMem_Calloc((size_t)p->nrows + 1, 1);
    if (wanted == NULL) {
        return PyErr_NoMemory();
    }
    wanted[i] = 1;
    PyObject *set = nodeset_wrap_selection(
        st->nodeset_type, gy_nodes_select(self->nodes, p->row_of, wanted,
                                          p->rows[i].count, 1), op);
    PyMem_Free(wanted);
    if (set == NULL) {
        return NULL;
    }
    return Py_BuildValue("Nn", set, before);
}

/* Python: _rowsel(by, rows) -> NodeSet of the union of the given rows */
static PyObject *
nodeset_py_rowsel(PyObject *op, PyObject *args)
{
    GyState *st = gy_state_of_type(Py_TYPE(op));
    PyObject *rows, *by;
    if (st == NULL || !PyArg_ParseTuple(args, "OO!:_rowsel", &by,
                                        &PyTuple_Type, &rows)) {
        return NULL;
    }
    NodeSetObject *self = (NodeSetObject *)op;
    GyPartition *p = nodeset_partition_rows(self, st, by);
    if (p == NULL) {
        return NULL;
    }
    /* Mark the wanted rows; their counts give the result's size. */
    PyObject *result = NULL;
    Py_ssize_t n = 0;
    uint8_t *wanted = PyMem_Calloc((size_t)p->nrows + 1, 1);
    if (wanted == NULL) {
        return PyErr_NoMemory();
    }
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(rows); k++) {
        Py_ssize_t r = PyLong_AsSsize_t(PyTuple_GET_ITEM(rows, k));
        if (r == -1 && PyErr_Occurred()) {
            goto done;
        }
        if (r < 0 || r >= p->nrows) {
            PyErr_SetString(PyExc_IndexError,
                            "Partition index out of range.");
            goto done;
        }
        if (!wanted[r]) {
            wanted[r] = 1;
            n += p->rows[r].count;
        }
    }
    result = nodeset_wrap_selection(st->nodeset_type,
                                    gy_nodes_select(self->nodes, p->row_of,
                                                    wanted, n, 1), op);
done:
    PyMem_Free(wanted);
    return result;
}

/* Python: _row_labels(by) -> tuple of the row labels */
static PyObject *
nodeset_py_row_labels(PyObject *op, PyObject *arg)
{
    GyState *st = gy_state_of_type(Py_TYPE(op));
    if (st == NULL) {
        return NULL;
    }
    NodeSetObject *self = (NodeSetObject *)op;
    GyPartition *p = nodeset_partition(self, st, arg);
    if (p == NULL) {
        return NULL;
    }
    PyObject *t = PyTuple_New(p->nrows);
    for (Py_ssize_t i = 0; t != NULL && i < p->nrows; i++) {
        PyObject *lab = gy_partition_label(st, p, self->nodes, i);
        if (lab == NULL) {
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, i, Py_NewRef(lab));
    }
    return t;
}

/* Python: _row_keys(by) -> tuple of each row's class as a Python value
 * (gy_classify_key_object), in table order. */
static PyObject *
nodeset_py_row_keys(PyObject *op, PyObject *arg)
{
    GyState *st = gy_state_of_type(Py_TYPE(op));
    if (st == NULL) {
        return NULL;
    }
    GyPartition *p = nodeset_partition((NodeSetObject *)op, st, arg);
    if (p == NULL) {
        return NULL;
    }
    PyObject *t = PyTuple_New(p->nrows);
    for (Py_ssize_t i = 0; t != NULL && i < p->nrows; i++) {
        PyObject *k = gy_partition_key_object(st, p, i);
        if (k == NULL) {
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, i, k);
    }
    return t;
}

/* A set computed from the members on a reference graph of the whole heap
 * built for the call: referrers or immediate dominators. */
static PyObject *
nodeset_on_graph(PyObject *op, GyNodes *(*fn)(GyGraph *, const GyNodes *))
{
    GyState *st = gy_state_of_type(Py_TYPE(op));
    if (st == NULL) {
        return NULL;
    }
    /* Borrowed: fn runs no Python code and makes no objects. */
    GyGraph *g = gy_graph_build(st, 1);
    if (g == NULL) {
        return NULL;
    }
    GyNodes *r = fn(g, ((NodeSetObject *)op)->nodes);
    gy_graph_free(g);
    return nodeset_wrap_steal(st->nodeset_type, r);
}

/* Python: _referrers() -> NodeSet of the objects referring to a member. */
static PyObject *
nodeset_py_referrers(PyObject *op, PyObject *unused)
{
    (void)unused;
    return nodeset_on_graph(op, gy_graph_referrers);
}

/* Python: _dominos() -> NodeSet of the objects only the members keep
 * reachable, the members included (dominators.c, two heap walks). */
static PyObject *
nodeset_py_dominos(PyObject *op, PyObject *unused)
{
    (void)unused;
    GyState *st = gy_state_of_type(Py_TYPE(op));
    if (st == NULL) {
        return NULL;
    }
    return nodeset_wrap_steal(st->nodeset_type,
                              gy_dominos(st, ((NodeSetObject *)op)->nodes));
}

/* Python: _domisize() -> the total individual size of _dominos(). */
static PyObject *
nodeset_py_domisize(PyObject *op, PyObject *unused)
{
    (void)unused;
    GyState *st = gy_state_of_type(Py_TYPE(op));
    Py_ssize_t size;
    if (st == NULL
        || gy_domisize(st, ((NodeSetObject *)op)->nodes, &size) < 0) {
        return NULL;
    }
    return PyLong_FromSsize_t(size);
}

/* Python: _imdom() -> NodeSet of the referrers of the members that the
 * root reaches without passing another referrer, from a reference graph
 * built for the call. */
static PyObject *
nodeset_py_imdom(PyObject *op, PyObject *unused)
{
    (void)unused;
    return nodeset_on_graph(op, gy_graph_imdom);
}

/* One reference graph for many questions (reference patterns ask the
 * referrers of every row). _with_graph(fn) builds the graph once, calls
 * fn(rel) and frees the graph when fn returns: rel(ns, imdom=False) is
 * ns's referrers (or immediate dominators) in that graph, and raises
 * RuntimeError once the call is over. The graph holds the whole heap
 * alive, so it must not outlive the call. */
#define GRAPH_LEASE_NAME "guppy._guppy.graph_lease"

typedef struct GraphLease {
    GyGraph *g;                /* owned; NULL once released */
    GyRefLog *rl;              /* or this (_with_referrers, refpat.c) */
    PyTypeObject *tp;          /* the NodeSet type, strong */
    GyState *st;
} GraphLease;

static void
graph_lease_destroy(PyObject *cap)
{
    GraphLease *l = PyCapsule_GetPointer(cap, GRAPH_LEASE_NAME);
    if (l != NULL) {
        gy_graph_free(l->g);
        gy_reflog_free(l->rl);
        Py_XDECREF(l->tp);
        PyMem_Free(l);
    }
}

static PyObject *
graph_lease_rel(PyObject *cap, PyObject *args)
{
    PyObject *ns;
    int imdom = 0;
    if (!PyArg_ParseTuple(args, "O|p:rel", &ns, &imdom)) {
        return NULL;
    }
    GraphLease *l = PyCapsule_GetPointer(cap, GRAPH_LEASE_NAME);
    if (l == NULL) {
        return NULL;
    }
    if (l->g == NULL && l->rl == NULL) {
        PyErr_SetString(PyExc_RuntimeError,
                        "rel(): the graph of _with_graph() was released");
        return NULL;
    }
    if (!PyObject_TypeCheck(ns, l->tp)) {
        PyErr_Format(PyExc_TypeError, "rel(): NodeSet expected, not %.100s",
                     Py_TYPE(ns)->tp_name);
        return NULL;
    }
    const GyNodes *s = ((NodeSetObject *)ns)->nodes;
    GyNodes *r = l->rl != NULL ? (imdom ? gy_reflog_imdom(l->st, l->rl, s)
                                        : gy_reflog_referrers(l->rl, s))
                 : imdom ? gy_graph_imdom(l->g, s)
                         : gy_graph_referrers(l->g, s);
    return nodeset_wrap_steal(l->tp, r);
}

static PyMethodDef graph_lease_rel_def = {
    "rel", graph_lease_rel, METH_VARARGS,
    "rel(ns, imdom=False) -> the referrers (or immediate dominators) of "
    "ns's members in the graph of _with_graph()."
};

/* _with_graph(fn), or with a GyRefLog when rl is set (root: NULL, or
 * the object the heap is made from; keep: op's members). */
static PyObject *
graph_lease_call(PyObject *op, PyObject *fn, int rl, PyObject *root)
{
    GyState *st = gy_state_of_type(Py_TYPE(op));
    if (st == NULL) {
        return NULL;
    }
    if (!PyCallable_Check(fn)) {
        PyErr_SetString(PyExc_TypeError, "_with_graph(): fn must be callable");
        return NULL;
    }
    GraphLease *l = PyMem_Calloc(1, sizeof(*l));
    if (l == NULL) {
        return PyErr_NoMemory();
    }
    PyObject *cap = PyCapsule_New(l, GRAPH_LEASE_NAME, graph_lease_destroy);
    if (cap == NULL) {
        PyMem_Free(l);
        return NULL;
    }
    l->tp = (PyTypeObject *)Py_NewRef(st->nodeset_type);
    l->st = st;
    if (rl) {
        l->rl = gy_reflog_build(st, root, ((NodeSetObject *)op)->nodes);
    }
    else {
        l->g = gy_graph_build(st, 0);
    }
    if (l->g == NULL && l->rl == NULL) {
        Py_DECREF(cap);
        return NULL;
    }
    PyObject *rel = PyCFunction_New(&graph_lease_rel_def, cap);
    PyObject *res = rel == NULL ? NULL : PyObject_CallOneArg(fn, rel);
    GyGraph *g = l->g;
    GyRefLog *log = l->rl;
    l->g = NULL;               /* rel may outlive the call: disarm it */
    l->rl = NULL;
    gy_graph_free(g);
    gy_reflog_free(log);
    Py_XDECREF(rel);
    Py_DECREF(cap);
    return res;
}

static PyObject *
nodeset_py_with_graph(PyObject *op, PyObject *fn)
{
    return graph_lease_call(op, fn, 0, NULL);
}

/* Python: x._with_referrers(fn, root=None): as _with_graph, but rel(ns)
 * is answered from one walk (refpat.c), of the heap or of what root
 * reaches (then rel(ns, True) is heapy's imdom in that heap), for the
 * members of x and objects holding references (a reference pattern's
 * rows). */
static PyObject *
nodeset_py_with_referrers(PyObject *op, PyObject *args)
{
    PyObject *fn, *root = Py_None;
    if (!PyArg_ParseTuple(args, "O|O:_with_referrers", &fn, &root)) {
        return NULL;
    }
    return graph_lease_call(op, fn, 1, root == Py_None ? NULL : root);
}

/* A row of the retained table: what it retains and which member or
 * partition row it is. */
typedef struct RetainedRow {
    int64_t size;
    int64_t count;
    Py_ssize_t index;
} RetainedRow;

/* Larger retained size first, then more objects, then lower index. */
static int
retained_row_cmp(const void *pa, const void *pb)
{
    const RetainedRow *a = pa, *b = pb;
    if (a->size != b->size) {
        return a->size > b->size ? -1 : 1;
    }
    if (a->count != b->count) {
        return a->count > b->count ? -1 : 1;
    }
    return (a->index > b->index) - (a->index < b->index);
}

/* New reference: bytes of n values of elsize bytes each. */
static PyObject *
retained_bytes(Py_ssize_t n, size_t elsize, char **buf)
{
    if ((size_t)n > (size_t)PY_SSIZE_T_MAX / elsize) {
        return PyErr_NoMemory();
    }
    PyObject *b = PyBytes_FromStringAndSize(NULL, n * (Py_ssize_t)elsize);
    *buf = b ? PyBytes_AS_STRING(b) : NULL;
    return b;
}

/* Python: _retained(by) -> (heap count, heap size, order, counts, sizes):
 * the whole heap's dominator tree (dominators.c) read for the members
 * (by None: one row per member) or for the rows of the partition by
 * `by`. In table order (retained size, descending): order holds the
 * member's address-order index or the partition row (uint32 each),
 * counts and sizes the objects and bytes each row retains (int64 each,
 * native byte order). A member the heap's roots do not reach retains
 * nothing. */
static PyObject *
nodeset_py_retained(PyObject *op, PyObject *by)
{
    GyState *st = gy_state_of_type(Py_TYPE(op));
    NodeSetObject *self = (NodeSetObject *)op;
    GyDomTree t;
    GyGraph *g = NULL;
    uint32_t *row_of = NULL, *group_of = NULL;
    int64_t *gcount = NULL, *gsize = NULL;
    RetainedRow *rows = NULL;
    PyObject *order = NULL, *counts = NULL, *sizes = NULL, *result = NULL;
    GyNodes *nodes = self->nodes;
    Py_ssize_t nrows = nodes->count, heap_count = 0, heap_size = 0;
    memset(&t, 0, sizeof(t));
    if (st == NULL) {
        goto done;
    }
    if (by != Py_None) {
        /* First, so that a relation that builds its own graph (Rcs, Via)
           has freed it before ours is built. Its rows are copied: Python
           code run later (a __sizeof__) could replace the cached
           partition. */
        GyPartition *p = nodeset_partition_rows(self, st, by);
        if (p == NULL
            || (row_of = gy_alloc_array(nodes->count + 1,
                                        sizeof(uint32_t))) == NULL) {
            goto done;
        }
        nrows = p->nrows;
        if (nodes->count > 0) {
            memcpy(row_of, p->row_of,
                   (size_t)nodes->count * sizeof(uint32_t));
        }
    }
    if ((g = gy_graph_build(st, 0)) == NULL
        || gy_nodes_ensure_sizes(st, g->nodes) < 0
        || gy_domtree_build(g, g->nodes->sizes, &t) < 0) {
        goto done;
    }
    heap_count = g->nreal;
    heap_size = g->nodes->total_size;
    rows = gy_alloc_array(nrows + 1, sizeof(RetainedRow));
    if (rows == NULL) {
        goto done;
    }
    if (row_of == NULL) {
        for (Py_ssize_t i = 0; i < nrows; i++) {
            Py_ssize_t id = gy_graph_id(g, nodes->items[i]);
            rows[i].size = id < 0 ? 0 : t.retained[id];
            rows[i].count = id < 0 ? 0 : t.count[id];
            rows[i].index = i;
        }
    }
    else {
        group_of = gy_alloc_array(g->nreal + 1, sizeof(uint32_t));
        gcount = gy_alloc_array(nrows + 1, sizeof(int64_t));
        gsize = gy_alloc_array(nrows + 1, sizeof(int64_t));
        if (group_of == NULL || gcount == NULL || gsize == NULL) {
            goto done;
        }
        memset(group_of, 0xff, (size_t)g->nreal * sizeof(uint32_t));
        for (Py_ssize_t i = 0; i < nodes->count; i++) {
            Py_ssize_t id = gy_graph_id(g, nodes->items[i]);
            if (id >= 0) {
                group_of[id] = row_of[i];
            }
        }
        if (gy_domtree_groups(&t, g, group_of, nrows, gcount, gsize) < 0) {
            goto done;
        }
        for (Py_ssize_t k = 0; k < nrows; k++) {
            rows[k].size = gsize[k];
            rows[k].count = gcount[k];
            rows[k].index = k;
        }
    }
    gy_domtree_fini(&t);
    gy_graph_free(g);
    g = NULL;
    qsort(rows, (size_t)nrows, sizeof(RetainedRow), retained_row_cmp);
    char *ob = NULL, *cb = NULL, *sb = NULL;
    order = retained_bytes(nrows, sizeof(uint32_t), &ob);
    counts = order ? retained_bytes(nrows, sizeof(int64_t), &cb) : NULL;
    sizes = counts ? retained_bytes(nrows, sizeof(int64_t), &sb) : NULL;
    if (sizes == NULL) {
        goto done;
    }
    for (Py_ssize_t k = 0; k < nrows; k++) {
        uint32_t index = (uint32_t)rows[k].index;
        memcpy(ob + k * sizeof(uint32_t), &index, sizeof(uint32_t));
        memcpy(cb + k * sizeof(int64_t), &rows[k].count, sizeof(int64_t));
        memcpy(sb + k * sizeof(int64_t), &rows[k].size, sizeof(int64_t));
    }
    result = Py_BuildValue("nnOOO", heap_count, heap_size, order, counts,
                           sizes);
done:
    gy_domtree_fini(&t);
    gy_graph_free(g);
    PyMem_Free(row_of);
    PyMem_Free(group_of);
    PyMem_Free(gcount);
    PyMem_Free(gsize);
    PyMem_Free(rows);
    Py_XDECREF(order);
    Py_XDECREF(counts);
    Py_XDECREF(sizes);
    return result;
}

/* Python: _member(i) -> the i-th member in address order. */
static PyObject *
nodeset_py_member(PyObject *op, PyObject *arg)
{
    Py_ssize_t i = PyLong_AsSsize_t(arg);
    GyNodes *nodes = ((NodeSetObject *)op)->nodes;
    if (i == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (i < 0 || i >= nodes->count) {
        PyErr_SetString(PyExc_IndexError, "member index out of range");
        return NULL;
    }
    return Py_NewRef(nodes->items[i]);
}

/* Python: _idoms() -> tuple: for each member in address order, its
 * immediate dominator in the heap's dominator tree, or None for one the
 * root or a stack frame dominates directly, or that the roots do not
 * reach. For tests (dominators.c against a brute force). */
static PyObject *
nodeset_py_idoms(PyObject *op, PyObject *unused)
{
    (void)unused;
    GyState *st = gy_state_of_type(Py_TYPE(op));
    GyNodes *nodes = ((NodeSetObject *)op)->nodes;
    GyDomTree t;
    GyGraph *g = NULL;
    PyObject *result = NULL;
    memset(&t, 0, sizeof(t));
    if (st == NULL || (g = gy_graph_build(st, 0)) == NULL
        || gy_nodes_ensure_sizes(st, g->nodes) < 0
        || gy_domtree_build(g, g->nodes->sizes, &t) < 0
        || (result = PyTuple_New(nodes->count)) == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < nodes->count; i++) {
        Py_ssize_t id = gy_graph_id(g, nodes->items[i]);
        uint32_t d = id < 0 ? GY_DOM_NONE : t.idom[id];
        PyObject *x = d < g->nreal ? g->nodes->items[d] : Py_None;
        PyTuple_SET_ITEM(result, i, Py_NewRef(x));
    }
done:
    gy_domtree_fini(&t);
    gy_graph_free(g);
    return result;
}

typedef struct Collect {
    PyObject **items;
    Py_ssize_t n, cap;
} Collect;

static int
collect_visit(PyObject *obj, void *arg)
{
    Collect *c = arg;
    if (c->n == c->cap
        && gy_grow(&c->items, &c->cap, c->n + 1, sizeof(PyObject *)) < 0) {
        return -1;
    }
    c->items[c->n++] = obj;
    return 0;
}

/* Python: _referents() -> NodeSet of the objects the members refer to
 * (the profiler's own left out). */
static PyObject *
nodeset_py_referents(PyObject *op, PyObject *unused)
{
    (void)unused;
    GyState *st = gy_state_of_type(Py_TYPE(op));
    GyReferents refs;
    Collect c = {NULL, 0, 0};
    if (st == NULL || gy_referents_init(&refs, st) < 0) {
        return NULL;
    }
    GyNodes *nodes = ((NodeSetObject *)op)->nodes;
    GyNodes *r = NULL;
    for (Py_ssize_t i = 0; i < nodes->count; i++) {
        if (gy_referents_visit(&refs, nodes->items[i], collect_visit, &c)) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_RuntimeError,
                                "referents: a tp_traverse failed");
            }
            goto done;
        }
    }
    /* Drop the profiler's own objects; the rest are kept alive by the
       members while the array is sorted. */
    Py_ssize_t m = 0;
    for (Py_ssize_t i = 0; i < c.n; i++) {
        int hidden = gy_referents_hidden(&refs, c.items[i]);
        if (hidden < 0) {
            goto done;
        }
        if (!hidden) {
            c.items[m++] = c.items[i];
        }
    }
    r = gy_nodes_from_array(c.items, m);
done:
    gy_referents_fini(&refs);
    PyMem_Free(c.items);
    return r ? nodeset_wrap_steal(st->nodeset_type, r) : NULL;
}

/* Python: _owners() -> NodeSet of the objects whose __dict__ is a member. */
static PyObject *
nodeset_py_owners(PyObject *op, PyObject *unused)
{
    (void)unused;
    GyState *st = gy_state_of_type(Py_TYPE(op));
    GyNodes *nodes = ((NodeSetObject *)op)->nodes;
    if (st == NULL || gy_nodes_ensure_owners(st, nodes) < 0) {
        return NULL;
    }
    Collect c = {NULL, 0, 0};
    for (Py_ssize_t i = 0; i < nodes->count; i++) {
        PyObject *owner = PyDict_CheckExact(nodes->items[i])
            ? gy_owners_get(nodes->owners, nodes->items[i]) : NULL;
        if (owner != NULL && collect_visit(owner, &c) < 0) {
            PyMem_Free(c.items);
            return NULL;
        }
    }
    GyNodes *r = gy_nodes_from_array(c.items, c.n);
    PyMem_Free(c.items);
    return nodeset_wrap_steal(st->nodeset_type, r);
}

/* Python: _member_brief(i) -> (Clodo label, rendering, Clodo key) of the
 * i-th member in address order: the pieces of a brief. */
static PyObject *
nodeset_py_member_brief(PyObject *op, PyObject *args)
{
    GyState *st = gy_state_of_type(Py_TYPE(op));
    Py_ssize_t i;
    if (st == NULL || !PyArg_ParseTuple(args, "n:_member_brief", &i)) {
        return NULL;
    }
    NodeSetObject *self = (NodeSetObject *)op;
    if (i < 0 || i >= self->nodes->count) {
        PyErr_SetString(PyExc_IndexError, "member index out of range");
        return NULL;
    }
    if (gy_nodes_ensure_owners(st, self->nodes) < 0) {
        return NULL;
    }
    PyObject *x = self->nodes->items[i];
    uintptr_t key = gy_classify_key(GY_BY_CLODO, x, 0, self->nodes->owners,
                                    NULL);
    PyObject *kind = gy_classify_label(st, GY_BY_CLODO, key, x,
                                       self->nodes->owners);
    PyObject *rend = kind ? gy_render_object(st, x, self->nodes->owners)
                          : NULL;
    if (rend == NULL) {
        Py_XDECREF(kind);
        return NULL;
    }
    return Py_BuildValue("NNk", kind, rend, (unsigned long)key);
}

/* Python: _stat(by, cls) -> the Stat (an instance of cls, a StatTable
 * subclass) of the partition by `by`: the table's data, without
 * references to the members (stat.c). */
static PyObject *
nodeset_py_stat(PyObject *op, PyObject *args)
{
    GyState *st = gy_state_of_type(Py_TYPE(op));
    PyObject *by, *cls;
    if (st == NULL || !PyArg_ParseTuple(args, "OO:_stat", &by, &cls)) {
        return NULL;
    }
    NodeSetObject *self = (NodeSetObject *)op;
    GyPartition *p = nodeset_partition(self, st, by);
    if (p == NULL) {
        return NULL;
    }
    return gy_stat_py_from_partition(st, cls, p, self->nodes);
}

/* Python: _obj_at(address) -> (member,) if a member lives at that
 * address, else (). A binary search over the sorted members: the address
 * is compared, never dereferenced (hp.Id, hp.Module(at=...)). */
static PyObject *
nodeset_py_obj_at(PyObject *op, PyObject *arg)
{
    void *addr = PyLong_AsVoidPtr(arg);
    if (addr == NULL && PyErr_Occurred()) {
        return NULL;
    }
    GyNodes *n = ((NodeSetObject *)op)->nodes;
    Py_ssize_t lo = 0, hi = n->count;
    /* Invariant: members below lo are below addr, from hi on not. */
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if ((uintptr_t)n->items[mid] < (uintptr_t)addr) {
            lo = mid + 1;
        }
        else {
            hi = mid;
        }
    }
    if (lo < n->count && (void *)n->items[lo] == addr) {
        return PyTuple_Pack(1, n->items[lo]);
    }
    return PyTuple_New(0);
}

/* Python: _part_spec() -> the relation spec of the cached partition, or
 * None: selection (Classifiers.py) reuses a partition already made. */
static PyObject *
nodeset_py_part_spec(PyObject *op, PyObject *unused)
{
    (void)unused;
    NodeSetObject *self = (NodeSetObject *)op;
    return Py_NewRef(self->part != NULL && self->part_spec != NULL
                     ? self->part_spec : Py_None);
}

/* Python: _shpaths(src, avoid_nodes, avoid_edges) -> PathGraph of the
 * shortest paths from src (a NodeSet, or None for the root) to the
 * nearest members, never entering a member of avoid_nodes (a NodeSet or
 * None) nor following an edge of avoid_edges (py_paths.h). */
static PyObject *
nodeset_py_shpaths(PyObject *op, PyObject *args)
{
    GyState *st = gy_state_of_type(Py_TYPE(op));
    PyObject *src, *avoid, *edges;
    if (st == NULL || !PyArg_ParseTuple(args, "OOO:_shpaths", &src, &avoid,
                                        &edges)) {
        return NULL;
    }
    if (src != Py_None && !nodeset_check(st, src)) {
        PyErr_SetString(PyExc_TypeError, "_shpaths: src must be a NodeSet");
        return NULL;
    }
    if (avoid != Py_None && !nodeset_check(st, avoid)) {
        PyErr_SetString(PyExc_TypeError,
                        "_shpaths: avoid_nodes must be a NodeSet");
        return NULL;
    }
    return gy_pathgraph_new(
        st, ((NodeSetObject *)op)->nodes,
        src == Py_None ? NULL : ((NodeSetObject *)src)->nodes,
        avoid == Py_None ? NULL : ((NodeSetObject *)avoid)->nodes, edges);
}

static PyMethodDef nodeset_methods[] = {
    {"_shpaths", nodeset_py_shpaths, METH_VARARGS, NULL},
    {"_obj_at", nodeset_py_obj_at, METH_O, NULL},
    {"_part_spec", nodeset_py_part_spec, METH_NOARGS, NULL},
    {"_binop", nodeset_py_binop, METH_VARARGS, NULL},
    {"_numrows", nodeset_py_numrows, METH_O, NULL},
    {"_table", nodeset_py_table, METH_VARARGS, NULL},
    {"_row", nodeset_py_row, METH_VARARGS, NULL},
    {"_rowsel", nodeset_py_rowsel, METH_VARARGS, NULL},
    {"_row_labels", nodeset_py_row_labels, METH_O, NULL},
    {"_member_brief", nodeset_py_member_brief, METH_VARARGS, NULL},
    {"_row_keys", nodeset_py_row_keys, METH_O, NULL},
    {"_referrers", nodeset_py_referrers, METH_NOARGS, NULL},
    {"_dominos", nodeset_py_dominos, METH_NOARGS, NULL},
    {"_domisize", nodeset_py_domisize, METH_NOARGS, NULL},
    {"_imdom", nodeset_py_imdom, METH_NOARGS, NULL},
    {"_with_graph", nodeset_py_with_graph, METH_O, NULL},
    {"_with_referrers", nodeset_py_with_referrers, METH_VARARGS, NULL},
    {"_retained", nodeset_py_retained, METH_O, NULL},
    {"_idoms", nodeset_py_idoms, METH_NOARGS, NULL},
    {"_member", nodeset_py_member, METH_O, NULL},
    {"_referents", nodeset_py_referents, METH_NOARGS, NULL},
    {"_owners", nodeset_py_owners, METH_NOARGS, NULL},
    {"_stat", nodeset_py_stat, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef nodeset_getset[] = {
    {"count", nodeset_get_count, NULL, "Number of objects in the set.", NULL},
    {"size", nodeset_get_size, NULL,
     "Total of the individual sizes of the objects, in bytes.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(nodeset_doc,
"NodeSet(iterable=(), /)\n--\n\n"
"Immutable set of objects compared by identity, the engine half of\n"
"IdentitySet. Holds strong references to its members.");

static PyType_Slot nodeset_slots[] = {
    {Py_tp_doc, (void *)nodeset_doc},
    {Py_tp_new, nodeset_tp_new},
    {Py_tp_dealloc, nodeset_tp_dealloc},
    {Py_tp_traverse, nodeset_tp_traverse},
    {Py_tp_hash, nodeset_tp_hash},
    {Py_tp_richcompare, nodeset_tp_richcompare},
    {Py_tp_iter, nodeset_tp_iter},
    {Py_tp_methods, nodeset_methods},
    {Py_tp_getset, nodeset_getset},
    {Py_sq_length, nodeset_sq_length},
    {Py_sq_contains, nodeset_sq_contains},
    {0, NULL},
};

static PyType_Slot members_slots[] = {
    {Py_tp_dealloc, members_tp_dealloc},
    {Py_tp_traverse, members_tp_traverse},
    {0, NULL},
};

static PyType_Spec members_spec = {
    .name = "guppy._guppy._Members",
    .basicsize = sizeof(MembersObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .slots = members_slots,
};

static PyType_Spec nodeset_spec = {
    .name = "guppy._guppy.NodeSet",
    .basicsize = sizeof(NodeSetObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .slots = nodeset_slots,
};

/* ------------------------------------------------------------------ */
/* API */

int
gy_nodeset_add_types(PyObject *module, GyState *st, PyObject *bases)
{
    st->nodeset_type = (PyTypeObject *)PyType_FromModuleAndSpec(
        module, &nodeset_spec, bases);
    st->members_type = st->nodeset_type == NULL ? NULL
        : (PyTypeObject *)PyType_FromModuleAndSpec(module, &members_spec,
                                                   bases);
    if (st->members_type == NULL) {
        return -1;
    }
    return PyModule_AddObjectRef(module, "NodeSet",
                                 (PyObject *)st->nodeset_type);
}

PyObject *
gy_nodeset_new(GyState *st, GyNodes *nodes)
{
    return nodeset_wrap_steal(st->nodeset_type, nodes);
}
