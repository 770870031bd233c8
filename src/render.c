/* render.c -- the exact text heapy prints: type names, row labels, object
 * renderings (byid), and the partition tables with their widths,
 * percentages, 100-column wrapping and paging footer. Reads partitions
 * (partition.c) and never changes them, except to fill in Id labels on
 * first print.
 *
 * Formats (docs/architecture.md has the byte-level layout):
 *   SetFormat  "Partition of a set of N objects. Total size = S bytes."
 *              ' Index  Count   %     Size   % Cumulative  % ' + title
 *              '%6d %6d %3d %8d %3d %9d %3d ' + label
 *   IdFormat   "Set of N <kind> objects. Total size = S bytes."
 *              ' Index     Size   %   Cumulative  %   ' + title
 *              '%6d %8d %5.1f %9d %5.1f ' + rendering
 * Percentages are Python's int('%.0f' % x) (binary halves to even) and
 * '%5.1f'; both are C printf, so C gives the same digits. Lines longer
 * than 100 columns are filled as textwrap does (wrap.c), continuation
 * lines indented to the label column.
 *
 * Renderings that must ask an object for something (a module's name, a
 * code object's file) read C fields of exact builtin types where they
 * can; the few that call Python (reprlib.repr of str and bytes) take only
 * exact builtin objects, so no user code runs while a table is printed.
 */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>

#include "wrap.h"
#include "frameobject.h"

#define TABLE_WIDTH 100
#define SET_INDENT 45
#define ID_INDENT 38

/* ------------------------------------------------------------------ */
/* Type and module names */

static int
names_add(PyObject *names, PyObject *type, PyObject *name)
{
    PyObject *key = PyLong_FromVoidPtr(type);
    PyObject *value = key ? PyTuple_Pack(2, type, name) : NULL;
    int rc = value ? PyDict_SetItem(names, key, value) : -1;
    Py_XDECREF(key);
    Py_XDECREF(value);
    return rc;
}

/* For each (name, value) of module's dict in name order whose value is a
 * type, map the type to prefix + name; later names win. */
static int
names_from_module(PyObject *names, const char *modname, const char *prefix)
{
    PyObject *mod = PyImport_ImportModule(modname);
    PyObject *keys = NULL;
    int rc = -1;
    if (mod == NULL) {
        return -1;
    }
    PyObject *dict = PyModule_GetDict(mod);    /* borrowed */
    keys = PyDict_Keys(dict);
    if (keys == NULL || PyList_Sort(keys) < 0) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(keys); i++) {
        PyObject *k = PyList_GET_ITEM(keys, i);
        PyObject *v = PyDict_GetItemWithError(dict, k);
        if (v == NULL) {
            if (PyErr_Occurred()) {
                goto done;
            }
            continue;
        }
        if (!PyType_Check(v) || !PyUnicode_Check(k)) {
            continue;
        }
        PyObject *name = PyUnicode_FromFormat("%s%U", prefix, k);
        if (name == NULL) {
            goto done;
        }
        int r = names_add(names, v, name);
        Py_DECREF(name);
        if (r < 0) {
            goto done;
        }
    }
    rc = 0;
done:
    Py_XDECREF(keys);
    Py_DECREF(mod);
    return rc;
}

int
gy_render_init_type_names(GyState *state)
{
    PyObject *names = PyDict_New();
    PyObject *name = NULL;
    if (names == NULL) {
        return -1;
    }
    if (names_from_module(names, "types", "types.") < 0
        || names_from_module(names, "builtins", "") < 0) {
        goto error;
    }
    name = PyUnicode_FromString("module");
    if (name == NULL || names_add(names, (PyObject *)&PyModule_Type, name)) {
        goto error;
    }
    Py_SETREF(name, PyUnicode_FromString("function"));
    if (name == NULL
        || names_add(names, (PyObject *)&PyFunction_Type, name) < 0) {
        goto error;
    }
    Py_DECREF(name);
    Py_XSETREF(state->type_names, names);
    return 0;
error:
    Py_XDECREF(name);
    Py_DECREF(names);
    return -1;
}

/* A str from any object without trusting it: str itself, else '?'. */
static PyObject *
text_or_placeholder(PyObject *v)
{
    if (v != NULL && PyUnicode_Check(v)) {
        return Py_NewRef(v);
    }
    return PyUnicode_FromString("?");
}

