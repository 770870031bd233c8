/* wrap.h -- gy_wrap_fill: textwrap.fill of the running CPython, in C, for
 * the header lines and rows of heapy's tables (render.c).
 */
#ifndef GY_WRAP_H
#define GY_WRAP_H

#include "gy.h"

/* New reference: text filled to width columns, continuation lines
 * prefixed by indent spaces; NULL with an exception set. text must be a
 * str. The result equals, code point for code point,
 *
 *     textwrap.fill(text, width=width, subsequent_indent=' ' * indent)
 *
 * which is also '\n'.join(textwrap.wrap(...)) of the same arguments.
 * width <= 0 raises ValueError (as textwrap does); a negative indent
 * counts as 0 (as ' ' * indent does). When filling changes nothing (a
 * short ASCII line, the usual table row) text itself is returned. */
PyObject *gy_wrap_fill(PyObject *text, Py_ssize_t width, Py_ssize_t indent);

#endif /* GY_WRAP_H */
