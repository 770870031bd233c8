/* refpat.h -- GyRefLog: the referrers that reference patterns (x.rp) ask
 * for, row after row, from one logged walk of the heap. */
#ifndef GY_REFPAT_H
#define GY_REFPAT_H

#include "gy.h"
#include "markset.h"
#include "nodeset.h"
#include "owners.h"
#include "walk.h"

/* A reference, filed under a hash of its destination. */
typedef struct GyRefPair {
    uintptr_t dst, src;        /* addresses */
} GyRefPair;

/* The references into one hash bucket: blocks of 64, 128, ... pairs,
 * then of GY_REFLOG_BLOCK; all full but the last. */
#define GY_REFLOG_BUCKET_BITS 8
#define GY_REFLOG_BLOCK ((Py_ssize_t)4096)

typedef struct GyRefBucket {
    GyRefPair **blocks;
    Py_ssize_t nblocks, cap;
    GyRefPair *cur, *end;      /* free part of the last block */
} GyRefBucket;

typedef struct GyRefLog {
    GyMarkSet heap;            /* the objects; a strong reference each */
    GyOwners *owners;          /* of the heap's dicts (unsealed until a
                                  result shares it); from src: NULL
                                  until a result holds a dict */
    GyState *state;
    PyObject *root;            /* the source object, strong; NULL: the
                                  interpreter's roots */
    GyRefBucket buckets[1 << GY_REFLOG_BUCKET_BITS];
} GyRefLog;

/* Walk the heap and file its references: from the interpreter's roots
 * (root NULL: heap() as it is now) or from one object (heapy's
 * get_rp(src=...): what root reaches, root itself included). The
 * profiler's own objects are left out. Only references to objects that
 * hold references themselves, or to members of keep, are filed: the
 * referrers of other objects (ints, strs) are never found. NULL with an
 * exception. Calls no Python code. */
GyRefLog *gy_reflog_build(GyState *st, PyObject *root,
                          const GyNodes *keep);
void gy_reflog_free(GyRefLog *rl);

/* The objects of the heap holding a reference to a member of s, as a new
 * GyNodes sharing rl's dict owners; NULL with MemoryError. Reads the
 * buckets of s's members: O(|s| + edges in those buckets + result log
 * result), about edges * |s| / 256 for a small s. */
GyNodes *gy_reflog_referrers(GyRefLog *rl, const GyNodes *s);

/* heapy's imdom in a heap made from an object (rl->root not NULL): the
 * referrers of s's members that rl->root reaches without passing another
 * referrer. A walk of the live heap from rl->root; NULL with an
 * exception. */
GyNodes *gy_reflog_imdom(GyState *st, GyRefLog *rl, const GyNodes *s);

#endif /* GY_REFPAT_H */
