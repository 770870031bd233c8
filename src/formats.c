/* formats.c -- dump files of Stats: the text heapy's Stat.dump writes and
 * Use.load reads, byte for byte, and a strict parser for it. Knows the
 * GyStat (stat.c) and lines of text; nothing of sets or partitions.
 *
 * The format (guppy-api.md section 5.2; docs/architecture.md, "Stats
 * and dump files"; one package per dump, '\n' line ends):
 *
 *     .loader: _load_stat
 *     .<field>: <value>          format, timemade, count, size, kindname,
 *     ...                        kindheader, numrows [, b_count, b_size]
 *     .r: <count> <size> <label> numrows times (IdFormat: <size> <label>)
 *     .end: .loader: _load_stat  the end line: '.end: ' + the first line
 *
 * The parser is a state machine over lines (loader line, header fields,
 * rows, end line) that copies what it accepts into a GyStat. heapy reads
 * a header field as an attribute named by the file and resolves the
 * loader as an attribute of the session; this parser accepts only the
 * fields above, each once, integers as -?[0-9]+ within +-(2**62 - 1),
 * and the loader _load_stat, and it checks that the rows number numrows
 * and that the end line follows them (a list of lines may end without
 * one, as in heapy's own example; a file may not: that is how a file cut
 * after a row is told from a whole one). Every refusal is a ValueError
 * naming the line and what was expected there. Lines come from an
 * iterator or from readline() (pipes), each released once parsed; a
 * seekable binary file is read in chunks into one buffer, which holds
 * the package and becomes the stat's text, and is put back after the
 * package with seek(); so loading a file of many packages keeps one in
 * memory.
 *
 * The workload is a file of one 10,000-row table, loaded and its first
 * page printed, or a log of many small samples. So a file's rows are
 * first checked in place, 64 bytes at a time, and made only when asked
 * for, or, for a table with an odd row, parsed in place up to each odd
 * one (rowscan.c, through check_rows and fast_rows); parse_row takes the
 * rest one line at a time: the reference, and what names every error.
 * All three accept the same lines (tests/test_stat_fast.py).
 *
 * Writing builds the whole text in one buffer (straight into the str
 * when it is ASCII, the usual case) and hands it to write() in one call.
 *
 * Cost: both O(bytes), one pass (a file's rows about 4 ns a row checked,
 * the first page of a loaded table ten rows more); bytes lines are UTF-8
 * validated eight bytes at a time.
 */
#include "formats.h"

#include <stdlib.h>

#include "rowscan.h"

/* The writer's word trick numbers bytes from the low end: little-endian
 * only (others write digit by digit). */
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) \
    && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FAST_WRITE 1
#else
#define FAST_WRITE 0
#endif

#define LOADER_NAME "_load_stat"
#define LOADER_LINE ".loader: " LOADER_NAME
#define END_LINE ".end: " LOADER_LINE

/* At most this many rows are allocated before they are read: numrows is
 * the file's word, and the file may be lying. */
#define ROWS_PREALLOC_MAX 4096
/* Longest line shown in an error message, in code points. */
#define ERROR_SHOW_MAX 60
/* Longest timemade text parsed (heapy writes about 17 characters). */
#define TIMEMADE_MAX 400

/* ------------------------------------------------------------------ */
/* Writing */

/* "00" to "99": two digits at a time. */
static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

/* Decimal digits of v at p; returns the end. The length is found first,
 * then digits are written from the right, two at a time. */
static inline char *
put_i64(char *p, int64_t v)
{
    const char *pairs = digit_pairs;
    uint64_t u = (uint64_t)v;
    if (v < 0) {
        *p++ = '-';
        u = (uint64_t)0 - u;
    }
    int n = 1;
    uint64_t t = u;
    while (t >= 10000) {
        t /= 10000;
        n += 4;
    }
    n += (t >= 10) + (t >= 100) + (t >= 1000);
    char *q = p + n;
    while (u >= 100) {
        unsigned k = (unsigned)(u % 100) * 2;
        u /= 100;
        *--q = pairs[k + 1];
        *--q = pairs[k];
    }
    if (u >= 10) {
        *--q = pairs[u * 2 + 1];
        *--q = pairs[u * 2];
    }
    else {
        *--q = (char)('0' + (int)u);
    }
    return p + n;
}

/* v and a space at p; returns the end. Numbers are most of what a dump
 * writes, and in a real table they vary, so that a loop over digits
 * mispredicts a branch or two a number: under 100 (most counts) a store
 * or two; under 10**7 (most sizes) no branch: four digit pairs from the
 * table put together in a word (leading zeros shifted out, the space
 * shifted in) and stored at once; larger or negative by put_i64. */
static inline char *
put_num_sp(char *p, int64_t v)
{
    if ((uint64_t)v < 100) {
        if (v < 10) {
            p[0] = (char)('0' + v);
            p[1] = ' ';
            return p + 2;
        }
        memcpy(p, digit_pairs + 2 * v, 2);
        p[2] = ' ';
        return p + 3;
    }
#if FAST_WRITE
    if ((uint64_t)v < 10000000) {
        uint32_t x = (uint32_t)v;
        uint16_t d0, d1, d2, d3;      /* pairs, most significant first */
        memcpy(&d3, digit_pairs + 2 * (x % 100), 2);
        x /= 100;
        memcpy(&d2, digit_pairs + 2 * (x % 100), 2);
        x /= 100;
        memcpy(&d1, digit_pairs + 2 * (x % 100), 2);
        memcpy(&d0, digit_pairs + 2 * (x / 100), 2);
        uint64_t w = (uint64_t)d0 | (uint64_t)d1 << 16 | (uint64_t)d2 << 32
                     | (uint64_t)d3 << 48;
        int n = 3 + (v >= 1000) + (v >= 10000) + (v >= 100000)
                + (v >= 1000000);
        w = (w >> (8 * (8 - n))) | (uint64_t)' ' << (8 * n);
        memcpy(p, &w, 8);
        return p + n + 1;
    }
#endif
    p = put_i64(p, v);
    *p++ = ' ';
    return p;
}

