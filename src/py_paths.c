/* py_paths.c -- the Python face of shortest paths: the PathGraph type
 * (guppy._guppy.PathGraph, a GySPGraph that guppy/heapy/Path.py pages
 * through and turns into Path objects) and the attributes of hp.Root.
 *
 * A PathGraph is made by NodeSet._shpaths (py_nodeset.c) through
 * gy_pathgraph_new: the heap is searched from the sources (paths.c) as far
 * as the nearest targets; the PathGraph keeps only the nodes on the paths
 * (strong references) and the named steps between them. It never
 * changes afterwards, except that step texts are made when first shown.
 *
 * Nodes that are not objects are shown as objects when asked for: the
 * root as hp.Root, and a stack frame as its frame object, created then if
 * the frame has none (3.11+; gy_frame_object, as sys._getframe would),
 * or left out if the frame has returned since. Printing paths never
 * creates anything: it needs only the step texts.
 *
 * hp.Root is one hidden instance of guppy.heapy.heapyc.RootStateType per
 * module. Its attributes are the roots under the names paths print:
 * i0_<member> for the interpreter's members, i0_t<thread>_<member> for a
 * thread's, i0_t<thread>_f<n> for frame n of a thread's stack, counted
 * from the outermost (a frame object, created if needed). Each lookup
 * visits the roots again, so it reflects the moment of the lookup.
 */
#include "py_paths.h"

#include "paths.h"

typedef struct {
    PyObject_HEAD
    GySPGraph *sp;             /* owned; NULL only if made by object() */
    PyObject *root;            /* hp.Root, strong */
    PyObject *reprlib_repr;    /* for key texts, strong */
} PathGraphObject;

/* ------------------------------------------------------------------ */
/* PathGraph */

static void
pathgraph_tp_dealloc(PyObject *op)
{
    PathGraphObject *self = (PathGraphObject *)op;
    PyTypeObject *tp = Py_TYPE(op);
    PyObject_GC_UnTrack(op);
    GySPGraph *sp = self->sp;
    self->sp = NULL;
    Py_CLEAR(self->root);
    Py_CLEAR(self->reprlib_repr);
    gy_sp_free(sp);
    tp->tp_free(op);
    Py_DECREF(tp);
}

static int
pathgraph_tp_traverse(PyObject *op, visitproc visit, void *arg)
{
    PathGraphObject *self = (PathGraphObject *)op;
    Py_VISIT(Py_TYPE(op));
    Py_VISIT(self->root);
    Py_VISIT(self->reprlib_repr);
    if (self->sp != NULL) {
        return gy_sp_traverse(self->sp, visit, arg);
    }
    return 0;
}

static int
pathgraph_tp_clear(PyObject *op)
{
    PathGraphObject *self = (PathGraphObject *)op;
    GySPGraph *sp = self->sp;
    self->sp = NULL;
    Py_CLEAR(self->root);
    Py_CLEAR(self->reprlib_repr);
    gy_sp_free(sp);
    return 0;
}

/* The graph, or NULL with ValueError for an empty PathGraph object. */
static GySPGraph *
pathgraph_sp(PyObject *op)
{
    GySPGraph *sp = ((PathGraphObject *)op)->sp;
    if (sp == NULL) {
        PyErr_SetString(PyExc_ValueError, "PathGraph has no paths graph");
    }
    return sp;
}

static Py_ssize_t
pathgraph_nsources(const GySPGraph *sp)
{
    return sp->nlevels ? sp->level_start[1] : 0;
}

/* New reference: node i shown as an object (see the file comment), or
 * None for a stack frame that has returned. */
static PyObject *
pathgraph_node_object(PathGraphObject *self, uint32_t i)
{
    const GySPKey *key = &self->sp->nodes[i].key;
    switch (key->kind) {
    case GY_SPN_OBJECT:
        return Py_NewRef(key->obj);
    case GY_SPN_ROOT:
        return Py_NewRef(self->root);
    case GY_SPN_FRAME:
        break;
    }
    PyObject *f = gy_frame_object(key->thread_id, key->frame_no);
    return f != NULL ? f : Py_NewRef(Py_None);
}

/* A path index from a Python int: 0 <= index < 2**64 - 1 (counts are
 * exact below that; the facade checks the index against numpaths). */
