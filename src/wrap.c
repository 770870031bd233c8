/* wrap.c -- gy_wrap_fill, Python's textwrap.fill(text, width,
 * subsequent_indent=' ' * indent) with every other TextWrapper option at
 * its default, exact to the code point. heapy wraps each table header with
 * textwrap.fill and each row with '\n'.join(textwrap.wrap(...)); with the
 * default expand_tabs and replace_whitespace both turn '\t', '\n', '\v',
 * '\f' and '\r' into spaces first, so the two calls are one function.
 * Owns only the text algorithm: which texts to wrap, and at what width, is
 * render.c's business.
 *
 * Algorithm, as Lib/textwrap.py (3.10 to 3.13, identical there) does it:
 *  1. Munge: str.expandtabs(8), then each ASCII whitespace code point
 *     becomes ' '. We copy the text only if it holds a tab; otherwise the
 *     munging happens as characters are read (wrap_char).
 *  2. Split into chunks with TextWrapper.wordsep_re: runs of spaces,
 *     em-dashes between words, words cut after the hyphens of compound
 *     words. wrap_chunk_end is that regex compiled by hand; the comment
 *     before it maps each alternative to code.
 *  3. Fill lines greedily from the chunks (_wrap_chunks): drop a blank
 *     chunk at the start of every line but the first and at the end of
 *     every line; a chunk longer than a whole line is cut
 *     (_handle_long_word), after its last fitting hyphen since 3.10.
 * Chunks are produced lazily in text order, exactly as the stack of
 * reversed chunks in textwrap pops them, and every line is one contiguous
 * slice of the munged text, so nothing but the result is allocated (plus
 * the tab-expanded copy, when there are tabs). The fill runs twice: once
 * to measure the result (length, widest code point: a str must be built
 * in its narrowest kind) and once to write it.
 *
 * Cost: linear in the text. Each chunk is scanned a bounded number of
 * times, blank tests share a memo that only moves forward, and cutting a
 * long word scans at most a line width per line, of which at most every
 * other line takes less than half a width (see wrap_long_word_cut).
 *
 * Quirks of textwrap kept on purpose, because heapy's output has them:
 *  - The regex's whitespace is ASCII only, but "blank" chunks are those
 *    str.strip() empties, which is Unicode whitespace: 'a \xa0' wraps to
 *    'a ' (the '\xa0' chunk is dropped, the space before it stays).
 *  - Leading spaces of the first line are kept; a line that is exactly
 *    full before an over-long word gets an empty piece of it, so only
 *    that empty piece is dropped and a trailing space can survive
 *    ('abcdefghi ' + 'x' * 20 at width 10 keeps the space).
 *  - When the first line comes out empty (all blank), the next line still
 *    counts as the first: no indent, leading blanks kept.
 *  - \w, \d and letters ([^\d\W]) follow re's Unicode classes, which are
 *    Py_UNICODE_ISALNUM || '_' and Py_UNICODE_ISDECIMAL on the running
 *    interpreter's Unicode database; '_' and non-decimal digits such as
 *    '\xb2' count as letters for the hyphen rule, as they do in re.
 * Divergences: none known in the results. Error types differ only for
 * absurd sizes: a result or tab expansion longer than PY_SSIZE_T_MAX
 * raises MemoryError where Python may raise OverflowError, and an indent
 * that no line uses is never allocated (' ' * indent would be).
 */
#include "wrap.h"

/* textwrap cuts an over-long word after its last hyphen that fits only
 * from 3.10 on (bpo-28660); 3.9 cuts at the width. compat.h defines this
 * 0 for 3.9; the default is the behaviour of 3.10 to 3.13. */
#ifndef GY_TEXTWRAP_LONG_WORD_HYPHENS
#define GY_TEXTWRAP_LONG_WORD_HYPHENS 1
#endif

/* TextWrapper's default tabsize. */
#define WRAP_TABSIZE 8

/* The munged text and the fill parameters. data/kind/len describe either
 * the caller's str or a tab-expanded copy of it in the same kind. */
typedef struct WrapText {
    int kind;
    const void *data;
    Py_ssize_t len;
    int ascii;              /* every code point < 128 */
    Py_ssize_t width;       /* >= 1 */
    Py_ssize_t indent;      /* >= 0 */
    /* Memo of wrap_is_blank: [blank_from, blank_to) is all whitespace and
       blank_to is len or a non-whitespace position. Empty when
       blank_to < blank_from. */
    Py_ssize_t blank_from;
    Py_ssize_t blank_to;
} WrapText;

