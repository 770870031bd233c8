/* stat.h -- GyStat, the data of a heapy Stat (a table summary that holds
 * no reference to the objects it counts), its operations and its text;
 * and the Python types guppy._guppy.StatTable (the C half of
 * guppy.heapy.Part.Stat) and guppy.heapy.Part.StatRow.
 */
#ifndef GY_STAT_H
#define GY_STAT_H

#include "gy.h"
#include "partition.h"
#include "render.h"

/* Header fields of a dump file, in the order of GY_STAT_FIELD_NAMES. */
typedef enum GyStatField {
    GY_STAT_FORMAT,
    GY_STAT_TIMEMADE,
    GY_STAT_COUNT,
    GY_STAT_SIZE,
    GY_STAT_KINDNAME,
    GY_STAT_KINDHEADER,
    GY_STAT_NUMROWS,
    GY_STAT_B_COUNT,          /* DiffFormat only */
    GY_STAT_B_SIZE,           /* DiffFormat only */
    GY_STAT_NFIELDS
} GyStatField;

/* Header names as a dump writes them after the '.'. */
extern const char *const gy_stat_field_names[GY_STAT_NFIELDS];
/* "SetFormat", "IdFormat", "DiffFormat", by GyFormat. */
extern const char *const gy_stat_format_names[3];

/* Bytes allocated past the end of GyStat.text. */
#define GY_STAT_TEXT_SLACK 16

typedef struct GyStatRow {
    int64_t count;            /* 1 in IdFormat */
    int64_t size;
    int64_t cumul;            /* size of this row and all rows before it */
    Py_ssize_t label;         /* offset of the UTF-8 label in text */
    Py_ssize_t label_len;     /* in bytes */
} GyStatRow;

/* A text of the header: an offset and a length in GyStat.text. */
typedef struct GyStatText {
    Py_ssize_t off, len;
} GyStatText;

/* Every number is at most GY_TABLE_LIMIT in magnitude (render.h); the
 * functions that make or combine stats check it. */
typedef struct GyStat {
    GyFormat format;
    int64_t count, size;      /* totals as the header states them */
    int64_t b_count, b_size;  /* DiffFormat: B's totals */
    double timemade;          /* float(timemade text) */
    GyStatText timemade_text; /* as a dump writes it: '%f', or as loaded */
    GyStatText kindname;
    GyStatText kindheader;
    /* Header fields in the order a dump writes them (after .loader). */
    uint8_t order[GY_STAT_NFIELDS];
    int norder;
    Py_ssize_t nrows, rows_cap;
    GyStatRow *rows;
    /* A stat loaded from a file has its rows checked when it is loaded
       but made when first used: rows [0, nready) are made, and the line
       of row nready starts at text[next_line] (rowscan.c,
       gy_rowscan_ready; it cannot fail: rows has room for nrows).
       Every other stat has nready == nrows. */
    Py_ssize_t nready;
    Py_ssize_t next_line;
    char *text;               /* labels and header texts, UTF-8, back to
                                 back (lone surrogates of a partition's
                                 labels kept as by 'surrogatepass');
                                 GY_STAT_TEXT_SLACK bytes past text_len
                                 are allocated, so short labels can be
                                 copied in whole words */
    Py_ssize_t text_len, text_cap;
    int nonascii;             /* some byte of text is >= 0x80 */
    int line_breaks;          /* a label or header text holds a '\n' (a
                                 class named "A\nB"): a dump escapes it */
} GyStat;

/* An empty stat of the given format, no header fields yet; NULL with
 * MemoryError. */
GyStat *gy_stat_new(GyFormat format);
void gy_stat_free(GyStat *s);
/* Set a text field (GY_STAT_TIMEMADE, _KINDNAME or _KINDHEADER) to n
 * bytes of UTF-8. 0 or -1 (MemoryError). */
int gy_stat_set_text(GyStat *s, GyStatField f, const char *p, Py_ssize_t n);
/* Record that header field f comes next in a dump. */
void gy_stat_add_field(GyStat *s, GyStatField f);
/* Append a row; its cumulative size follows the previous row's. 0, or
 * -1 with OverflowError (a number beyond GY_TABLE_LIMIT) or MemoryError. */
int gy_stat_append_row(GyStat *s, int64_t count, int64_t size,
                       const char *label, Py_ssize_t n);
/* The same for a label already in the text: text[label:label + n], as
 * in a stat whose text is the dump file it was loaded from (see
 * gy_stat_adopt_text). */
int gy_stat_append_row_at(GyStat *s, int64_t count, int64_t size,
                          Py_ssize_t label, Py_ssize_t n);
/* Set a text field to text[off:off + n] (already in the text). */
void gy_stat_set_text_at(GyStat *s, GyStatField f, Py_ssize_t off,
                         Py_ssize_t n);
/* Replace the text by text[0:len] (a PyMem block of cap >= len +
 * GY_STAT_TEXT_SLACK bytes, taken over), which the stat's label and
 * text offsets already index; nonascii: some label or header text in it
 * has a byte >= 0x80. The loader's text is the package's bytes as read,
 * so a label costs no copy. */
void gy_stat_adopt_text(GyStat *s, char *text, Py_ssize_t len,
                        Py_ssize_t cap, int nonascii);

/* The stat of a partition, made at time timemade (seconds since the
 * epoch): its rows, labels and header. NULL with an exception set. */
GyStat *gy_stat_from_partition(GyState *state, GyPartition *p,
                               GyNodes *nodes, double timemade);
/* Rows start, start + step, ... (n of them) as a new stat: totals
 * recomputed, Index and Cumulative restart at 0. */
GyStat *gy_stat_select(const GyStat *s, Py_ssize_t start, Py_ssize_t step,
                       Py_ssize_t n);
/* a - b as heapy computes it: DiffFormat rows of the count and size
 * changes per label. The caller has checked the kind headers agree. */
GyStat *gy_stat_sub(const GyStat *a, const GyStat *b, double timemade);
/* Label of row i, or a header text, as a str; new reference. */
PyObject *gy_stat_label(const GyStat *s, Py_ssize_t i);
PyObject *gy_stat_text(const GyStat *s, GyStatText t);
/* A page of the stat's table; see gy_render_page. */
PyObject *gy_stat_render(const GyStat *s, Py_ssize_t start,
                         Py_ssize_t maxrows, int title);
/* The current time as time.time() gives it, rounded as '%f' prints it. */
double gy_stat_now(void);

/* ---- Python types (module state: stat_type, statrow_type) ---------- */

/* Create StatTable and StatRow, store them in state and add them to the
 * module. Called once from the module's exec function. */
int gy_stat_add_types(PyObject *module, GyState *state);
/* New reference: an instance of cls (a subclass of StatTable) holding s,
 * which it takes over (freed on failure). */
PyObject *gy_stat_wrap_steal(GyState *state, PyObject *cls, GyStat *s);
/* The stat of a partition as an instance of cls; new reference. */
PyObject *gy_stat_py_from_partition(GyState *state, PyObject *cls,
                                    GyPartition *p, GyNodes *nodes);

#endif /* GY_STAT_H */
