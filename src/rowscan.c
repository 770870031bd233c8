/* rowscan.c -- the bulk half of loading a dump file: text that formats.c
 * read into one buffer, checked and parsed where it lies. Knows the
 * format's row line ('.r: ' [count ' '] size ' ' label '\n') and the
 * GyStat's rows; nothing of Python files, lines or error messages: what
 * is not plain goes back to formats.c's line parser, the one place that
 * accepts a line or names what is wrong with it.
 *
 * The workload is a file of one 10,000-row table, loaded and its first
 * page printed. So gy_rowscan_check checks every row line in place, 64
 * bytes at a time (SSE2, or a word at a time elsewhere), making none;
 * the stat keeps its rows as text and gy_rowscan_ready makes them, in
 * order, when asked for. A table with one odd row (a '\r\n', an odd
 * number) is parsed in place by gy_rowscan_parse up to each odd line.
 * Also the text checks both halves use: UTF-8 and ASCII eight bytes at
 * a time.
 *
 * Cost: O(bytes), one pass (the check about 4 ns a row; the first page
 * of a loaded table makes ten rows); no allocation but the rows array.
 * Buffers must have GY_ROWSCAN_PAD bytes past their data (blocks read
 * past it); little-endian only (elsewhere every row takes the line
 * parser).
 */
#include "rowscan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- Text ------------------------------------------------------------ */

Py_ssize_t
gy_rowscan_utf8_invalid_at(const unsigned char *s, Py_ssize_t n)
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

int
gy_rowscan_all_ascii(const char *p, Py_ssize_t n)
{
    Py_ssize_t i = 0;
    unsigned char any = 0;
    for (; n - i >= 8; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (w & UINT64_C(0x8080808080808080)) {
            return 0;
        }
    }
    for (; i < n; i++) {
        any |= (unsigned char)p[i];
    }
    return any < 0x80;
}

/* ---- Room for rows ---------------------------------------------------- */

