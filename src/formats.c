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
 * fields above, each once, integers as -?[0-9]+ within +-(2**62 - 1), and the
 * loader _load_stat, and it checks that the rows number numrows and that
 * the end line follows them (a list of lines may end without one, as in
 * heapy's own example; a file may not: that is how a file cut after a
 * row is told from a whole one). Every refusal is a ValueError naming the
 * line and what was expected there. Lines come from an iterator, from
 * readline() (pipes), or, for a seekable binary file, from chunks read
 * with read() and split here (the file is put back after the package
 * with seek()); each is released once parsed, so loading a file of many
 * packages keeps one in memory.
 *
 * Writing goes straight into the str when the text is ASCII (the usual
 * case), or to a file's write() in 64 KiB chunks of whole lines.
 *
 * Cost: both O(bytes), one pass; bytes lines are UTF-8 validated eight
 * bytes at a time.
 */
#include "formats.h"

#include <stdlib.h>

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

/* Decimal digits of v at p; returns the end. The length is found first,
 * then digits are written from the right, two at a time from a table:
 * counts and sizes are most of what a dump writes. */
static char *
put_i64(char *p, int64_t v)
{
    static const char pairs[201] =
        "00010203040506070809101112131415161718192021222324252627282930313233"
        "34353637383940414243444546474849505152535455565758596061626364656667"
        "6869707172737475767778798081828384858687888990919293949596979899";
    uint64_t u = (uint64_t)v;
    if (v < 0) {
        *p++ = '-';
        u = (uint64_t)0 - u;
    }
    int n = 1;
    for (uint64_t t = u; t >= 10; t /= 10) {
        n++;
    }
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

static char *
put_cstr(char *p, const char *s)
{
    return put_bytes(p, s, (Py_ssize_t)strlen(s));
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

/* Bytes of text handed to write() at a time when dumping to a file: big
 * enough that the per-call cost vanishes, small enough to stay in cache
 * and in memory the allocator reuses (a whole 10,000-row dump, written
 * at once, costs as much in page faults as in formatting). */
#define DUMP_CHUNK 65536

/* Where dump text goes: one buffer sized beforehand (write NULL), or a
 * chunk buffer passed to write() whenever the next line would not fit. */
typedef struct Dumper {
    char *buf;
    Py_ssize_t len, cap;
    PyObject *write;          /* borrowed callable, or NULL */
    int binary;               /* write() takes bytes */
    int ascii;                /* the text is all ASCII */
} Dumper;

/* At most how many bytes the dump of s takes (every number at most 20
 * characters), plus room for the word copies of short labels to run
 * past the end, or -1 with MemoryError. The text fits in a Py_ssize_t,
 * so only the rows' part needs a check. */
static Py_ssize_t
dump_bound(const GyStat *s)
{
    const Py_ssize_t per_row = 4 + 20 + 1 + 20 + 1 + 1;
    const Py_ssize_t fixed = 1024 + GY_STAT_NFIELDS * 128;
    if (s->nrows > (PY_SSIZE_T_MAX - s->text_len - fixed) / per_row) {
        PyErr_NoMemory();
        return -1;
    }
    return fixed + s->text_len + s->nrows * per_row;
}

/* The bytes p[0:n] (whole lines) as what write() takes: str, or bytes
 * if binary; new reference. Text that is not ASCII may hold a lone
 * surrogate from a label: a str keeps it, as heapy's text does (a text
 * file's encoder then refuses it), and bytes refuse it here. */
static PyObject *
dumper_chunk(const Dumper *d, const char *p, Py_ssize_t n)
{
    if (d->ascii) {
        if (d->binary) {
            return PyBytes_FromStringAndSize(p, n);
        }
        PyObject *str = PyUnicode_New(n, 127);
        if (str != NULL) {
            memcpy(PyUnicode_DATA(str), p, (size_t)n);
        }
        return str;
    }
    PyObject *str = PyUnicode_DecodeUTF8(p, n, "surrogatepass");
    if (str == NULL || !d->binary) {
        return str;
    }
    PyObject *bytes = PyUnicode_AsUTF8String(str);
    Py_DECREF(str);
    return bytes;
}

static int
dumper_flush(Dumper *d)
{
    PyObject *chunk = dumper_chunk(d, d->buf, d->len);
    if (chunk == NULL) {
        return -1;
    }
    PyObject *r = PyObject_CallOneArg(d->write, chunk);
    Py_DECREF(chunk);
    if (r == NULL) {
        return -1;
    }
    Py_DECREF(r);
    d->len = 0;
    return 0;
}

/* Make room for need more bytes; returns where they go, or NULL with an
 * exception set. */
static char *
dumper_room(Dumper *d, Py_ssize_t need)
{
    if (need > d->cap - d->len) {
        if (d->write == NULL) {
            /* One buffer is sized by dump_bound and must not move. */
            GY_ASSERT(0);
            PyErr_SetString(PyExc_SystemError, "dump: buffer too small");
            return NULL;
        }
        if (d->len > 0 && dumper_flush(d) < 0) {
            return NULL;
        }
        if (gy_grow(&d->buf, &d->cap, need, 1) < 0) {
            return NULL;
        }
    }
    return d->buf + d->len;
}

/* Write the dump of s through d. */
static int
dump_write(Dumper *d, const GyStat *s)
{
    const Py_ssize_t row_max = 4 + 20 + 1 + 20 + 1 + 1;
    char *p = dumper_room(d, 64);
    if (p == NULL) {
        return -1;
    }
    p = PUT_LIT(p, LOADER_LINE "\n");
    d->len = p - d->buf;
    for (int i = 0; i < s->norder; i++) {
        GyStatField f = (GyStatField)s->order[i];
        const char *text;
        int64_t v = 0;
        Py_ssize_t n = field_value(s, f, &text, &v);
        p = dumper_room(d, 64 + (text ? n : 20));
        if (p == NULL) {
            return -1;
        }
        *p++ = '.';
        p = put_cstr(p, gy_stat_field_names[f]);
        p = PUT_LIT(p, ": ");
        p = text ? put_bytes(p, text, n) : put_i64(p, v);
        *p++ = '\n';
        d->len = p - d->buf;
    }
    const char *text = s->text;
    int id = s->format == GY_FORMAT_ID;
    for (Py_ssize_t i = 0; i < s->nrows; i++) {
        const GyStatRow *r = &s->rows[i];
        Py_ssize_t n = r->label_len;
        p = dumper_room(d, row_max + (n > GY_STAT_TEXT_SLACK
                                          ? n : GY_STAT_TEXT_SLACK));
        if (p == NULL) {
            return -1;
        }
        p = PUT_LIT(p, ".r: ");
        if (!id) {
            p = put_i64(p, r->count);
            *p++ = ' ';
        }
        p = put_i64(p, r->size);
        *p++ = ' ';
        if (n <= GY_STAT_TEXT_SLACK) {
            /* A fixed-size copy (no call): the text has the slack to be
               read past the label, and room was made to write past it. */
            memcpy(p, text + r->label, GY_STAT_TEXT_SLACK);
            p += n;
        }
        else {
            p = put_bytes(p, text + r->label, n);
        }
        *p++ = '\n';
        d->len = p - d->buf;
    }
    p = dumper_room(d, 64);
    if (p == NULL) {
        return -1;
    }
    p = PUT_LIT(p, END_LINE "\n");
    d->len = p - d->buf;
    return 0;
}

PyObject *
gy_format_dump(const GyStat *s, PyObject *write, int binary)
{
    Dumper d = {.write = write, .binary = binary, .ascii = !s->nonascii};
    if (write != NULL) {
        /* In chunks to write(). */
        d.buf = PyMem_Malloc(DUMP_CHUNK);
        if (d.buf == NULL) {
            return PyErr_NoMemory();
        }
        d.cap = DUMP_CHUNK;
        int rc = dump_write(&d, s);
        if (rc == 0 && d.len > 0) {
            rc = dumper_flush(&d);
        }
        PyMem_Free(d.buf);
        return rc < 0 ? NULL : Py_NewRef(Py_None);
    }
    Py_ssize_t bound = dump_bound(s);
    if (bound < 0) {
        return NULL;
    }
    if (d.ascii) {
        /* The usual case: written straight into an ASCII str, then
           shrunk to size (its tail pages were never touched). */
        PyObject *text = PyUnicode_New(bound, 127);
        if (text == NULL) {
            return NULL;
        }
        d.buf = PyUnicode_DATA(text);
        d.cap = bound;
        if (dump_write(&d, s) < 0) {
            Py_DECREF(text);
            return NULL;
        }
        d.buf[d.len] = '\0';
        if (PyUnicode_Resize(&text, d.len) < 0) {
            Py_XDECREF(text);
            return NULL;
        }
        return text;
    }
    d.buf = PyMem_Malloc((size_t)bound);
    if (d.buf == NULL) {
        return PyErr_NoMemory();
    }
    d.cap = bound;
    PyObject *text = dump_write(&d, s) < 0
        ? NULL
        : PyUnicode_DecodeUTF8(d.buf, d.len, "surrogatepass");
    PyMem_Free(d.buf);
    return text;
}

/* ------------------------------------------------------------------ */
/* Reading lines */

/* Reading a binary file in chunks: the first read is small (one sample
 * of a monitoring log is a few KiB), later ones double up to the most. */
#define READ_CHUNK_FIRST 16384
#define READ_CHUNK_MAX 262144

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
    /* GY_LOAD_CHUNKS */
    PyObject *chunk;          /* owned bytes being split into lines */
    Py_ssize_t pos;           /* its first byte not yet returned */
    Py_ssize_t chunk_size;    /* of the next read() */
    char *carry;              /* a line that runs across chunks */
    Py_ssize_t carry_len, carry_cap;
    long long consumed;       /* bytes of the lines returned, ends included */
    int eof;
} Reader;

/* Index of the first byte of s[0:n] that does not start a valid UTF-8
 * sequence (overlong forms, surrogates and code points past U+10FFFF
 * are invalid, as in Python's strict decoder), or -1. */
static Py_ssize_t
utf8_invalid_at(const unsigned char *s, Py_ssize_t n)
{
    Py_ssize_t i = 0;
    while (i < n) {
        /* ASCII runs eight bytes at a time. */
        while (n - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & UINT64_C(0x8080808080808080)) {
                break;
            }
            i += 8;
        }
        if (i >= n) {
            break;
        }
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        int len;
        uint32_t cp, min;
        if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1F, min = 0x80;
        }
        else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0F, min = 0x800;
        }
        else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07, min = 0x10000;
        }
        else {
            return i;
        }
        if (n - i < len) {
            return i;
        }
        for (int k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) {
                return i;
            }
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return i;
        }
        i += len;
    }
    return -1;
}

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
    Py_ssize_t bad = utf8_invalid_at((const unsigned char *)data, len);
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

