/* rowscan.h -- a dump file's text checked in bulk: UTF-8 and ASCII a word
 * at a time, row lines checked, parsed and made in place 64 bytes at a
 * time (formats.c reads the file; nothing here runs Python code).
 */
#ifndef GY_ROWSCAN_H
#define GY_ROWSCAN_H

#include "gy.h"
#include "stat.h"

/* The row scans read their buffer in whole 64-byte blocks, so up to 63
 * bytes past the data: a buffer holds this many bytes after its data,
 * zero where the scan may read them as the data's continuation (the
 * reader's buffer: formats.c's READ_SLACK). */
#define GY_ROWSCAN_PAD 64

/* Index of the first byte of s[0:n] that does not start a valid UTF-8
 * sequence (overlong forms, surrogates and code points past U+10FFFF
 * are invalid, as in Python's strict decoder), or -1. */
Py_ssize_t gy_rowscan_utf8_invalid_at(const unsigned char *s, Py_ssize_t n);

/* Whether p[0:n] is ASCII, a word at a time. */
int gy_rowscan_all_ascii(const char *p, Py_ssize_t n);

/* Room in s for one more row of numrows: the array grows by half again,
 * but not past numrows (the file's word: a row beyond it is an error), so
 * a whole table has no slack. 0, or -1 with MemoryError. */
int gy_rowscan_reserve(GyStat *s, Py_ssize_t numrows);

/* Parse up to max plain row lines of buf[0:len] from *pos into s (rows
 * appended, all made); returns how many, with *pos past them, or -1
 * with MemoryError. Stops at the first line that is not plain or not
 * whole in buf, leaving it to the line parser. *nonascii is set if a
 * label has a byte >= 0x80. buf has GY_ROWSCAN_PAD zero bytes past len. */
Py_ssize_t gy_rowscan_parse(GyStat *s, const char *buf, Py_ssize_t len,
                            Py_ssize_t *pos, int *nonascii, Py_ssize_t max);

/* Where a check of a table's row lines stands, between calls. */
typedef struct GyRowCheck {
    int id;                   /* IdFormat rows: '.r: <size> <label>' */
    Py_ssize_t numrows;       /* rows in the table */
    Py_ssize_t k;             /* rows checked (0 to start) */
    uint64_t bound;           /* > |cumulative size| so far (0 to start) */
} GyRowCheck;

/* What gy_rowscan_check found. */
typedef enum GyRowScan {
    GY_ROWS_ODD = 0,          /* a row is not plain (or its cumulative
                                 size might be out of range): the line
                                 parser must take the table */
    GY_ROWS_PLAIN = 1,        /* all numrows rows are plain; *pos past
                                 them */
    GY_ROWS_MORE = 2,         /* row c->k's line is not whole in the
                                 buffer: *pos is its start; call again
                                 with more of the file read after it */
} GyRowScan;

/* Check row lines of buf[0:len] from *pos, as c says, making none: each
 * number's form, each label's UTF-8 (*nonascii set if one has a byte >=
 * 0x80), and a bound on the cumulative size. buf has GY_ROWSCAN_PAD zero
 * bytes past len. Cannot fail. */
GyRowScan gy_rowscan_check(GyRowCheck *c, const char *buf, Py_ssize_t len,
                           Py_ssize_t *pos, int *nonascii);

/* Make rows [s->nready, upto) of a stat loaded with its rows left in its
 * text (GyStat.nready), upto <= s->nrows. Those lines were checked when
 * it was loaded, and the rows array has room for all: cannot fail. */
void gy_rowscan_ready(GyStat *s, Py_ssize_t upto);

#endif /* GY_ROWSCAN_H */
