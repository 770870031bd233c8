/* render.c -- the exact text heapy prints: type names, row labels, object
 * renderings (byid), and the tables with their widths, percentages,
 * 100-column wrapping and paging footer. Reads partitions (partition.c)
 * and never changes them, except to fill in Id labels on first print.
 * Stat tables (stat.c) are printed by the same page renderer, from plain
 * row arrays.
 *
 * Formats (docs/architecture.md has the byte-level layout):
 *   SetFormat  "Partition of a set of N objects. Total size = S bytes."
 *              ' Index  Count   %     Size   % Cumulative  % ' + title
 *              '%6d %6d %3d %8d %3d %9d %3d ' + label
 *   IdFormat   "Set of N <kind> objects. Total size = S bytes."
 *              ' Index     Size   %   Cumulative  %   ' + title
 *              '%6d %8d %5.1f %9d %5.1f ' + rendering
 *   DiffFormat "Summary of difference operation (A-B)." and totals, then
 *              ' Index  Count     Size  Cumulative  % of B ' + title
 *              '%6d %6d %8d %9d %9.3g ' + label
 * Percentages are Python's int('%.0f' % x) (binary halves to even),
 * '%5.1f' and '%9.3g'; all are C printf, so C gives the same digits.
 * Lines longer than 100 columns are filled as textwrap does (wrap.c),
 * continuation lines indented to the label column.
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

/* heapy's line_length (guppy/heapy/Part.py). */
#define TABLE_WIDTH 100

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

/* "<prefix at 0xADDR>suffix": PyUnicode_FromFormat has no %llx before
 * 3.12, and %p's form varies by platform. */
static PyObject *
render_at(PyObject *prefix, const void *addr, PyObject *suffix)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)(uintptr_t)addr);
    return suffix != NULL
        ? PyUnicode_FromFormat("<%U at %s>%U", prefix, buf, suffix)
        : PyUnicode_FromFormat("<%U at %s>", prefix, buf);
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
    PyObject *r = render_at(name, frame, NULL);
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
        /* A __module__ whose str() fails renders as '?'; MemoryError and
           KeyboardInterrupt propagate. */
        if (PyErr_ExceptionMatches(PyExc_MemoryError)
            || !PyErr_ExceptionMatches(PyExc_Exception)) {
            return NULL;
        }
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
        PyObject *dot = PyUnicode_FromFormat(".%U", fname);
        r = dot ? render_at(cls, self, dot) : NULL;
        Py_XDECREF(dot);
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
        PyObject *in = PyUnicode_FromFormat("in frame %U", fr);
        PyObject *r = in ? render_at(in, op, NULL) : NULL;
        Py_XDECREF(in);
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
    PyObject *label = gy_classify_label(state, GY_BY_CLODO, key, op, owners);
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
/* Tables
 *
 * One page renderer, gy_render_page, prints every table heapy prints: a
 * partition's (SetFormat, IdFormat) and a Stat's (the same two, plus
 * DiffFormat). It reads rows through a callback, so a partition's rows,
 * whose Id labels are rendered on first print, and a Stat's plain arrays
 * go through the same lines of code. The layout follows heapy's printer:
 * the title, then, if any row remains from `start`, the column header
 * (an empty line when the totals are both 0) and the rows, each filled
 * to 100 columns with continuation lines indented to its label; the
 * whole text is finally stripped of trailing whitespace. */

#define SET_HEADER " Index  Count   %     Size   % Cumulative  % "
#define ID_HEADER " Index     Size   %   Cumulative  %   "
#define DIFF_HEADER " Index  Count     Size  Cumulative  % of B "

/* Python's '%*.*<code>' % x: PyOS_double_to_string, which, unlike C
 * printf, ignores LC_NUMERIC. Falls back to printf only if out of
 * memory, so it never fails. */