/* A string literal, without its strlen. */
#define PUT_LIT(p, lit) \
    (memcpy((p), (lit), sizeof(lit) - 1), (p) + sizeof(lit) - 1)

static char *
put_bytes(char *p, const char *s, Py_ssize_t n)
{
    if (n > 0) {
        memcpy(p, s, (size_t)n);
    }
    return p + n;
}

/* The value of header field f: text (*p, its length returned) or, for
 * the numbers, *p NULL and *v. */
static Py_ssize_t
field_value(const GyStat *s, GyStatField f, const char **p, int64_t *v)
{
    *p = NULL;
    switch (f) {
    case GY_STAT_FORMAT:
        *p = gy_stat_format_names[s->format];
        return (Py_ssize_t)strlen(*p);
    case GY_STAT_TIMEMADE:
        *p = s->text + s->timemade_text.off;
        return s->timemade_text.len;
    case GY_STAT_KINDNAME:
        *p = s->text + s->kindname.off;
        return s->kindname.len;
    case GY_STAT_KINDHEADER:
        *p = s->text + s->kindheader.off;
        return s->kindheader.len;
    case GY_STAT_COUNT:
        *v = s->count;
        break;
    case GY_STAT_SIZE:
        *v = s->size;
        break;
    case GY_STAT_NUMROWS:
        *v = s->nrows;
        break;
    case GY_STAT_B_COUNT:
        *v = s->b_count;
        break;
    case GY_STAT_B_SIZE:
    default:
        *v = s->b_size;
        break;
    }
    return 0;
}

/* The longest row line without its label: '.r: ', two numbers of at most
 * 20 characters, two spaces, '\n'. */
#define ROW_MAX (4 + 20 + 1 + 20 + 1 + 1)
/* Room for the loader, end and header lines without their texts. */
#define DUMP_FIXED (1024 + GY_STAT_NFIELDS * 128)

_Static_assert(GY_STAT_TEXT_SLACK >= 16,
               "dump_text reads labels 16 bytes at a time");

/* At most how many bytes the dump of s takes, plus room for the word
 * copies of short labels to run past the end, or -1 with MemoryError.
 * s->text_len bounds the labels and header texts together. */
static Py_ssize_t
dump_bound(const GyStat *s)
{
    /* Escaped line breaks (put_text) at most double the texts. */
    Py_ssize_t text = s->text_len;
    if (s->line_breaks) {
        if (text > PY_SSIZE_T_MAX / 2) {
            PyErr_NoMemory();
            return -1;
        }
        text *= 2;
    }
    if (s->nrows > (PY_SSIZE_T_MAX - text - DUMP_FIXED) / ROW_MAX) {
        PyErr_NoMemory();
        return -1;
    }
    return DUMP_FIXED + text + s->nrows * ROW_MAX;
}

/* A label or header text, a line break in it written as the two
 * characters '\' 'n': the line format has no way to hold one, and a raw
 * one would end the row there (guppy3 writes it raw, and its file then
 * does not load back here). Only for stats with s->line_breaks. */
static char *
put_text(char *p, const char *s, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        if (s[i] == '\n') {
            *p++ = '\\';
            *p++ = 'n';
        }
        else {
            *p++ = s[i];
        }
    }
    return p;
}

/* Write the dump of s at p, which has dump_bound(s) bytes of room;
 * returns the end. The row loop is the whole cost of a dump: no checks
 * inside it (the bound holds), labels of up to 32 bytes copied as one or
 * two 16-byte moves (the text has GY_STAT_TEXT_SLACK bytes past its end,
 * and the output's rows have room to be written past). */
static char *
dump_text(char *p, const GyStat *s)
{
    p = PUT_LIT(p, LOADER_LINE "\n");
    for (int i = 0; i < s->norder; i++) {
        GyStatField f = (GyStatField)s->order[i];
        const char *text;
        int64_t v = 0;
        Py_ssize_t n = field_value(s, f, &text, &v);
        *p++ = '.';
        const char *name = gy_stat_field_names[f];
        p = put_bytes(p, name, (Py_ssize_t)strlen(name));
        p = PUT_LIT(p, ": ");
        p = !text ? put_i64(p, v)
            : s->line_breaks ? put_text(p, text, n) : put_bytes(p, text, n);
        *p++ = '\n';
    }
    const char *text = s->text;
    /* rows is NULL in a stat without rows: no offset may be added to it. */
    const GyStatRow *r = s->rows, *end = s->nrows > 0 ? s->rows + s->nrows
                                                     : s->rows;
    int id = s->format == GY_FORMAT_ID;
    for (; r < end; r++) {
        p = PUT_LIT(p, ".r: ");
        if (!id) {
            p = put_num_sp(p, r->count);
        }
        p = put_num_sp(p, r->size);
        const char *label = text + r->label;
        Py_ssize_t n = r->label_len;
        if (s->line_breaks) {
            p = put_text(p, label, n);
            *p++ = '\n';
            continue;
        }
        if (n <= 16) {
            memcpy(p, label, 16);
        }
        else if (n <= 32) {
            memcpy(p, label, 16);
            memcpy(p + n - 16, label + n - 16, 16);
        }
        else {
            memcpy(p, label, (size_t)n);
        }
        p += n;
        *p++ = '\n';
    }
    return PUT_LIT(p, END_LINE "\n");
}

/* The dump of s as an ASCII str (s has no byte >= 0x80): written straight
 * into the str, then shrunk to size (the tail's pages are never touched).
 * New reference. */
static PyObject *
dump_ascii_str(const GyStat *s, Py_ssize_t bound)
{
    PyObject *text = PyUnicode_New(bound, 127);
    if (text == NULL) {
        return NULL;
    }
    char *buf = PyUnicode_DATA(text);
    Py_ssize_t len = dump_text(buf, s) - buf;
    buf[len] = '\0';
    if (PyUnicode_Resize(&text, len) < 0) {
        Py_XDECREF(text);
        return NULL;
    }
    return text;
}