/* textwrap's reversed_chunks, as a cursor: the chunk on top of the stack
 * is [top_a, top_b) when has_top (it may have shrunk from the left, even
 * to nothing, by a long-word cut); splitting resumes at next. */
typedef struct WrapCursor {
    Py_ssize_t next;
    Py_ssize_t top_a;
    Py_ssize_t top_b;
    int has_top;
} WrapCursor;

/* Where the lines go. While out is NULL, lines are measured into size and
 * maxchar; then they are written into out from pos. */
typedef struct WrapSink {
    Py_ssize_t size;
    Py_UCS4 maxchar;
    PyObject *out;
    Py_ssize_t pos;
} WrapSink;

/* --- Characters ------------------------------------------------------ */

/* textwrap's _whitespace, '\t\n\x0b\x0c\r ': the characters its regex
 * calls whitespace and _munge_whitespace turns into ' '. */
static inline int
wrap_is_ascii_ws(Py_UCS4 c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Code point i of the munged text (tabs are already expanded). */
static inline Py_UCS4
wrap_char(const WrapText *t, Py_ssize_t i)
{
    Py_UCS4 c = PyUnicode_READ(t->kind, t->data, i);
    return wrap_is_ascii_ws(c) ? ' ' : c;
}

/* re's \w for str patterns: Py_UNICODE_ISALNUM or '_' (SRE_UNI_IS_WORD).
 * The ASCII branch is only a shortcut: it gives the same answers. */
static inline int
wrap_is_word(Py_UCS4 c)
{
    if (c < 128) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
               || (c >= 'A' && c <= 'Z') || c == '_';
    }
    return Py_UNICODE_ISALNUM(c);
}

/* textwrap's letter, [^\d\W]: a word character that is not a decimal
 * digit (re's \d is Py_UNICODE_ISDECIMAL). */
static inline int
wrap_is_letter(Py_UCS4 c)
{
    return wrap_is_word(c) && !Py_UNICODE_ISDECIMAL(c);
}

/* textwrap's word_punct, [\w!"\'&.,?]. */
static inline int
wrap_is_word_punct(Py_UCS4 c)
{
    switch (c) {
    case '!': case '"': case '\'': case '&': case '.': case ',': case '?':
        return 1;
    default:
        return wrap_is_word(c);
    }
}

/* Bounds-checked tests at a position, for the regex's lookarounds. */
static inline int
wrap_letter_at(const WrapText *t, Py_ssize_t i)
{
    return i >= 0 && i < t->len && wrap_is_letter(wrap_char(t, i));
}

static inline int
wrap_hyphen_at(const WrapText *t, Py_ssize_t i)
{
    return i >= 0 && i < t->len && wrap_char(t, i) == '-';
}

/* (?=-{2,}\w) at i. The greedy -{2,} backs off only onto hyphens, which
 * are not \w, so it holds iff the whole hyphen run is 2+ long and a word
 * character follows it. Returns the run's end, or -1. */
static Py_ssize_t
wrap_emdash_end(const WrapText *t, Py_ssize_t i)
{
    Py_ssize_t j = i;
    while (j < t->len && wrap_char(t, j) == '-') {
        j++;
    }
    if (j - i >= 2 && j < t->len && wrap_is_word(wrap_char(t, j))) {
        return j;
    }
    return -1;
}

/* 1 if [a, b) is empty or all Unicode whitespace, i.e. str.strip() leaves
 * '' (textwrap's test for a blank chunk). Queries come at non-decreasing
 * a, so the memo makes all of them together cost O(len). */
static int
wrap_is_blank(WrapText *t, Py_ssize_t a, Py_ssize_t b)
{
    if (a >= b) {
        return 1;
    }
    if (a < t->blank_from || a > t->blank_to) {
        Py_ssize_t i = a;
        while (i < t->len && Py_UNICODE_ISSPACE(wrap_char(t, i))) {
            i++;
        }
        t->blank_from = a;
        t->blank_to = i;
    }
    return t->blank_to >= b;
}

/* --- Splitting: TextWrapper.wordsep_re -------------------------------- */

