/* relstr.c -- parse a relation string, the text byvia labels and path
 * steps print for one reference ("['x']", '.a', '->ob_type', ...), back
 * to what it names: hp.Via("['x']") is the kind of objects referred to
 * by that key. guppy3 eval()s the bracket contents; a relation string may
 * come from a user or a file, so here nothing is evaluated: a
 * hand-written recursive-descent parser accepts exactly the forms
 * relstr.h lists and the literals repr() writes for dict keys.
 *
 * Literals (inside [...] and the f_locals brackets):
 *   - str and bytes with the prefixes r, u, b, rb, br (any case), single
 *     or double quoted on one line, and every escape Python has: \\ \'
 *     \" \a \b \f \n \r \t \v, \ooo, \xhh, and for str \uXXXX,
 *     \UXXXXXXXX and \N{name}; an unknown escape keeps its backslash, as
 *     Python does. Triple quotes are refused (repr never writes them).
 *   - int (Python's literal syntax: underscores, 0x 0o 0b), float
 *     (decimal, with exponent; inf and nan as repr writes them),
 *     imaginary (1j) and complex (1+2j, in or out of parentheses), each
 *     with an optional leading '-'.
 *   - None, True, False, Ellipsis; tuples of literals, nested up to
 *     GY_RELSTR_MAX_DEPTH; a parenthesised literal.
 *   Spaces are allowed between the tokens of a literal, nowhere else.
 *
 * Cost: one pass over the text, each character read a bounded number of
 * times; numbers are capped at GY_RELSTR_MAX_NUMBER characters, so
 * converting them stays linear too. Errors are ValueError with the
 * 0-based code point position of the first character that does not fit.
 * Calls no Python code; \N{name} asks the unicodedata module, through
 * the str codec, for the character.
 */
#include "relstr.h"

/* Past the end of the text: not a code point. */
#define EOS ((Py_UCS4)0x110000)

/* Longest \N{name}: Unicode names are at most 88 characters; aliases and
 * named sequences stay well below this. */
#define MAX_CHAR_NAME 256

/* Characters of the text shown in an error message. */
#define SHOWN_TEXT 60

typedef struct {
    PyObject *text;            /* borrowed, for error messages */
    Py_UCS4 *chars;            /* the text's code points (owned copy) */
    Py_ssize_t len;
    Py_ssize_t pos;            /* next code point to read */
} Parser;

/* A growable array of code points: the value of a str or bytes literal
 * as it is decoded. */
typedef struct {
    Py_UCS4 *buf;
    Py_ssize_t len;
    Py_ssize_t cap;
} CharBuf;

/* ------------------------------------------------------------------ */
/* Reading */

static inline Py_UCS4
peek_at(const Parser *p, Py_ssize_t i)
{
    if (i < 0 || i >= p->len) {
        return EOS;
    }
    return p->chars[i];
}

static inline Py_UCS4
peek(const Parser *p)
{
    return peek_at(p, p->pos);
}

/* Whether the text at p->pos starts with the ASCII string s. */
static int
looking_at(const Parser *p, const char *s)
{
    Py_ssize_t i = p->pos;
    for (; *s; s++, i++) {
        if (peek_at(p, i) != (Py_UCS4)(unsigned char)*s) {
            return 0;
        }
    }
    return 1;
}

static void
skip_spaces(Parser *p)
{
    while (peek(p) == ' ') {
        p->pos++;
    }
}

static inline int
is_digit(Py_UCS4 c)
{
    return c >= '0' && c <= '9';
}