PyObject *
gy_format_dump(const GyStat *s, PyObject *write, int binary)
{
    Py_ssize_t bound = dump_bound(s);
    if (bound < 0) {
        return NULL;
    }
    PyObject *text = NULL;
    if (!s->nonascii && !(write != NULL && binary)) {
        text = dump_ascii_str(s, bound);
    }
    else {
        /* In a C buffer, then copied once into what is returned or
           written. Text that is not ASCII may hold a lone surrogate from
           a partition's label: a str keeps it, as heapy's text does (a
           text file's encoder then refuses it), and bytes refuse it. */
        char *buf = PyMem_Malloc((size_t)bound);
        if (buf == NULL) {
            return PyErr_NoMemory();
        }
        Py_ssize_t len = dump_text(buf, s) - buf;
        if (!s->nonascii) {
            text = PyBytes_FromStringAndSize(buf, len);
        }
        else {
            text = PyUnicode_DecodeUTF8(buf, len, "surrogatepass");
            if (text != NULL && write != NULL && binary) {
                Py_SETREF(text, PyUnicode_AsUTF8String(text));
            }
        }
        PyMem_Free(buf);
    }
    if (text == NULL || write == NULL) {
        return text;
    }
    /* One call: a file's write() of the whole text costs what the file
       system takes for it, and calls in pieces each add to that. */
    PyObject *r = PyObject_CallOneArg(write, text);
    Py_DECREF(text);
    if (r == NULL) {
        return NULL;
    }
    Py_DECREF(r);
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------ */
/* Reading lines */

/* Reading a binary file in chunks: the first read is small (one sample
 * of a monitoring log is a few KiB), later ones double up to the most. */
#define READ_CHUNK_FIRST 16384
#define READ_CHUNK_MAX 262144
/* Zero bytes kept after the data read, so the row scanner can read whole
 * words past it (and a stat's text has its GY_STAT_TEXT_SLACK). */
#define READ_SLACK 64
_Static_assert(READ_SLACK >= GY_ROWSCAN_PAD
                   && READ_SLACK >= GY_STAT_TEXT_SLACK,
               "READ_SLACK covers a block of the row scans (rowscan.h) and "
               "the text's slack");

typedef struct Reader {
    GyLoadMode mode;
    PyObject *lines;          /* borrowed: the iterator or the file */
    PyObject *method;         /* owned bound readline() or read(), or NULL */
    PyObject *where;          /* borrowed str naming the input, or NULL */
    PyObject *cur;            /* owned: the current line object (lines) */
    const char *data;         /* the current line, UTF-8, end stripped */
    Py_ssize_t len;
    Py_ssize_t lineno;        /* number of the current line */
    Py_ssize_t nread;
    int end_optional;         /* the input may end instead of an end line */
    /* GY_LOAD_CHUNKS: every byte read since the package began, in one
       buffer that becomes the stat's text (labels are offsets into it),
       followed by READ_SLACK zero bytes */
    char *buf;                /* owned until handed to the stat */
    Py_ssize_t buf_len, buf_cap;
    Py_ssize_t pos;           /* first byte not yet returned as a line:
                                 the bytes of the package consumed */
    Py_ssize_t scanned;       /* bytes from pos known to hold no '\n' */
    Py_ssize_t chunk_size;    /* of the next read() */
    int eof;
    int into;                 /* read with readinto() (GY_LOAD_FILE) */
    int nonascii;             /* a label or header text in buf is not
                                 ASCII */
} Reader;

/* ValueError "[where, ]line N: <message>"; message is a format for
 * PyUnicode_FromFormatV. Always returns -1. */
static int
reader_error(Reader *r, Py_ssize_t lineno, const char *format, ...)
{
    va_list va;
    va_start(va, format);
    PyObject *msg = PyUnicode_FromFormatV(format, va);
    va_end(va);
    if (msg == NULL) {
        return -1;
    }
    if (r->where != NULL) {
        PyErr_Format(PyExc_ValueError, "%U, line %zd: %U", r->where, lineno,
                     msg);
    }
    else {
        PyErr_Format(PyExc_ValueError, "line %zd: %U", lineno, msg);
    }
    Py_DECREF(msg);
    return -1;
}

/* The current line for a message: its repr, cut to ERROR_SHOW_MAX code
 * points; new reference. */
static PyObject *
reader_shown_line(Reader *r)
{
    PyObject *text = PyUnicode_DecodeUTF8(r->data, r->len, "replace");
    if (text == NULL) {
        return NULL;
    }
    if (PyUnicode_GET_LENGTH(text) > ERROR_SHOW_MAX) {
        PyObject *cut = PyUnicode_Substring(text, 0, ERROR_SHOW_MAX);
        Py_SETREF(text, cut ? PyUnicode_FromFormat("%U...", cut) : NULL);
        Py_XDECREF(cut);
    }
    return text;
}

/* ValueError "line N: expected <expected>, got '<line>'" for the current
 * line. Returns -1. */
static int
reader_expected(Reader *r, const char *expected)
{
    PyObject *shown = reader_shown_line(r);
    if (shown == NULL) {
        return -1;
    }
    reader_error(r, r->lineno, "expected %s, got %R", expected, shown);
    Py_DECREF(shown);
    return -1;
}

/* ValueError for input that ended where expected was due. */
static int
reader_expected_eof(Reader *r, const char *expected)
{
    return reader_error(r, r->lineno + 1, "expected %s, got end of input",
                        expected);
}

/* Accept data[0:len], a bytes line from the input, as the current line:
 * UTF-8 checked, its end ('\n's, and the '\r' of a '\r\n') stripped.
 * 1, or -1 with an exception set. */
static int
reader_accept_bytes(Reader *r, const char *data, Py_ssize_t len)
{
    Py_ssize_t bad = gy_rowscan_utf8_invalid_at((const unsigned char *)data,
                                                len);
    if (bad >= 0) {
        return reader_error(r, r->lineno + 1, "not UTF-8 text (byte %zd)",
                            bad + 1);
    }
    /* heapy strips every trailing '\n'; a bytes line (a file opened in
       binary) also loses the '\r' of a '\r\n' end, as text mode would. */
    Py_ssize_t n = len;
    while (n > 0 && data[n - 1] == '\n') {
        n--;
    }
    if (n < len && n > 0 && data[n - 1] == '\r') {
        n--;
    }
    r->lineno++;
    r->nread++;
    r->data = data;
    r->len = n;
    return 1;
}

/* The next line object from the iterator or readline(). */
static int
reader_next_object(Reader *r)
{
    PyObject *line = r->method ? PyObject_CallNoArgs(r->method)
                               : PyIter_Next(r->lines);
    if (line == NULL) {
        return PyErr_Occurred() ? -1 : 0;
    }
    r->cur = line;
    if (PyBytes_Check(line)) {
        if (PyBytes_GET_SIZE(line) == 0) {
            return 0;
        }
        return reader_accept_bytes(r, PyBytes_AS_STRING(line),
                                   PyBytes_GET_SIZE(line));
    }
    if (!PyUnicode_Check(line)) {
        PyErr_Format(PyExc_TypeError,
                     "line %zd: lines must be str or bytes, not %.100s",
                     r->lineno + 1, Py_TYPE(line)->tp_name);
        return -1;
    }
    if (PyUnicode_GET_LENGTH(line) == 0) {
        return 0;
    }
    Py_ssize_t len;
    const char *data = PyUnicode_AsUTF8AndSize(line, &len);
    if (data == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
            return -1;
        }
        PyErr_Clear();
        return reader_error(r, r->lineno + 1, "not text (a lone surrogate)");
    }
    r->lineno++;
    r->nread++;
    Py_ssize_t n = len;
    while (n > 0 && data[n - 1] == '\n') {
        n--;
    }
    r->data = data;
    r->len = n;
    return 1;
}

