/* definition_parser.h — the shared pieces of the definition parser
 * (definition.c: the document, metrics, placement, cues;
 * definition_kinds.c: rep, form, hold, jump). Internal. */
#ifndef KT_EXERCISE_DEFINITION_PARSER_H
#define KT_EXERCISE_DEFINITION_PARSER_H

#include <stdbool.h>
#include <stddef.h>

#include "cJSON.h"
#include "exercise/engine_internal.h"

typedef struct kt_def_parser {
  kt_ex_def* def;
  kt_difficulty difficulty;
  char* err;
  size_t err_len;
  bool failed;
} kt_def_parser;

/* Records the first failure (later ones are dropped: the first names the
 * field at fault). */
void kt_def_fail(kt_def_parser* p, const char* fmt, ...);
/* The index of `name` in table[0..n), or -1. */
int kt_def_pick(const char* name, const char* const* table, int n);
/* A number, or {easy, medium, hard} resolved for the difficulty. */
bool kt_def_level(kt_def_parser* p, const cJSON* v, double* out, const char* what);
/* obj[key] as kt_def_level, or dflt when absent. */
double kt_def_number(kt_def_parser* p, const cJSON* obj, const char* key, double dflt);
/* obj[key] as a whole number in lo..hi, or dflt when absent (failing
 * otherwise). */
int kt_def_int(kt_def_parser* p, const cJSON* obj, const char* key, int dflt, int lo, int hi);
/* The index of the metric named by v, failing when unknown. */
int kt_def_metric(kt_def_parser* p, const cJSON* v, const char* what);
void kt_def_cond(kt_def_parser* p, const cJSON* c, kt_ex_cond* out, const char* what);

void kt_def_parse_rep(kt_def_parser* p, const cJSON* r);
void kt_def_parse_form(kt_def_parser* p, const cJSON* f);
void kt_def_parse_hold(kt_def_parser* p, const cJSON* h);
void kt_def_parse_jump(kt_def_parser* p, const cJSON* j);
void kt_def_parse_analysis(kt_def_parser* p, const cJSON* a);

#endif