static inline int
is_ascii_alnum(Py_UCS4 c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int
hex_value(Py_UCS4 c)
{
    if (is_digit(c)) {
        return (int)(c - '0');
    }
    if (c >= 'a' && c <= 'f') {
        return (int)(c - 'a' + 10);
    }
    if (c >= 'A' && c <= 'F') {
        return (int)(c - 'A' + 10);
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* Errors */

/* Set ValueError for a malformed text at position pos; returns NULL. */
static PyObject *
fail_at(const Parser *p, Py_ssize_t pos, const char *what)
{
    PyObject *shown = PyUnicode_Substring(
        p->text, 0, p->len > SHOWN_TEXT ? SHOWN_TEXT : p->len);
    if (shown == NULL) {
        return NULL;
    }
    PyErr_Format(PyExc_ValueError,
                 "invalid relation string at position %zd: %s: %R%s",
                 pos, what, shown, p->len > SHOWN_TEXT ? "..." : "");
    Py_DECREF(shown);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* String and bytes literals */

static int
charbuf_put(CharBuf *b, Py_UCS4 c)
{
    if (gy_grow(&b->buf, &b->cap, b->len + 1, sizeof(Py_UCS4)) < 0) {
        return -1;
    }
    b->buf[b->len++] = c;
    return 0;
}

/* The code point of \N{name}, name being text[start:end]; 0 with the
 * character in *out, or -1 with ValueError (unknown name) or another
 * error set. The name is checked to be plain ASCII first, then handed to
 * the unicode_escape codec, which looks it up in unicodedata. */
static int
char_by_name(Parser *p, Py_ssize_t start, Py_ssize_t end, Py_UCS4 *out)
{
    char name[MAX_CHAR_NAME + 5];
    Py_ssize_t n = end - start;
    if (n <= 0 || n > MAX_CHAR_NAME) {
        fail_at(p, start, "bad character name in \\N{...}");
        return -1;
    }
    memcpy(name, "\\N{", 3);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = peek_at(p, start + i);
        if (!is_ascii_alnum(c) && c != ' ' && c != '-') {
            fail_at(p, start + i, "bad character name in \\N{...}");
            return -1;
        }
        name[3 + i] = (char)c;
    }
    name[3 + n] = '}';
    PyObject *s = PyUnicode_DecodeUnicodeEscape(name, n + 4, "strict");
    if (s == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
            return -1;
        }
        PyErr_Clear();
        fail_at(p, start, "unknown Unicode character name");
        return -1;
    }
    if (PyUnicode_GET_LENGTH(s) != 1) {
        Py_DECREF(s);
        fail_at(p, start, "bad character name in \\N{...}");
        return -1;
    }
    *out = PyUnicode_READ_CHAR(s, 0);
    Py_DECREF(s);
    return 0;
}

/* Decode the escape sequence whose backslash is at p->pos into b;
 * advances past it. 0, or -1 with an exception set. */
static int
parse_escape(Parser *p, CharBuf *b, int is_bytes)
{
    Py_ssize_t start = p->pos;
    Py_UCS4 c = peek_at(p, start + 1);
    Py_UCS4 v;
    int ndigits = 0;
    p->pos += 2;
    switch (c) {
    case '\n':
        return 0;               /* line continuation: nothing */
    case '\r':
        fail_at(p, start, "unterminated string literal");
        return -1;
    case '\\': case '\'': case '"':
        return charbuf_put(b, c);
    case 'a': return charbuf_put(b, 7);
    case 'b': return charbuf_put(b, 8);
    case 'f': return charbuf_put(b, 12);
    case 'n': return charbuf_put(b, 10);
    case 'r': return charbuf_put(b, 13);
    case 't': return charbuf_put(b, 9);
    case 'v': return charbuf_put(b, 11);
    case 'x':
        ndigits = 2;
        break;
    case 'u':
        ndigits = is_bytes ? 0 : 4;
        break;
    case 'U':
        ndigits = is_bytes ? 0 : 8;
        break;
    case 'N':
        if (!is_bytes) {
            if (peek(p) != '{') {
                fail_at(p, p->pos, "expected '{' after \\N");
                return -1;
            }
            Py_ssize_t name = p->pos + 1, end = name;
            while (end < p->len && end - name <= MAX_CHAR_NAME
                   && peek_at(p, end) != '}') {
                end++;
            }
            if (peek_at(p, end) != '}') {
                fail_at(p, start, "unterminated \\N{...} escape");
                return -1;
            }
            if (char_by_name(p, name, end, &v) < 0) {
                return -1;
            }
            p->pos = end + 1;
            return charbuf_put(b, v);
        }
        break;
    case EOS:
        fail_at(p, start, "unterminated string literal");
        return -1;
    default:
        if (c >= '0' && c <= '7') {
            v = c - '0';
            for (int i = 0; i < 2 && peek(p) >= '0' && peek(p) <= '7'; i++) {
                v = v * 8 + (peek(p) - '0');
                p->pos++;
            }
            if (is_bytes && v > 0xFF) {
                fail_at(p, start, "octal escape out of range in bytes");
                return -1;
            }
            return charbuf_put(b, v);
        }
        break;
    }
    if (ndigits == 0) {
        /* Not an escape: Python keeps the backslash and the character. */
        if (charbuf_put(b, '\\') < 0) {
            return -1;
        }
        if (is_bytes && c >= 0x80) {
            fail_at(p, start + 1,
                    "bytes can only contain ASCII literal characters");
            return -1;
        }
        return charbuf_put(b, c);
    }
    v = 0;
    for (int i = 0; i < ndigits; i++) {
        int h = hex_value(peek(p));
        if (h < 0) {
            fail_at(p, start, "truncated hexadecimal escape");
            return -1;
        }
        v = v * 16 + (Py_UCS4)h;
        p->pos++;
    }
    if (v > 0x10FFFF) {
        fail_at(p, start, "illegal Unicode character in \\U escape");
        return -1;
    }
    return charbuf_put(b, v);
}

/* A str or bytes literal starting at p->pos with its prefix. New
 * reference, or NULL with an exception set. */
static PyObject *
parse_string(Parser *p)
{
    Py_ssize_t start = p->pos;
    int raw = 0, is_bytes = 0, is_u = 0;
    for (;;) {
        Py_UCS4 c = peek(p);
        if ((c == 'r' || c == 'R') && !raw && !is_u) {
            raw = 1;
        }
        else if ((c == 'b' || c == 'B') && !is_bytes && !is_u) {
            is_bytes = 1;
        }
        else if ((c == 'u' || c == 'U') && p->pos == start) {
            is_u = 1;
        }
        else {
            break;
        }
        p->pos++;
    }
    Py_UCS4 quote = peek(p);
    if (quote != '\'' && quote != '"') {
        return fail_at(p, start, "expected a literal");
    }
    if (peek_at(p, p->pos + 1) == quote && peek_at(p, p->pos + 2) == quote) {
        return fail_at(p, p->pos, "triple-quoted strings are not accepted");
    }
    p->pos++;
    CharBuf b = {NULL, 0, 0};
    PyObject *result = NULL;
    for (;;) {
        Py_UCS4 c = peek(p);
        if (c == EOS || c == '\n' || c == '\r') {
            fail_at(p, start, "unterminated string literal");
            goto done;
        }
        if (c == quote) {
            p->pos++;
            break;
        }
        if (c == '\\' && !raw) {
            if (parse_escape(p, &b, is_bytes) < 0) {
                goto done;
            }
            continue;
        }
        if (is_bytes && c >= 0x80) {
            fail_at(p, p->pos,
                    "bytes can only contain ASCII literal characters");
            goto done;
        }
        if (charbuf_put(&b, c) < 0) {
            goto done;
        }
        p->pos++;
        if (c == '\\') {
            /* Raw: a backslash keeps the next character, even a quote.
               Not a CR: Python's tokenizer reads it as a newline (so
               r'\<CR>' is '\\\n' there); refused, as in plain strings. */
            Py_UCS4 d = peek(p);
            if (d == EOS || d == '\r') {
                fail_at(p, start, "unterminated string literal");
                goto done;
            }
            if (is_bytes && d >= 0x80) {
                fail_at(p, p->pos,
                        "bytes can only contain ASCII literal characters");
                goto done;
            }
            if (charbuf_put(&b, d) < 0) {
                goto done;
            }
            p->pos++;
        }
    }
    if (is_bytes) {
        result = PyBytes_FromStringAndSize(NULL, b.len);
        if (result != NULL) {
            char *out = PyBytes_AS_STRING(result);
            for (Py_ssize_t i = 0; i < b.len; i++) {
                out[i] = (char)b.buf[i];   /* every value is <= 0xFF */
            }
        }
    }
    else if (b.len == 0) {
        result = PyUnicode_New(0, 0);
    }
    else {
        result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, b.buf,
                                           b.len);
    }
done:
    PyMem_Free(b.buf);
    return result;
}

/* ------------------------------------------------------------------ */
/* Numbers */

/* Copy text[start:end] (ASCII by construction) into buf with a NUL. */
static void
copy_ascii(const Parser *p, Py_ssize_t start, Py_ssize_t end, char *buf)
{
    for (Py_ssize_t i = start; i < end; i++) {
        buf[i - start] = (char)peek_at(p, i);
    }
    buf[end - start] = '\0';
}

/* The double value of a float literal text[start:end]; 0, or -1 with
 * ValueError set. */
static int
to_double(Parser *p, Py_ssize_t start, Py_ssize_t end, double *out)
{
    char buf[GY_RELSTR_MAX_NUMBER + 1];
    int seen_digit = 0;
    for (Py_ssize_t i = start; i < end; i++) {
        Py_UCS4 c = peek_at(p, i);
        if (is_digit(c)) {
            seen_digit = 1;
        }
        else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
            fail_at(p, i, "bad character in number");
            return -1;
        }
    }
    if (!seen_digit) {
        fail_at(p, start, "bad number");
        return -1;
    }
    copy_ascii(p, start, end, buf);
    char *stop = NULL;
    double d = PyOS_string_to_double(buf, &stop, NULL);
    if (d == -1.0 && PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_ValueError)) {
            return -1;
        }
        PyErr_Clear();
        fail_at(p, start, "bad number");
        return -1;
    }
    if (stop != buf + (end - start)) {
        fail_at(p, start + (stop - buf), "bad number");
        return -1;
    }
    *out = d;
    return 0;
}