/* An interned str for a method name; new reference. The name of a
 * method of the io types is interned already (a key of the type's dict),
 * so this is a lookup. A str made for each call would not do: CPython
 * 3.11's type attribute cache keys names by address and keeps a
 * reference to each, so every load would fill another of its 4,096
 * entries with a dead name (tracemalloc counts them). */
static PyObject *
method_name(const char *name)
{
    return PyUnicode_InternFromString(name);
}

/* obj.name(arg), or obj.name() if arg is NULL; new reference. */
static PyObject *
call_method(PyObject *obj, const char *name, PyObject *arg)
{
    PyObject *n = method_name(name);
    if (n == NULL) {
        return NULL;
    }
    PyObject *res = arg == NULL ? PyObject_CallMethodNoArgs(obj, n)
                                : PyObject_CallMethodOneArg(obj, n, arg);
    Py_DECREF(n);
    return res;
}

/* Read the next chunk of a binary file onto the end of r->buf, at least
 * r->chunk_size bytes of room (doubling up to READ_CHUNK_MAX): with
 * readinto() straight into the buffer (the io module's own file types),
 * or read() and a copy. 0 (with r->eof set at the end of the file), or -1
 * with an exception set. */
static int
reader_fill(Reader *r)
{
    Py_ssize_t n;
    if (r->chunk_size > PY_SSIZE_T_MAX - READ_SLACK - r->buf_len
        || gy_grow(&r->buf, &r->buf_cap,
                   r->buf_len + r->chunk_size + READ_SLACK, 1) < 0) {
        if (!PyErr_Occurred()) {
            PyErr_NoMemory();
        }
        return -1;
    }
    Py_ssize_t room = r->buf_cap - READ_SLACK - r->buf_len;
    if (r->into) {
        PyObject *mv = PyMemoryView_FromMemory(r->buf + r->buf_len, room,
                                               PyBUF_WRITE);
        if (mv == NULL) {
            return -1;
        }
        PyObject *res = PyObject_CallOneArg(r->method, mv);
        /* The view must not outlive the buffer, which moves as it grows:
           release it (the io types keep no view; if something still
           holds one, the buffer is left to it rather than freed). */
        PyObject *rel = call_method(mv, "release", NULL);
        Py_DECREF(mv);
        if (rel == NULL) {
            Py_XDECREF(res);
            r->buf = NULL;
            r->buf_len = r->buf_cap = 0;
            return -1;
        }
        Py_DECREF(rel);
        if (res == NULL) {
            return -1;
        }
        n = res == Py_None ? -1 : PyLong_AsSsize_t(res);
        Py_DECREF(res);
        if (n == -1 && PyErr_Occurred()) {
            return -1;
        }
        if (n < 0 || n > room) {
            PyErr_SetString(PyExc_ValueError,
                            "readinto() returned a bad count (a "
                            "non-blocking file?)");
            return -1;
        }
    }
    else {
        PyObject *size = PyLong_FromSsize_t(room);
        PyObject *b = size ? PyObject_CallOneArg(r->method, size) : NULL;
        Py_XDECREF(size);
        if (b == NULL) {
            return -1;
        }
        if (!PyBytes_Check(b)) {
            Py_DECREF(b);
            PyErr_SetString(PyExc_TypeError, "read() must return bytes");
            return -1;
        }
        n = PyBytes_GET_SIZE(b);
        if (n > PY_SSIZE_T_MAX - READ_SLACK - r->buf_len
            || gy_grow(&r->buf, &r->buf_cap, r->buf_len + n + READ_SLACK, 1)
                   < 0) {
            Py_DECREF(b);
            if (!PyErr_Occurred()) {
                PyErr_NoMemory();
            }
            return -1;
        }
        memcpy(r->buf + r->buf_len, PyBytes_AS_STRING(b), (size_t)n);
        Py_DECREF(b);
    }
    r->buf_len += n;
    memset(r->buf + r->buf_len, 0, READ_SLACK);
    r->eof = n == 0;
    if (r->chunk_size < READ_CHUNK_MAX) {
        r->chunk_size *= 2;
    }
    return 0;
}

/* The next line of a binary file read in chunks, in place in r->buf. */
static int
reader_next_chunk(Reader *r)
{
    for (;;) {
        Py_ssize_t from = r->pos + r->scanned;
        const char *nl = r->buf == NULL
                             ? NULL
                             : memchr(r->buf + from, '\n',
                                      (size_t)(r->buf_len - from));
        if (nl != NULL) {
            Py_ssize_t start = r->pos;
            r->pos = nl + 1 - r->buf;
            r->scanned = 0;
            return reader_accept_bytes(r, r->buf + start, r->pos - start);
        }
        r->scanned = r->buf_len - r->pos;
        if (r->eof) {
            if (r->scanned == 0) {
                return 0;
            }
            /* A last line without its '\n'. */
            Py_ssize_t start = r->pos;
            r->pos = r->buf_len;
            r->scanned = 0;
            return reader_accept_bytes(r, r->buf + start, r->pos - start);
        }
        if (reader_fill(r) < 0) {
            return -1;
        }
    }
}

