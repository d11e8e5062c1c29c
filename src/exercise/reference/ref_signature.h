/* ref_signature.h — a reference movement's signature: one repetition as a
 * time series of features (ref_features.h), evenly resampled, with which
 * features move and which stay still (internal). The file format
 * (version 1) is described by exercises/reference.schema.json and README;
 * the parser below is the only reader and refuses anything else with a
 * reason (it is fuzzed: tests/fuzz/fuzz_signature.c). */
#ifndef KT_EXERCISE_REFERENCE_REF_SIGNATURE_H
#define KT_EXERCISE_REFERENCE_REF_SIGNATURE_H
#include <stdbool.h>
#include <stddef.h>

#include "cJSON.h"
#include "exercise/reference/ref_features.h"
#include "kinetrack.h"

#define KT_REF_VERSION 1
#define KT_REF_FORMAT "kinetrack-reference-signature"
#define KT_REF_MIN_SAMPLES 6
#define KT_REF_MAX_SAMPLES 60
#define KT_REF_HZ 20.0            /* samples per second, up to KT_REF_MAX_SAMPLES */
#define KT_REF_MIN_DURATION_MS 300.0
#define KT_REF_MAX_DURATION_MS 30000.0
#define KT_REF_MAX_JSON (1 << 20)

typedef struct kt_ref_signature {
  char id[64];               /* [A-Za-z0-9_-], the file's name without .json */
  char name[96];
  char model[32];            /* the pose model the keypoints came from */
  double duration_ms;
  double start_ms, end_ms;   /* the span of the source video */
  bool auto_span;            /* the span was found, not given */
  int n;                     /* samples, evenly spaced: sample k at k * duration / (n - 1) */
  float x[KT_REF_MAX_SAMPLES][KT_REF_NFEAT]; /* NaN: not seen */
  bool used[KT_REF_NFEAT];   /* seen in enough samples to be compared */
  bool moving[KT_REF_NFEAT]; /* used and part of the movement; the others used are "still" */
  float lo[KT_REF_NFEAT], hi[KT_REF_NFEAT], mean[KT_REF_NFEAT]; /* over the seen samples */
} kt_ref_signature;

/* Fills used/lo/hi/mean from the samples; with `pick_moving`, decides
 * which features move (the builder). Fails (kt_status_model_format, a
 * reason in err) when nothing moves. */
kt_status kt_ref_signature_derive(kt_ref_signature* s, bool pick_moving, char* err, size_t err_len);
/* Parses a signature file. Errors: kt_status_model_format with the field
 * at fault in `err`; kt_status_unsupported for another version. */
kt_status kt_ref_signature_parse(const char* json, kt_ref_signature* s, char* err, size_t err_len);
/* The file, as a new cJSON object (NULL on OOM). */
cJSON* kt_ref_signature_json(const kt_ref_signature* s);
/* The period between samples, ms. */
double kt_ref_signature_period(const kt_ref_signature* s);

#endif