static int
pathgraph_index(PyObject *arg, uint64_t *index)
{
    if (!PyLong_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "path index must be an int, not %.100s",
                     Py_TYPE(arg)->tp_name);
        return -1;
    }
    unsigned long long v = PyLong_AsUnsignedLongLong(arg);
    if (v == (unsigned long long)-1) {
        if (!PyErr_Occurred() || PyErr_ExceptionMatches(PyExc_OverflowError)) {
            PyErr_Clear();
            PyErr_SetString(PyExc_OverflowError,
                            "path index must be in 0 .. 2**64 - 2");
        }
        return -1;
    }
    *index = (uint64_t)v;
    return 0;
}

/* The text of a path after its source, and how many "list(" open it
 * (set members: list(<source>...)[i]). New reference or NULL. */
static PyObject *
pathgraph_post(PathGraphObject *self, const uint32_t *steps, int *npre)
{
    GySPGraph *sp = self->sp;
    uint32_t depth = sp->nlevels - 1;
    PyObject *parts = PyList_New(depth);
    if (parts == NULL) {
        return NULL;
    }
    *npre = 0;
    for (uint32_t d = 0; d < depth; d++) {
        GySPStep *s = &sp->steps[steps[d]];
        PyObject *t = gy_sp_step_text(s, self->reprlib_repr);
        if (t == NULL) {
            Py_DECREF(parts);
            return NULL;
        }
        *npre += s->kind == GY_REL_INSET;
        PyList_SET_ITEM(parts, d, Py_NewRef(t));
    }
    PyObject *empty = PyUnicode_FromStringAndSize(NULL, 0);
    PyObject *r = empty ? PyUnicode_Join(empty, parts) : NULL;
    Py_XDECREF(empty);
    Py_DECREF(parts);
    return r;
}

PyDoc_STRVAR(pathgraph_lines_doc,
"_lines($self, start, count, /)\n--\n\n"
"(source position, number of 'list(', text after the source) for the\n"
"paths start .. start + count - 1 that exist.");

static PyObject *
pathgraph_py_lines(PyObject *op, PyObject *args)
{
    PathGraphObject *self = (PathGraphObject *)op;
    PyObject *startobj;
    Py_ssize_t count;
    uint64_t start;
    GySPGraph *sp = pathgraph_sp(op);
    if (sp == NULL || !PyArg_ParseTuple(args, "On:_lines", &startobj, &count)
        || pathgraph_index(startobj, &start) < 0) {
        return NULL;
    }
    PyObject *list = PyList_New(0);
    uint32_t *steps = gy_alloc_array((Py_ssize_t)sp->nlevels + 1,
                                     sizeof(uint32_t));
    uint32_t src = 0;
    if (list == NULL || steps == NULL) {
        goto error;
    }
    if (count <= 0 || !gy_sp_path_at(sp, start, &src, steps)) {
        PyMem_Free(steps);
        return list;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        int npre;
        PyObject *post = pathgraph_post(self, steps, &npre);
        PyObject *t = post ? Py_BuildValue("(IiN)", (unsigned int)src, npre,
                                           post)
                           : NULL;
        if (t == NULL || PyList_Append(list, t) < 0) {
            Py_XDECREF(t);
            goto error;
        }
        Py_DECREF(t);
        if (!gy_sp_path_next(sp, &src, steps)) {
            break;
        }
    }
    PyMem_Free(steps);
    return list;

error:
    PyMem_Free(steps);
    Py_XDECREF(list);
    return NULL;
}

/* The value a step names (attribute or variable name, key, index, root
 * member), for Path objects; new reference. */
static PyObject *
pathgraph_step_value(const GySPStep *s)
{
    switch (s->kind) {
    case GY_STEP_NONE:
        Py_RETURN_NONE;
    case GY_STEP_IDENTITY:
        return PyUnicode_FromStringAndSize(NULL, 0);
    case GY_REL_ROOT:
        /* its text without the leading '.' */
        return PyUnicode_Substring(s->text, 1, PyUnicode_GET_LENGTH(s->text));
    case GY_REL_ATTRIBUTE:
    case GY_REL_INTERATTR:
        if (s->name != NULL) {
            return PyUnicode_FromString(s->name);
        }
        break;
    default:
        break;
    }
    if (s->obj != NULL) {
        return Py_NewRef(s->obj);
    }
    return PyLong_FromSsize_t(s->index);
}