int
gy_rowscan_reserve(GyStat *s, Py_ssize_t numrows)
{
    if (s->nrows < s->rows_cap) {
        return 0;
    }
    Py_ssize_t cap = s->rows_cap + s->rows_cap / 2 + 16;
    if (cap > numrows) {
        cap = numrows > s->nrows ? numrows : s->nrows + 1;
    }
    GyStatRow *rows = (size_t)cap > PY_SSIZE_T_MAX / sizeof(GyStatRow)
                          ? NULL
                          : PyMem_Realloc(s->rows,
                                          (size_t)cap * sizeof(GyStatRow));
    if (rows == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    s->rows = rows;
    s->rows_cap = cap;
    return 0;
}

/* ---- Rows in place ----------------------------------------------------
 *
 * A dump is almost all row lines, so a file read into one buffer has its
 * rows parsed where they lie, without a call per line: gy_rowscan_parse
 * takes every row line that is plain, meaning
 *
 *     '.r: ' [-]digits ' ' [-]digits ' ' label '\n'
 *
 * with at most 18 digits a number (so within GY_TABLE_LIMIT: no overflow
 * check per digit), an ASCII label not ending in '\r', and the cumulative
 * size in range; the label is found and checked eight bytes at a time (a
 * word with a '\n' byte, or with a byte >= 0x80, is told by the usual
 * bit tricks). Anything else -- a line not whole in the buffer yet, a
 * non-ASCII label, '\r\n', a long or malformed number, a line that is no
 * row -- stops it, and the line goes through formats.c's line path
 * (reader_next and parse_row), which accepts it exactly as before or
 * names what is wrong. So both paths accept the same files with the same
 * result, and the same errors come from the one place. The words read
 * past the data fall in the buffer's GY_ROWSCAN_PAD zero bytes, which are
 * neither '\n' nor digits nor spaces. The bit tricks number bytes from
 * the low end: little-endian only (other machines take the line path for
 * every row). */

#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) \
    && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FAST_ROWS 1
#else
#define FAST_ROWS 0
#endif

/* -?[0-9]{1,18} followed by ' ' at *pp: 0 with *out and *pp past the
 * space, or -1. Up to seven digits (what counts and sizes have) are
 * found and converted a word at a time, with no branch on their number:
 * the first byte that is no digit is the lowest flagged one (a carry
 * from a flagged byte only reaches the bytes above it), the digits are
 * shifted to the top of the word (the bytes below become leading
 * zeros), and three multiplies add them up in pairs, fours and eights
 * (as in simdjson's parse_eight_digits). Longer and negative numbers
 * take a loop. */
static inline int
fast_int(const unsigned char **pp, int64_t *out)
{
    const uint64_t highs = UINT64_C(0x8080808080808080);
    const unsigned char *p = *pp;
    uint64_t w, v = 0;
    memcpy(&w, p, 8);
    uint64_t t = w ^ UINT64_C(0x3030303030303030);
    uint64_t flags = (t | (t + UINT64_C(0x7676767676767676))) & highs;
    if (flags != 0 && (flags & 0xff) == 0) {
        int len = __builtin_ctzll(flags) >> 3;
        if (p[len] != ' ') {
            return -1;
        }
        t <<= 8 * (8 - len);
        t = t * 10 + (t >> 8);
        t = ((t & UINT64_C(0x000000FF000000FF)) * UINT64_C(0x000F424000000064)
             + ((t >> 16) & UINT64_C(0x000000FF000000FF))
                   * UINT64_C(0x0000271000000001))
            >> 32;
        *out = (int64_t)t;
        *pp = p + len + 1;
        return 0;
    }
    int neg = *p == '-';
    p += neg;
    const unsigned char *start = p;
    unsigned d;
    while ((d = (unsigned)*p - '0') < 10) {
        v = v * 10 + d;
        if (++p - start > 18) {
            return -1;
        }
    }
    if (p == start || *p != ' ') {
        return -1;
    }
    *out = neg ? -(int64_t)v : (int64_t)v;
    *pp = p + 1;
    return 0;
}

/* The '\n' bytes and the bytes >= 0x80 of p[0:64], one bit a byte. */
static inline void
block_masks(const unsigned char *p, uint64_t *nl, uint64_t *hi)
{
#if defined(__SSE2__)
    const __m128i nls = _mm_set1_epi8('\n');
    __m128i v[4];
    for (int j = 0; j < 4; j++) {
        v[j] = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * j));
    }
    uint64_t n = 0, h = 0;
    for (int j = 0; j < 4; j++) {
        n |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v[j], nls))
             << (16 * j);
    }
    /* Bytes >= 0x80 are rare: one test for the block first. */
    if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(v[0], v[1]),
                                       _mm_or_si128(v[2], v[3])))) {
        for (int j = 0; j < 4; j++) {
            h |= (uint64_t)(uint16_t)_mm_movemask_epi8(v[j]) << (16 * j);
        }
    }
    *nl = n;
    *hi = h;
#else
    /* A word at a time: flag each byte in its top bit (a '\n' test that
       is exact in every byte, unlike the first-zero trick), then gather
       the eight top bits into a byte with a multiply. */
    const uint64_t ones = UINT64_C(0x0101010101010101);
    const uint64_t lows = ones * 0x7F, highs = ones * 0x80;
    uint64_t n = 0, h = 0;
    for (int j = 0; j < 8; j++) {
        uint64_t w;
        memcpy(&w, p + 8 * j, 8);
        uint64_t x = w ^ (ones * '\n');
        uint64_t z = ~(((x & lows) + lows) | x) & highs;
        n |= (((z >> 7) * UINT64_C(0x0102040810204080)) >> 56) << (8 * j);
        h |= ((((w & highs) >> 7) * UINT64_C(0x0102040810204080)) >> 56)
             << (8 * j);
    }
    *nl = n;
    *hi = h;
#endif
}

/* Bits [0, i) of a word, i in 0..64. */
static inline uint64_t
bits_below(int i)
{
    return i >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << i) - 1;
}

/* The '\n's are found 64 bytes at a time (block_masks) and the rows
 * between them parsed one by one: the only work carried from a row to
 * the next is where its line ends, so the parsing of successive rows
 * overlaps in the processor, where a byte scan per line would chain them.
 * Blocks may read up to 63 bytes past the data: GY_ROWSCAN_PAD zero
 * bytes. */
