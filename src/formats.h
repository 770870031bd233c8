/* formats.h -- heapy's dump format for Stats: the writer and a strict
 * reader that never evaluates or looks up anything it reads.
 */
#ifndef GY_FORMATS_H
#define GY_FORMATS_H

#include "gy.h"
#include "stat.h"

/* The package text of s, as Stat.dump writes it: '.loader: _load_stat',
 * the header fields in s's order, one '.r: ' line per row, and
 * '.end: .loader: _load_stat', each line ending in '\n'. If write is
 * NULL, returns the text as a new str. Otherwise calls write(text) once
 * with the whole text, a str or, if binary, UTF-8 bytes, and returns
 * None (new reference). Every row must be made (GyStat.nready). NULL
 * with an exception set on failure (a write() that raised, or, in bytes,
 * a lone surrogate from a partition's label). */
PyObject *gy_format_dump(const GyStat *s, PyObject *write, int binary);

/* How gy_format_load reads its input. */
typedef enum GyLoadMode {
    GY_LOAD_LINES = 0,        /* an iterator of str or bytes lines */
    GY_LOAD_READLINE = 1,     /* an object whose readline() returns them */
    GY_LOAD_CHUNKS = 2,       /* a seekable binary file, read() in chunks
                                 into the stat's buffer */
    GY_LOAD_FILE = 3,         /* the same, an io.FileIO or io.BufferedReader
                                 (not a subclass): readinto() straight into
                                 the stat's buffer */
} GyLoadMode;

/* Read one package from lines, read as mode says; an empty line object
 * ends the input, as does an empty read(). Reading stops after the
 * package's end line (a file read in chunks is put back there with
 * seek()), so the next call reads the next package. If
 * end_optional, the input may end where the end line is due (heapy's
 * hand-written lists of lines have none); otherwise that is a truncated
 * package. first_lineno numbers the first line read, for messages;
 * where, a str or NULL, names the input in them. On success returns 0
 * with *out the stat (NULL if the input ended before any line) and
 * *nread the lines consumed; a stat read from a file (GY_LOAD_CHUNKS,
 * GY_LOAD_FILE) may have its rows checked but left in its text, made on
 * first use (GyStat.nready). Returns -1 with an exception set:
 * ValueError naming the line and what was expected for anything but a
 * well-formed package, or what reading raised. */
int gy_format_load(PyObject *lines, GyLoadMode mode, int end_optional,
                   Py_ssize_t first_lineno, PyObject *where, GyStat **out,
                   Py_ssize_t *nread);

#endif /* GY_FORMATS_H */
