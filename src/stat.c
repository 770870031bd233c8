/* stat.c -- GyStat: a Stat's header and rows, holding no reference to the
 * objects it counts, and what heapy does with one: slices, differences,
 * rows, the printed table (through render.c's page renderer). Also the
 * Python types StatTable, the C half of guppy.heapy.Part.Stat, and
 * StatRow. Dump files (writing and parsing) are formats.c's business.
 *
 * Representation. The rows are one array of fixed-size structs (count,
 * size, cumulative size, label offset and length); every label and header
 * text lives in one UTF-8 buffer. The workload is a whole-heap summary of
 * up to tens of thousands of rows, made once and then printed, dumped,
 * loaded and subtracted: two buffers that grow geometrically make
 * building, copying and dumping O(rows + text), and a stat costs about 40
 * bytes a row plus its labels, with no Python object until a row is
 * asked for. A stat loaded from a file keeps the package's bytes as its
 * text (labels are offsets into it, so none is copied) and has its rows
 * checked but not made: rows [0, nready) are in the array, the rest are
 * made from the text, in order, by the first operation that needs them
 * (stat_ready; rowscan.c, gy_rowscan_ready), which cannot fail. So
 * printing the first page of a loaded table makes ten rows.
 *
 * Costs: from a partition O(rows + labels); x[i:j:k] O(selected rows and
 * their labels); a - b O(|a| + |b|) expected (labels hashed) plus
 * O(r log r) for the sort by size change; a printed page O(start + page).
 *
 * Invariants: every count, size, cumulative size and total lies within
 * +-GY_TABLE_LIMIT, so any two add without overflow (checked where rows
 * are made, or for a loaded stat when it is loaded); rows[i].cumul is the
 * sum of the sizes of rows 0..i; a GyStat never changes once made (Python
 * sees it read-only; making rows on demand changes nothing it shows), so
 * pointers into its text stay valid while its owner lives. The
 * functions taking a const GyStat read only rows [0, nready): the
 * methods below make what they need first (the GIL keeps that step
 * whole: the module does not run without it).
 */
#include "stat.h"

#include <stdlib.h>
#include <time.h>

#include "structmember.h"

#include "formats.h"
#include "rowscan.h"

const char *const gy_stat_field_names[GY_STAT_NFIELDS] = {
    [GY_STAT_FORMAT] = "format",       [GY_STAT_TIMEMADE] = "timemade",
    [GY_STAT_COUNT] = "count",         [GY_STAT_SIZE] = "size",
    [GY_STAT_KINDNAME] = "kindname",   [GY_STAT_KINDHEADER] = "kindheader",
    [GY_STAT_NUMROWS] = "numrows",     [GY_STAT_B_COUNT] = "b_count",
    [GY_STAT_B_SIZE] = "b_size",
};

const char *const gy_stat_format_names[3] = {
    [GY_FORMAT_SET] = "SetFormat",
    [GY_FORMAT_ID] = "IdFormat",
    [GY_FORMAT_DIFF] = "DiffFormat",
};

/* Header orders of the stats heapy makes (guppy/heapy/Part.py): a
 * partition's (Partition.get_trows), a slice's (Stat.__getitem__; a
 * DiffFormat slice adds B's totals last) and a difference's
 * (Stat.__sub__). A loaded stat keeps its file's order. */
static const uint8_t order_partition[] = {
    GY_STAT_FORMAT, GY_STAT_TIMEMADE, GY_STAT_COUNT, GY_STAT_SIZE,
    GY_STAT_KINDNAME, GY_STAT_KINDHEADER, GY_STAT_NUMROWS,
};
static const uint8_t order_slice[] = {
    GY_STAT_FORMAT, GY_STAT_TIMEMADE, GY_STAT_COUNT, GY_STAT_SIZE,
    GY_STAT_KINDHEADER, GY_STAT_KINDNAME, GY_STAT_NUMROWS,
    GY_STAT_B_COUNT, GY_STAT_B_SIZE,
};
static const uint8_t order_diff[] = {
    GY_STAT_FORMAT, GY_STAT_TIMEMADE, GY_STAT_B_COUNT, GY_STAT_B_SIZE,
    GY_STAT_COUNT, GY_STAT_SIZE, GY_STAT_KINDHEADER, GY_STAT_KINDNAME,
    GY_STAT_NUMROWS,
};

/* A stat's text starts with this capacity, so text is never NULL. */
#define STAT_TEXT_START 64

/* ------------------------------------------------------------------ */
/* Building */

static inline int
in_range(int64_t v)
{
    return v <= GY_TABLE_LIMIT && v >= -GY_TABLE_LIMIT;
}

/* *out = a + b for a, b within the limit; -1 with OverflowError if the
 * sum is not. */
static int
checked_add(int64_t a, int64_t b, int64_t *out)
{
    int64_t r = a + b;          /* |a|, |b| < 2**62: no overflow */
    if (!in_range(r)) {
        PyErr_SetString(PyExc_OverflowError,
                        "Stat counts or sizes beyond 2**62");
        return -1;
    }
    *out = r;
    return 0;
}