/* Read the next line into r->data/len: 1, or 0 at the end of the input,
 * or -1 with an exception set. */
static int
reader_next(Reader *r)
{
    Py_CLEAR(r->cur);
    r->data = NULL;
    r->len = 0;
    return r->mode == GY_LOAD_CHUNKS ? reader_next_chunk(r)
                                     : reader_next_object(r);
}

/* ------------------------------------------------------------------ */
/* Parsing */

static int
starts_with(const Reader *r, const char *prefix)
{
    size_t n = strlen(prefix);
    return (size_t)r->len >= n && memcmp(r->data, prefix, n) == 0;
}

/* Length of the whitespace code point (str.isspace) at p[0:n], or 0. */
static int
space_at(const unsigned char *p, Py_ssize_t n)
{
    unsigned char c = p[0];
    if (c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f)) {
        return 1;
    }
    if (c == 0xC2 && n >= 2 && (p[1] == 0x85 || p[1] == 0xA0)) {
        return 2;
    }
    if (n < 3) {
        return 0;
    }
    if ((c == 0xE1 && p[1] == 0x9A && p[2] == 0x80)
        || (c == 0xE2 && p[1] == 0x80
            && (p[2] <= 0x8A || p[2] == 0xA8 || p[2] == 0xA9
                || p[2] == 0xAF))
        || (c == 0xE2 && p[1] == 0x81 && p[2] == 0x9F)
        || (c == 0xE3 && p[1] == 0x80 && p[2] == 0x80)) {
        return 3;
    }
    return 0;
}

/* str.strip() of p[0:*n], in place. p is valid UTF-8. */
static void
strip_spaces(const char **p, Py_ssize_t *n)
{
    const unsigned char *s = (const unsigned char *)*p;
    Py_ssize_t len = *n;
    int k;
    while (len > 0 && (k = space_at(s, len)) > 0) {
        s += k;
        len -= k;
    }
    for (;;) {
        /* Start of the last code point: skip continuation bytes. */
        Py_ssize_t last = len - 1;
        while (last > 0 && (s[last] & 0xC0) == 0x80) {
            last--;
        }
        if (len == 0 || space_at(s + last, len - last) != len - last) {
            break;
        }
        len = last;
    }
    *p = (const char *)s;
    *n = len;
}

/* -?[0-9]+ within +-GY_TABLE_LIMIT; 0, or -1 (no exception). */
static int
parse_int(const char *p, Py_ssize_t n, int64_t *out)
{
    int neg = n > 0 && p[0] == '-';
    Py_ssize_t i = neg;
    int64_t v = 0;
    if (i >= n) {
        return -1;
    }
    for (; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return -1;
        }
        int d = p[i] - '0';
        if (v > (GY_TABLE_LIMIT - d) / 10) {
            return -1;
        }
        v = v * 10 + d;
    }
    *out = neg ? -v : v;
    return 0;
}

/* The next space-ended token of p[*pos:n]; 0 with the token's bounds and
 * *pos past its space, or -1 if no space follows. */
static int
next_token(const char *p, Py_ssize_t n, Py_ssize_t *pos,
           const char **tok, Py_ssize_t *toklen)
{
    const char *start = p + *pos;
    const char *sp = memchr(start, ' ', (size_t)(n - *pos));
    if (sp == NULL) {
        return -1;
    }
    *tok = start;
    *toklen = sp - start;
    *pos = (sp - p) + 1;
    return 0;
}

/* Header text field f of s is value[0:n], part of the current line: in a
 * file read into one buffer (GY_LOAD_CHUNKS) its offset there, the stat
 * adopting the buffer at the end; otherwise a copy. */
static int
reader_set_text(Reader *r, GyStat *s, GyStatField f, const char *value,
                Py_ssize_t n)
{
    if (r->mode != GY_LOAD_CHUNKS) {
        return gy_stat_set_text(s, f, value, n);
    }
    r->nonascii |= !gy_rowscan_all_ascii(value, n);
    gy_stat_set_text_at(s, f, value - r->buf, n);
    return 0;
}

/* Append a row whose label is label[0:n], part of the current line; as
 * reader_set_text. */
static int
reader_append_row(Reader *r, GyStat *s, int64_t count, int64_t size,
                  const char *label, Py_ssize_t n)
{
    if (r->mode != GY_LOAD_CHUNKS) {
        return gy_stat_append_row(s, count, size, label, n);
    }
    r->nonascii |= !gy_rowscan_all_ascii(label, n);
    return gy_stat_append_row_at(s, count, size, label - r->buf, n);
}

/* Most bytes reserved past what was read on a table's word (its numrows
 * and the rows read so far): a file that lies about numrows costs at
 * most this in address space, untouched; a longer table grows as read. */
#define RESERVE_MAX ((Py_ssize_t)16 << 20)

/* After the rows of the first chunk (done of them, from byte first on):
 * room for the rest of the table (left rows) as those rows suggest, a
 * little over, so that the rest is read with one call into a buffer that
 * need not move again, and (s not NULL) the rows array for as many rows
 * as that room would hold. Growing step by step instead would copy the
 * text a few times, and leave blocks that the allocator gives back to
 * the system and takes again (page faults) on every load. Only a hint:
 * if memory is short, reading grows the buffers as it goes. */