Py_ssize_t
gy_rowscan_parse(GyStat *s, const char *text, Py_ssize_t len,
                 Py_ssize_t *pos, int *nonascii, Py_ssize_t max)
{
    Py_ssize_t k = 0;
#if FAST_ROWS
    const unsigned char *buf = (const unsigned char *)text;
    if (buf == NULL || max <= 0) {
        return 0;
    }
    const unsigned char *end = buf + len, *p = buf + *pos;
    const unsigned char *blk = p;
    int id = s->format == GY_FORMAT_ID;
    int64_t cumul = s->nrows ? s->rows[s->nrows - 1].cumul : 0;
    Py_ssize_t numrows = s->nrows + max;
    /* The rows array in locals: stores to it could alias s's fields. */
    GyStatRow *rows = s->rows;
    Py_ssize_t nrows = s->nrows, cap = s->rows_cap;
    uint32_t head, w4;
    int pending_hi = 0;       /* a byte >= 0x80 in [p, blk) */
    memcpy(&head, ".r: ", 4);
    /* Invariant: p starts a line, p <= end, rows [0, k) are in s, and
       the line at p has no '\n' before blk. */
    while (blk < end) {
        uint64_t nlm, him;
        block_masks(blk, &nlm, &him);
        while (nlm != 0) {
            int i = __builtin_ctzll(nlm);
            nlm &= nlm - 1;
            const unsigned char *nl = blk + i;
            if (nl >= end) {
                goto done;            /* past the data: slack */
            }
            memcpy(&w4, p, 4);
            if (w4 != head) {
                goto done;
            }
            const unsigned char *q = p + 4;
            int64_t count = 1, size;
            if ((!id && fast_int(&q, &count) < 0)
                || fast_int(&q, &size) < 0) {
                goto done;
            }
            /* q <= nl: a number ends at a space, and '\n' is none. */
            const unsigned char *label = q;
            if (nl > label && nl[-1] == '\r') {
                goto done;
            }
            int from = p > blk ? (int)(p - blk) : 0;
            if (pending_hi || (him & bits_below(i) & ~bits_below(from))) {
                if (!gy_rowscan_all_ascii((const char *)label, nl - label)) {
                    if (gy_rowscan_utf8_invalid_at(label, nl - label) >= 0) {
                        goto done;
                    }
                    *nonascii = 1;
                }
            }
            int64_t next = cumul + size;
            if (next > GY_TABLE_LIMIT || next < -GY_TABLE_LIMIT) {
                goto done;
            }
            if (nrows == cap) {
                s->nrows = nrows;
                if (gy_rowscan_reserve(s, numrows) < 0) {
                    k = -1;
                    goto done;
                }
                rows = s->rows;
                cap = s->rows_cap;
            }
            GyStatRow *row = &rows[nrows++];
            row->count = count;
            row->size = size;
            row->cumul = cumul = next;
            row->label = label - buf;
            row->label_len = nl - label;
            p = nl + 1;
            pending_hi = 0;
            if (++k == max) {
                goto done;
            }
        }
        int from = p > blk ? (int)(p - blk) : 0;
        pending_hi |= (him & ~bits_below(from)) != 0;
        blk += 64;
    }
done:
    s->nready = s->nrows = nrows;
    if (k > 0) {
        *pos = p - buf;
    }
#else
    (void)s;
    (void)text;
    (void)len;
    (void)pos;
    (void)nonascii;
    (void)max;
#endif
    return k;
}

/* ---- Rows checked now, made later --------------------------------------
 *
 * Loading a file whose rows are all plain (see above) checks every line
 * but makes no row: gy_rowscan_check reads the lines as gy_rowscan_parse
 * does, checking each number's form (not converting it) and bounding the
 * cumulative size by the sum of 10**digits of the sizes (when that bound
 * stays within GY_TABLE_LIMIT, so does every cumulative size), and the
 * stat keeps its rows in its text until they are asked for
 * (gy_rowscan_ready). A table whose first page is printed costs one
 * pass over the bytes and ten rows. Any line that is not plain, or a
 * bound that grows too big, sends the whole table back to the line path
 * from its first row, which makes every row and names any error exactly
 * as before: no file is accepted or refused by one path and not the
 * other. */

