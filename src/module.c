/* module.c -- guppy._guppy: PyInit, the module state's life cycle, the
 * Hidden and RootStateType types, and the module-level functions the
 * Python facade (guppy/) calls: heap(), heapu(), parse_relation(), ...
 * Each validates its arguments, calls one engine function and wraps the
 * result. The other Python types have files of their own, which the exec
 * function has add them: NodeSet (py_nodeset.c), the Stat types (stat.c),
 * PathGraph and hp.Root (py_paths.c).
 *
 * Hidden is the base of every facade class: the walk never reports or
 * follows instances of it. RootStateType is the class of hp.Root, under
 * heapy's name; its attributes are py_paths.c's. Also the out-of-line
 * helpers gy.h declares: gy_state_of_type needs the module's definition.
 */
#include "gy.h"

#include "classify.h"
#include "dominators.h"
#include "graph.h"
#include "nodeset.h"
#include "partition.h"
#include "relstr.h"
#include "render.h"
#include "stat.h"
#include "walk.h"
#include "wrap.h"
#include "py_nodeset.h"
#include "py_paths.h"

/* ------------------------------------------------------------------ */
/* Shared helpers (declared in gy.h) */

void *
gy_alloc_array(Py_ssize_t n, size_t elsize)
{
    if (n < 0 || (n > 0 && (size_t)n > PY_SSIZE_T_MAX / elsize)) {
        PyErr_NoMemory();
        return NULL;
    }
    void *p = PyMem_Malloc(n > 0 ? (size_t)n * elsize : 1);
    if (p == NULL) {
        PyErr_NoMemory();
    }
    return p;
}

int
gy_grow(void *buf, Py_ssize_t *cap, Py_ssize_t need, size_t elsize)
{
    if (need <= *cap) {
        return 0;
    }
    Py_ssize_t newcap = *cap < 16 ? 16 : *cap + *cap / 2;
    if (newcap < need) {
        newcap = need;
    }
    if ((size_t)newcap > PY_SSIZE_T_MAX / elsize) {
        PyErr_NoMemory();
        return -1;
    }
    void *p = PyMem_Realloc(*(void **)buf, (size_t)newcap * elsize);
    if (p == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *(void **)buf = p;
    *cap = newcap;
    return 0;
}

static struct PyModuleDef guppy_module;

GyState *
gy_state_of_type(PyTypeObject *tp)
{
    PyObject *mod = gy_type_module_by_def(tp, &guppy_module);
    return mod ? PyModule_GetState(mod) : NULL;
}

PyDoc_STRVAR(hidden_doc,
"Base of the profiler's own classes: heap walks neither report nor\n"
"follow instances of its subclasses.");

static PyType_Slot hidden_slots[] = {
    {Py_tp_doc, (void *)hidden_doc},
    {0, NULL},
};

static PyType_Spec hidden_spec = {
    .name = "guppy._guppy.Hidden",
    .basicsize = sizeof(PyObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .slots = hidden_slots,
};

PyDoc_STRVAR(root_doc,
"The root of the heap: the interpreter state and every thread's stack.\n"
"Its references are the members named i0_<member> (hp.Root).");

static PyType_Slot root_slots[] = {
    {Py_tp_doc, (void *)root_doc},
    {Py_tp_getattro, gy_root_tp_getattro},   /* i0_... (py_paths.c) */
    {Py_tp_repr, gy_root_tp_repr},
    {Py_tp_methods, gy_root_methods},
    {0, NULL},
};

/* heapy's name, so referrer classes print as guppy3 prints them. */
static PyType_Spec root_spec = {
    .name = "guppy.heapy.heapyc.RootStateType",
    .basicsize = sizeof(PyObject),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = root_slots,
};

/* ------------------------------------------------------------------ */
/* Module functions */

PyDoc_STRVAR(heap_doc,
"heap($module, /)\n--\n\n"
"Return a NodeSet of every object reachable from the interpreter's roots\n"
"(all modules, interpreter state, every thread's stack), except the\n"
"profiler's own objects and frames.");

static PyObject *
guppy_heap(PyObject *module, PyObject *unused)
{
    (void)unused;
    GyState *st = PyModule_GetState(module);
    GyWalkResult r;
    GyTotals *totals;
    if (gy_walk_heap_totals(st, &r, &totals) < 0) {
        return NULL;
    }
    GyNodes *nodes = gy_nodes_new_steal(r.items, r.count, r.owners);
    if (nodes == NULL) {
        gy_totals_fini(totals);
        PyMem_Free(totals);
        return NULL;
    }
    nodes->clodo_totals = totals;
    return gy_nodeset_new(st, nodes);
}

PyDoc_STRVAR(heapu_doc,
"heapu($module, rma, force, /)\n--\n\n"
"Return a NodeSet of the objects alive but not reachable from the roots:\n"
"every object the cyclic collector tracks that the roots do not reach,\n"
"and everything those reach that the roots do not, except the\n"
"profiler's own objects. With rma false, the reachable objects are not\n"
"removed (every tracked object and what it reaches).\n"
"\n"
"Return None instead if cyclic garbage is among them and force is\n"
"false: the caller collects it (gc.collect()) and asks again. Does not\n"
"collect garbage itself.");

/* METH_FASTCALL: an argument tuple would be alive, held by the C stack
 * only, and so part of the result. */
static PyObject *
guppy_heapu(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError,
                     "heapu() takes 2 arguments (%zd given)", nargs);
        return NULL;
    }
    int rma = PyObject_IsTrue(args[0]);
    int force = rma < 0 ? -1 : PyObject_IsTrue(args[1]);
    if (force < 0) {
        return NULL;
    }
    GyState *st = PyModule_GetState(module);
    GyWalkResult r;
    int garbage = 0;
    if (gy_walk_unreachable(st, rma, &r, force ? NULL : &garbage) < 0) {
        return NULL;
    }
    if (garbage) {
        gy_walk_result_clear(&r);
        Py_RETURN_NONE;
    }
    GyNodes *nodes = gy_nodes_new_steal(r.items, r.count, r.owners);
    return gy_nodeset_new(st, nodes);
}

