/* fuzz_tfjs_loader.c — libFuzzer harness for the TF.js graph-model loader
 * (kt_model_load_tfjs: src/loaders/tfjs + graph preparation in
 * src/runtime), on the reference backend.
 *
 * Input: bytes 0..3 are the model.json length L (little-endian, clamped
 * to what is there); the next L bytes are model.json, the rest the weight
 * bytes. tests/fuzz/make_seeds.mjs writes seeds in this format.
 *
 * Invariants: the status is a kt_status; the model pointer is set exactly
 * on ok and left untouched otherwise; a loaded model has 4-d input/output
 * dims >= 0 (or a rank the API refuses), and when both are small
 * (<= 1<<16 elements) it runs once on a zero int32 input. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_check.h"
#include "kinetrack.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
const char* __asan_default_options(void);

/* A model.json of a few hundred bytes can declare tensors of gigabytes
 * (shapes are not capped). Under this harness an allocation above 256 MB
 * returns NULL, as it would in wasm's 4 GB memory, instead of libFuzzer
 * reporting an out-of-memory: the loader must turn that into a status. */
const char* __asan_default_options(void) { return "allocator_may_return_null=1:max_allocation_size_mb=256"; }

#define MAX_INPUT (64 * 1024)
#define MAX_RUN_ELEMENTS ((size_t)1 << 16)

/* Element count of 4 dims into *n; false when it is above the limit.
 * A dim may be 0: zero-size weights are allowed and broadcast ([4,1] with
 * [0] is [4,0]), so a model can have an empty output. */
static bool small_count(const int32_t d[4], size_t* n) {
  *n = 1;
  for (int i = 0; i < 4; i++) {
    FUZZ_CHECK(d[i] >= 0);
    if ((size_t)d[i] > MAX_RUN_ELEMENTS) return false;
    *n *= (size_t)d[i];
    if (*n > MAX_RUN_ELEMENTS) return false;
  }
  return true;
}

static void try_run(kt_model* m) {
  int32_t in_dims[4], out_dims[4];
  if (kt_model_input_dims(m, in_dims) != kt_status_ok) return;
  if (kt_model_output_dims(m, out_dims) != kt_status_ok) return;
  size_t ni, no;
  if (!small_count(in_dims, &ni) || !small_count(out_dims, &no)) return;
  int32_t* x = calloc(ni ? ni : 1, sizeof(*x));
  float* y = malloc(no ? no * sizeof(*y) : 1);
  if (x && y) {
    kt_status s = kt_model_run_i32(m, x, ni, y, no);
    /* unsupported: not an int32 -> f32 model. */
    FUZZ_CHECK(s == kt_status_ok || s == kt_status_unsupported || s == kt_status_invalid_argument ||
               s == kt_status_out_of_memory);
  }
  free(x);
  free(y);
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4 || size > MAX_INPUT) return -1;
  size_t json_len = (size_t)data[0] | (size_t)data[1] << 8 | (size_t)data[2] << 16 | (size_t)data[3] << 24;
  if (json_len > size - 4) json_len = size - 4;
  /* Copy the JSON to an exactly-sized buffer (not NUL-terminated) so an
   * over-read is an ASan report; the weights already end the input. */
  char* json = malloc(json_len ? json_len : 1);
  if (!json) return 0;
  memcpy(json, data + 4, json_len);
  const uint8_t* weights = data + 4 + json_len;
  size_t weights_len = size - 4 - json_len;

  static int sentinel_storage;
  kt_model* const sentinel = (kt_model*)&sentinel_storage; /* never dereferenced */
  kt_model* m = sentinel;
  kt_status s = kt_model_load_tfjs(json, json_len, weights, weights_len, kt_backend_reference, &m);
  FUZZ_CHECK((unsigned)s <= (unsigned)kt_status_invalid_query);
  if (s == kt_status_ok) {
    FUZZ_CHECK(m != sentinel && m != NULL);
    FUZZ_CHECK(kt_last_error()[0] == '\0');
    try_run(m);
    kt_model_destroy(m);
  } else {
    FUZZ_CHECK(m == sentinel);
    FUZZ_CHECK(kt_status_name(s) != NULL);
  }
  free(json);
  return 0;
}
