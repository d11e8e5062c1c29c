/* catalog_data.h — what build/gen/exercise_catalog.c (written by
 * tools/gen-exercises.mjs from exercises/<id>.json) defines (internal). */
#ifndef KT_EXERCISE_CATALOG_DATA_H
#define KT_EXERCISE_CATALOG_DATA_H

#include <stddef.h>

typedef struct kt_exercise_catalog_entry {
  const char* id;          /* canonical id */
  int kind;                /* kt_exercise_kind */
  const char* definition;  /* minified JSON of exercises/<id>.json; NULL when not implemented */
  int v4;                  /* 1: offered by engine=v4 too */
} kt_exercise_catalog_entry;

typedef struct kt_exercise_alias {
  const char* alias;
  const char* id;
} kt_exercise_alias;

extern const kt_exercise_catalog_entry kt_exercise_catalog[];
extern const int kt_exercise_catalog_count;
extern const kt_exercise_alias kt_exercise_aliases[];
extern const int kt_exercise_alias_count;

#endif
