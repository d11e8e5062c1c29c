/* catalog.h — the exercise ids of the reference catalogue (internal).
 *
 * Every id of posetracker-reference.md section 8 resolves, with its legacy
 * aliases (face_*, the Pixel side_* views that map to a V3 id, `pushup`,
 * `jump`); `implemented` says whether kinetrack tracks it yet. The data
 * comes from exercises/catalog.json and exercises/<id>.json, embedded at
 * build time (see exercises/README.md). */
#ifndef KT_EXERCISE_CATALOG_H
#define KT_EXERCISE_CATALOG_H

#include "kinetrack.h"

typedef enum kt_exercise_kind {
  kt_exercise_kind_rep = 0,  /* repetitions: counter counts reps */
  kt_exercise_kind_hold = 1, /* duration: counter counts whole seconds held */
  kt_exercise_kind_jump = 2, /* custom jump exercises (jump_* messages) */
  kt_exercise_kind_reference = 3, /* a reference movement (reference=<uuid>): reps matched to one recorded rep */
} kt_exercise_kind;

/* Resolves an id or alias (exact, lower case). Writes the canonical id
 * (static storage), 1/0 for implemented, and the kind; any output may be
 * NULL. Unknown id (or NULL): kt_status_invalid_argument, outputs
 * untouched. */
kt_status kt_exercise_lookup(const char* id, const char** canonical_out, int* implemented_out,
                             int* kind_out);

/* Whether engine=v4 offers a canonical id (reference section 8: the V4
 * ids; false for an unknown id). */
int kt_exercise_in_v4(const char* canonical_id);

/* The embedded definition JSON of a canonical id, or NULL when the id is
 * unknown or not implemented. */
const char* kt_exercise_definition_json(const char* canonical_id);

#endif