PyDoc_STRVAR(pathgraph_path_doc,
"_path($self, index, /)\n--\n\n"
"Path number index as (source position, number of 'list(', text after\n"
"the source, nodes as objects, steps as (kind, value, text) tuples).\n"
"IndexError past the end.");

static PyObject *
pathgraph_py_path(PyObject *op, PyObject *arg)
{
    PathGraphObject *self = (PathGraphObject *)op;
    uint64_t index;
    GySPGraph *sp = pathgraph_sp(op);
    if (sp == NULL || pathgraph_index(arg, &index) < 0) {
        return NULL;
    }
    uint32_t depth = sp->nlevels ? sp->nlevels - 1 : 0;
    uint32_t *steps = gy_alloc_array((Py_ssize_t)depth + 1,
                                     sizeof(uint32_t));
    PyObject *post = NULL, *nodes = NULL, *rels = NULL, *result = NULL;
    uint32_t src = 0;
    int npre = 0;
    if (steps == NULL) {
        return NULL;
    }
    if (!gy_sp_path_at(sp, index, &src, steps)) {
        PyErr_SetString(PyExc_IndexError, "path index out of range");
        goto done;
    }
    post = pathgraph_post(self, steps, &npre);
    nodes = PyTuple_New((Py_ssize_t)depth + 1);
    rels = PyTuple_New(depth);
    if (post == NULL || nodes == NULL || rels == NULL) {
        goto done;
    }
    uint32_t u = sp->sources[src];
    for (uint32_t d = 0; d <= depth; d++) {
        PyObject *o = pathgraph_node_object(self, u);
        if (o == NULL) {
            goto done;
        }
        PyTuple_SET_ITEM(nodes, d, o);
        if (d == depth) {
            break;
        }
        GySPStep *s = &sp->steps[steps[d]];
        PyObject *text = gy_sp_step_text(s, self->reprlib_repr);
        PyObject *value = text ? pathgraph_step_value(s) : NULL;
        PyObject *t = value ? Py_BuildValue("(iNO)", s->kind, value, text)
                            : NULL;
        if (t == NULL) {
            goto done;
        }
        PyTuple_SET_ITEM(rels, d, t);
        u = s->dst;
    }
    result = Py_BuildValue("(IiOOO)", (unsigned int)src, npre, post, nodes,
                           rels);
done:
    PyMem_Free(steps);
    Py_XDECREF(post);
    Py_XDECREF(nodes);
    Py_XDECREF(rels);
    return result;
}

PyDoc_STRVAR(pathgraph_level_doc,
"_level($self, k, /)\n--\n\n"
"The nodes at level k (0: the sources, in node order; the last: the\n"
"targets reached) as objects: hp.Root for the root, frame objects for\n"
"stack frames (made if needed; a frame that has returned is left out).");

static PyObject *
pathgraph_py_level(PyObject *op, PyObject *arg)
{
    PathGraphObject *self = (PathGraphObject *)op;
    GySPGraph *sp = pathgraph_sp(op);
    Py_ssize_t k = sp ? PyLong_AsSsize_t(arg) : -1;
    if (k == -1 && (sp == NULL || PyErr_Occurred())) {
        return NULL;
    }
    if (k < 0 || k >= (Py_ssize_t)sp->nlevels) {
        PyErr_SetString(PyExc_IndexError, "level out of range");
        return NULL;
    }
    PyObject *list = PyList_New(0);
    for (uint32_t i = sp->level_start[k];
         list != NULL && i < sp->level_start[k + 1]; i++) {
        PyObject *o = pathgraph_node_object(self, i);
        if (o == NULL || (o != Py_None && PyList_Append(list, o) < 0)) {
            Py_CLEAR(list);
        }
        Py_XDECREF(o);
    }
    return list;
}

PyDoc_STRVAR(pathgraph_sources_doc,
"_sources($self, /)\n--\n\n"
"The sources in the order paths take them; _lines and _path give\n"
"positions in this list.");

static PyObject *
pathgraph_py_sources(PyObject *op, PyObject *unused)
{
    (void)unused;
    PathGraphObject *self = (PathGraphObject *)op;
    GySPGraph *sp = pathgraph_sp(op);
    if (sp == NULL) {
        return NULL;
    }
    Py_ssize_t n = pathgraph_nsources(sp);
    PyObject *list = PyList_New(n);
    for (Py_ssize_t i = 0; list != NULL && i < n; i++) {
        PyObject *o = pathgraph_node_object(self, sp->sources[i]);
        if (o == NULL) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, o);
    }
    return list;
}