GyStat *
gy_stat_new(GyFormat format)
{
    GyStat *s = PyMem_Calloc(1, sizeof(GyStat));
    if (s == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    s->format = format;
    s->text = PyMem_Malloc(STAT_TEXT_START);
    if (s->text == NULL) {
        PyMem_Free(s);
        PyErr_NoMemory();
        return NULL;
    }
    s->text_cap = STAT_TEXT_START;
    return s;
}

void
gy_stat_free(GyStat *s)
{
    if (s == NULL) {
        return;
    }
    PyMem_Free(s->rows);
    PyMem_Free(s->text);
    PyMem_Free(s);
}

/* Append n bytes to s->text; *off receives where they start. */
static int
text_append(GyStat *s, const char *p, Py_ssize_t n, Py_ssize_t *off)
{
    if (!s->nonascii && !gy_rowscan_all_ascii(p, n)) {
        s->nonascii = 1;
    }
    if (!s->line_breaks && n > 0 && memchr(p, '\n', (size_t)n) != NULL) {
        s->line_breaks = 1;
    }
    if (n > PY_SSIZE_T_MAX - GY_STAT_TEXT_SLACK - s->text_len) {
        PyErr_NoMemory();
        return -1;
    }
    if (gy_grow(&s->text, &s->text_cap,
                s->text_len + n + GY_STAT_TEXT_SLACK, 1) < 0) {
        return -1;
    }
    if (n > 0) {
        memcpy(s->text + s->text_len, p, (size_t)n);
    }
    *off = s->text_len;
    s->text_len += n;
    return 0;
}

int
gy_stat_set_text(GyStat *s, GyStatField f, const char *p, Py_ssize_t n)
{
    GyStatText *t = f == GY_STAT_TIMEMADE ? &s->timemade_text
                    : f == GY_STAT_KINDNAME ? &s->kindname
                                             : &s->kindheader;
    GY_ASSERT(f == GY_STAT_TIMEMADE || f == GY_STAT_KINDNAME
              || f == GY_STAT_KINDHEADER);
    if (text_append(s, p, n, &t->off) < 0) {
        return -1;
    }
    t->len = n;
    return 0;
}

void
gy_stat_add_field(GyStat *s, GyStatField f)
{
    GY_ASSERT(s->norder < GY_STAT_NFIELDS);
    if (s->norder < GY_STAT_NFIELDS) {
        s->order[s->norder++] = (uint8_t)f;
    }
}

static void
set_order(GyStat *s, const uint8_t *order, int n)
{
    s->norder = 0;
    for (int i = 0; i < n; i++) {
        if ((order[i] == GY_STAT_B_COUNT || order[i] == GY_STAT_B_SIZE)
            && s->format != GY_FORMAT_DIFF) {
            continue;
        }
        gy_stat_add_field(s, (GyStatField)order[i]);
    }
}

/* Check a new row's numbers and make room for it: the row to fill (its
 * count, size and cumulative size set), or NULL with OverflowError or
 * MemoryError. */
static GyStatRow *
row_reserve(GyStat *s, int64_t count, int64_t size)
{
    int64_t cumul;
    if (!in_range(count) || !in_range(size)) {
        PyErr_SetString(PyExc_OverflowError,
                        "Stat counts or sizes beyond 2**62");
        return NULL;
    }
    if (checked_add(s->nrows ? s->rows[s->nrows - 1].cumul : 0, size,
                    &cumul) < 0) {
        return NULL;
    }
    if (gy_grow(&s->rows, &s->rows_cap, s->nrows + 1, sizeof(GyStatRow))
        < 0) {
        return NULL;
    }
    GyStatRow *r = &s->rows[s->nrows];
    r->count = count;
    r->size = size;
    r->cumul = cumul;
    return r;
}

int
gy_stat_append_row(GyStat *s, int64_t count, int64_t size,
                   const char *label, Py_ssize_t n)
{
    GyStatRow *r = row_reserve(s, count, size);
    if (r == NULL || text_append(s, label, n, &r->label) < 0) {
        return -1;
    }
    r->label_len = n;
    s->nready = ++s->nrows;
    return 0;
}

int
gy_stat_append_row_at(GyStat *s, int64_t count, int64_t size,
                      Py_ssize_t label, Py_ssize_t n)
{
    GyStatRow *r = row_reserve(s, count, size);
    if (r == NULL) {
        return -1;
    }
    r->label = label;
    r->label_len = n;
    s->nready = ++s->nrows;
    return 0;
}

void
gy_stat_set_text_at(GyStat *s, GyStatField f, Py_ssize_t off, Py_ssize_t n)
{
    GyStatText *t = f == GY_STAT_TIMEMADE ? &s->timemade_text
                    : f == GY_STAT_KINDNAME ? &s->kindname
                                             : &s->kindheader;
    GY_ASSERT(f == GY_STAT_TIMEMADE || f == GY_STAT_KINDNAME
              || f == GY_STAT_KINDHEADER);
    t->off = off;
    t->len = n;
}

void
gy_stat_adopt_text(GyStat *s, char *text, Py_ssize_t len, Py_ssize_t cap,
                   int nonascii)
{
    GY_ASSERT(cap >= len + GY_STAT_TEXT_SLACK);
    PyMem_Free(s->text);
    s->text = text;
    s->text_len = len;
    s->text_cap = cap;
    s->nonascii = nonascii;
}

/* The UTF-8 of a str; a lone surrogate (a class named by a str that came
 * from os.fsdecode, say) is kept as 'surrogatepass' writes it. Sets *p,
 * *n and, if it had to make one, *hold (a bytes object to release). */
static int
str_utf8(PyObject *str, const char **p, Py_ssize_t *n, PyObject **hold)
{
    *hold = NULL;
    *p = PyUnicode_AsUTF8AndSize(str, n);
    if (*p != NULL) {
        return 0;
    }
    if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
        return -1;
    }
    PyErr_Clear();
    *hold = PyUnicode_AsEncodedString(str, "utf-8", "surrogatepass");
    if (*hold == NULL) {
        return -1;
    }
    *p = PyBytes_AS_STRING(*hold);
    *n = PyBytes_GET_SIZE(*hold);
    return 0;
}

static int
set_text_str(GyStat *s, GyStatField f, PyObject *str)
{
    const char *p;
    Py_ssize_t n;
    PyObject *hold;
    if (str_utf8(str, &p, &n, &hold) < 0) {
        return -1;
    }
    int rc = gy_stat_set_text(s, f, p, n);
    Py_XDECREF(hold);
    return rc;
}

static int
append_row_str(GyStat *s, int64_t count, int64_t size, PyObject *label)
{
    const char *p;
    Py_ssize_t n;
    PyObject *hold;
    if (str_utf8(label, &p, &n, &hold) < 0) {
        return -1;
    }
    int rc = gy_stat_append_row(s, count, size, p, n);
    Py_XDECREF(hold);
    return rc;
}

/* Set timemade to t as '%f' prints it, and to the float of that text, as
 * heapy's stats have it (the header is written, then read). */
static int
set_time(GyStat *s, double t)
{
    char *text = PyOS_double_to_string(t, 'f', 6, 0, NULL);
    if (text == NULL) {
        return -1;
    }
    s->timemade = PyOS_string_to_double(text, NULL, NULL);
    int rc = (s->timemade == -1.0 && PyErr_Occurred())
                 ? -1
                 : gy_stat_set_text(s, GY_STAT_TIMEMADE, text,
                                    (Py_ssize_t)strlen(text));
    PyMem_Free(text);
    return rc;
}