static void
reader_expect(Reader *r, GyStat *s, Py_ssize_t first, Py_ssize_t done,
              Py_ssize_t left)
{
    if (done == 0 || left == 0 || r->pos <= first) {
        return;
    }
    double per_row = (double)(r->pos - first) / (double)done;
    double more = per_row * (double)left * 1.0625 + 4096.0;
    if (more > (double)RESERVE_MAX) {
        more = (double)RESERVE_MAX;
    }
    Py_ssize_t cap = r->pos + (Py_ssize_t)more + READ_SLACK;
    if (cap > r->buf_cap) {
        char *buf = PyMem_Realloc(r->buf, (size_t)cap);
        if (buf == NULL) {
            return;
        }
        r->buf = buf;
        r->buf_cap = cap;
    }
    if (s == NULL) {
        return;
    }
    Py_ssize_t rows = s->nrows + (Py_ssize_t)(more / per_row);
    if (rows > s->nrows + left) {
        rows = s->nrows + left;
    }
    if (rows > s->rows_cap) {
        GyStatRow *p = PyMem_Realloc(s->rows,
                                     (size_t)rows * sizeof(GyStatRow));
        if (p != NULL) {
            s->rows = p;
            s->rows_cap = rows;
        }
    }
}

/* ---- Rows in bulk ------------------------------------------------------
 *
 * A file read into one buffer has its row lines checked or parsed in
 * place by rowscan.c, which knows the buffer and the stat but not the
 * reader: these two keep the reader's place (lines read, bytes scanned)
 * and read on where a scan needs more of the file. */

/* Parse up to max plain row lines at r->pos into s (gy_rowscan_parse);
 * returns how many, or -1 with MemoryError. */
static Py_ssize_t
fast_rows(Reader *r, GyStat *s, Py_ssize_t max)
{
    Py_ssize_t k = gy_rowscan_parse(s, r->buf, r->buf_len, &r->pos,
                                    &r->nonascii, max);
    if (k > 0) {
        r->scanned = 0;
        r->lineno += k;
        r->nread += k;
    }
    return k;
}

/* Check the numrows row lines from r->pos (gy_rowscan_check), reading
 * more of the file as needed. 1 if all are plain, with r->pos past them;
 * 0 if one is not (the reader's position is then the caller's to reset);
 * -1 with an exception if reading failed. */
static int
check_rows(Reader *r, GyStat *s, Py_ssize_t numrows)
{
    GyRowCheck c = {
        .id = s->format == GY_FORMAT_ID,
        .numrows = numrows,
    };
    Py_ssize_t first = r->pos;
    for (;;) {
        GyRowScan rc = gy_rowscan_check(&c, r->buf, r->buf_len, &r->pos,
                                        &r->nonascii);
        if (rc == GY_ROWS_ODD) {
            return 0;
        }
        r->scanned = 0;
        if (rc == GY_ROWS_PLAIN) {
            r->lineno += numrows;
            r->nread += numrows;
            return 1;
        }
        /* Row c.k's line is not whole yet: read on. */
        if (r->eof) {
            return 0;
        }
        if (c.k > 0) {
            reader_expect(r, NULL, first, c.k, numrows - c.k);
        }
        if (reader_fill(r) < 0) {
            return -1;
        }
    }
}

static const char *
row_expected(GyFormat format)
{
    return format == GY_FORMAT_ID ? "'.r: <size> <label>'"
                                  : "'.r: <count> <size> <label>'";
}

/* Parse the current line, a row ('.r: ' already checked), into s. */
static int
parse_row(Reader *r, GyStat *s, Py_ssize_t k, Py_ssize_t numrows)
{
    const char *p = r->data + 4, *tok;
    Py_ssize_t n = r->len - 4, pos = 0, toklen;
    int64_t count = 1, size;
    if (s->format != GY_FORMAT_ID) {
        if (next_token(p, n, &pos, &tok, &toklen) < 0
            || parse_int(tok, toklen, &count) < 0) {
            goto bad;
        }
    }
    if (next_token(p, n, &pos, &tok, &toklen) < 0
        || parse_int(tok, toklen, &size) < 0) {
        goto bad;
    }
    if (gy_rowscan_reserve(s, numrows) < 0) {
        return -1;
    }
    if (reader_append_row(r, s, count, size, p + pos, n - pos) < 0) {
        if (!PyErr_ExceptionMatches(PyExc_OverflowError)) {
            return -1;
        }
        PyErr_Clear();
        return reader_error(r, r->lineno,
                            "cumulative size beyond 2**62 (row %zd of %zd)",
                            k + 1, numrows);
    }
    return 0;
bad:;
    char what[96];
    snprintf(what, sizeof(what), "%s (row %zd of %zd)",
             row_expected(s->format), k + 1, numrows);
    return reader_expected(r, what);
}

typedef struct Header {
    int seen[GY_STAT_NFIELDS];
    Py_ssize_t numrows;
} Header;

static int
find_field(const char *name, Py_ssize_t n)
{
    for (int f = 0; f < GY_STAT_NFIELDS; f++) {
        if ((size_t)n == strlen(gy_stat_field_names[f])
            && memcmp(name, gy_stat_field_names[f], (size_t)n) == 0) {
            return f;
        }
    }
    return -1;
}