PyDoc_STRVAR(pathgraph_order_doc,
"_order_sources($self, order, /)\n--\n\n"
"Take the sources in this order: a sequence of positions in _level(0),\n"
"each once.");

static PyObject *
pathgraph_py_order_sources(PyObject *op, PyObject *arg)
{
    GySPGraph *sp = pathgraph_sp(op);
    if (sp == NULL) {
        return NULL;
    }
    PyObject *seq = PySequence_Fast(arg, "order must be a sequence");
    if (seq == NULL) {
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    uint32_t *order = gy_alloc_array(n + 1, sizeof(uint32_t));
    PyObject *result = NULL;
    if (order == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t v = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, i));
        if (v == -1 && PyErr_Occurred()) {
            goto done;
        }
        if (v < 0 || v >= pathgraph_nsources(sp)) {
            PyErr_SetString(PyExc_ValueError,
                            "source order must list every source once");
            goto done;
        }
        order[i] = (uint32_t)v;
    }
    if (gy_sp_order_sources(sp, order, n) == 0) {
        result = Py_NewRef(Py_None);
    }
done:
    PyMem_Free(order);
    Py_DECREF(seq);
    return result;
}

static int
pathgraph_cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

PyDoc_STRVAR(pathgraph_edges_doc,
"_edges($self, k, /)\n--\n\n"
"The edges from level k to level k + 1 as (source, target) pairs of\n"
"objects (as _level shows nodes), each pair once.");

static PyObject *
pathgraph_py_edges(PyObject *op, PyObject *arg)
{
    PathGraphObject *self = (PathGraphObject *)op;
    GySPGraph *sp = pathgraph_sp(op);
    Py_ssize_t k = sp ? PyLong_AsSsize_t(arg) : -1;
    if (k == -1 && (sp == NULL || PyErr_Occurred())) {
        return NULL;
    }
    if (k < 0 || k + 1 >= (Py_ssize_t)sp->nlevels) {
        PyErr_SetString(PyExc_IndexError, "level out of range");
        return NULL;
    }
    uint32_t most = 0;
    for (uint32_t i = sp->level_start[k]; i < sp->level_start[k + 1]; i++) {
        if (sp->nodes[i].nsteps > most) {
            most = sp->nodes[i].nsteps;
        }
    }
    uint32_t *dst = gy_alloc_array((Py_ssize_t)most + 1, sizeof(uint32_t));
    PyObject *list = dst ? PyList_New(0) : NULL;
    for (uint32_t i = sp->level_start[k];
         list != NULL && i < sp->level_start[k + 1]; i++) {
        const GySPNode *node = &sp->nodes[i];
        for (uint32_t s = 0; s < node->nsteps; s++) {
            dst[s] = sp->steps[node->first_step + s].dst;
        }
        qsort(dst, node->nsteps, sizeof(uint32_t), pathgraph_cmp_u32);
        for (uint32_t s = 0; list != NULL && s < node->nsteps; s++) {
            if (s > 0 && dst[s] == dst[s - 1]) {
                continue;
            }
            PyObject *a = pathgraph_node_object(self, i);
            PyObject *b = a ? pathgraph_node_object(self, dst[s]) : NULL;
            PyObject *t = b ? PyTuple_Pack(2, a, b) : NULL;
            if (t == NULL || PyList_Append(list, t) < 0) {
                Py_CLEAR(list);
            }
            Py_XDECREF(a);
            Py_XDECREF(b);
            Py_XDECREF(t);
        }
    }
    PyMem_Free(dst);
    return list;
}

static PyObject *
pathgraph_get_numpaths(PyObject *op, void *closure)
{
    (void)closure;
    GySPGraph *sp = pathgraph_sp(op);
    return sp ? gy_sp_numpaths(sp) : NULL;
}

static PyObject *
pathgraph_get_depth(PyObject *op, void *closure)
{
    (void)closure;
    GySPGraph *sp = pathgraph_sp(op);
    return sp ? PyLong_FromLong(sp->nlevels ? (long)sp->nlevels - 1 : 0)
              : NULL;
}