static void
format_double(char *buf, size_t cap, double x, char code, int prec,
              int width)
{
    char *s = PyOS_double_to_string(x, code, prec, 0, NULL);
    if (s == NULL) {
        PyErr_Clear();
        char fmt[16];
        snprintf(fmt, sizeof(fmt), "%%*.%d%c", prec, code);
        snprintf(buf, cap, fmt, width, x);
        return;
    }
    snprintf(buf, cap, "%*s", width, s);
    PyMem_Free(s);
}

/* int('%.0f' % (part * 100.0 / whole)); 0 when whole is 0 (heapy divides
 * by zero there). */
static long long
percent0(int64_t part, int64_t whole)
{
    char buf[512];
    double x = whole ? (double)part * 100.0 / (double)whole : 0.0;
    format_double(buf, sizeof(buf), x, 'f', 0, 0);
    return strtoll(buf, NULL, 10);
}

long
gy_render_percent(Py_ssize_t part, Py_ssize_t whole)
{
    return (long)percent0(part, whole);
}

/* DiffFormat's "% of B" column: '%9.3g' % (part * 100.0 / b_size), or
 * '   (n.a.)' when B is empty. */
static void
percent_of_b(char *buf, size_t cap, int64_t part, int64_t b_size)
{
    if (b_size == 0) {
        snprintf(buf, cap, "   (n.a.)");
    }
    else {
        format_double(buf, cap, (double)part * 100.0 / (double)b_size, 'g',
                      3, 9);
    }
}

/* The title: one line, or DiffFormat's summary block. New reference. */
static PyObject *
table_title(const GyTable *t)
{
    const char *s = (t->count == 1) ? "" : "s";
    switch (t->format) {
    case GY_FORMAT_ID:
        return PyUnicode_FromFormat(
            "Set of %lld %U object%s. Total size = %lld bytes.",
            (long long)t->count, t->kindname, s, (long long)t->size);
    case GY_FORMAT_DIFF: {
        /* Totals stay within GY_TABLE_LIMIT, so A's cannot overflow. */
        char buf[512], pct[64];
        percent_of_b(pct, sizeof(pct), t->size, t->b_size);
        snprintf(buf, sizeof(buf),
                 "Summary of difference operation (A-B).\n"
                 "        Count     Size\n"
                 "  A    %6lld %8lld\n"
                 "  B    %6lld %8lld\n"
                 "  A-B  %6lld %8lld  = %s %% of B\n%s",
                 (long long)(t->count + t->b_count),
                 (long long)(t->size + t->b_size),
                 (long long)t->b_count, (long long)t->b_size,
                 (long long)t->count, (long long)t->size, pct,
                 (t->count || t->size)
                     ? "\nDifferences by kind, largest absolute size diffs "
                       "first."
                     : "");
        return PyUnicode_FromString(buf);
    }
    case GY_FORMAT_SET:
    default:
        return PyUnicode_FromFormat(
            "Partition of a set of %lld object%s. Total size = %lld bytes.",
            (long long)t->count, s, (long long)t->size);
    }
}

/* The part of row i's line before its label; returns its length. */
static size_t
row_prefix(const GyTable *t, char *buf, size_t cap, Py_ssize_t i,
           int64_t count, int64_t size, int64_t cumul)
{
    long long index = (long long)(t->index_base + i);
    int n;
    switch (t->format) {
    case GY_FORMAT_ID: {
        char sp[512], cp[512];
        format_double(sp, sizeof(sp),
                      t->size ? (double)size * 100.0 / (double)t->size : 0.0,
                      'f', 1, 5);
        format_double(cp, sizeof(cp),
                      t->size ? (double)cumul * 100.0 / (double)t->size
                              : 0.0,
                      'f', 1, 5);
        n = snprintf(buf, cap, "%6lld %8lld %s %9lld %s ", index,
                     (long long)size, sp, (long long)cumul, cp);
        break;
    }
    case GY_FORMAT_DIFF: {
        char pct[64];
        percent_of_b(pct, sizeof(pct), cumul, t->b_size);
        n = snprintf(buf, cap, "%6lld %6lld %8lld %9lld %s ", index,
                     (long long)count, (long long)size, (long long)cumul,
                     pct);
        break;
    }
    case GY_FORMAT_SET:
    default:
        n = snprintf(buf, cap, "%6lld %6lld %3lld %8lld %3lld %9lld %3lld ",
                     index, (long long)count, percent0(count, t->count),
                     (long long)size, percent0(size, t->size),
                     (long long)cumul, percent0(cumul, t->size));
        break;
    }
    return n < 0 ? 0 : ((size_t)n < cap ? (size_t)n : cap - 1);
}