PyDoc_STRVAR(own_globals_doc,
"register_own_globals($module, globals, /)\n--\n\n"
"Mark a module dict as the profiler's own: frames running with these\n"
"globals are not walked.");

static PyObject *
guppy_register_own_globals(PyObject *module, PyObject *globals)
{
    GyState *st = PyModule_GetState(module);
    if (!PyDict_Check(globals)) {
        PyErr_SetString(PyExc_TypeError, "globals must be a dict");
        return NULL;
    }
    if (PyList_Append(st->own_globals, globals) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(wrap_fill_doc,
"_wrap_fill($module, text, width, indent, /)\n--\n\n"
"textwrap.fill(text, width, subsequent_indent=' ' * indent), in C.");

static PyObject *
guppy_wrap_fill(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *text;
    Py_ssize_t width, indent;
    if (!PyArg_ParseTuple(args, "Unn:_wrap_fill", &text, &width, &indent)) {
        return NULL;
    }
    return gy_wrap_fill(text, width, indent);
}

PyDoc_STRVAR(percent_doc,
"_percent($module, part, whole, /)\n--\n\n"
"int('%.0f' % (part * 100.0 / whole)), as the tables print it.");

static PyObject *
guppy_percent(PyObject *module, PyObject *args)
{
    (void)module;
    Py_ssize_t part, whole;
    if (!PyArg_ParseTuple(args, "nn:_percent", &part, &whole)) {
        return NULL;
    }
    return PyLong_FromLong(gy_render_percent(part, whole));
}

PyDoc_STRVAR(domtree_stats_doc,
"_domtree_stats($module, /)\n--\n\n"
"Build the heap's reference graph and its dominator tree and return the\n"
"tree's shape: a dict of objects, nodes (the root and stack frames\n"
"too), reached (nodes the root reaches), root_count and root_size (what\n"
"the root retains) and tree_bytes (what the tree keeps). For benchmarks.");

static PyObject *
guppy_domtree_stats(PyObject *module, PyObject *unused)
{
    (void)unused;
    GyState *st = PyModule_GetState(module);
    GyDomTree t;
    PyObject *r = NULL;
    memset(&t, 0, sizeof(t));
    GyGraph *g = gy_graph_build(st, 0);
    if (g == NULL || gy_nodes_ensure_sizes(st, g->nodes) < 0
        || gy_domtree_build(g, g->nodes->sizes, &t) < 0) {
        goto done;
    }
    Py_ssize_t reached = 1;   /* the root */
    uint32_t root = (uint32_t)GY_GRAPH_ROOT(g);
    for (Py_ssize_t i = 0; i < g->nnodes; i++) {
        reached += t.idom[i] != GY_DOM_NONE;
    }
    r = Py_BuildValue("{s:n,s:n,s:n,s:n,s:L,s:n}", "objects", g->nreal,
                      "nodes", g->nnodes, "reached", reached, "root_count",
                      (Py_ssize_t)t.count[root], "root_size",
                      (long long)t.retained[root], "tree_bytes",
                      (Py_ssize_t)(g->nnodes * (2 * sizeof(uint32_t)
                                                + sizeof(int64_t))));
done:
    gy_domtree_fini(&t);
    gy_graph_free(g);
    return r;
}

PyDoc_STRVAR(graph_stats_doc,
"_graph_stats($module, /)\n--\n\n"
"Build the reference graph of the heap and return its shape: a dict of\n"
"objects, nodes (objects, the root, stack frames), edges, and the bytes\n"
"its arrays take. For benchmarks and docs.");

static PyObject *
guppy_graph_stats(PyObject *module, PyObject *unused)
{
    (void)unused;
    GyState *st = PyModule_GetState(module);
    /* As x.referrers builds it: both directions (byvia builds the
       forward rows only, byrcs the reverse ones). */
    GyGraph *g = gy_graph_build(st, 1);
    if (g == NULL) {
        return NULL;
    }
    Py_ssize_t edges = g->out_start[g->nnodes];
    size_t bytes = gy_graph_bytes(g);
    PyObject *r = Py_BuildValue("{s:n,s:n,s:n,s:n}", "objects", g->nreal,
                                "nodes", g->nnodes, "edges", edges,
                                "bytes", (Py_ssize_t)bytes);
    gy_graph_free(g);
    return r;
}

PyDoc_STRVAR(parse_relation_doc,
"parse_relation($module, text, /)\n--\n\n"
"Return (kind, value) for a relation string such as \"['x']\", '.a' or\n"
"'->ob_type', parsed strictly and never evaluated (relstr.h lists the\n"
"forms). ValueError names the position of malformed text.");

static PyObject *
guppy_parse_relation(PyObject *module, PyObject *text)
{
    (void)module;
    return gy_relstr_parse(text);
}

static PyMethodDef guppy_functions[] = {
    {"parse_relation", guppy_parse_relation, METH_O, parse_relation_doc},
    {"_graph_stats", guppy_graph_stats, METH_NOARGS, graph_stats_doc},
    {"_domtree_stats", guppy_domtree_stats, METH_NOARGS,
     domtree_stats_doc},
    {"heap", guppy_heap, METH_NOARGS, heap_doc},
    {"heapu", (PyCFunction)(void (*)(void))guppy_heapu, METH_FASTCALL,
     heapu_doc},
    {"register_own_globals", guppy_register_own_globals, METH_O,
     own_globals_doc},
    {"_wrap_fill", guppy_wrap_fill, METH_VARARGS, wrap_fill_doc},
    {"_percent", guppy_percent, METH_VARARGS, percent_doc},
    {NULL, NULL, 0, NULL},
};

/* ------------------------------------------------------------------ */
/* Module state */

static int
guppy_exec(PyObject *module)
{
    GyState *st = PyModule_GetState(module);
    PyObject *reprlib = NULL;
    st->hidden_type = (PyTypeObject *)PyType_FromModuleAndSpec(
        module, &hidden_spec, NULL);
    if (st->hidden_type == NULL
        || PyModule_AddObjectRef(module, "Hidden",
                                 (PyObject *)st->hidden_type) < 0) {
        return -1;
    }
    /* 3.9 wants the bases as a tuple. */
    PyObject *bases = PyTuple_Pack(1, (PyObject *)st->hidden_type);
    if (bases == NULL) {
        return -1;
    }
    /* NodeSet and _Members (py_nodeset.c), then hp.Root's class. */
    st->root_type = gy_nodeset_add_types(module, st, bases) < 0 ? NULL
        : (PyTypeObject *)PyType_FromModuleAndSpec(module, &root_spec, bases);
    Py_DECREF(bases);
    if (st->root_type == NULL) {
        return -1;
    }
    st->own_globals = PyList_New(0);
    st->str_sizeof = PyUnicode_InternFromString("__sizeof__");
    st->str_module = PyUnicode_InternFromString("__module__");
    if (st->own_globals == NULL || st->str_sizeof == NULL
        || st->str_module == NULL) {
        return -1;
    }
    reprlib = PyImport_ImportModule("reprlib");
    if (reprlib == NULL) {
        return -1;
    }
    st->reprlib_repr = PyObject_GetAttrString(reprlib, "repr");
    Py_DECREF(reprlib);
    if (st->reprlib_repr == NULL) {
        return -1;
    }
    if (gy_stat_add_types(module, st) < 0
        || gy_paths_add_types(module, st) < 0) {
        return -1;
    }
    return gy_render_init_type_names(st);
}

static int
guppy_traverse(PyObject *module, visitproc visit, void *arg)
{
    GyState *st = PyModule_GetState(module);
    Py_VISIT(st->nodeset_type);
    Py_VISIT(st->hidden_type);
    Py_VISIT(st->root_type);
    Py_VISIT(st->members_type);
    Py_VISIT(st->own_globals);
    Py_VISIT(st->type_names);
    Py_VISIT(st->str_sizeof);
    Py_VISIT(st->str_module);
    Py_VISIT(st->reprlib_repr);
    Py_VISIT(st->stat_type);
    Py_VISIT(st->statrow_type);
    Py_VISIT(st->pathgraph_type);
    Py_VISIT(st->root);
    return 0;
}

static int
guppy_clear(PyObject *module)
{
    GyState *st = PyModule_GetState(module);
    Py_CLEAR(st->nodeset_type);
    Py_CLEAR(st->hidden_type);
    Py_CLEAR(st->root_type);
    Py_CLEAR(st->members_type);
    Py_CLEAR(st->own_globals);
    Py_CLEAR(st->type_names);
    Py_CLEAR(st->str_sizeof);
    Py_CLEAR(st->str_module);
    Py_CLEAR(st->reprlib_repr);
    Py_CLEAR(st->stat_type);
    Py_CLEAR(st->statrow_type);
    Py_CLEAR(st->pathgraph_type);
    Py_CLEAR(st->root);
    return 0;
}

static void
guppy_free(void *module)
{
    (void)guppy_clear((PyObject *)module);
}

static PyModuleDef_Slot guppy_slots[] = {
    {Py_mod_exec, guppy_exec},
    {0, NULL},
};

PyDoc_STRVAR(guppy_module_doc,
"The C engine of guppy: heap walk, identity sets, partitions, tables.");

static struct PyModuleDef guppy_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "guppy._guppy",
    .m_doc = guppy_module_doc,
    .m_size = sizeof(GyState),
    .m_methods = guppy_functions,
    .m_slots = guppy_slots,
    .m_traverse = guppy_traverse,
    .m_clear = guppy_clear,
    .m_free = guppy_free,
};

PyMODINIT_FUNC
PyInit__guppy(void)
{
    return PyModuleDef_Init(&guppy_module);
}