static int
copy_text(GyStat *dst, GyStatField f, const GyStat *src, GyStatText t)
{
    return gy_stat_set_text(dst, f, src->text + t.off, t.len);
}

double
gy_stat_now(void)
{
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) != TIME_UTC) {
        return 0.0;
    }
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------------ */
/* From a partition, slices */

GyStat *
gy_stat_from_partition(GyState *state, GyPartition *p, GyNodes *nodes,
                       double timemade)
{
    int is_id = p->by == GY_BY_ID;
    int mixed = 0;
    PyObject *kindname = NULL, *kindheader = NULL, *label = NULL;
    GyStat *s = gy_stat_new(is_id ? GY_FORMAT_ID : GY_FORMAT_SET);
    if (s == NULL) {
        return NULL;
    }
    if (is_id) {
        if (gy_render_id_header(state, p, nodes, &kindname, &kindheader,
                                &mixed) < 0) {
            goto error;
        }
    }
    else {
        kindname = PyUnicode_New(0, 0);
        kindheader = Py_NewRef(p->header);
        if (kindname == NULL || kindheader == NULL) {
            goto error;
        }
    }
    if (!in_range(p->count) || !in_range(p->size)) {
        PyErr_SetString(PyExc_OverflowError, "set too large for a Stat");
        goto error;
    }
    s->count = p->count;
    s->size = p->size;
    set_order(s, order_partition, (int)sizeof(order_partition));
    if (set_time(s, timemade) < 0
        || set_text_str(s, GY_STAT_KINDNAME, kindname) < 0
        || set_text_str(s, GY_STAT_KINDHEADER, kindheader) < 0
        || gy_grow(&s->rows, &s->rows_cap, p->nrows, sizeof(GyStatRow))
               < 0) {
        goto error;
    }
    for (Py_ssize_t i = 0; i < p->nrows; i++) {
        if (is_id) {
            label = gy_render_id_label(state, p, nodes, i, mixed);
        }
        else {
            PyObject *l = gy_partition_label(state, p, nodes, i);
            label = l ? Py_NewRef(l) : NULL;
        }
        if (label == NULL
            || append_row_str(s, p->rows[i].count, p->rows[i].size, label)
                   < 0) {
            goto error;
        }
        Py_CLEAR(label);
    }
    Py_DECREF(kindname);
    Py_DECREF(kindheader);
    return s;
error:
    Py_XDECREF(kindname);
    Py_XDECREF(kindheader);
    Py_XDECREF(label);
    gy_stat_free(s);
    return NULL;
}