/* End of the number token starting at start: digits, letters, '_', '.',
 * and a sign right after the exponent letter of a decimal number. */
static Py_ssize_t
number_end(const Parser *p, Py_ssize_t start)
{
    Py_ssize_t i = start;
    int prefixed = peek_at(p, i) == '0' && (peek_at(p, i + 1) | 0x20) != 'e'
                   && is_ascii_alnum(peek_at(p, i + 1))
                   && !is_digit(peek_at(p, i + 1));
    for (;;) {
        Py_UCS4 c = peek_at(p, i);
        if (is_ascii_alnum(c) || c == '_' || c == '.') {
            i++;
        }
        else if ((c == '+' || c == '-') && !prefixed && i > start
                 && (peek_at(p, i - 1) == 'e' || peek_at(p, i - 1) == 'E')) {
            i++;
        }
        else {
            return i;
        }
    }
}

typedef enum { NUM_INT, NUM_FLOAT, NUM_IMAG } NumKind;

/* One unsigned number token at p->pos; the value in *out (new
 * reference) as int, float or imaginary part (a float). */
static int
parse_unsigned(Parser *p, PyObject **out, NumKind *nk)
{
    Py_ssize_t start = p->pos;
    Py_UCS4 c = peek(p);
    /* inf and nan as repr writes them, and their imaginary forms. */
    if (c == 'i' || c == 'n') {
        Py_ssize_t end = start;
        while (is_ascii_alnum(peek_at(p, end)) || peek_at(p, end) == '_') {
            end++;
        }
        double d;
        if (looking_at(p, "infj") && end - start == 4) {
            d = Py_HUGE_VAL, *nk = NUM_IMAG;
        }
        else if (looking_at(p, "nanj") && end - start == 4) {
            d = Py_NAN, *nk = NUM_IMAG;
        }
        else if (looking_at(p, "inf") && end - start == 3) {
            d = Py_HUGE_VAL, *nk = NUM_FLOAT;
        }
        else if (looking_at(p, "nan") && end - start == 3) {
            d = Py_NAN, *nk = NUM_FLOAT;
        }
        else {
            fail_at(p, start, "expected a literal");
            return -1;
        }
        p->pos = end;
        *out = PyFloat_FromDouble(d);
        return *out ? 0 : -1;
    }
    if (!is_digit(c) && !(c == '.' && is_digit(peek_at(p, start + 1)))) {
        fail_at(p, start, "expected a literal");
        return -1;
    }
    Py_ssize_t end = number_end(p, start);
    if (end - start > GY_RELSTR_MAX_NUMBER) {
        fail_at(p, start, "number too long");
        return -1;
    }
    p->pos = end;
    Py_UCS4 last = peek_at(p, end - 1);
    if (last == 'j' || last == 'J') {
        double d;
        if (to_double(p, start, end - 1, &d) < 0) {
            return -1;
        }
        *nk = NUM_IMAG;
        *out = PyFloat_FromDouble(d);
        return *out ? 0 : -1;
    }
    int is_int = 1;
    for (Py_ssize_t i = start; i < end && is_int; i++) {
        Py_UCS4 d = peek_at(p, i);
        is_int = is_digit(d) || d == '_';
    }
    Py_UCS4 c1 = peek_at(p, start + 1) | 0x20;
    if (c == '0' && (c1 == 'x' || c1 == 'o' || c1 == 'b')) {
        is_int = 1;
    }
    if (!is_int) {
        double d;
        if (to_double(p, start, end, &d) < 0) {
            return -1;
        }
        *nk = NUM_FLOAT;
        *out = PyFloat_FromDouble(d);
        return *out ? 0 : -1;
    }
    char buf[GY_RELSTR_MAX_NUMBER + 1];
    copy_ascii(p, start, end, buf);
    char *stop = NULL;
    PyObject *v = PyLong_FromString(buf, &stop, 0);
    if (v == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_ValueError)) {
            return -1;
        }
        PyErr_Clear();
        fail_at(p, start, "bad integer literal");
        return -1;
    }
    if (stop != buf + (end - start)) {
        Py_DECREF(v);
        fail_at(p, start + (stop - buf), "bad integer literal");
        return -1;
    }
    *nk = NUM_INT;
    *out = v;
    return 0;
}