/* The regex, after munging (so its whitespace class is just ' '):
 *
 *   ( ' '+                                            (1) spaces
 *   | (?<=WP) -{2,} (?=\w)                            (2) em-dash
 *   | [^ ]+? (?: -(?:(?<=L{2}-)|(?<=L-L-)) (?=L-?L)   (3a) compound word
 *            | (?=' '|\Z)                             (3b) end of word
 *            | (?<=WP) (?=-{2,}\w) ) )                (3c) before em-dash
 *
 * with WP = [\w!"'&.,?] and L = [^\d\W]. re.split keeps the matches and
 * the gaps between them, and textwrap drops the empty strings. Some
 * alternative always matches at the current position ((1) at a space,
 * (3b) at the latest at the end of a run of non-spaces), so there are no
 * gaps: the chunks are the successive matches, each found by trying (1),
 * (2), (3) at the end of the previous one. The lazy [^ ]+? makes (3) end
 * at the first e > p where one of (3a), (3b), (3c) holds; lookbehinds may
 * read code points before p, in the previous chunk, as re's do.
 *
 * Returns the end of the chunk starting at p < len. */
static Py_ssize_t
wrap_chunk_end(const WrapText *t, Py_ssize_t p)
{
    Py_UCS4 c = wrap_char(t, p);
    Py_ssize_t e;

    if (c == ' ') {                                         /* (1) */
        e = p + 1;
        while (e < t->len && wrap_char(t, e) == ' ') {
            e++;
        }
        return e;
    }
    if (c == '-' && p > 0 && wrap_is_word_punct(wrap_char(t, p - 1))) {
        e = wrap_emdash_end(t, p);                          /* (2) */
        if (e >= 0) {
            return e;
        }
    }
    /* (3): invariant: [p, e) holds no space. */
    for (e = p + 1; e < t->len; e++) {
        Py_UCS4 d = wrap_char(t, e);
        if (d == ' ') {
            return e;                                       /* (3b) */
        }
        if (d != '-') {
            continue;
        }
        if (wrap_letter_at(t, e - 1)
            && (wrap_letter_at(t, e - 2)
                || (wrap_hyphen_at(t, e - 2) && wrap_letter_at(t, e - 3)))
            && wrap_letter_at(t, e + 1)
            && (wrap_letter_at(t, e + 2)
                || (wrap_hyphen_at(t, e + 2) && wrap_letter_at(t, e + 3))))
        {
            return e + 1;                                   /* (3a) */
        }
        /* Only at the first hyphen of a run is e - 1 word punctuation, so
           each run is scanned here once. */
        if (wrap_is_word_punct(wrap_char(t, e - 1))
            && wrap_emdash_end(t, e) >= 0)
        {
            return e;                                       /* (3c) */
        }
    }
    return e;                                               /* (3b), \Z */
}

/* Pops happen by clearing has_top; this refills the top from the text.
 * Returns 0 when the stack is empty. */
static inline int
wrap_peek(const WrapText *t, WrapCursor *cur)
{
    if (!cur->has_top) {
        if (cur->next >= t->len) {
            return 0;
        }
        cur->top_a = cur->next;
        cur->top_b = cur->next = wrap_chunk_end(t, cur->next);
        cur->has_top = 1;
    }
    return 1;
}

/* --- Filling: TextWrapper._wrap_chunks --------------------------------- */

/* _handle_long_word with break_long_words: how much of the chunk [a, b),
 * longer than a line, goes on the current line, which has space_left
 * columns free (textwrap makes that at least 1 when the indent eats the
 * whole width, so every line makes progress). Since 3.10 the cut moves
 * back to just after the last hyphen within space_left, unless only
 * hyphens precede it.
 *
 * The backward search costs O(space_left). It can end early in a line
 * (a hyphen near the start) only if the next line's search, over the text
 * it did not reach, finds no hyphen there and fills at least half a width:
 * so over all lines the searches are linear in the text. */
static Py_ssize_t
wrap_long_word_cut(const WrapText *t, Py_ssize_t a, Py_ssize_t b,
                   Py_ssize_t space_left)
{
    Py_ssize_t len = b - a;
    Py_ssize_t end = space_left;

#if GY_TEXTWRAP_LONG_WORD_HYPHENS
    if (len > space_left) {
        /* chunk.rfind('-', 0, space_left) */
        Py_ssize_t hyphen = space_left - 1;
        while (hyphen >= 0 && wrap_char(t, a + hyphen) != '-') {
            hyphen--;
        }
        if (hyphen > 0) {
            /* any(c != '-' for c in chunk[:hyphen]) */
            for (Py_ssize_t i = 0; i < hyphen; i++) {
                if (wrap_char(t, a + i) != '-') {
                    end = hyphen + 1;
                    break;
                }
            }
        }
    }
#else
    (void)t;
#endif
    return end < len ? end : len;
}