GyStat *
gy_stat_select(const GyStat *s, Py_ssize_t start, Py_ssize_t step,
               Py_ssize_t n)
{
    GyStat *r = gy_stat_new(s->format);
    int64_t count = 0;
    if (r == NULL) {
        return NULL;
    }
    r->b_count = s->b_count;
    r->b_size = s->b_size;
    set_order(r, order_slice, (int)sizeof(order_slice));
    if (set_time(r, s->timemade) < 0
        || copy_text(r, GY_STAT_KINDNAME, s, s->kindname) < 0
        || copy_text(r, GY_STAT_KINDHEADER, s, s->kindheader) < 0
        || gy_grow(&r->rows, &r->rows_cap, n, sizeof(GyStatRow)) < 0) {
        goto error;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t i = start + k * step;
        if (i < 0 || i >= s->nrows) {
            PyErr_SetString(PyExc_IndexError, "Stat index out of range.");
            goto error;
        }
        const GyStatRow *row = &s->rows[i];
        if (gy_stat_append_row(r, row->count, row->size,
                               s->text + row->label, row->label_len) < 0
            || checked_add(count, row->count, &count) < 0) {
            goto error;
        }
    }
    r->count = count;
    r->size = r->nrows ? r->rows[r->nrows - 1].cumul : 0;
    return r;
error:
    gy_stat_free(r);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Differences
 *
 * heapy's Stat.__sub__, step by step (guppy/heapy/Part.py):
 *  1. B's rows by label, in B's order; a label seen again adds into its
 *     first row (which keeps its place).
 *  2. A's rows in order: the first row of a label found in B takes B's
 *     totals off (later rows of that label are taken as they are); a row
 *     left with count and size both 0 is dropped; a label seen again
 *     adds into its first result row.
 *  3. B's labels that no row of A matched, negated, in B's order.
 *  4. A stable sort by absolute size change, largest first.
 * Labels are hashed (a word-at-a-time multiplicative hash seeded with an
 * address, so that no file can choose collisions in advance) in one
 * open-addressing table per side, pointing into arrays of entries. */

typedef struct DiffEntry {
    const char *label;
    Py_ssize_t len;
    uint64_t hash;
    int64_t count, size;
    Py_ssize_t order;         /* position before the sort */
    int matched;              /* B: taken off by a row of A */
} DiffEntry;

typedef struct DiffTable {
    DiffEntry *entries;
    Py_ssize_t n;
    Py_ssize_t *slots;        /* entry index, or -1 */
    size_t mask;
} DiffTable;

static uint64_t
label_hash(const char *p, Py_ssize_t n, uint64_t seed)
{
    /* Eight bytes a step: multiply and fold (labels average ~20 bytes;
       a byte-wise hash made hashing most of a difference's time). */
    const uint64_t k = UINT64_C(0x9E3779B97F4A7C15);
    uint64_t h = seed ^ ((uint64_t)n * k);
    Py_ssize_t i = 0;
    for (; n - i >= 8; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    uint64_t w = 0;
    for (Py_ssize_t j = 0; i + j < n; j++) {
        w |= (uint64_t)(unsigned char)p[i + j] << (8 * j);
    }
    h = (h ^ w) * k;
    return h ^ (h >> 32);
}

static int
difftable_init(DiffTable *t, Py_ssize_t maxn)
{
    size_t cap = 8;
    while (cap < (size_t)maxn * 2 + 1) {
        if (cap > (size_t)PY_SSIZE_T_MAX / 2 / sizeof(Py_ssize_t)) {
            PyErr_NoMemory();
            return -1;
        }
        cap *= 2;
    }
    t->n = 0;
    t->mask = cap - 1;
    t->entries = gy_alloc_array(maxn, sizeof(DiffEntry));
    t->slots = gy_alloc_array((Py_ssize_t)cap, sizeof(Py_ssize_t));
    if (t->entries == NULL || t->slots == NULL) {
        return -1;
    }
    for (size_t i = 0; i < cap; i++) {
        t->slots[i] = -1;
    }
    return 0;
}

static void
difftable_fini(DiffTable *t)
{
    PyMem_Free(t->entries);
    PyMem_Free(t->slots);
}

/* The slot of label: holding its entry, or the empty slot it would go
 * in. The table is never more than half full, so the probe ends. */
static size_t
difftable_slot(const DiffTable *t, const char *p, Py_ssize_t n, uint64_t h)
{
    size_t i = (size_t)h & t->mask;
    for (;;) {
        Py_ssize_t e = t->slots[i];
        if (e < 0) {
            return i;
        }
        const DiffEntry *d = &t->entries[e];
        if (d->hash == h && d->len == n
            && (n == 0 || memcmp(d->label, p, (size_t)n) == 0)) {
            return i;
        }
        i = (i + 1) & t->mask;
    }
}

/* Add (count, size) to label's entry, making it if new. */
static int
difftable_add(DiffTable *t, const char *p, Py_ssize_t n, uint64_t h,
              int64_t count, int64_t size)
{
    size_t slot = difftable_slot(t, p, n, h);
    Py_ssize_t e = t->slots[slot];
    if (e >= 0) {
        DiffEntry *d = &t->entries[e];
        return (checked_add(d->count, count, &d->count) < 0
                || checked_add(d->size, size, &d->size) < 0) ? -1 : 0;
    }
    DiffEntry *d = &t->entries[t->n];
    d->label = p;
    d->len = n;
    d->hash = h;
    d->count = count;
    d->size = size;
    d->order = t->n;
    d->matched = 0;
    t->slots[slot] = t->n++;
    return 0;
}

static int
diff_cmp(const void *x, const void *y)
{
    const DiffEntry *a = x, *b = y;
    /* |size| fits: sizes are within +-2**62. */
    int64_t ma = a->size < 0 ? -a->size : a->size;
    int64_t mb = b->size < 0 ? -b->size : b->size;
    if (ma != mb) {
        return ma > mb ? -1 : 1;
    }
    return (a->order > b->order) - (a->order < b->order);
}

GyStat *
gy_stat_sub(const GyStat *a, const GyStat *b, double timemade)
{
    DiffTable tb = {0}, tr = {0};
    GyStat *r = gy_stat_new(GY_FORMAT_DIFF);
    int64_t count = 0;
    if (r == NULL) {
        return NULL;
    }
    uint64_t seed = gy_hash_ptr(r->text);
    if (difftable_init(&tb, b->nrows) < 0
        || difftable_init(&tr, a->nrows + b->nrows) < 0) {
        goto error;
    }
    for (Py_ssize_t i = 0; i < b->nrows; i++) {           /* 1 */
        const GyStatRow *row = &b->rows[i];
        const char *p = b->text + row->label;
        if (difftable_add(&tb, p, row->label_len,
                          label_hash(p, row->label_len, seed), row->count,
                          row->size) < 0) {
            goto error;
        }
    }
    for (Py_ssize_t i = 0; i < a->nrows; i++) {           /* 2 */
        const GyStatRow *row = &a->rows[i];
        const char *p = a->text + row->label;
        uint64_t h = label_hash(p, row->label_len, seed);
        int64_t c = row->count, s = row->size;
        Py_ssize_t e = tb.slots[difftable_slot(&tb, p, row->label_len, h)];
        if (e >= 0 && !tb.entries[e].matched) {
            tb.entries[e].matched = 1;
            c -= tb.entries[e].count;   /* within 2**63: no overflow */
            s -= tb.entries[e].size;
        }
        if (c == 0 && s == 0) {
            continue;
        }
        if (difftable_add(&tr, p, row->label_len, h, c, s) < 0) {
            goto error;
        }
    }
    for (Py_ssize_t e = 0; e < tb.n; e++) {               /* 3 */
        const DiffEntry *d = &tb.entries[e];
        if (!d->matched
            && difftable_add(&tr, d->label, d->len, d->hash, -d->count,
                             -d->size) < 0) {
            goto error;
        }
    }
    if (tr.n > 1) {                                       /* 4 */
        qsort(tr.entries, (size_t)tr.n, sizeof(DiffEntry), diff_cmp);
    }
    r->b_count = b->count;
    r->b_size = b->size;
    set_order(r, order_diff, (int)sizeof(order_diff));
    if (set_time(r, timemade) < 0
        || copy_text(r, GY_STAT_KINDNAME, a, a->kindname) < 0
        || copy_text(r, GY_STAT_KINDHEADER, a, a->kindheader) < 0
        || gy_grow(&r->rows, &r->rows_cap, tr.n, sizeof(GyStatRow)) < 0) {
        goto error;
    }
    for (Py_ssize_t e = 0; e < tr.n; e++) {
        const DiffEntry *d = &tr.entries[e];
        if (gy_stat_append_row(r, d->count, d->size, d->label, d->len) < 0
            || checked_add(count, d->count, &count) < 0) {
            goto error;
        }
    }
    r->count = count;
    r->size = r->nrows ? r->rows[r->nrows - 1].cumul : 0;
    difftable_fini(&tb);
    difftable_fini(&tr);
    return r;
error:
    difftable_fini(&tb);
    difftable_fini(&tr);
    gy_stat_free(r);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Text */

PyObject *
gy_stat_text(const GyStat *s, GyStatText t)
{
    return PyUnicode_DecodeUTF8(s->text + t.off, t.len, "surrogatepass");
}

PyObject *
gy_stat_label(const GyStat *s, Py_ssize_t i)
{
    const GyStatRow *r = &s->rows[i];
    return PyUnicode_DecodeUTF8(s->text + r->label, r->label_len,
                                "surrogatepass");
}

static int
stat_table_row(void *ctx, Py_ssize_t i, int64_t *count, int64_t *size,
               PyObject **label)
{
    const GyStat *s = ctx;
    *count = s->rows[i].count;
    *size = s->rows[i].size;
    if (label != NULL) {
        *label = gy_stat_label(s, i);
        return *label ? 0 : -1;
    }
    return 0;
}

PyObject *
gy_stat_render(const GyStat *s, Py_ssize_t start, Py_ssize_t maxrows,
               int title)
{
    PyObject *kindname = gy_stat_text(s, s->kindname);
    PyObject *kindheader = kindname ? gy_stat_text(s, s->kindheader) : NULL;
    PyObject *result = NULL;
    if (kindheader != NULL) {
        GyTable t = {
            .format = s->format,
            .count = s->count,
            .size = s->size,
            .b_count = s->b_count,
            .b_size = s->b_size,
            .kindname = kindname,
            .kindheader = kindheader,
            .nrows = s->nrows,
            .row = stat_table_row,
            .ctx = (void *)s,
        };
        result = gy_render_page(&t, start, maxrows, title);
    }
    Py_XDECREF(kindname);
    Py_XDECREF(kindheader);
    return result;
}

/* ------------------------------------------------------------------ */
/* StatRow: one row, as heapy hands them out (count, size, name, index,
 * cumulsize; all writable, index and cumulsize None for an '<Other>'
 * row). */

typedef struct {
    PyObject_HEAD
    PyObject *count;
    PyObject *size;
    PyObject *name;
    PyObject *index;
    PyObject *cumulsize;
} StatRowObject;

static PyMemberDef statrow_members[] = {
    {"count", T_OBJECT, offsetof(StatRowObject, count), 0,
     "Number of objects in the row (1 in IdFormat)."},
    {"size", T_OBJECT, offsetof(StatRowObject, size), 0,
     "Total size of the row's objects, in bytes."},
    {"name", T_OBJECT, offsetof(StatRowObject, name), 0,
     "The row's label: kind, or the object's rendering in IdFormat."},
    {"index", T_OBJECT, offsetof(StatRowObject, index), 0,
     "Position of the row in its table, or None."},
    {"cumulsize", T_OBJECT, offsetof(StatRowObject, cumulsize), 0,
     "Size of this row and every row before it, or None."},
    {NULL, 0, 0, 0, NULL},
};

static int
statrow_tp_traverse(PyObject *op, visitproc visit, void *arg)
{
    StatRowObject *r = (StatRowObject *)op;
    Py_VISIT(Py_TYPE(op));
    Py_VISIT(r->count);
    Py_VISIT(r->size);
    Py_VISIT(r->name);
    Py_VISIT(r->index);
    Py_VISIT(r->cumulsize);
    return 0;
}

static int
statrow_tp_clear(PyObject *op)
{
    StatRowObject *r = (StatRowObject *)op;
    Py_CLEAR(r->count);
    Py_CLEAR(r->size);
    Py_CLEAR(r->name);
    Py_CLEAR(r->index);
    Py_CLEAR(r->cumulsize);
    return 0;
}

static void
statrow_tp_dealloc(PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);
    PyObject_GC_UnTrack(op);
    (void)statrow_tp_clear(op);
    tp->tp_free(op);
    Py_DECREF(tp);
}

/* New reference: a row of type tp; steals every argument (NULL ones make
 * the call fail, after the others are released). */
static PyObject *
statrow_new_steal(PyTypeObject *tp, PyObject *count, PyObject *size,
                  PyObject *name, PyObject *index, PyObject *cumulsize)
{
    StatRowObject *r = NULL;
    if (count != NULL && size != NULL && name != NULL && index != NULL
        && cumulsize != NULL) {
        r = (StatRowObject *)tp->tp_alloc(tp, 0);
    }
    if (r == NULL) {
        Py_XDECREF(count);
        Py_XDECREF(size);
        Py_XDECREF(name);
        Py_XDECREF(index);
        Py_XDECREF(cumulsize);
        return NULL;
    }
    r->count = count;
    r->size = size;
    r->name = name;
    r->index = index;
    r->cumulsize = cumulsize;
    return (PyObject *)r;
}

static PyObject *
statrow_tp_new(PyTypeObject *tp, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"count", "size", "name", "index", "cumulsize",
                             NULL};
    PyObject *count, *size, *name, *index = Py_None, *cumulsize = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO|OO:StatRow", kwlist,
                                     &count, &size, &name, &index,
                                     &cumulsize)) {
        return NULL;
    }
    return statrow_new_steal(tp, Py_NewRef(count), Py_NewRef(size),
                             Py_NewRef(name), Py_NewRef(index),
                             Py_NewRef(cumulsize));
}