/* Append filled (new reference, stolen) to lines. */
static int
append_steal(PyObject *lines, PyObject *line)
{
    if (line == NULL) {
        return -1;
    }
    int rc = PyList_Append(lines, line);
    Py_DECREF(line);
    return rc;
}

/* The label's lines after its first: each is filled as heapy does it,
 * textwrap.wrap(line, 100, initial_indent=ind, subsequent_indent=ind).
 * gy_wrap_fill has no initial indent, and labels holding a newline are
 * rare (hand-written files, odd class names), so this calls textwrap. */
static int
append_label_tail(PyObject *lines, PyObject *tail, Py_ssize_t indent)
{
    PyObject *textwrap = NULL, *wrap = NULL, *parts = NULL, *ind = NULL;
    PyObject *kw = NULL, *args = NULL;
    int rc = -1;
    textwrap = PyImport_ImportModule("textwrap");
    wrap = textwrap ? PyObject_GetAttrString(textwrap, "wrap") : NULL;
    ind = PyUnicode_FromString("\n");
    parts = (wrap && ind) ? PyUnicode_Split(tail, ind, -1) : NULL;
    Py_XSETREF(ind, parts ? PyUnicode_New(indent, 127) : NULL);
    if (parts == NULL || ind == NULL) {
        goto done;
    }
    for (Py_ssize_t k = 0; k < indent; k++) {
        PyUnicode_WRITE(PyUnicode_1BYTE_KIND, PyUnicode_DATA(ind), k, ' ');
    }
    kw = Py_BuildValue("{s:i,s:O,s:O}", "width", TABLE_WIDTH,
                       "initial_indent", ind, "subsequent_indent", ind);
    if (kw == NULL) {
        goto done;
    }
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(parts); k++) {
        Py_XSETREF(args, PyTuple_Pack(1, PyList_GET_ITEM(parts, k)));
        PyObject *wrapped = args ? PyObject_Call(wrap, args, kw) : NULL;
        if (wrapped == NULL) {
            goto done;
        }
        if (!PyList_Check(wrapped)) {
            Py_DECREF(wrapped);
            PyErr_SetString(PyExc_TypeError, "textwrap.wrap: not a list");
            goto done;
        }
        for (Py_ssize_t j = 0; j < PyList_GET_SIZE(wrapped); j++) {
            if (PyList_Append(lines, PyList_GET_ITEM(wrapped, j)) < 0) {
                Py_DECREF(wrapped);
                goto done;
            }
        }
        Py_DECREF(wrapped);
    }
    rc = 0;
done:
    Py_XDECREF(textwrap);
    Py_XDECREF(wrap);
    Py_XDECREF(parts);
    Py_XDECREF(ind);
    Py_XDECREF(kw);
    Py_XDECREF(args);
    return rc;
}

/* Append row lines: prefix + the label's first line, filled with the
 * continuation indent at the label column (the prefix's length: wider
 * numbers push it right), then the label's further lines. */