/* Line number lineno (0-based) is indent spaces then the munged text
 * [a, b). Measuring fails only on size overflow; writing cannot fail. */
static int
wrap_sink_line(const WrapText *t, WrapSink *s, Py_ssize_t lineno,
               Py_ssize_t indent, Py_ssize_t a, Py_ssize_t b)
{
    Py_ssize_t i;

    if (s->out == NULL) {
        Py_ssize_t room = PY_SSIZE_T_MAX - s->size;
        Py_ssize_t sep = lineno > 0;
        if (sep > room || indent > room - sep
            || b - a > room - sep - indent)
        {
            PyErr_NoMemory();
            return -1;
        }
        s->size += sep + indent + (b - a);
        if (!t->ascii) {
            for (i = a; i < b; i++) {
                Py_UCS4 c = wrap_char(t, i);
                if (c > s->maxchar) {
                    s->maxchar = c;
                }
            }
        }
        return 0;
    }

    int kind = PyUnicode_KIND(s->out);
    void *data = PyUnicode_DATA(s->out);
    if (lineno > 0) {
        PyUnicode_WRITE(kind, data, s->pos++, '\n');
    }
    for (i = 0; i < indent; i++) {
        PyUnicode_WRITE(kind, data, s->pos++, ' ');
    }
    for (i = a; i < b; i++) {
        PyUnicode_WRITE(kind, data, s->pos++, wrap_char(t, i));
    }
    return 0;
}

/* _wrap_chunks with the default options and max_lines=None, sending each
 * line to the sink. A line's pieces are consecutive (whole chunks, then
 * perhaps the head of a long one), so the line is [line_a, line_b); only
 * the start of its last piece, last_a, is kept, for the trailing-blank
 * drop. Each turn of the outer loop pops a chunk or cuts a code point or
 * more off the top one, so it ends. */
static int
wrap_run(WrapText *t, WrapSink *sink)
{
    WrapCursor cur = {0, 0, 0, 0};
    Py_ssize_t nlines = 0;

    t->blank_from = 0;
    t->blank_to = -1;
    while (wrap_peek(t, &cur)) {
        /* "lines" in textwrap: a first turn that emits nothing leaves the
           next one on the first line, unindented. */
        Py_ssize_t indent = nlines > 0 ? t->indent : 0;
        Py_ssize_t width = t->width - indent;   /* no overflow: both >= 0 */
        Py_ssize_t cur_len = 0;
        Py_ssize_t npieces = 0;
        Py_ssize_t line_a = 0, line_b = 0, last_a = 0;

        if (nlines > 0 && wrap_is_blank(t, cur.top_a, cur.top_b)) {
            cur.has_top = 0;
        }
        /* cur_len <= max(width, 1) throughout, so width - cur_len cannot
           overflow. */
        while (wrap_peek(t, &cur)
               && cur.top_b - cur.top_a <= width - cur_len)
        {
            if (npieces++ == 0) {
                line_a = cur.top_a;
            }
            last_a = cur.top_a;
            line_b = cur.top_b;
            cur_len += cur.top_b - cur.top_a;
            cur.has_top = 0;
        }
        if (wrap_peek(t, &cur) && cur.top_b - cur.top_a > width) {
            Py_ssize_t space_left = width < 1 ? 1 : width - cur_len;
            Py_ssize_t end = wrap_long_word_cut(t, cur.top_a, cur.top_b,
                                                space_left);
            /* The piece may be empty (a full line): it is then the blank
               last piece dropped below, not whatever came before it. */
            if (npieces++ == 0) {
                line_a = cur.top_a;
            }
            last_a = cur.top_a;
            line_b = cur.top_a + end;
            cur.top_a += end;
        }
        if (npieces > 0 && wrap_is_blank(t, last_a, line_b)) {
            line_b = last_a;
            npieces--;
        }
        if (npieces > 0) {
            if (wrap_sink_line(t, sink, nlines, indent, line_a, line_b) < 0) {
                return -1;
            }
            nlines++;
        }
    }
    return 0;
}

/* --- Entry point ------------------------------------------------------ */