/* Row i of s as a StatRow; new reference. */
static PyObject *
statrow_of(GyState *state, const GyStat *s, Py_ssize_t i)
{
    const GyStatRow *r = &s->rows[i];
    return statrow_new_steal(state->statrow_type,
                             PyLong_FromLongLong(r->count),
                             PyLong_FromLongLong(r->size),
                             gy_stat_label(s, i), PyLong_FromSsize_t(i),
                             PyLong_FromLongLong(r->cumul));
}

PyDoc_STRVAR(statrow_doc,
"StatRow(count, size, name, index=None, cumulsize=None)\n--\n\n"
"One row of a Stat table: count and size of the objects of one kind\n"
"(name), the row's index and the cumulative size up to it.");

static PyType_Slot statrow_slots[] = {
    {Py_tp_doc, (void *)statrow_doc},
    {Py_tp_new, statrow_tp_new},
    {Py_tp_dealloc, statrow_tp_dealloc},
    {Py_tp_traverse, statrow_tp_traverse},
    {Py_tp_clear, statrow_tp_clear},
    {Py_tp_members, statrow_members},
    {0, NULL},
};

static PyType_Spec statrow_spec = {
    .name = "guppy.heapy.Part.StatRow",
    .basicsize = sizeof(StatRowObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .slots = statrow_slots,
};

/* ------------------------------------------------------------------ */
/* StatTable: the C half of guppy.heapy.Part.Stat. Made only by this file
 * (from a partition, a slice, a difference or a file); read-only. */

typedef struct {
    PyObject_HEAD
    GyStat *stat;
} StatObject;

/* The stat of self, or NULL with an exception (an instance not made
 * here, which tp_new forbids, has none). */
static GyStat *
stat_of(PyObject *self)
{
    GyStat *s = ((StatObject *)self)->stat;
    if (s == NULL) {
        PyErr_SetString(PyExc_TypeError, "uninitialised Stat");
    }
    return s;
}

/* The stat of self with rows [0, upto) made (see GyStat.nready); NULL
 * as stat_of. upto is clipped to the table. */
static GyStat *
stat_ready(PyObject *self, Py_ssize_t upto)
{
    GyStat *s = stat_of(self);
    if (s != NULL && s->nready < s->nrows && upto > s->nready) {
        gy_rowscan_ready(s, upto < s->nrows ? upto : s->nrows);
    }
    return s;
}

/* The stat of self with every row made. */
static GyStat *
stat_all(PyObject *self)
{
    return stat_ready(self, PY_SSIZE_T_MAX);
}

static PyObject *
stat_tp_new(PyTypeObject *tp, PyObject *args, PyObject *kwds)
{
    (void)args;
    (void)kwds;
    PyErr_Format(PyExc_TypeError,
                 "cannot create '%s' instances: use x.stat or hp.load()",
                 tp->tp_name);
    return NULL;
}

static void
stat_tp_dealloc(PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);
    gy_stat_free(((StatObject *)op)->stat);
    ((StatObject *)op)->stat = NULL;
    tp->tp_free(op);
    Py_DECREF(tp);
}