/* 10**i for i in 0..18. */
static const uint64_t pow10_table[19] = {
    UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000),
    UINT64_C(10000), UINT64_C(100000), UINT64_C(1000000),
    UINT64_C(10000000), UINT64_C(100000000), UINT64_C(1000000000),
    UINT64_C(10000000000), UINT64_C(100000000000),
    UINT64_C(1000000000000), UINT64_C(10000000000000),
    UINT64_C(100000000000000), UINT64_C(1000000000000000),
    UINT64_C(10000000000000000), UINT64_C(100000000000000000),
    UINT64_C(1000000000000000000),
};

/* The form fast_int accepts, -?[0-9]{1,18} then ' ', at *pp: the number
 * of digits, *pp moved past the space; or -1. Up to seven digits are
 * checked a word at a time, as in fast_int. */
static inline int
skip_int(const unsigned char **pp)
{
    const uint64_t highs = UINT64_C(0x8080808080808080);
    const unsigned char *p = *pp;
    p += *p == '-';
    uint64_t w;
    memcpy(&w, p, 8);
    uint64_t t = w ^ UINT64_C(0x3030303030303030);
    uint64_t flags = (t | (t + UINT64_C(0x7676767676767676))) & highs;
    int len;
    if (flags != 0) {
        len = __builtin_ctzll(flags) >> 3;
    }
    else {
        len = 8;
        while (len <= 18 && (unsigned)p[len] - '0' < 10) {
            len++;
        }
    }
    if (len == 0 || len > 18 || p[len] != ' ') {
        return -1;
    }
    *pp = p + len + 1;
    return len;
}

/* The numbers of the row line at p ('.r: ' checked): their form checked
 * as skip_int does, *q moved to the label; the digits of the size, or
 * -1. With SSE2 both numbers are found in one 16-byte load (digits and
 * spaces as bit masks), so no load waits for the end of a number; a
 * number with a sign, or numbers that do not end within the 16 bytes,
 * take skip_int. */
