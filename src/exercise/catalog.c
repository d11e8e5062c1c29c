/* catalog.c — id and alias resolution over the generated catalogue. */
#include "exercise/catalog.h"

#include <string.h>

#include "exercise/catalog_data.h"

static const kt_exercise_catalog_entry* find(const char* id) {
  for (int i = 0; i < kt_exercise_catalog_count; i++)
    if (strcmp(kt_exercise_catalog[i].id, id) == 0) return &kt_exercise_catalog[i];
  for (int i = 0; i < kt_exercise_alias_count; i++)
    if (strcmp(kt_exercise_aliases[i].alias, id) == 0) return find(kt_exercise_aliases[i].id);
  return NULL;
}

kt_status kt_exercise_lookup(const char* id, const char** canonical_out, int* implemented_out,
                             int* kind_out) {
  if (!id) return kt_status_invalid_argument;
  const kt_exercise_catalog_entry* e = find(id);
  if (!e) return kt_status_invalid_argument;
  if (canonical_out) *canonical_out = e->id;
  if (implemented_out) *implemented_out = e->definition != NULL;
  if (kind_out) *kind_out = e->kind;
  return kt_status_ok;
}

const char* kt_exercise_definition_json(const char* canonical_id) {
  if (!canonical_id) return NULL;
  for (int i = 0; i < kt_exercise_catalog_count; i++)
    if (strcmp(kt_exercise_catalog[i].id, canonical_id) == 0) return kt_exercise_catalog[i].definition;
  return NULL;
}

int kt_exercise_in_v4(const char* canonical_id) {
  const kt_exercise_catalog_entry* e = canonical_id ? find(canonical_id) : NULL;
  return e && e->v4;
}