static PyObject *
negate(PyObject *v)
{
    PyObject *r = PyNumber_Negative(v);
    Py_DECREF(v);
    return r;
}

/* A number with an optional '-' and an optional '+imagj' or '-imagj'
 * after a real part. New reference or NULL. */
static PyObject *
parse_number(Parser *p)
{
    int neg = 0;
    if (peek(p) == '-') {
        neg = 1;
        p->pos++;
    }
    PyObject *v = NULL;
    NumKind nk;
    if (parse_unsigned(p, &v, &nk) < 0) {
        return NULL;
    }
    if (nk == NUM_IMAG) {
        double im = PyFloat_AS_DOUBLE(v);
        Py_DECREF(v);
        return PyComplex_FromDoubles(0.0, neg ? -im : im);
    }
    if (neg && (v = negate(v)) == NULL) {
        return NULL;
    }
    Py_UCS4 c = peek(p);
    if (c != '+' && c != '-') {
        return v;
    }
    /* real +/- imaginary */
    Py_ssize_t sign_pos = p->pos;
    p->pos++;
    PyObject *im = NULL;
    NumKind imk;
    if (parse_unsigned(p, &im, &imk) < 0) {
        Py_DECREF(v);
        return NULL;
    }
    if (imk != NUM_IMAG) {
        Py_DECREF(v);
        Py_DECREF(im);
        return fail_at(p, sign_pos, "expected an imaginary part");
    }
    double re = PyFloat_AsDouble(v);   /* int or float; may overflow */
    Py_DECREF(v);
    double imv = PyFloat_AS_DOUBLE(im);
    Py_DECREF(im);
    if (re == -1.0 && PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_OverflowError)) {
            return NULL;
        }
        PyErr_Clear();
        return fail_at(p, sign_pos, "real part too large");
    }
    if (neg && re == 0.0) {
        re = -0.0;              /* repr writes complex(-0.0, 1) as (-0+1j) */
    }
    return PyComplex_FromDoubles(re, c == '-' ? -imv : imv);
}