/* Parse the current line as a header field '.<name>: <value>'. */
static int
parse_field(Reader *r, GyStat *s, Header *h)
{
    const char *colon = r->len > 1 && r->data[0] == '.'
                            ? memchr(r->data, ':', (size_t)r->len)
                            : NULL;
    if (colon == NULL) {
        return reader_expected(r, "a header line '.<name>: <value>' or a "
                                  "row '.r: ...'");
    }
    const char *name = r->data + 1;
    Py_ssize_t namelen = colon - name;
    const char *value = colon + 1;
    Py_ssize_t vlen = r->len - (value - r->data);
    strip_spaces(&value, &vlen);
    int f = find_field(name, namelen);
    if (f < 0) {
        PyObject *shown = PyUnicode_DecodeUTF8(name, namelen, "replace");
        if (shown != NULL) {
            reader_error(r, r->lineno,
                         "unknown header field %R (expected .format, "
                         ".timemade, .count, .size, .kindname, "
                         ".kindheader, .numrows, .b_count or .b_size)",
                         shown);
            Py_DECREF(shown);
        }
        return -1;
    }
    if (h->seen[f]) {
        return reader_error(r, r->lineno, "second .%s header",
                            gy_stat_field_names[f]);
    }
    h->seen[f] = 1;
    gy_stat_add_field(s, (GyStatField)f);
    int64_t v;
    switch (f) {
    case GY_STAT_FORMAT:
        for (int k = 0; k < 3; k++) {
            if ((size_t)vlen == strlen(gy_stat_format_names[k])
                && memcmp(value, gy_stat_format_names[k], (size_t)vlen)
                       == 0) {
                s->format = (GyFormat)k;
                return 0;
            }
        }
        return reader_expected(
            r, "'.format: SetFormat', 'IdFormat' or 'DiffFormat'");
    case GY_STAT_TIMEMADE: {
        char buf[TIMEMADE_MAX + 1];
        char *end = NULL;
        if (vlen == 0 || vlen > TIMEMADE_MAX) {
            return reader_expected(r, "'.timemade: <seconds>'");
        }
        memcpy(buf, value, (size_t)vlen);
        buf[vlen] = '\0';
        s->timemade = PyOS_string_to_double(buf, &end, NULL);
        if (s->timemade == -1.0 && PyErr_Occurred()) {
            if (!PyErr_ExceptionMatches(PyExc_ValueError)) {
                return -1;
            }
            PyErr_Clear();
            end = NULL;
        }
        if (end != buf + vlen) {
            return reader_expected(r, "'.timemade: <seconds>'");
        }
        return reader_set_text(r, s, GY_STAT_TIMEMADE, value, vlen);
    }
    case GY_STAT_KINDNAME:
    case GY_STAT_KINDHEADER:
        return reader_set_text(r, s, (GyStatField)f, value, vlen);
    default:
        break;
    }
    /* The integer fields. */
    if (parse_int(value, vlen, &v) < 0 || (f == GY_STAT_NUMROWS && v < 0)) {
        char what[64];
        snprintf(what, sizeof(what), "'.%s: <%s>'", gy_stat_field_names[f],
                 f == GY_STAT_NUMROWS ? "number of rows" : "integer");
        return reader_expected(r, what);
    }
    switch (f) {
    case GY_STAT_COUNT:
        s->count = v;
        break;
    case GY_STAT_SIZE:
        s->size = v;
        break;
    case GY_STAT_NUMROWS:
        h->numrows = (Py_ssize_t)v;
        break;
    case GY_STAT_B_COUNT:
        s->b_count = v;
        break;
    default:
        s->b_size = v;
        break;
    }
    return 0;
}

/* After the header: every field present that the format needs, and no
 * other. lineno is the line that ended the header. */
static int
check_header(Reader *r, GyStat *s, const Header *h, Py_ssize_t lineno)
{
    static const GyStatField required[] = {
        GY_STAT_FORMAT, GY_STAT_TIMEMADE, GY_STAT_COUNT, GY_STAT_SIZE,
        GY_STAT_KINDNAME, GY_STAT_KINDHEADER, GY_STAT_NUMROWS,
    };
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        if (!h->seen[required[i]]) {
            return reader_error(r, lineno,
                                "expected a '.%s:' header line before the "
                                "rows",
                                gy_stat_field_names[required[i]]);
        }
    }
    int diff = s->format == GY_FORMAT_DIFF;
    for (int f = GY_STAT_B_COUNT; f <= GY_STAT_B_SIZE; f++) {
        if (diff && !h->seen[f]) {
            return reader_error(r, lineno,
                                "expected a '.%s:' header line before the "
                                "rows (DiffFormat)",
                                gy_stat_field_names[f]);
        }
        if (!diff && h->seen[f]) {
            return reader_error(r, lineno,
                                "a '.%s:' header belongs to DiffFormat "
                                "only",
                                gy_stat_field_names[f]);
        }
    }
    return 0;
}

/* Whether the current line is the end line: '.end: ' + the first line. */
static int
is_end_line(const Reader *r, const char *first, Py_ssize_t firstlen)
{
    return starts_with(r, ".end: ") && r->len - 6 == firstlen
           && memcmp(r->data + 6, first, (size_t)firstlen) == 0;
}