PyObject *
gy_render_type_name(GyState *state, PyTypeObject *tp)
{
    PyObject *key = PyLong_FromVoidPtr(tp);
    if (key == NULL) {
        return NULL;
    }
    PyObject *hit = PyDict_GetItemWithError(state->type_names, key);
    Py_DECREF(key);
    if (hit != NULL) {
        return Py_NewRef(PyTuple_GET_ITEM(hit, 1));
    }
    if (PyErr_Occurred()) {
        return NULL;
    }
    /* <__module__>.<__name__>, read as type.__module__ and type.__name__
       would, without calling a metaclass. */
    PyObject *module = NULL, *name = NULL, *result = NULL;
    if (tp->tp_flags & Py_TPFLAGS_HEAPTYPE) {
        PyHeapTypeObject *ht = (PyHeapTypeObject *)tp;
        name = text_or_placeholder(ht->ht_name);
        PyObject *dict = tp->tp_dict;
        PyObject *m = dict ? PyDict_GetItemWithError(dict, state->str_module)
                           : NULL;
        if (m == NULL && PyErr_Occurred()) {
            PyErr_Clear();
        }
        if (m != NULL) {
            module = text_or_placeholder(m);
        }
    }
    else {
        const char *dot = strrchr(tp->tp_name, '.');
        if (dot != NULL) {
            module = PyUnicode_FromStringAndSize(
                tp->tp_name, (Py_ssize_t)(dot - tp->tp_name));
            name = PyUnicode_FromString(dot + 1);
        }
        else {
            module = PyUnicode_FromString("builtins");
            name = PyUnicode_FromString(tp->tp_name);
        }
    }
    if (name == NULL) {
        goto done;
    }
    if (module == NULL) {
        if (PyErr_Occurred()) {
            goto done;
        }
        result = PyUnicode_FromFormat("<unknown module>.%U", name);
    }
    else {
        result = PyUnicode_FromFormat("%U.%U", module, name);
    }
done:
    Py_XDECREF(module);
    Py_XDECREF(name);
    return result;
}

PyObject *
gy_render_module_name(PyObject *mod)
{
    PyObject *dict = PyModule_GetDict(mod);     /* borrowed */
    PyObject *name = dict ? PyDict_GetItemString(dict, "__name__") : NULL;
    return text_or_placeholder(name);
}

/* ------------------------------------------------------------------ */
/* Object renderings (byid) */

static PyObject *
render_address(PyObject *op)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "0x%llx",
             (unsigned long long)(uintptr_t)op);
    return PyUnicode_FromString(buf);
}

static PyObject *
render_address_len(PyObject *op, Py_ssize_t len)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "0x%llx*%zd",
             (unsigned long long)(uintptr_t)op, len);
    return PyUnicode_FromString(buf);
}

static PyObject *
render_code(PyCodeObject *co)
{
    PyObject *file = text_or_placeholder(co->co_filename);
    PyObject *name = text_or_placeholder(co->co_name);
    PyObject *base = NULL, *result = NULL;
    if (file == NULL || name == NULL) {
        goto done;
    }
    /* os.path.basename: everything after the last '/'. */
    Py_ssize_t len = PyUnicode_GET_LENGTH(file);
    Py_ssize_t slash = PyUnicode_FindChar(file, '/', 0, len, -1);
    if (slash == -2) {
        goto done;
    }
    base = PyUnicode_Substring(file, slash + 1, len);
    if (base != NULL) {
        result = PyUnicode_FromFormat("%U:%d:%U", base,
                                      co->co_firstlineno, name);
    }
done:
    Py_XDECREF(file);
    Py_XDECREF(name);
    Py_XDECREF(base);
    return result;
}

static PyObject *
render_frame(PyObject *frame)
{
    PyCodeObject *co = PyFrame_GetCode((PyFrameObject *)frame);
    PyObject *name = text_or_placeholder(co ? co->co_name : NULL);
    Py_XDECREF(co);
    if (name == NULL) {
        return NULL;
    }
    PyObject *r = PyUnicode_FromFormat("<%U at 0x%llx>", name,
                                       (unsigned long long)(uintptr_t)frame);
    Py_DECREF(name);
    return r;
}

static PyObject *
render_function(PyObject *op)
{
    PyFunctionObject *f = (PyFunctionObject *)op;
    PyObject *mod = f->func_module;
    PyObject *m = mod && PyUnicode_Check(mod) ? Py_NewRef(mod)
                                              : PyObject_Str(mod ? mod
                                                                 : Py_None);
    if (m == NULL) {
        PyErr_Clear();
        m = PyUnicode_FromString("?");
        if (m == NULL) {
            return NULL;
        }
    }
    PyObject *n = text_or_placeholder(f->func_name);
    PyObject *r = n ? PyUnicode_FromFormat("%U.%U", m, n) : NULL;
    Py_DECREF(m);
    Py_XDECREF(n);
    return r;
}