/* ------------------------------------------------------------------ */
/* Literals */

static PyObject *parse_literal(Parser *p, int depth);

/* '(' at p->pos: a tuple, or a parenthesised literal. */
static PyObject *
parse_parens(Parser *p, int depth)
{
    Py_ssize_t open = p->pos;
    if (depth >= GY_RELSTR_MAX_DEPTH) {
        return fail_at(p, open, "literal nested too deeply");
    }
    p->pos++;
    PyObject *items = PyList_New(0);
    if (items == NULL) {
        return NULL;
    }
    PyObject *result = NULL;
    int comma = 0;
    skip_spaces(p);
    while (peek(p) != ')') {
        PyObject *item = parse_literal(p, depth + 1);
        if (item == NULL) {
            goto done;
        }
        int rc = PyList_Append(items, item);
        Py_DECREF(item);
        if (rc < 0) {
            goto done;
        }
        skip_spaces(p);
        if (peek(p) == ',') {
            comma = 1;
            p->pos++;
            skip_spaces(p);
        }
        else if (peek(p) != ')') {
            fail_at(p, p->pos, peek(p) == EOS ? "unbalanced '('"
                                              : "expected ',' or ')'");
            goto done;
        }
    }
    p->pos++;
    if (PyList_GET_SIZE(items) == 1 && !comma) {
        result = Py_NewRef(PyList_GET_ITEM(items, 0));
    }
    else {
        result = PyList_AsTuple(items);
    }
done:
    Py_DECREF(items);
    return result;
}