/* Parse one package into *out; the reader is at its start. */
static int
parse_package(Reader *r, GyStat **out)
{
    GyStat *s = NULL;
    char *fdata = NULL;               /* the first line, kept for the end */
    Py_ssize_t flen;
    Header h = {{0}, 0};
    int rc = reader_next(r);
    *out = NULL;
    if (rc <= 0) {
        return rc;                    /* the end of the input, or error */
    }
    /* 1. The loader line. */
    if (!starts_with(r, ".loader:")) {
        return reader_expected(r, "'" LOADER_LINE "'");
    }
    const char *loader = r->data + 8;
    Py_ssize_t loaderlen = r->len - 8;
    strip_spaces(&loader, &loaderlen);
    if ((size_t)loaderlen != strlen(LOADER_NAME)
        || memcmp(loader, LOADER_NAME, (size_t)loaderlen) != 0) {
        return reader_expected(r, "the loader '" LOADER_LINE "'");
    }
    flen = r->len;
    fdata = PyMem_Malloc((size_t)flen + 1);
    if (fdata == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    memcpy(fdata, r->data, (size_t)flen);
    s = gy_stat_new(GY_FORMAT_SET);
    if (s == NULL) {
        goto error;
    }
    /* 2. Header fields, up to the first row or the end line. */
    for (;;) {
        rc = reader_next(r);
        if (rc < 0) {
            goto error;
        }
        if (rc == 0) {
            reader_expected_eof(r, "a header line '.<name>: <value>'");
            goto error;
        }
        if (starts_with(r, ".r:") || is_end_line(r, fdata, flen)) {
            break;
        }
        if (parse_field(r, s, &h) < 0) {
            goto error;
        }
    }
    if (check_header(r, s, &h, r->lineno) < 0) {
        goto error;
    }
    /* 3. numrows rows; the line in hand is the first, or the end line. */
    Py_ssize_t k0 = 0;
    if (r->mode == GY_LOAD_CHUNKS && h.numrows > 0 && starts_with(r, ".r: ")) {
        /* Check them all in place, making none (see check_rows); if one
           is not plain, start again on the line path. */
        Py_ssize_t line = r->data - r->buf, lineno = r->lineno - 1;
        Py_ssize_t nread = r->nread - 1;
        r->pos = line;
        r->scanned = 0;
        r->lineno = lineno;
        r->nread = nread;
        rc = check_rows(r, s, h.numrows);
        if (rc < 0) {
            goto error;
        }
        if (rc == 1) {
            /* Room for every row, untouched until they are made (numrows
               lines were read, so numrows is no lie). */
            GY_ASSERT(s->rows == NULL);
            s->rows = gy_alloc_array(h.numrows, sizeof(GyStatRow));
            if (s->rows == NULL) {
                goto error;
            }
            s->rows_cap = s->nrows = h.numrows;
            s->nready = 0;
            s->next_line = line;
            k0 = h.numrows;
        }
        else {
            r->pos = line;
            r->scanned = 0;
            r->lineno = lineno;
            r->nread = nread;
            rc = reader_next(r);        /* the first row again */
            if (rc < 0) {
                goto error;
            }
        }
    }
    Py_ssize_t prealloc = h.numrows < ROWS_PREALLOC_MAX ? h.numrows
                                                        : ROWS_PREALLOC_MAX;
    if (k0 == 0
        && gy_grow(&s->rows, &s->rows_cap, prealloc, sizeof(GyStatRow)) < 0) {
        goto error;
    }
    Py_ssize_t first_row = r->pos;    /* chunks: where the second row is */
    int expected = 0;
    for (Py_ssize_t k = k0; k < h.numrows; k++) {
        if (k > 0) {
            if (r->mode == GY_LOAD_CHUNKS) {
                Py_ssize_t got = fast_rows(r, s, h.numrows - k);
                if (got < 0) {
                    goto error;
                }
                k += got;
                if (k == h.numrows) {
                    break;
                }
                if (!expected) {
                    expected = 1;
                    reader_expect(r, s, first_row, k - 1, h.numrows - k);
                }
            }
            rc = reader_next(r);
            if (rc < 0) {
                goto error;
            }
        }
        if (rc == 0 || !starts_with(r, ".r: ")) {
            char what[96];
            snprintf(what, sizeof(what), "%s (row %zd of %zd)",
                     row_expected(s->format), k + 1, h.numrows);
            if (rc == 0) {
                reader_expected_eof(r, what);
            }
            else {
                reader_expected(r, what);
            }
            goto error;
        }
        if (parse_row(r, s, k, h.numrows) < 0) {
            goto error;
        }
    }
    /* 4. The end line (the input may end instead if end_optional). */
    if (h.numrows > 0) {
        rc = reader_next(r);
        if (rc < 0) {
            goto error;
        }
    }
    if (rc == 0 ? !r->end_optional : !is_end_line(r, fdata, flen)) {
        char what[96];
        snprintf(what, sizeof(what), "'.end: %.*s' after %zd row%s",
                 flen < 40 ? (int)flen : 40, fdata, h.numrows,
                 h.numrows == 1 ? "" : "s");
        if (rc == 0) {
            reader_expected_eof(r, what);
        }
        else {
            reader_expected(r, what);
        }
        goto error;
    }
    Py_CLEAR(r->cur);
    PyMem_Free(fdata);
    if (r->mode == GY_LOAD_CHUNKS) {
        /* The stat's text is the package as read; what was read past it
           (the next package, to be read again) is cut off if it is
           much. */
        char *text = r->buf;
        Py_ssize_t keep = r->pos, cap = r->buf_cap;
        if (cap - keep > keep / 4 + 1024) {
            char *t = PyMem_Realloc(text, (size_t)(keep + READ_SLACK));
            if (t != NULL) {
                text = t;
                cap = keep + READ_SLACK;
            }
        }
        r->buf = NULL;
        r->buf_len = r->buf_cap = 0;  /* r->pos: the bytes consumed */
        gy_stat_adopt_text(s, text, keep, cap, r->nonascii);
    }
    *out = s;
    return 0;
error:
    PyMem_Free(fdata);
    gy_stat_free(s);
    return -1;
}

int
gy_format_load(PyObject *lines, GyLoadMode mode, int end_optional,
               Py_ssize_t first_lineno, PyObject *where, GyStat **out,
               Py_ssize_t *nread)
{
    Reader r = {
        .mode = mode,
        .lines = lines,
        .where = where,
        .lineno = first_lineno - 1,
        .end_optional = end_optional,
        .chunk_size = READ_CHUNK_FIRST,
    };
    long long start = 0;
    int rc = -1;
    *out = NULL;
    *nread = 0;
    if (mode == GY_LOAD_FILE) {
        /* GY_LOAD_CHUNKS, reading with readinto(). */
        mode = r.mode = GY_LOAD_CHUNKS;
        r.into = 1;
    }
    if (mode == GY_LOAD_READLINE || mode == GY_LOAD_CHUNKS) {
        PyObject *name = method_name(mode == GY_LOAD_READLINE ? "readline"
                                     : r.into                 ? "readinto"
                                                              : "read");
        r.method = name ? PyObject_GetAttr(lines, name) : NULL;
        Py_XDECREF(name);
        if (r.method == NULL) {
            return -1;
        }
    }
    else if (!PyIter_Check(lines)) {
        PyErr_Format(PyExc_TypeError, "expected an iterator of lines, not "
                     "%.100s", Py_TYPE(lines)->tp_name);
        return -1;
    }
    if (mode == GY_LOAD_CHUNKS) {
        /* Chunks read past the package; the file is put back after it,
           so the next call starts at the next package. */
        PyObject *pos = call_method(lines, "tell", NULL);
        start = pos ? PyLong_AsLongLong(pos) : -1;
        Py_XDECREF(pos);
        if (start == -1 && PyErr_Occurred()) {
            goto done;
        }
    }
    rc = parse_package(&r, out);
    if (rc == 0 && mode == GY_LOAD_CHUNKS) {
        PyObject *to = PyLong_FromLongLong(start + r.pos);
        PyObject *res = to ? call_method(lines, "seek", to) : NULL;
        Py_XDECREF(to);
        if (res == NULL) {
            gy_stat_free(*out);
            *out = NULL;
            rc = -1;
        }
        Py_XDECREF(res);
    }
done:
    Py_XDECREF(r.cur);
    Py_XDECREF(r.method);
    PyMem_Free(r.buf);
    *nread = r.nread;
    return rc < 0 ? -1 : 0;
}
