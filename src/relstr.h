/* relstr.h -- gy_relstr_parse: one relation string ("['x']", '.a',
 * '->ob_type', ".f_locals['n']", 'list(_)[0]', ...) back to what it
 * names, strictly and without evaluating anything (hp.Via). */
#ifndef GY_RELSTR_H
#define GY_RELSTR_H

#include "gy.h"

/* Deepest nesting of tuples accepted in a bracketed literal; deeper
 * input is refused with ValueError (the parser recurses once per level,
 * so this also bounds its C stack). */
#define GY_RELSTR_MAX_DEPTH 64

/* Longest number literal accepted, in characters: Python's default
 * int_max_str_digits, so a huge int cannot take quadratic time to
 * convert on versions without that limit. */
#define GY_RELSTR_MAX_NUMBER 4300

/* New reference: (kind, value) for the relation string text (a str), or
 * NULL with ValueError naming the position (0-based, in code points) of
 * the first character that does not fit; TypeError if text is not a str;
 * MemoryError. kind is one of
 *
 *   'index'   [literal]               value: the literal (str, bytes, int,
 *                                     float, complex, None, True, False,
 *                                     Ellipsis, or a tuple of those)
 *   'attr'    .name                   value: 'name'
 *   'local'   .f_locals['name']       value: 'name'
 *   'cell'    .f_locals ['name']      value: 'name'
 *   'key'     .keys()[n]              value: n
 *   'hasattr' .__dict__.keys()[n]     value: n
 *   'unknown' .??                     value: None
 *   'stack'   ->f_valuestack[n]       value: n
 *   'inter'   ->name                  value: 'name'
 *   'inset'   list(_)[n]              value: n
 *
 * A leading '_' (the path form, '_.a') is allowed and ignored. Names are
 * Python identifiers, n a non-negative decimal int. Calls no Python code;
 * only \N{...} escapes consult the unicodedata module. Linear time. */
PyObject *gy_relstr_parse(PyObject *text);

#endif /* GY_RELSTR_H */