static PyObject *
parse_word(Parser *p)
{
    static const struct { const char *word; int which; } words[] = {
        {"None", 0}, {"True", 1}, {"False", 2}, {"Ellipsis", 3},
    };
    Py_ssize_t start = p->pos, end = start;
    while (is_ascii_alnum(peek_at(p, end)) || peek_at(p, end) == '_') {
        end++;
    }
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (looking_at(p, words[i].word)
            && (Py_ssize_t)strlen(words[i].word) == end - start) {
            p->pos = end;
            switch (words[i].which) {
            case 0: return Py_NewRef(Py_None);
            case 1: return Py_NewRef(Py_True);
            case 2: return Py_NewRef(Py_False);
            default: return Py_NewRef(Py_Ellipsis);
            }
        }
    }
    return NULL;
}

static inline int
is_prefix(Py_UCS4 c)
{
    c |= 0x20;
    return c == 'r' || c == 'b' || c == 'u';
}

/* One literal at p->pos (after spaces). New reference or NULL. */
static PyObject *
parse_literal(Parser *p, int depth)
{
    skip_spaces(p);
    Py_UCS4 c = peek(p);
    if (c == '(') {
        return parse_parens(p, depth);
    }
    if (c == '-' || c == '.' || is_digit(c)) {
        return parse_number(p);
    }
    if (c == '\'' || c == '"') {
        return parse_string(p);
    }
    if (is_prefix(c)) {
        /* A string prefix is one or two letters before the quote. */
        Py_ssize_t k = is_prefix(peek_at(p, p->pos + 1)) ? 2 : 1;
        Py_UCS4 q = peek_at(p, p->pos + k);
        if (q == '\'' || q == '"') {
            return parse_string(p);
        }
    }
    if (looking_at(p, "nan") || looking_at(p, "inf")) {
        return parse_number(p);
    }
    PyObject *w = parse_word(p);
    if (w != NULL) {
        return w;
    }
    return fail_at(p, p->pos, c == EOS ? "expected a literal, found the end"
                                       : "expected a literal");
}

/* ------------------------------------------------------------------ */
/* Relation forms */

/* A non-negative decimal index at p->pos. */
static PyObject *
parse_index(Parser *p)
{
    Py_ssize_t start = p->pos;
    while (is_digit(peek(p))) {
        p->pos++;
    }
    Py_ssize_t n = p->pos - start;
    if (n == 0) {
        return fail_at(p, start, "expected a non-negative integer");
    }
    if (n > 18) {
        return fail_at(p, start, "index too large");
    }
    char buf[20];
    copy_ascii(p, start, p->pos, buf);
    return PyLong_FromString(buf, NULL, 10);
}

/* ']' then the end of the text. */
static int
expect_close(Parser *p)
{
    skip_spaces(p);
    if (peek(p) != ']') {
        fail_at(p, p->pos, peek(p) == EOS ? "unbalanced '['"
                                          : "expected ']'");
        return -1;
    }
    p->pos++;
    if (p->pos != p->len) {
        fail_at(p, p->pos, "unexpected text after ']'");
        return -1;
    }
    return 0;
}