/* Append data[0:n] to the carried line. */
static int
reader_carry(Reader *r, const char *data, Py_ssize_t n)
{
    if (n > PY_SSIZE_T_MAX - r->carry_len
        || gy_grow(&r->carry, &r->carry_cap, r->carry_len + n, 1) < 0) {
        if (!PyErr_Occurred()) {
            PyErr_NoMemory();
        }
        return -1;
    }
    memcpy(r->carry + r->carry_len, data, (size_t)n);
    r->carry_len += n;
    return 0;
}

/* The next line of a binary file read in chunks: most lines are returned
 * in place in the chunk; one that runs across chunks is assembled in
 * r->carry. */
static int
reader_next_chunk(Reader *r)
{
    r->carry_len = r->carry_len < 0 ? 0 : r->carry_len;
    for (;;) {
        Py_ssize_t size = r->chunk ? PyBytes_GET_SIZE(r->chunk) : 0;
        if (r->pos >= size) {
            if (r->eof) {
                if (r->carry_len == 0) {
                    return 0;
                }
                /* A last line without its '\n'. */
                r->consumed += r->carry_len;
                Py_ssize_t n = r->carry_len;
                r->carry_len = -1;      /* returned: reset on next call */
                return reader_accept_bytes(r, r->carry, n);
            }
            Py_CLEAR(r->chunk);
            r->pos = 0;
            PyObject *b = PyObject_CallFunction(r->method, "n",
                                                r->chunk_size);
            if (b == NULL) {
                return -1;
            }
            if (!PyBytes_Check(b)) {
                Py_DECREF(b);
                PyErr_SetString(PyExc_TypeError,
                                "read() must return bytes");
                return -1;
            }
            r->chunk = b;
            r->eof = PyBytes_GET_SIZE(b) == 0;
            if (r->chunk_size < READ_CHUNK_MAX) {
                r->chunk_size *= 2;
            }
            continue;
        }
        const char *base = PyBytes_AS_STRING(r->chunk);
        const char *start = base + r->pos;
        const char *nl = memchr(start, '\n', (size_t)(size - r->pos));
        if (nl == NULL) {
            if (reader_carry(r, start, size - r->pos) < 0) {
                return -1;
            }
            r->pos = size;
            continue;
        }
        Py_ssize_t n = nl + 1 - start;
        r->pos += n;
        r->consumed += n;
        if (r->carry_len == 0) {
            return reader_accept_bytes(r, start, n);
        }
        if (reader_carry(r, start, n) < 0) {
            return -1;
        }
        r->consumed += r->carry_len - n;
        n = r->carry_len;
        r->carry_len = -1;              /* returned: reset on next call */
        return reader_accept_bytes(r, r->carry, n);
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
    if (gy_stat_append_row(s, count, size, p + pos, n - pos) < 0) {
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
        return gy_stat_set_text(s, GY_STAT_TIMEMADE, value, vlen);
    }
    case GY_STAT_KINDNAME:
    case GY_STAT_KINDHEADER:
        return gy_stat_set_text(s, (GyStatField)f, value, vlen);
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
    Py_ssize_t prealloc = h.numrows < ROWS_PREALLOC_MAX ? h.numrows
                                                        : ROWS_PREALLOC_MAX;
    if (gy_grow(&s->rows, &s->rows_cap, prealloc, sizeof(GyStatRow)) < 0) {
        goto error;
    }
    /* 3. numrows rows; the line in hand is the first, or the end line. */
    for (Py_ssize_t k = 0; k < h.numrows; k++) {
        if (k > 0) {
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
    if (mode == GY_LOAD_READLINE || mode == GY_LOAD_CHUNKS) {
        r.method = PyObject_GetAttrString(
            lines, mode == GY_LOAD_READLINE ? "readline" : "read");
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
        PyObject *pos = PyObject_CallMethod(lines, "tell", NULL);
        start = pos ? PyLong_AsLongLong(pos) : -1;
        Py_XDECREF(pos);
        if (start == -1 && PyErr_Occurred()) {
            goto done;
        }
    }
    rc = parse_package(&r, out);
    if (rc == 0 && mode == GY_LOAD_CHUNKS) {
        PyObject *res = PyObject_CallMethod(lines, "seek", "L",
                                            start + r.consumed);
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
    Py_XDECREF(r.chunk);
    PyMem_Free(r.carry);
    *nread = r.nread;
    return rc < 0 ? -1 : 0;
}