static int
append_row(PyObject *lines, const char *prefix, size_t plen, PyObject *label)
{
    Py_ssize_t len = PyUnicode_GET_LENGTH(label);
    Py_ssize_t nl = PyUnicode_FindChar(label, '\n', 0, len, 1);
    PyObject *first = NULL, *line = NULL, *tail = NULL;
    int rc = -1;
    if (nl == -2) {
        return -1;
    }
    first = nl < 0 ? Py_NewRef(label) : PyUnicode_Substring(label, 0, nl);
    line = first ? PyUnicode_FromFormat("%s%U", prefix, first) : NULL;
    if (line == NULL
        || append_steal(lines, gy_wrap_fill(line, TABLE_WIDTH,
                                            (Py_ssize_t)plen)) < 0) {
        goto done;
    }
    if (nl >= 0) {
        tail = PyUnicode_Substring(label, nl + 1, len);
        if (tail == NULL
            || append_label_tail(lines, tail, (Py_ssize_t)plen) < 0) {
            goto done;
        }
    }
    rc = 0;
done:
    Py_XDECREF(first);
    Py_XDECREF(line);
    Py_XDECREF(tail);
    return rc;
}

static const char *
table_header(GyFormat format)
{
    switch (format) {
    case GY_FORMAT_ID:
        return ID_HEADER;
    case GY_FORMAT_DIFF:
        return DIFF_HEADER;
    case GY_FORMAT_SET:
    default:
        return SET_HEADER;
    }
}

PyObject *
gy_render_page(const GyTable *t, Py_ssize_t start, Py_ssize_t maxrows,
               int title)
{
    PyObject *lines = PyList_New(0), *joined = NULL, *result = NULL;
    PyObject *label = NULL;
    if (lines == NULL) {
        return NULL;
    }
    if (title && append_steal(lines, table_title(t)) < 0) {
        goto done;
    }
    /* A page that would start at the last row shows nothing when it
       follows another page: that page printed the row in place of a
       footer saying "<1 more rows>" (pages start every MAX_MORE_LINES
       rows, guppy/heapy/OutputHandling.py). */
    int shown_already = !title && start > 0 && t->nrows - start == 1;
    if (start < 0) {
        start = 0;
    }
    if (start < t->nrows && !shown_already) {
        const char *hdr = table_header(t->format);
        if (t->count != 0 || t->size != 0) {
            PyObject *h = PyUnicode_FromFormat("%s%U", hdr, t->kindheader);
            if (h == NULL
                || append_steal(lines, gy_wrap_fill(h, TABLE_WIDTH,
                                                    (Py_ssize_t)strlen(hdr)))
                       < 0) {
                Py_XDECREF(h);
                goto done;
            }
            Py_DECREF(h);
        }
        else if (append_steal(lines, PyUnicode_New(0, 0)) < 0) {
            goto done;
        }
        Py_ssize_t stop = t->nrows;
        if (maxrows >= 0 && t->nrows - start > maxrows + 1) {
            stop = start + maxrows;
        }
        int64_t cumul = t->cumul_before, count, size;
        for (Py_ssize_t i = 0; i < start; i++) {
            if (t->row(t->ctx, i, &count, &size, NULL) < 0) {
                goto done;
            }
            cumul += size;
        }
        for (Py_ssize_t i = start; i < stop; i++) {
            char prefix[1280];
            if (t->row(t->ctx, i, &count, &size, &label) < 0) {
                goto done;
            }
            cumul += size;
            size_t plen = row_prefix(t, prefix, sizeof(prefix), i, count,
                                     size, cumul);
            if (append_row(lines, prefix, plen, label) < 0) {
                goto done;
            }
            Py_CLEAR(label);
        }
        if (stop < t->nrows
            && append_steal(lines, PyUnicode_FromFormat(
                                       "<%zd more rows. Type e.g. '_.more' "
                                       "to view.>", t->nrows - stop)) < 0) {
            goto done;
        }
    }
    PyObject *nl = PyUnicode_FromString("\n");
    if (nl != NULL) {
        joined = PyUnicode_Join(nl, lines);
        Py_DECREF(nl);
    }
    if (joined != NULL) {
        result = PyObject_CallMethod(joined, "rstrip", NULL);
    }
done:
    Py_XDECREF(label);
    Py_XDECREF(joined);
    Py_DECREF(lines);
    return result;
}

/* The Clodo label of every row of an Id partition if they share one,
 * else NULL (*mixed set, or no rows); new reference. */
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
    return gy_classify_label(state, GY_BY_CLODO, first, p->rows[0].example,
                             nodes->owners);
}