/* The rest of the text as an identifier. New reference or NULL. */
static PyObject *
parse_name(Parser *p)
{
    Py_ssize_t start = p->pos;
    if (start >= p->len) {
        return fail_at(p, start, "expected a name");
    }
    for (Py_ssize_t i = start; i < p->len; i++) {
        Py_UCS4 c = peek_at(p, i);
        if (!(c == '_' || Py_UNICODE_ISALNUM(c))) {
            return fail_at(p, i, "expected a name");
        }
    }
    PyObject *name = PyUnicode_Substring(p->text, start, p->len);
    if (name == NULL) {
        return NULL;
    }
    int ok = PyUnicode_IsIdentifier(name);
    if (ok <= 0) {
        Py_DECREF(name);
        return ok < 0 ? NULL : fail_at(p, start, "expected a name");
    }
    p->pos = p->len;
    return name;
}

/* A relation whose value is bracketed: prefix already matched, the
 * literal (or index) and ']' follow. */
static PyObject *
bracketed(Parser *p, const char *kind, size_t prefix_len, int index_only,
          int str_only)
{
    p->pos += (Py_ssize_t)prefix_len;
    Py_ssize_t at = p->pos;
    PyObject *v = index_only ? parse_index(p) : parse_literal(p, 0);
    if (v == NULL) {
        return NULL;
    }
    if (str_only && !PyUnicode_Check(v)) {
        Py_DECREF(v);
        return fail_at(p, at, "expected a string literal");
    }
    if (expect_close(p) < 0) {
        Py_DECREF(v);
        return NULL;
    }
    PyObject *r = Py_BuildValue("(sN)", kind, v);
    return r;
}

static PyObject *parse_relation(Parser *p);

PyObject *
gy_relstr_parse(PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError,
                     "relation string must be str, not %.100s",
                     Py_TYPE(text)->tp_name);
        return NULL;
    }
    /* A UCS4 copy reads the same on every version and string kind. */
    Parser p = {text, PyUnicode_AsUCS4Copy(text), 0, 0};
    if (p.chars == NULL) {
        return NULL;
    }
    p.len = PyUnicode_GET_LENGTH(text);
    PyObject *r = parse_relation(&p);
    PyMem_Free(p.chars);
    return r;
}

static PyObject *
parse_relation(Parser *p)
{
    if (peek(p) == '_') {
        p->pos++;                /* the path form: _.a, _['k'] */
    }
    switch (peek(p)) {
    case '[':
        return bracketed(p, "index", 1, 0, 0);
    case '.':
        if (looking_at(p, ".??") && p->pos + 3 == p->len) {
            return Py_BuildValue("(sO)", "unknown", Py_None);
        }
        if (looking_at(p, ".f_locals[")) {
            return bracketed(p, "local", 10, 0, 1);
        }
        if (looking_at(p, ".f_locals [")) {
            return bracketed(p, "cell", 11, 0, 1);
        }
        if (looking_at(p, ".keys()[")) {
            return bracketed(p, "key", 8, 1, 0);
        }
        if (looking_at(p, ".__dict__.keys()[")) {
            return bracketed(p, "hasattr", 17, 1, 0);
        }
        p->pos++;
        {
            PyObject *name = parse_name(p);
            return name ? Py_BuildValue("(sN)", "attr", name) : NULL;
        }
    case '-':
        if (!looking_at(p, "->")) {
            return fail_at(p, p->pos + 1, "expected '>' after '-'");
        }
        if (looking_at(p, "->f_valuestack[")) {
            return bracketed(p, "stack", 15, 1, 0);
        }
        p->pos += 2;
        {
            PyObject *name = parse_name(p);
            return name ? Py_BuildValue("(sN)", "inter", name) : NULL;
        }
    case 'l':
        if (looking_at(p, "list(_)[")) {
            return bracketed(p, "inset", 8, 1, 0);
        }
        break;
    default:
        break;
    }
    return fail_at(p, p->pos,
                   "expected '[', '.', '->' or 'list(_)[' to begin");
}