/* 1 if fill(text) is text: at most width code points, all ASCII, no
 * whitespace but ' ' (str.strip's ASCII set is '\t'..'\r', '\x1c'..'\x1f'
 * and ' ') and no trailing ' '. Then it is one line and its last chunk is
 * not blank; leading and inner spaces stay. */
static int
wrap_is_unchanged(PyObject *text, Py_ssize_t len, Py_ssize_t width)
{
    if (len == 0) {
        return 1;
    }
    if (!PyUnicode_IS_ASCII(text) || len > width) {
        return 0;
    }
    const Py_UCS1 *s = PyUnicode_1BYTE_DATA(text);
    if (s[len - 1] == ' ') {
        return 0;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        Py_UCS1 c = s[i];
        if ((c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f)) {
            return 0;
        }
    }
    return 1;
}

/* str.expandtabs(8) of t's text into a new buffer of the same kind, which
 * t then describes; *buf receives it (PyMem, the caller frees). Leaves t
 * alone when there is no tab. 0, or -1 with an exception set. */
static int
wrap_expand_tabs(WrapText *t, PyObject *text, void **buf)
{
    Py_ssize_t first = PyUnicode_FindChar(text, '\t', 0, t->len, 1);
    if (first == -2) {
        return -1;
    }
    if (first == -1) {
        return 0;
    }

    /* The column restarts after '\n' and '\r' only, as in expandtabs. */
    Py_ssize_t n = 0, col = 0, i;
    for (i = 0; i < t->len; i++) {
        Py_UCS4 c = PyUnicode_READ(t->kind, t->data, i);
        Py_ssize_t step = c == '\t' ? WRAP_TABSIZE - col % WRAP_TABSIZE : 1;
        if (n > PY_SSIZE_T_MAX - step) {
            PyErr_NoMemory();
            return -1;
        }
        n += step;
        col = (c == '\n' || c == '\r') ? 0 : col + step;
    }

    void *out = gy_alloc_array(n, (size_t)t->kind);
    if (out == NULL) {
        return -1;
    }
    Py_ssize_t j = 0;
    col = 0;
    for (i = 0; i < t->len; i++) {
        Py_UCS4 c = PyUnicode_READ(t->kind, t->data, i);
        if (c == '\t') {
            Py_ssize_t step = WRAP_TABSIZE - col % WRAP_TABSIZE;
            col += step;
            while (step-- > 0) {
                PyUnicode_WRITE(t->kind, out, j++, ' ');
            }
        }
        else {
            PyUnicode_WRITE(t->kind, out, j++, c);
            col = (c == '\n' || c == '\r') ? 0 : col + 1;
        }
    }
    GY_ASSERT(j == n);
    *buf = out;
    t->data = out;
    t->len = n;
    return 0;
}

PyObject *
gy_wrap_fill(PyObject *text, Py_ssize_t width, Py_ssize_t indent)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "text must be str, not %.200s",
                     Py_TYPE(text)->tp_name);
        return NULL;
    }
    if (width <= 0) {
        PyErr_Format(PyExc_ValueError, "invalid width %zd (must be > 0)",
                     width);
        return NULL;
    }
    /* Also readies a legacy str on 3.9 to 3.11 before KIND/DATA. */
    Py_ssize_t len = PyUnicode_GetLength(text);
    if (len < 0) {
        return NULL;
    }
    if (wrap_is_unchanged(text, len, width)) {
        return Py_NewRef(text);
    }

    void *expanded = NULL;
    PyObject *result = NULL;
    WrapText t;
    WrapSink sink = {0, 0, NULL, 0};

    t.kind = PyUnicode_KIND(text);
    t.data = PyUnicode_DATA(text);
    t.len = len;
    t.ascii = PyUnicode_IS_ASCII(text);
    t.width = width;
    t.indent = indent < 0 ? 0 : indent;
    if (wrap_expand_tabs(&t, text, &expanded) < 0) {
        goto done;
    }
    if (wrap_run(&t, &sink) < 0) {
        goto done;
    }
    /* Exactly the widest code point written, so the str is canonical. */
    sink.out = PyUnicode_New(sink.size, sink.maxchar);
    if (sink.out == NULL) {
        goto done;
    }
    if (sink.size > 0 && wrap_run(&t, &sink) < 0) {
        Py_CLEAR(sink.out);
        goto done;
    }
    GY_ASSERT(sink.pos == sink.size);
    result = sink.out;
done:
    PyMem_Free(expanded);
    return result;
}