static Py_ssize_t
stat_sq_length(PyObject *self)
{
    GyStat *s = stat_of(self);
    return s ? s->nrows : -1;
}

PyObject *
gy_stat_wrap_steal(GyState *state, PyObject *cls, GyStat *s)
{
    if (s == NULL) {
        return NULL;
    }
    if (!PyType_Check(cls)
        || !PyType_IsSubtype((PyTypeObject *)cls, state->stat_type)) {
        PyErr_SetString(PyExc_TypeError,
                        "Stat class must be a subclass of StatTable");
        gy_stat_free(s);
        return NULL;
    }
    PyTypeObject *tp = (PyTypeObject *)cls;
    PyObject *self = tp->tp_alloc(tp, 0);
    if (self == NULL) {
        gy_stat_free(s);
        return NULL;
    }
    ((StatObject *)self)->stat = s;
    return self;
}

PyObject *
gy_stat_py_from_partition(GyState *state, PyObject *cls, GyPartition *p,
                          GyNodes *nodes)
{
    return gy_stat_wrap_steal(
        state, cls, gy_stat_from_partition(state, p, nodes, gy_stat_now()));
}

/* Parse exactly nwant Py_ssize_t positional arguments. */
static int
ssize_args(const char *fname, PyObject *const *args, Py_ssize_t nargs,
           PyObject *kwnames, Py_ssize_t nwant, Py_ssize_t *out)
{
    if (kwnames != NULL && PyTuple_GET_SIZE(kwnames) > 0) {
        PyErr_Format(PyExc_TypeError, "%s() takes no keyword arguments",
                     fname);
        return -1;
    }
    if (nargs != nwant) {
        PyErr_Format(PyExc_TypeError, "%s() takes %zd arguments (%zd given)",
                     fname, nwant, nargs);
        return -1;
    }
    for (Py_ssize_t i = 0; i < nwant; i++) {
        out[i] = PyNumber_AsSsize_t(args[i], PyExc_OverflowError);
        if (out[i] == -1 && PyErr_Occurred()) {
            return -1;
        }
    }
    return 0;
}

PyDoc_STRVAR(stat_render_doc,
"_render($self, start, maxrows, title, /)\n--\n\n"
"The printed table: rows from start, at most maxrows of them (all if\n"
"negative), after the title line(s) if title is true.");

static PyObject *
stat_py_render(PyObject *self, PyObject *args)
{
    Py_ssize_t start, maxrows;
    int title;
    if (!PyArg_ParseTuple(args, "nnp:_render", &start, &maxrows, &title)) {
        return NULL;
    }
    /* The page's rows and those before it (their sizes add up to the
       first Cumulative); one more, which may be printed in place of
       the footer. */
    GyStat *s = stat_ready(self, maxrows < 0 || start > PY_SSIZE_T_MAX
                                                              - maxrows - 1
                                     ? PY_SSIZE_T_MAX
                                     : start + maxrows + 1);
    if (s == NULL) {
        return NULL;
    }
    return gy_stat_render(s, start, maxrows, title);
}

PyDoc_STRVAR(stat_row_doc,
"_row($self, i, /)\n--\n\n"
"Row i (0 <= i < numrows) as a StatRow.");

static PyObject *
stat_py_row(PyObject *self, PyTypeObject *cls, PyObject *const *args,
            Py_ssize_t nargs, PyObject *kwnames)
{
    Py_ssize_t i;
    GyStat *s = stat_of(self);
    if (s == NULL || ssize_args("_row", args, nargs, kwnames, 1, &i) < 0) {
        return NULL;
    }
    if (i < 0 || i >= s->nrows) {
        PyErr_SetString(PyExc_IndexError, "Row index out of range.");
        return NULL;
    }
    stat_ready(self, i + 1);
    return statrow_of(PyType_GetModuleState(cls), s, i);
}

PyDoc_STRVAR(stat_rows_doc,
"_rows($self, start, stop, /)\n--\n\n"
"Rows start to stop (clipped to the table) as a list of StatRows.");

static PyObject *
stat_py_rows(PyObject *self, PyTypeObject *cls, PyObject *const *args,
             Py_ssize_t nargs, PyObject *kwnames)
{
    Py_ssize_t se[2];
    GyStat *s = stat_of(self);
    if (s == NULL || ssize_args("_rows", args, nargs, kwnames, 2, se) < 0) {
        return NULL;
    }
    GyState *state = PyType_GetModuleState(cls);
    Py_ssize_t start = se[0] < 0 ? 0 : se[0];
    Py_ssize_t stop = se[1] > s->nrows ? s->nrows : se[1];
    stat_ready(self, stop);
    PyObject *list = PyList_New(stop > start ? stop - start : 0);
    for (Py_ssize_t i = start; list != NULL && i < stop; i++) {
        PyObject *row = statrow_of(state, s, i);
        if (row == NULL) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i - start, row);
    }
    return list;
}