static PyObject *
render_builtin(PyObject *op)
{
    PyCFunctionObject *f = (PyCFunctionObject *)op;
    const char *name = f->m_ml->ml_name;
    PyObject *mod = f->m_module;
    if (mod != NULL && PyUnicode_Check(mod)
        && PyUnicode_CompareWithASCIIString(mod, "builtins") != 0) {
        return PyUnicode_FromFormat("%U.%s", mod, name);
    }
    return PyUnicode_FromString(name);
}

static PyObject *
render_method(GyState *state, PyObject *op)
{
    PyObject *self = PyMethod_GET_SELF(op);
    PyObject *func = PyMethod_GET_FUNCTION(op);
    PyObject *cls = gy_render_type_name(state, Py_TYPE(self));
    PyObject *fname = NULL, *r = NULL;
    if (cls == NULL) {
        return NULL;
    }
    if (PyFunction_Check(func)) {
        fname = text_or_placeholder(((PyFunctionObject *)func)->func_name);
    }
    else {
        fname = PyUnicode_FromString("?");
    }
    if (fname != NULL) {
        r = PyUnicode_FromFormat("<%U at 0x%llx>.%U", cls,
                                 (unsigned long long)(uintptr_t)self, fname);
    }
    Py_DECREF(cls);
    Py_XDECREF(fname);
    return r;
}

/* Which rendering heapy uses for op, by exact type. */
typedef enum {
    R_ADDRESS, R_LIMREPR, R_REPR, R_ADDRESS_LEN, R_OWNED_DICT, R_NAME_MODULE,
    R_NAME_FUNCTION, R_NAME_TYPE, R_NAME_BUILTIN, R_CODE, R_FRAME, R_METHOD,
    R_TRACEBACK
} RenderHow;

static RenderHow
render_how(PyObject *op, const GyOwners *owners)
{
    PyTypeObject *tp = Py_TYPE(op);
    if (tp == &PyUnicode_Type || tp == &PyBytes_Type) {
        return R_LIMREPR;
    }
    if (tp == &PyLong_Type || tp == &PyFloat_Type || tp == &PyComplex_Type
        || tp == &PyBool_Type || op == Py_None) {
        return R_REPR;
    }
    if (tp == &PyDict_Type) {
        return gy_owners_get(owners, op) ? R_OWNED_DICT : R_ADDRESS_LEN;
    }
    if (tp == &PyList_Type || tp == &PyTuple_Type) {
        return R_ADDRESS_LEN;
    }
    if (tp == &PyModule_Type) {
        return R_NAME_MODULE;
    }
    if (tp == &PyFunction_Type) {
        return R_NAME_FUNCTION;
    }
    if (PyType_Check(op)) {
        return R_NAME_TYPE;
    }
    if (tp == &PyCFunction_Type) {
        return R_NAME_BUILTIN;
    }
    if (tp == &PyCode_Type) {
        return R_CODE;
    }
    if (tp == &PyFrame_Type) {
        return R_FRAME;
    }
    if (tp == &PyMethod_Type) {
        return R_METHOD;
    }
    if (tp == &PyTraceBack_Type) {
        return R_TRACEBACK;
    }
    return R_ADDRESS;
}

static const char *const render_titles[] = {
    [R_ADDRESS] = "Address",
    [R_LIMREPR] = "Representation (limited)",
    [R_REPR] = "Value",
    [R_ADDRESS_LEN] = "Address*Length",
    [R_OWNED_DICT] = "Owner",
    [R_NAME_MODULE] = "Name",
    [R_NAME_FUNCTION] = "Name",
    [R_NAME_TYPE] = "Name",
    [R_NAME_BUILTIN] = "Name",
    [R_CODE] = "File:Line:Name",
    [R_FRAME] = "Name at Address",
    [R_METHOD] = "Type/<Type at address> . method",
    [R_TRACEBACK] = "Frame at Address",
};

PyObject *
gy_render_object_title(GyState *state, PyObject *op, const GyOwners *owners)
{
    RenderHow how = render_how(op, owners);
    if (how == R_OWNED_DICT) {
        PyObject *owner = gy_owners_get(owners, op);
        PyObject *inner = gy_render_object_title(state, owner, owners);
        if (inner == NULL) {
            return NULL;
        }
        PyObject *r = PyUnicode_FromFormat("Owner %U", inner);
        Py_DECREF(inner);
        return r;
    }
    return PyUnicode_FromString(render_titles[how]);
}

