/* fuzz_tflite_loader.c — libFuzzer harness for the TFLite loader
 * (kt_model_load_tflite: src/loaders/tflite + graph preparation in
 * src/runtime), on the reference backend.
 *
 * Input: the bytes of a .tflite file (seeds: tests/fuzz/corpus/tflite_loader,
 * written by tests/fuzz/make_seeds.mjs).
 *
 * Invariants: the status is a kt_status; the model pointer is set exactly
 * on ok and left untouched otherwise; a loaded model has at least one
 * output, each with a name and dims >= 0, and when its f32 input is small
 * it runs once on zeros. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "kinetrack.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
const char* __asan_default_options(void);

/* Shapes in a few bytes can declare huge tensors: allocations above
 * 256 MB return NULL (as in wasm) and the loader must report it. */
const char* __asan_default_options(void) { return "allocator_may_return_null=1:max_allocation_size_mb=256"; }

#define MAX_INPUT (64 * 1024)
#define MAX_RUN_ELEMENTS ((size_t)1 << 16)

static void try_run(kt_model* m) {
  int32_t in[4];
  if (kt_model_input_dims(m, in) != kt_status_ok) return;
  size_t n = 1;
  for (int i = 0; i < 4; i++) {
    FUZZ_CHECK(in[i] >= 0);
    if ((size_t)in[i] > MAX_RUN_ELEMENTS || (n *= (size_t)in[i]) > MAX_RUN_ELEMENTS) return;
  }
  for (int i = 0; i < kt_model_num_outputs(m); i++) {
    int32_t d[4];
    const char* name = NULL;
    kt_status s = kt_model_output_info(m, i, &name, d);
    FUZZ_CHECK(s == kt_status_ok || s == kt_status_unsupported);
    if (s == kt_status_ok) FUZZ_CHECK(name != NULL && d[0] >= 0 && d[1] >= 0 && d[2] >= 0 && d[3] >= 0);
    size_t count = 1;
    for (int k = 0; s == kt_status_ok && k < 4; k++) count *= (size_t)d[k];
    if (s == kt_status_ok && count > MAX_RUN_ELEMENTS) return; /* a huge output: loading was the test */
  }
  float* x = calloc(n ? n : 1, sizeof(float));
  if (!x) return;
  kt_status s = kt_model_run(m, kt_element_f32, x, n);
  FUZZ_CHECK(s == kt_status_ok || s == kt_status_unsupported || s == kt_status_invalid_argument ||
             s == kt_status_out_of_memory);
  for (int i = 0; s == kt_status_ok && i < kt_model_num_outputs(m); i++) {
    const float* o = NULL;
    size_t k = 0;
    kt_status os = kt_model_output(m, i, &o, &k);
    FUZZ_CHECK(os == kt_status_ok || os == kt_status_unsupported);
  }
  free(x);
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > MAX_INPUT) return -1;
  /* An exactly-sized copy, so any read past the end is an ASan report. */
  uint8_t* bytes = malloc(size ? size : 1);
  if (!bytes) return 0;
  memcpy(bytes, data, size);
  static int sentinel_storage;
  kt_model* const sentinel = (kt_model*)&sentinel_storage; /* never dereferenced */
  kt_model* m = sentinel;
  kt_status s = kt_model_load_tflite(bytes, size, kt_backend_reference, &m);
  FUZZ_CHECK((unsigned)s <= (unsigned)kt_status_invalid_query);
  if (s == kt_status_ok) {
    FUZZ_CHECK(m != sentinel && m != NULL);
    FUZZ_CHECK(kt_model_num_outputs(m) >= 1);
    try_run(m);
    kt_model_destroy(m);
  } else {
    FUZZ_CHECK(m == sentinel);
    FUZZ_CHECK(kt_last_error()[0] != '\0');
  }
  free(bytes);
  return 0;
}