PyDoc_STRVAR(stat_labels_doc,
"_labels($self, /)\n--\n\n"
"Every row's label, in table order, as a list of str.");

static PyObject *
stat_py_labels(PyObject *self, PyObject *unused)
{
    (void)unused;
    GyStat *s = stat_all(self);
    PyObject *list = s ? PyList_New(s->nrows) : NULL;
    for (Py_ssize_t i = 0; list != NULL && i < s->nrows; i++) {
        PyObject *label = gy_stat_label(s, i);
        if (label == NULL) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, label);
    }
    return list;
}

PyDoc_STRVAR(stat_select_doc,
"_select($self, start, step, n, /)\n--\n\n"
"A new Stat of the same class: rows start, start + step, ... (n of\n"
"them), totals recomputed, indices and cumulative sizes from 0.");

static PyObject *
stat_py_select(PyObject *self, PyTypeObject *cls, PyObject *const *args,
               Py_ssize_t nargs, PyObject *kwnames)
{
    Py_ssize_t a[3];
    GyStat *s = stat_all(self);
    if (s == NULL || ssize_args("_select", args, nargs, kwnames, 3, a) < 0) {
        return NULL;
    }
    if (a[2] < 0) {
        PyErr_SetString(PyExc_ValueError, "_select: negative row count");
        return NULL;
    }
    return gy_stat_wrap_steal(PyType_GetModuleState(cls),
                              (PyObject *)Py_TYPE(self),
                              gy_stat_select(s, a[0], a[1], a[2]));
}

static int
texts_equal(const GyStat *a, GyStatText ta, const GyStat *b, GyStatText tb)
{
    return ta.len == tb.len
           && (ta.len == 0
               || memcmp(a->text + ta.off, b->text + tb.off, (size_t)ta.len)
                      == 0);
}

PyDoc_STRVAR(stat_sub_doc,
"_sub($self, other, /)\n--\n\n"
"self - other: a DiffFormat Stat of the same class. TypeError unless\n"
"other is a Stat; ValueError if the kind headers differ.");

static PyObject *
stat_py_sub(PyObject *self, PyTypeObject *cls, PyObject *const *args,
            Py_ssize_t nargs, PyObject *kwnames)
{
    GyState *state = PyType_GetModuleState(cls);
    GyStat *a = stat_all(self);
    if (a == NULL) {
        return NULL;
    }
    if (nargs != 1 || (kwnames != NULL && PyTuple_GET_SIZE(kwnames) > 0)) {
        PyErr_SetString(PyExc_TypeError, "_sub() takes 1 argument");
        return NULL;
    }
    PyObject *other = args[0];
    if (!PyObject_TypeCheck(other, state->stat_type)) {
        PyErr_Format(PyExc_TypeError,
                     "Can only take difference with other Stat instance. "
                     "(Stat - other: other is %s)", Py_TYPE(other)->tp_name);
        return NULL;
    }
    GyStat *b = stat_all(other);
    if (b == NULL) {
        return NULL;
    }
    if (!texts_equal(a, a->kindheader, b, b->kindheader)) {
        PyObject *ha = gy_stat_text(a, a->kindheader);
        PyObject *hb = ha ? gy_stat_text(b, b->kindheader) : NULL;
        if (hb != NULL) {
            PyErr_Format(PyExc_ValueError,
                         "Mismatching table kind header, %R vs %R.", ha, hb);
        }
        Py_XDECREF(ha);
        Py_XDECREF(hb);
        return NULL;
    }
    return gy_stat_wrap_steal(state, (PyObject *)Py_TYPE(self),
                              gy_stat_sub(a, b, gy_stat_now()));
}

PyDoc_STRVAR(stat_dump_doc,
"_dump($self, write=None, binary=False, /)\n--\n\n"
"The stat in heapy's dump format (one package, '\\n' line ends): as a\n"
"str if write is None, else passed to write() in one call (str, or\n"
"UTF-8 bytes if binary).");

static PyObject *
stat_py_dump(PyObject *self, PyObject *args)
{
    PyObject *write = Py_None;
    int binary = 0;
    GyStat *s = stat_all(self);
    if (s == NULL || !PyArg_ParseTuple(args, "|Op:_dump", &write, &binary)) {
        return NULL;
    }
    return gy_format_dump(s, write == Py_None ? NULL : write, binary);
}

static PyMethodDef stat_methods[] = {
    {"_render", stat_py_render, METH_VARARGS, stat_render_doc},
    {"_row", (PyCFunction)(void (*)(void))stat_py_row,
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS, stat_row_doc},
    {"_rows", (PyCFunction)(void (*)(void))stat_py_rows,
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS, stat_rows_doc},
    {"_labels", stat_py_labels, METH_NOARGS, stat_labels_doc},
    {"_select", (PyCFunction)(void (*)(void))stat_py_select,
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS, stat_select_doc},
    {"_sub", (PyCFunction)(void (*)(void))stat_py_sub,
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS, stat_sub_doc},
    {"_dump", stat_py_dump, METH_VARARGS, stat_dump_doc},
    {NULL, NULL, 0, NULL},
};

/* Getters. closure selects the field. */
enum {
    G_COUNT, G_SIZE, G_NUMROWS, G_KINDNAME, G_KINDHEADER, G_FORMAT_NAME,
    G_TIMEMADE, G_B_COUNT, G_B_SIZE, G_LOADER
};