PyObject *
gy_render_object(GyState *state, PyObject *op, const GyOwners *owners)
{
    switch (render_how(op, owners)) {
    case R_LIMREPR:
        return PyObject_CallOneArg(state->reprlib_repr, op);
    case R_REPR:
        return PyObject_Repr(op);
    case R_ADDRESS_LEN:
        return render_address_len(op, PyDict_Check(op) ? PyDict_GET_SIZE(op)
                                                       : Py_SIZE(op));
    case R_OWNED_DICT:
        return gy_render_object(state, gy_owners_get(owners, op), owners);
    case R_NAME_MODULE:
        return gy_render_module_name(op);
    case R_NAME_FUNCTION:
        return render_function(op);
    case R_NAME_TYPE:
        return gy_render_type_name(state, (PyTypeObject *)op);
    case R_NAME_BUILTIN:
        return render_builtin(op);
    case R_CODE:
        return render_code((PyCodeObject *)op);
    case R_FRAME:
        return render_frame(op);
    case R_METHOD:
        return render_method(state, op);
    case R_TRACEBACK: {
        PyTracebackObject *tb = (PyTracebackObject *)op;
        PyObject *fr = render_frame((PyObject *)tb->tb_frame);
        if (fr == NULL) {
            return NULL;
        }
        PyObject *r = PyUnicode_FromFormat(
            "<in frame %U at 0x%llx>", fr, (unsigned long long)(uintptr_t)op);
        Py_DECREF(fr);
        return r;
    }
    case R_ADDRESS:
    default:
        return render_address(op);
    }
}

PyObject *
gy_render_brief_one(GyState *state, PyObject *op, const GyOwners *owners)
{
    uintptr_t key = gy_classify_key(GY_BY_CLODO, op, 0, owners, NULL);
    PyObject *label = gy_classify_label(state, GY_BY_CLODO, key, op);
    PyObject *r = NULL;
    if (label == NULL) {
        return NULL;
    }
    PyObject *rendering = gy_render_object(state, op, owners);
    if (rendering != NULL) {
        r = PyUnicode_FromFormat("<1 %U: %U>", label, rendering);
        Py_DECREF(rendering);
    }
    Py_DECREF(label);
    return r;
}

/* ------------------------------------------------------------------ */
/* Tables */

long
gy_render_percent(Py_ssize_t part, Py_ssize_t whole)
{
    char buf[64];
    double x = whole ? (double)part * 100.0 / (double)whole : 0.0;
    snprintf(buf, sizeof(buf), "%.0f", x);
    return strtol(buf, NULL, 10);
}

/* Append line to lines, filled to the table width; steals line. */
static int
append_line(PyObject *lines, PyObject *line, Py_ssize_t indent)
{
    if (line == NULL) {
        return -1;
    }
    PyObject *filled = gy_wrap_fill(line, TABLE_WIDTH, indent);
    Py_DECREF(line);
    if (filled == NULL) {
        return -1;
    }
    int rc = PyList_Append(lines, filled);
    Py_DECREF(filled);
    return rc;
}

static PyObject *
format_count_label(const char *fmt1, Py_ssize_t n, PyObject *kind,
                   Py_ssize_t size)
{
    if (kind != NULL) {
        return PyUnicode_FromFormat("Set of %zd %U object%s. Total size = "
                                    "%zd bytes.", n, kind,
                                    n == 1 ? "" : "s", size);
    }
    return PyUnicode_FromFormat(fmt1, n, n == 1 ? "" : "s", size);
}

/* The Clodo label of every row of an Id partition if they share one,
 * else NULL ("<mixed>"); new reference. */
static PyObject *
id_common_kind(GyState *state, GyPartition *p, GyNodes *nodes, int *mixed)
{
    *mixed = 0;
    if (p->nrows == 0) {
        return NULL;
    }
    uintptr_t first = gy_classify_key(GY_BY_CLODO, p->rows[0].example, 0,
                                      nodes->owners, NULL);
    for (Py_ssize_t i = 1; i < p->nrows; i++) {
        if (gy_classify_key(GY_BY_CLODO, p->rows[i].example, 0,
                            nodes->owners, NULL) != first) {
            *mixed = 1;
            return NULL;
        }
    }
    return gy_classify_label(state, GY_BY_CLODO, first, p->rows[0].example);
}