static PyMethodDef pathgraph_methods[] = {
    {"_lines", pathgraph_py_lines, METH_VARARGS, pathgraph_lines_doc},
    {"_path", pathgraph_py_path, METH_O, pathgraph_path_doc},
    {"_level", pathgraph_py_level, METH_O, pathgraph_level_doc},
    {"_sources", pathgraph_py_sources, METH_NOARGS, pathgraph_sources_doc},
    {"_edges", pathgraph_py_edges, METH_O, pathgraph_edges_doc},
    {"_order_sources", pathgraph_py_order_sources, METH_O,
     pathgraph_order_doc},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef pathgraph_getset[] = {
    {"numpaths", pathgraph_get_numpaths, NULL,
     "Number of shortest paths (an int of any size).", NULL},
    {"depth", pathgraph_get_depth, NULL,
     "Edges in each path; 0 when no target was reached.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(pathgraph_doc,
"The shortest paths from a set of sources to the nearest members of a\n"
"target set: the nodes on them, level by level, and the named steps\n"
"between. Made by NodeSet._shpaths; guppy.heapy.Path shows it.");

static PyType_Slot pathgraph_slots[] = {
    {Py_tp_doc, (void *)pathgraph_doc},
    {Py_tp_dealloc, pathgraph_tp_dealloc},
    {Py_tp_traverse, pathgraph_tp_traverse},
    {Py_tp_clear, pathgraph_tp_clear},
    {Py_tp_methods, pathgraph_methods},
    {Py_tp_getset, pathgraph_getset},
    {0, NULL},
};

static PyType_Spec pathgraph_spec = {
    .name = "guppy._guppy.PathGraph",
    .basicsize = sizeof(PathGraphObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .slots = pathgraph_slots,
};

/* ------------------------------------------------------------------ */
/* Making one */

typedef struct KeyList {
    GySPKey *keys;
    Py_ssize_t n, cap;
} KeyList;

static int
keylist_push(KeyList *kl, const GySPKey *a, const GySPKey *b)
{
    if (kl->n + 2 > kl->cap
        && gy_grow(&kl->keys, &kl->cap, kl->n + 2, sizeof(GySPKey)) < 0) {
        return -1;
    }
    kl->keys[kl->n++] = *a;
    kl->keys[kl->n++] = *b;
    return 0;
}

/* The edges of another PathGraph from level k to level k + 1. */
static int
keylist_add_level(KeyList *kl, PyObject *pgobj, PyObject *levelobj)
{
    GySPGraph *sp = pathgraph_sp(pgobj);
    Py_ssize_t k = sp ? PyLong_AsSsize_t(levelobj) : -1;
    if (k == -1 && (sp == NULL || PyErr_Occurred())) {
        if (sp != NULL && PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_SetString(PyExc_TypeError,
                            "avoid_edges: a level must be an int");
        }
        return -1;
    }
    if (k < 0 || k + 1 >= (Py_ssize_t)sp->nlevels) {
        PyErr_Format(PyExc_ValueError,
                     "avoid_edges: level %zd out of range", k);
        return -1;
    }
    for (uint32_t i = sp->level_start[k]; i < sp->level_start[k + 1]; i++) {
        const GySPNode *node = &sp->nodes[i];
        for (uint32_t s = 0; s < node->nsteps; s++) {
            const GySPStep *step = &sp->steps[node->first_step + s];
            if (keylist_push(kl, &node->key, &sp->nodes[step->dst].key) < 0) {
                return -1;
            }
        }
    }
    return 0;
}

PyObject *
gy_pathgraph_new(GyState *st, GyNodes *targets, GyNodes *sources,
                 GyNodes *avoid_nodes, PyObject *avoid_edges)
{
    KeyList kl = {NULL, 0, 0};
    GySPGraph *sp = NULL;
    PathGraphObject *self = NULL;
    PyObject *seq = PySequence_Fast(avoid_edges,
                                    "avoid_edges must be a sequence of "
                                    "edges");
    if (seq == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2) {
            PyErr_Format(PyExc_TypeError,
                         "avoid_edges: each edge must be a (source, target) "
                         "pair, not %.100s", Py_TYPE(item)->tp_name);
            goto error;
        }
        PyObject *a = PyTuple_GET_ITEM(item, 0);
        PyObject *b = PyTuple_GET_ITEM(item, 1);
        if (Py_IS_TYPE(a, st->pathgraph_type)) {
            if (keylist_add_level(&kl, a, b) < 0) {
                goto error;
            }
            continue;
        }
        GySPKey ka = {GY_SPN_OBJECT, a, 0, -1};
        GySPKey kb = {GY_SPN_OBJECT, b, 0, -1};
        if (keylist_push(&kl, &ka, &kb) < 0) {
            goto error;
        }
    }
    GySPQuery q = {targets, sources, avoid_nodes, kl.keys, kl.n / 2,
                   st->root};
    sp = gy_sp_build(st, &q);
    if (sp == NULL) {
        goto error;
    }
    self = PyObject_GC_New(PathGraphObject, st->pathgraph_type);
    if (self == NULL) {
        goto error;
    }
    self->sp = sp;
    self->root = Py_NewRef(st->root);
    self->reprlib_repr = Py_NewRef(st->reprlib_repr);
    PyObject_GC_Track((PyObject *)self);
    PyMem_Free(kl.keys);
    Py_DECREF(seq);
    return (PyObject *)self;

error:
    gy_sp_free(sp);
    PyMem_Free(kl.keys);
    Py_DECREF(seq);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* hp.Root */

/* The name hp.Root gives a root reference, or 0 if it has none (frame
 * contents) or it does not fit. */
static int
root_ref_name(const GyRootRef *ref, char *buf, size_t size)
{
    int n;
    if (ref->in_frame) {
        return 0;
    }
    if (ref->thread_id == 0 && ref->frame_no < 0) {
        n = PyOS_snprintf(buf, size, "i0_%s", ref->member);
    }
    else if (ref->member == NULL || ref->frame_no >= 0) {
        n = PyOS_snprintf(buf, size, "i0_t%lu_f%d", ref->thread_id,
                          ref->frame_no);
    }
    else {
        n = PyOS_snprintf(buf, size, "i0_t%lu_%s", ref->thread_id,
                          ref->member);
    }
    return n > 0 && (size_t)n < size;
}

static int
root_no_own(PyObject *globals, void *arg)
{
    (void)globals;
    (void)arg;
    return 0;
}

typedef struct RootFind {
    const char *name;
    PyObject *found;           /* strong */
} RootFind;

static int
root_find_visit(PyObject *obj, const GyRootRef *ref, void *arg)
{
    RootFind *f = arg;
    char buf[128];
    if (!root_ref_name(ref, buf, sizeof(buf)) || strcmp(buf, f->name) != 0) {
        return 0;
    }
    f->found = Py_NewRef(obj);
    return 1;
}

/* A decimal number without sign or leading zeros, at most max; the end
 * of its digits in *end. 0 if there is none. */
static int
root_parse_number(const char *s, unsigned long max, unsigned long *value,
                  const char **end)
{
    unsigned long v = 0;
    const char *p = s;
    if (*p < '0' || *p > '9' || (*p == '0' && p[1] >= '0' && p[1] <= '9')) {
        return 0;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned long d = (unsigned long)(*p - '0');
        if (v > (max - d) / 10) {
            return 0;
        }
        v = v * 10 + d;
    }
    *value = v;
    *end = p;
    return 1;
}

/* "i0_t<tid>_f<n>" exactly, as root_ref_name writes it. */
static int
root_parse_frame_name(const char *s, unsigned long *tid, int *n)
{
    unsigned long frame_no;
    const char *p;
    if (strncmp(s, "i0_t", 4) != 0
        || !root_parse_number(s + 4, ULONG_MAX, tid, &p)
        || strncmp(p, "_f", 2) != 0
        || !root_parse_number(p + 2, INT_MAX, &frame_no, &p) || *p != '\0') {
        return 0;
    }
    *n = (int)frame_no;
    return 1;
}

PyObject *
gy_root_tp_getattro(PyObject *self, PyObject *name)
{
    PyObject *r = PyObject_GenericGetAttr(self, name);
    if (r != NULL || !PyErr_ExceptionMatches(PyExc_AttributeError)
        || !PyUnicode_Check(name)) {
        return r;
    }
    const char *s = PyUnicode_AsUTF8(name);
    if (s == NULL || strncmp(s, "i0_", 3) != 0) {
        return NULL;           /* the AttributeError, or AsUTF8's error */
    }
    PyErr_Clear();
    RootFind f = {s, NULL};
    if (gy_visit_roots(root_find_visit, root_no_own, &f) < 0) {
        Py_XDECREF(f.found);
        return NULL;
    }
    if (f.found != NULL) {
        return f.found;
    }
    /* A frame: only its contents are roots (3.11+). */
    unsigned long tid;
    int n;
    if (root_parse_frame_name(s, &tid, &n)) {
        PyObject *frame = gy_frame_object(tid, n);
        if (frame != NULL) {
            return frame;
        }
    }
    PyErr_Format(PyExc_AttributeError,
                 "'%.100s' object has no attribute '%U' (no such root now)",
                 Py_TYPE(self)->tp_name, name);
    return NULL;
}

PyObject *
gy_root_tp_repr(PyObject *self)
{
    (void)self;
    return PyUnicode_FromString("RootState");
}

typedef struct RootNames {
    GyRootRef *refs;
    Py_ssize_t n, cap;
} RootNames;

static int
root_names_visit(PyObject *obj, const GyRootRef *ref, void *arg)
{
    (void)obj;
    RootNames *rn = arg;
    GyRootRef r = *ref;
    if (r.in_frame) {
        /* One name per frame: hp.Root.i0_t<tid>_f<n>. */
        GyRootRef *last = rn->n ? &rn->refs[rn->n - 1] : NULL;
        if (last != NULL && last->member == NULL
            && last->thread_id == r.thread_id
            && last->frame_no == r.frame_no) {
            return 0;
        }
        r.member = NULL;
        r.in_frame = 0;
    }
    if (rn->n == rn->cap
        && gy_grow(&rn->refs, &rn->cap, rn->n + 1, sizeof(GyRootRef)) < 0) {
        return -1;
    }
    rn->refs[rn->n++] = r;
    return 0;
}

/* __dir__: the usual attributes and the name of every root now. */
static PyObject *
root_py_dir(PyObject *self, PyObject *unused)
{
    (void)unused;
    RootNames rn = {NULL, 0, 0};
    PyObject *names = NULL, *result = NULL;
    /* Names are collected as C data first: making strs while the thread
       states are being read could run the collector. */
    if (gy_visit_roots(root_names_visit, root_no_own, &rn) != 0) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_RuntimeError, "visiting the roots failed");
        }
        goto done;
    }
    PyObject *base = PyObject_GetAttrString((PyObject *)&PyBaseObject_Type,
                                            "__dir__");
    PyObject *usual = base ? PyObject_CallOneArg(base, self) : NULL;
    Py_XDECREF(base);
    names = usual ? PySet_New(usual) : NULL;
    Py_XDECREF(usual);
    if (names == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < rn.n; i++) {
        char buf[128];
        if (!root_ref_name(&rn.refs[i], buf, sizeof(buf))) {
            continue;
        }
        PyObject *s = PyUnicode_FromString(buf);
        if (s == NULL || PySet_Add(names, s) < 0) {
            Py_XDECREF(s);
            goto done;
        }
        Py_DECREF(s);
    }
    result = PySequence_List(names);
    if (result != NULL && PyList_Sort(result) < 0) {
        Py_CLEAR(result);
    }
done:
    PyMem_Free(rn.refs);
    Py_XDECREF(names);
    return result;
}

PyMethodDef gy_root_methods[] = {
    {"__dir__", root_py_dir, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

int
gy_paths_add_types(PyObject *module, GyState *st)
{
    PyObject *bases = PyTuple_Pack(1, (PyObject *)st->hidden_type);
    if (bases == NULL) {
        return -1;
    }
    st->pathgraph_type = (PyTypeObject *)PyType_FromModuleAndSpec(
        module, &pathgraph_spec, bases);
    Py_DECREF(bases);
    if (st->pathgraph_type == NULL) {
        return -1;
    }
    st->root = st->root_type->tp_alloc(st->root_type, 0);
    if (st->root == NULL) {
        return -1;
    }
    if (PyModule_AddObjectRef(module, "PathGraph",
                              (PyObject *)st->pathgraph_type) < 0
        || PyModule_AddObjectRef(module, "Root", st->root) < 0) {
        return -1;
    }
    return 0;
}