static PyObject *
stat_get(PyObject *self, void *closure)
{
    GyStat *s = stat_of(self);
    if (s == NULL) {
        return NULL;
    }
    switch ((int)(intptr_t)closure) {
    case G_COUNT:
        return PyLong_FromLongLong(s->count);
    case G_SIZE:
        return PyLong_FromLongLong(s->size);
    case G_NUMROWS:
        return PyLong_FromSsize_t(s->nrows);
    case G_KINDNAME:
        return gy_stat_text(s, s->kindname);
    case G_KINDHEADER:
        return gy_stat_text(s, s->kindheader);
    case G_FORMAT_NAME:
        return PyUnicode_FromString(gy_stat_format_names[s->format]);
    case G_TIMEMADE:
        return PyFloat_FromDouble(s->timemade);
    case G_B_COUNT:
    case G_B_SIZE:
        if (s->format != GY_FORMAT_DIFF) {
            /* As heapy: only a difference has B's totals. */
            PyErr_Format(PyExc_AttributeError,
                         "'%.100s' object has no attribute '%s'",
                         Py_TYPE(self)->tp_name,
                         (intptr_t)closure == G_B_COUNT ? "b_count"
                                                         : "b_size");
            return NULL;
        }
        return PyLong_FromLongLong((intptr_t)closure == G_B_COUNT
                                       ? s->b_count
                                       : s->b_size);
    case G_LOADER:
    default:
        return PyUnicode_FromString("_load_stat");
    }
}

#define STAT_GETTER(name, which, doc) \
    {name, stat_get, NULL, doc, (void *)(intptr_t)(which)}

static PyGetSetDef stat_getset[] = {
    STAT_GETTER("count", G_COUNT, "Total number of objects."),
    STAT_GETTER("size", G_SIZE, "Total size of the objects, in bytes."),
    STAT_GETTER("numrows", G_NUMROWS, "Number of rows."),
    STAT_GETTER("kindname", G_KINDNAME,
                "IdFormat's kind in the title ('<str>', '<mixed>'); ''\n"
                "otherwise."),
    STAT_GETTER("kindheader", G_KINDHEADER,
                "Title of the label column ('Kind (class / dict of "
                "class)')."),
    STAT_GETTER("format_name", G_FORMAT_NAME,
                "'SetFormat', 'IdFormat' or 'DiffFormat'."),
    STAT_GETTER("timemade", G_TIMEMADE,
                "When the table was made, in seconds since the epoch."),
    STAT_GETTER("b_count", G_B_COUNT,
                "DiffFormat only: number of objects of B in A - B."),
    STAT_GETTER("b_size", G_B_SIZE,
                "DiffFormat only: size of B in A - B."),
    STAT_GETTER("loader", G_LOADER,
                "The loader a dump file names: '_load_stat'."),
    {NULL, NULL, NULL, NULL, NULL},
};

PyDoc_STRVAR(stat_doc,
"The table data of a Stat (guppy.heapy.Part.Stat): totals, rows of\n"
"count, size and label, and the header a dump file carries. Holds no\n"
"reference to the objects it describes.");

static PyType_Slot stat_slots[] = {
    {Py_tp_doc, (void *)stat_doc},
    {Py_tp_new, stat_tp_new},
    {Py_tp_dealloc, stat_tp_dealloc},
    {Py_tp_methods, stat_methods},
    {Py_tp_getset, stat_getset},
    {Py_sq_length, stat_sq_length},
    {0, NULL},
};

static PyType_Spec stat_spec = {
    .name = "guppy._guppy.StatTable",
    .basicsize = sizeof(StatObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .slots = stat_slots,
};

/* ------------------------------------------------------------------ */
/* Module functions */

PyDoc_STRVAR(stat_load_doc,
"_stat_load($module, cls, lines, mode, end_optional, first_lineno,\n"
"           where, /)\n"
"--\n\n"
"Read one dump package from lines: mode 0, an iterator of str or bytes\n"
"lines; 1, an object whose readline() returns them; 2, a seekable\n"
"binary file, read in chunks and put back after the package. Return\n"
"(stat, lines read), stat an instance of cls; (None, 0) at the\n"
"end of the input. end_optional: the input may end instead of the end\n"
"line. first_lineno numbers the first line read; where, if not None,\n"
"names the input in error messages. Raises ValueError naming the line\n"
"for anything but a well-formed package.");

static PyObject *
stat_load(PyObject *module, PyObject *args)
{
    PyObject *cls, *lines, *where;
    int mode, end_optional;
    Py_ssize_t first_lineno, nread = 0;
    GyStat *s = NULL;
    if (!PyArg_ParseTuple(args, "OOipnO:_stat_load", &cls, &lines, &mode,
                          &end_optional, &first_lineno, &where)) {
        return NULL;
    }
    if (mode < GY_LOAD_LINES || mode > GY_LOAD_FILE) {
        PyErr_Format(PyExc_ValueError, "_stat_load: unknown mode %d", mode);
        return NULL;
    }
    if (where != Py_None && !PyUnicode_Check(where)) {
        PyErr_SetString(PyExc_TypeError, "_stat_load: where must be a str");
        return NULL;
    }
    GyState *state = PyModule_GetState(module);
    if (gy_format_load(lines, (GyLoadMode)mode, end_optional, first_lineno,
                       where == Py_None ? NULL : where, &s, &nread) < 0) {
        return NULL;
    }
    if (s == NULL) {
        return Py_BuildValue("(On)", Py_None, (Py_ssize_t)0);
    }
    PyObject *st = gy_stat_wrap_steal(state, cls, s);
    return st ? Py_BuildValue("(Nn)", st, nread) : NULL;
}

static PyMethodDef stat_functions[] = {
    {"_stat_load", stat_load, METH_VARARGS, stat_load_doc},
    {NULL, NULL, 0, NULL},
};

int
gy_stat_add_types(PyObject *module, GyState *state)
{
    PyObject *bases = PyTuple_Pack(1, (PyObject *)state->hidden_type);
    if (bases == NULL) {
        return -1;
    }
    state->stat_type = (PyTypeObject *)PyType_FromModuleAndSpec(
        module, &stat_spec, bases);
    state->statrow_type = (PyTypeObject *)PyType_FromModuleAndSpec(
        module, &statrow_spec, bases);
    Py_DECREF(bases);
    if (state->stat_type == NULL || state->statrow_type == NULL) {
        return -1;
    }
    if (PyModule_AddObjectRef(module, "StatTable",
                              (PyObject *)state->stat_type) < 0
        || PyModule_AddObjectRef(module, "StatRow",
                                 (PyObject *)state->statrow_type) < 0) {
        return -1;
    }
    return PyModule_AddFunctions(module, stat_functions);
}