PyObject *
gy_render_table(GyState *state, GyPartition *p, GyNodes *nodes,
                Py_ssize_t start, Py_ssize_t maxrows, int title,
                Py_ssize_t index_base, Py_ssize_t cumul_before)
{
    int is_id = p->by == GY_BY_ID;
    Py_ssize_t indent = is_id ? ID_INDENT : SET_INDENT;
    PyObject *lines = PyList_New(0);
    PyObject *kind = NULL, *coltitle = NULL, *result = NULL;
    int mixed = 0;
    if (lines == NULL) {
        return NULL;
    }
    if (!title && start >= p->nrows) {
        /* Paged past the end: nothing, not even the header. */
        Py_DECREF(lines);
        return PyUnicode_New(0, 0);
    }
    if (is_id) {
        kind = id_common_kind(state, p, nodes, &mixed);
        if (kind == NULL && PyErr_Occurred()) {
            goto done;
        }
        if (mixed || p->nrows == 0) {
            coltitle = PyUnicode_FromString("Brief");
        }
        else {
            coltitle = gy_render_object_title(state, p->rows[0].example,
                                              nodes->owners);
        }
        if (coltitle == NULL) {
            goto done;
        }
    }
    if (title) {
        PyObject *line;
        if (is_id) {
            PyObject *k = kind ? PyUnicode_FromFormat("<%U>", kind)
                               : PyUnicode_FromString("<mixed>");
            if (k == NULL) {
                goto done;
            }
            line = format_count_label(NULL, p->count, k, p->size);
            Py_DECREF(k);
        }
        else {
            line = format_count_label(
                "Partition of a set of %zd object%s. Total size = %zd bytes.",
                p->count, NULL, p->size);
        }
        if (append_line(lines, line, 0) < 0) {
            goto done;
        }
    }
    if (p->count != 0 || p->size != 0) {
        PyObject *hdr;
        if (is_id) {
            hdr = PyUnicode_FromFormat(" Index     Size   %%   Cumulative  "
                                       "%%   %U", coltitle);
        }
        else {
            hdr = PyUnicode_FromFormat(" Index  Count   %%     Size   %% "
                                       "Cumulative  %% %s",
                                       gy_classify_header(p->by));
        }
        if (append_line(lines, hdr, 0) < 0) {
            goto done;
        }
    }
    Py_ssize_t stop = p->nrows;
    if (maxrows >= 0 && p->nrows - start > maxrows + 1) {
        stop = start + maxrows;
    }
    Py_ssize_t cumul = cumul_before;
    for (Py_ssize_t i = 0; i < start && i < p->nrows; i++) {
        cumul += p->rows[i].size;
    }
    for (Py_ssize_t i = start; i < stop; i++) {
        GyRow *row = &p->rows[i];
        char prefix[160];
        cumul += row->size;
        PyObject *label = gy_partition_label(state, p, nodes, i);
        if (label == NULL) {
            goto done;
        }
        if (is_id) {
            double sp = p->size ? row->size * 100.0 / p->size : 0.0;
            double cp = p->size ? cumul * 100.0 / p->size : 0.0;
            snprintf(prefix, sizeof(prefix), "%6zd %8zd %5.1f %9zd %5.1f ",
                     index_base + i, row->size, sp, cumul, cp);
        }
        else {
            snprintf(prefix, sizeof(prefix),
                     "%6zd %6zd %3ld %8zd %3ld %9zd %3ld ", index_base + i,
                     row->count, gy_render_percent(row->count, p->count),
                     row->size, gy_render_percent(row->size, p->size), cumul,
                     gy_render_percent(cumul, p->size));
        }
        PyObject *line;
        if (is_id && mixed) {
            PyObject *k = gy_classify_label(
                state, GY_BY_CLODO,
                gy_classify_key(GY_BY_CLODO, row->example, 0, nodes->owners,
                                NULL),
                row->example);
            if (k == NULL) {
                goto done;
            }
            line = PyUnicode_FromFormat("%s%U: %U", prefix, k, label);
            Py_DECREF(k);
        }
        else {
            line = PyUnicode_FromFormat("%s%U", prefix, label);
        }
        if (append_line(lines, line, indent) < 0) {
            goto done;
        }
    }
    if (stop < p->nrows) {
        PyObject *footer = PyUnicode_FromFormat(
            "<%zd more rows. Type e.g. '_.more' to view.>", p->nrows - stop);
        if (footer == NULL || PyList_Append(lines, footer) < 0) {
            Py_XDECREF(footer);
            goto done;
        }
        Py_DECREF(footer);
    }
    PyObject *nl = PyUnicode_FromString("\n");
    if (nl != NULL) {
        result = PyUnicode_Join(nl, lines);
        Py_DECREF(nl);
    }
done:
    Py_XDECREF(kind);
    Py_XDECREF(coltitle);
    Py_DECREF(lines);
    return result;
}