int
gy_render_id_header(GyState *state, GyPartition *p, GyNodes *nodes,
                    PyObject **kindname, PyObject **coltitle, int *mixed)
{
    *kindname = *coltitle = NULL;
    PyObject *kind = id_common_kind(state, p, nodes, mixed);
    if (kind == NULL && PyErr_Occurred()) {
        return -1;
    }
    if (kind != NULL) {
        *kindname = PyUnicode_FromFormat("<%U>", kind);
        Py_DECREF(kind);
    }
    else {
        *kindname = PyUnicode_FromString("<mixed>");
    }
    if (*kindname == NULL) {
        return -1;
    }
    if (*mixed || p->nrows == 0) {
        *coltitle = PyUnicode_FromString("Brief");
    }
    else {
        *coltitle = gy_render_object_title(state, p->rows[0].example,
                                           nodes->owners);
    }
    if (*coltitle == NULL) {
        Py_CLEAR(*kindname);
        return -1;
    }
    return 0;
}

PyObject *
gy_render_id_label(GyState *state, GyPartition *p, GyNodes *nodes,
                   Py_ssize_t i, int mixed)
{
    PyObject *label = gy_partition_label(state, p, nodes, i); /* borrowed */
    if (label == NULL) {
        return NULL;
    }
    if (!mixed) {
        return Py_NewRef(label);
    }
    PyObject *example = p->rows[i].example;
    PyObject *k = gy_classify_label(
        state, GY_BY_CLODO,
        gy_classify_key(GY_BY_CLODO, example, 0, nodes->owners, NULL),
        example, nodes->owners);
    if (k == NULL) {
        return NULL;
    }
    PyObject *r = PyUnicode_FromFormat("%U: %U", k, label);
    Py_DECREF(k);
    return r;
}

/* Rows of a partition, for gy_render_page. */
typedef struct PartRows {
    GyState *state;
    GyPartition *p;
    GyNodes *nodes;
    int mixed;
} PartRows;

static int
part_row(void *ctx, Py_ssize_t i, int64_t *count, int64_t *size,
         PyObject **label)
{
    PartRows *r = ctx;
    GyRow *row = &r->p->rows[i];
    *count = row->count;
    *size = row->size;
    if (label == NULL) {
        return 0;
    }
    if (r->p->by == GY_BY_ID) {
        *label = gy_render_id_label(r->state, r->p, r->nodes, i, r->mixed);
    }
    else {
        PyObject *l = gy_partition_label(r->state, r->p, r->nodes, i);
        *label = l ? Py_NewRef(l) : NULL;
    }
    return *label ? 0 : -1;
}

PyObject *
gy_render_table(GyState *state, GyPartition *p, GyNodes *nodes,
                Py_ssize_t start, Py_ssize_t maxrows, int title,
                Py_ssize_t index_base, Py_ssize_t cumul_before)
{
    PartRows rows = {state, p, nodes, 0};
    PyObject *kindname = NULL, *kindheader = NULL, *result = NULL;
    GyTable t = {
        .format = GY_FORMAT_SET,
        .count = p->count,
        .size = p->size,
        .nrows = p->nrows,
        .index_base = index_base,
        .cumul_before = cumul_before,
        .row = part_row,
        .ctx = &rows,
    };
    if (p->by == GY_BY_ID) {
        t.format = GY_FORMAT_ID;
        if (gy_render_id_header(state, p, nodes, &kindname, &kindheader,
                                &rows.mixed) < 0) {
            return NULL;
        }
    }
    else {
        kindname = PyUnicode_New(0, 0);
        kindheader = Py_NewRef(p->header);
        if (kindname == NULL || kindheader == NULL) {
            goto done;
        }
    }
    t.kindname = kindname;
    t.kindheader = kindheader;
    result = gy_render_page(&t, start, maxrows, title);
done:
    Py_XDECREF(kindname);
    Py_XDECREF(kindheader);
    return result;
}