static inline int
skip_numbers(const unsigned char **q, int id)
{
#if defined(__SSE2__)
    const unsigned char *p = *q;
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i dig = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    unsigned nd = ~(unsigned)_mm_movemask_epi8(dig) & 0xFFFFu;
    unsigned sp = (unsigned)_mm_movemask_epi8(
        _mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
    if (nd != 0) {
        int s1 = __builtin_ctz(nd);
        if (id) {
            if (s1 > 0 && (sp >> s1 & 1)) {
                *q = p + s1 + 1;
                return s1;
            }
        }
        else {
            unsigned nd2 = nd & ~((2u << s1) - 1);
            if (s1 > 0 && (sp >> s1 & 1) && nd2 != 0) {
                int s2 = __builtin_ctz(nd2);
                if (s2 > s1 + 1 && (sp >> s2 & 1)) {
                    *q = p + s2 + 1;
                    return s2 - s1 - 1;
                }
            }
        }
    }
#endif
    if (!id && skip_int(q) < 0) {
        return -1;
    }
    return skip_int(q);
}

/* The scan of one buffer: the rows from c->k on, each line whole in
 * text[0:len] (see above; the caller reads on and calls again when one is
 * not). The row count and the bound carry over between calls; pending_hi
 * starts again with the line of row c->k. */
GyRowScan
gy_rowscan_check(GyRowCheck *c, const char *text, Py_ssize_t len,
                 Py_ssize_t *pos, int *nonascii)
{
#if FAST_ROWS
    int id = c->id;
    Py_ssize_t numrows = c->numrows, k = c->k;
    uint64_t bound = c->bound;    /* > |cumulative size| so far */
    uint32_t head, w4;
    memcpy(&head, ".r: ", 4);
    /* Scan what has been read, from the line of row k. */
    const unsigned char *buf = (const unsigned char *)text;
    const unsigned char *end = buf + len, *p = buf + *pos;
    const unsigned char *blk = p;
    int pending_hi = 0;           /* a byte >= 0x80 in [p, blk) */
    while (blk < end) {
        uint64_t nlm, him;
        block_masks(blk, &nlm, &him);
        /* Labels are checked for UTF-8 only where a byte >= 0x80 is
           near: rarely, so one test a block. */
        int hi = pending_hi || him != 0;
        while (nlm != 0) {
            int i = __builtin_ctzll(nlm);
            nlm &= nlm - 1;
            const unsigned char *nl = blk + i, *q = p + 4;
            if (nl >= end) {
                break;
            }
            memcpy(&w4, p, 4);
            if (w4 != head) {
                return GY_ROWS_ODD;
            }
            int digits = skip_numbers(&q, id);
            if (digits < 0 || (nl > q && nl[-1] == '\r')) {
                return GY_ROWS_ODD;
            }
            bound += pow10_table[digits];
            if (hi) {
                int from = p > blk ? (int)(p - blk) : 0;
                if ((pending_hi
                     || (him & bits_below(i) & ~bits_below(from)))
                    && !gy_rowscan_all_ascii((const char *)q, nl - q)) {
                    if (gy_rowscan_utf8_invalid_at(q, nl - q) >= 0) {
                        return GY_ROWS_ODD;
                    }
                    *nonascii = 1;
                }
                pending_hi = 0;
            }
            p = nl + 1;
            if (++k == numrows) {
                break;
            }
        }
        /* At most ten rows a block, each adding at most 10**18: the
           bound cannot wrap between two tests. */
        if (bound > (uint64_t)GY_TABLE_LIMIT) {
            return GY_ROWS_ODD;
        }
        if (k == numrows) {
            *pos = p - buf;
            c->k = k;
            return GY_ROWS_PLAIN;
        }
        int from = p > blk ? (int)(p - blk) : 0;
        pending_hi |= (him & ~bits_below(from)) != 0;
        blk += 64;
    }
    /* Row k's line is not whole yet. */
    *pos = p - buf;
    c->k = k;
    c->bound = bound;
    return GY_ROWS_MORE;
#else
    (void)c;
    (void)text;
    (void)len;
    (void)pos;
    (void)nonascii;
    return GY_ROWS_ODD;
#endif
}

/* Row line p[0:nl - p] (checked by gy_rowscan_check) into *row; cumul is the
 * cumulative size before it. */
static inline int64_t
ready_row(GyStatRow *row, const unsigned char *text, const unsigned char *p,
          const unsigned char *nl, int id, int64_t cumul)
{
    const unsigned char *q = p + 4;
    int64_t count = 1, size = 0;
    if (!id) {
        (void)fast_int(&q, &count);
    }
    (void)fast_int(&q, &size);
    row->count = count;
    row->size = size;
    row->cumul = cumul + size;
    row->label = q - text;
    row->label_len = nl - q;
    return row->cumul;
}

void
gy_rowscan_ready(GyStat *s, Py_ssize_t upto)
{
    const unsigned char *text = (const unsigned char *)s->text;
    const unsigned char *p = text + s->next_line;
    int id = s->format == GY_FORMAT_ID;
    int64_t cumul = s->nready ? s->rows[s->nready - 1].cumul : 0;
    Py_ssize_t i = s->nready;
    GY_ASSERT(upto <= s->nrows && upto <= s->rows_cap);
#if FAST_ROWS
    /* The '\n's 64 bytes at a time, as gy_rowscan_check found them.
       Blocks start before the end line, and the text keeps
       GY_ROWSCAN_PAD bytes past its end, so they stay in it. */
    const unsigned char *blk = p;
    while (i < upto) {
        uint64_t nlm, him;
        block_masks(blk, &nlm, &him);
        while (nlm != 0 && i < upto) {
            const unsigned char *nl = blk + __builtin_ctzll(nlm);
            nlm &= nlm - 1;
            cumul = ready_row(&s->rows[i++], text, p, nl, id, cumul);
            p = nl + 1;
        }
        blk += 64;
    }
#else
    const unsigned char *end = text + s->text_len;
    for (; i < upto; i++) {
        const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
        GY_ASSERT(nl != NULL);
        cumul = ready_row(&s->rows[i], text, p, nl, id, cumul);
        p = nl + 1;
    }
#endif
    s->nready = upto;
    s->next_line = p - text;
}
