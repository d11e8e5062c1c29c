/* Tests for the TF.js graph-model loader (src/loaders/tfjs) through the
 * public kt_model_* API: half floats, a handmade model.json with float32,
 * float16 and uint8 weights, the error statuses, and the real MoveNet
 * files (truncated weights, corrupted JSON). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kinetrack.h"
#include "kt_test.h"
#include "core/half.h"
#include "loaders/tfjs/tfjs_internal.h"

/* ------------------------------------------------------------ float16 */

static void test_half_to_float(void) {
  KT_CHECK(kt_half_to_float(0x0000) == 0.0f && !signbit(kt_half_to_float(0x0000)));
  KT_CHECK(kt_half_to_float(0x8000) == 0.0f && signbit(kt_half_to_float(0x8000)));
  KT_CHECK(kt_half_to_float(0x3C00) == 1.0f);
  KT_CHECK(kt_half_to_float(0xC000) == -2.0f);
  KT_CHECK(kt_half_to_float(0x3555) == 0.333251953125f); /* 1365/4096 */
  KT_CHECK(kt_half_to_float(0x7BFF) == 65504.0f);         /* largest finite */
  KT_CHECK(kt_half_to_float(0x0001) == ldexpf(1.0f, -24)); /* smallest subnormal */
  KT_CHECK(kt_half_to_float(0x8001) == -ldexpf(1.0f, -24));
  KT_CHECK(kt_half_to_float(0x03FF) == ldexpf(1023.0f, -24)); /* largest subnormal */
  KT_CHECK(kt_half_to_float(0x0400) == ldexpf(1.0f, -14));    /* smallest normal */
  KT_CHECK(isinf(kt_half_to_float(0x7C00)) && kt_half_to_float(0x7C00) > 0);
  KT_CHECK(isinf(kt_half_to_float(0xFC00)) && kt_half_to_float(0xFC00) < 0);
  KT_CHECK(isnan(kt_half_to_float(0x7E00)));
  KT_CHECK(isnan(kt_half_to_float(0x7C01)));
  KT_CHECK(isnan(kt_half_to_float(0xFFFF)));
}

/* ------------------------------------------------------- a tiny model */

/* x (int32 [1,1,2,2]) -> Cast -> Mul w1 -> AddV2 w2 -> Sub w3 -> Identity.
 * w1 float32 [2] = 0.5, -2; w2 float16 [2] = 1.5, 0.25; w3 uint8 [2]
 * (scale 0.5, min -1) bytes 0, 6 = -1, 2. `op` replaces AddV2 and `in`
 * the Mul's first input, for the error cases. */
static char g_json[8192];
static const char* tiny_json(const char* op, const char* in) {
  snprintf(g_json, sizeof(g_json),
           "{\"format\":\"graph-model\",\"modelTopology\":{\"node\":["
           "{\"name\":\"x\",\"op\":\"Placeholder\",\"attr\":{\"dtype\":{\"type\":\"DT_INT32\"},"
           "\"shape\":{\"shape\":{\"dim\":[{\"size\":\"1\"},{\"size\":\"1\"},{\"size\":\"2\"},{\"size\":\"2\"}]}}}},"
           "{\"name\":\"w1\",\"op\":\"Const\",\"attr\":{\"dtype\":{\"type\":\"DT_FLOAT\"}}},"
           "{\"name\":\"w2\",\"op\":\"Const\",\"attr\":{\"dtype\":{\"type\":\"DT_FLOAT\"}}},"
           "{\"name\":\"w3\",\"op\":\"Const\",\"attr\":{\"dtype\":{\"type\":\"DT_FLOAT\"}}},"
           "{\"name\":\"c\",\"op\":\"Cast\",\"input\":[\"x\"],"
           "\"attr\":{\"SrcT\":{\"type\":\"DT_INT32\"},\"DstT\":{\"type\":\"DT_FLOAT\"}}},"
           "{\"name\":\"m\",\"op\":\"Mul\",\"input\":[\"%s\",\"w1\"],\"attr\":{\"T\":{\"type\":\"DT_FLOAT\"}}},"
           "{\"name\":\"a\",\"op\":\"%s\",\"input\":[\"m\",\"w2\"],\"attr\":{\"T\":{\"type\":\"DT_FLOAT\"}}},"
           "{\"name\":\"s\",\"op\":\"Sub\",\"input\":[\"a\",\"w3\",\"^c\"]},"
           "{\"name\":\"Identity\",\"op\":\"Identity\",\"input\":[\"s\"]}"
           "],\"library\":{},\"versions\":{\"producer\":1}},"
           "\"weightsManifest\":[{\"paths\":[\"group1-shard1of1.bin\"],\"weights\":["
           "{\"name\":\"w1\",\"shape\":[2],\"dtype\":\"float32\"},"
           "{\"name\":\"w2\",\"shape\":[2],\"dtype\":\"float32\","
           "\"quantization\":{\"dtype\":\"float16\",\"original_dtype\":\"float32\"}},"
           "{\"name\":\"w3\",\"shape\":[2],\"dtype\":\"float32\","
           "\"quantization\":{\"dtype\":\"uint8\",\"scale\":0.5,\"min\":-1,\"original_dtype\":\"float32\"}}"
           "]}]}",
           in, op);
  return g_json;
}

/* 8 bytes float32 + 4 bytes float16 + 2 bytes uint8 = 14, plus one spare
 * byte for the "one byte long" case. */
static uint8_t g_weights[15];
static void tiny_weights(void) {
  const float w1[2] = {0.5f, -2.0f};
  memcpy(g_weights, w1, 8);
  g_weights[8] = 0x00, g_weights[9] = 0x3E;  /* 1.5 = 0x3E00 */
  g_weights[10] = 0x00, g_weights[11] = 0x34; /* 0.25 = 0x3400 */
  g_weights[12] = 0, g_weights[13] = 6;       /* -1 + 0.5*0, -1 + 0.5*6 */
  g_weights[14] = 0xAB;
}

static kt_status load_tiny(const char* json, size_t wlen, kt_model** m) {
  tiny_weights();
  return kt_model_load_tfjs(json, strlen(json), g_weights, wlen, kt_backend_reference, m);
}

static void test_tiny_model_runs(void) {
  kt_model* m = NULL;
  KT_CHECK(load_tiny(tiny_json("AddV2", "c:0"), 14, &m) == kt_status_ok);
  if (!m) return;
  int32_t in_dims[4], out_dims[4];
  KT_CHECK(kt_model_input_dims(m, in_dims) == kt_status_ok);
  KT_CHECK(kt_model_output_dims(m, out_dims) == kt_status_ok);
  KT_CHECK(in_dims[0] == 1 && in_dims[1] == 1 && in_dims[2] == 2 && in_dims[3] == 2);
  KT_CHECK(out_dims[0] == 1 && out_dims[1] == 1 && out_dims[2] == 2 && out_dims[3] == 2);
  /* x = 1,2,3,4: m = .5,-4,1.5,-8; a = m + (1.5,.25) = 2,-3.75,3,-7.75;
   * s = a - (-1,2) = 3,-5.75,4,-9.75. */
  const int32_t x[4] = {1, 2, 3, 4};
  float y[4] = {0};
  KT_CHECK(kt_model_run_i32(m, x, 4, y, 4) == kt_status_ok);
  const float want[4] = {3.0f, -5.75f, 4.0f, -9.75f};
  for (int i = 0; i < 4; i++) KT_CHECK(y[i] == want[i]);
  /* Again with other values: the planned buffers are reused. */
  const int32_t x2[4] = {-2, 0, 10, -1};
  KT_CHECK(kt_model_run_i32(m, x2, 4, y, 4) == kt_status_ok);
  const float want2[4] = {1.5f, -1.75f, 7.5f, 0.25f};
  for (int i = 0; i < 4; i++) KT_CHECK(y[i] == want2[i]);
  /* Wrong counts and NULLs are invalid arguments. */
  KT_CHECK(kt_model_run_i32(m, x, 3, y, 4) == kt_status_invalid_argument);
  KT_CHECK(kt_model_run_i32(m, x, 4, y, 5) == kt_status_invalid_argument);
  KT_CHECK(kt_model_run_i32(m, NULL, 4, y, 4) == kt_status_invalid_argument);
  KT_CHECK(kt_model_run_i32(m, x, 4, NULL, 4) == kt_status_invalid_argument);
  KT_CHECK(kt_model_run_i32(NULL, x, 4, y, 4) == kt_status_invalid_argument);
  KT_CHECK(kt_model_input_dims(NULL, in_dims) == kt_status_invalid_argument);
  KT_CHECK(kt_model_output_dims(m, NULL) == kt_status_invalid_argument);
  kt_model_destroy(m);
  kt_model_destroy(NULL);
}

static void test_load_errors(void) {
  kt_model* const sentinel = (kt_model*)&g_weights; /* never dereferenced */
  kt_model* m = sentinel;
  const char* ok_json = tiny_json("AddV2", "c");
  tiny_weights();
  KT_CHECK(kt_model_load_tfjs(NULL, 10, g_weights, 14, kt_backend_reference, &m) == kt_status_invalid_argument);
  KT_CHECK(kt_model_load_tfjs(ok_json, strlen(ok_json), g_weights, 14, kt_backend_reference, NULL) ==
           kt_status_invalid_argument);
  KT_CHECK(kt_model_load_tfjs(ok_json, strlen(ok_json), NULL, 14, kt_backend_reference, &m) ==
           kt_status_invalid_argument);
  KT_CHECK(kt_model_load_tfjs(ok_json, strlen(ok_json), g_weights, 14, (kt_backend)7, &m) ==
           kt_status_invalid_argument);
  KT_CHECK(m == sentinel); /* untouched on failure */

  const char* not_json = "this is not { json";
  KT_CHECK(kt_model_load_tfjs(not_json, strlen(not_json), g_weights, 14, kt_backend_reference, &m) ==
           kt_status_model_format);
  KT_CHECK(kt_model_load_tfjs("", 0, g_weights, 14, kt_backend_reference, &m) == kt_status_model_format);
  KT_CHECK(kt_model_load_tfjs("{}", 2, NULL, 0, kt_backend_reference, &m) == kt_status_model_format);
  /* The JSON length is honoured: only a prefix is given. */
  KT_CHECK(kt_model_load_tfjs(ok_json, strlen(ok_json) / 2, g_weights, 14, kt_backend_reference, &m) ==
           kt_status_model_format);

  KT_CHECK(load_tiny(tiny_json("AddV2", "c"), 13, &m) == kt_status_model_format);
  KT_CHECK(strstr(kt_last_error(), "truncated") != NULL);
  KT_CHECK(load_tiny(tiny_json("AddV2", "c"), 15, &m) == kt_status_model_format);
  KT_CHECK(load_tiny(tiny_json("AddV2", "c"), 0, &m) == kt_status_model_format);

  KT_CHECK(load_tiny(tiny_json("Einsum", "c"), 14, &m) == kt_status_unsupported);
  KT_CHECK(strstr(kt_last_error(), "Einsum") != NULL);
  KT_CHECK(strstr(kt_last_error(), "'a'") != NULL); /* names the node too */

  KT_CHECK(load_tiny(tiny_json("AddV2", "nope"), 14, &m) == kt_status_model_format);
  KT_CHECK(strstr(kt_last_error(), "nope") != NULL);
  /* A node reading its own output: a cycle. */
  KT_CHECK(load_tiny(tiny_json("AddV2", "m"), 14, &m) == kt_status_model_format);
  KT_CHECK(m == sentinel);

  /* A successful load clears the last error. */
  m = NULL;
  KT_CHECK(load_tiny(tiny_json("AddV2", "c"), 14, &m) == kt_status_ok);
  KT_CHECK(kt_last_error()[0] == '\0');
  kt_model_destroy(m);
}

static void test_tiny_json_fuzz(void) {
  /* Byte flips in the handmade model: any status, never a crash or a
   * sanitizer report; whatever loads must also run. */
  const char* base = tiny_json("AddV2", "c");
  size_t len = strlen(base);
  char* buf = malloc(len + 1);
  uint32_t seed = 12345;
  int loaded = 0;
  tiny_weights();
  for (int iter = 0; iter < 3000; iter++) {
    memcpy(buf, base, len + 1);
    int flips = 1 + iter % 3;
    for (int f = 0; f < flips; f++) {
      seed = seed * 1664525u + 1013904223u;
      size_t at = (seed >> 8) % len;
      seed = seed * 1664525u + 1013904223u;
      if (iter % 2) {
        /* Odd iterations keep the JSON valid: a digit becomes another
         * digit (shapes, sizes, attrs), reaching shape inference. */
        while (at < len && (buf[at] < '0' || buf[at] > '9')) at++;
        if (at < len) buf[at] = (char)('0' + (seed >> 24) % 10);
      } else {
        buf[at] = (char)(32 + (seed >> 24) % 95);
      }
    }
    kt_model* m = NULL;
    kt_status s = kt_model_load_tfjs(buf, len, g_weights, 14, kt_backend_reference, &m);
    KT_CHECK((s == kt_status_ok) == (m != NULL));
    if (m) {
      loaded++;
      int32_t in_dims[4], out_dims[4];
      if (kt_model_input_dims(m, in_dims) == kt_status_ok && kt_model_output_dims(m, out_dims) == kt_status_ok) {
        size_t ni = (size_t)in_dims[0] * in_dims[1] * in_dims[2] * in_dims[3];
        size_t no = (size_t)out_dims[0] * out_dims[1] * out_dims[2] * out_dims[3];
        if (ni <= 1024 && no <= 1024) {
          int32_t x[1024] = {0};
          float y[1024];
          (void)kt_model_run_i32(m, x, ni, y, no);
        }
      }
      kt_model_destroy(m);
    }
  }
  KT_CHECK(loaded > 0); /* flips inside names/whitespace still load */
  free(buf);
}

/* ------------------------------------------------------------ MoveNet */


static char* g_mn_json;
static uint8_t* g_mn_bin;
static size_t g_mn_json_len, g_mn_bin_len;

static bool have_movenet(void) {
  if (!g_mn_json) g_mn_json = (char*)kt_test_read_file("models/movenet-lightning.json", &g_mn_json_len);
  if (!g_mn_bin) g_mn_bin = kt_test_read_file("models/movenet-lightning.bin", &g_mn_bin_len);
  if (!g_mn_json || !g_mn_bin) {
    printf("# skipped: models/movenet-lightning.{json,bin} not found (run `make models`)\n");
    return false;
  }
  return true;
}

static void test_movenet_loads(void) {
  if (!have_movenet()) return;
  kt_model* m = NULL;
  KT_CHECK(kt_model_load_tfjs(g_mn_json, g_mn_json_len, g_mn_bin, g_mn_bin_len, kt_backend_reference, &m) ==
           kt_status_ok);
  if (!m) {
    fprintf(stderr, "  %s\n", kt_last_error());
    return;
  }
  int32_t d[4];
  KT_CHECK(kt_model_input_dims(m, d) == kt_status_ok);
  KT_CHECK(d[0] == 1 && d[1] == 192 && d[2] == 192 && d[3] == 3);
  KT_CHECK(kt_model_output_dims(m, d) == kt_status_ok);
  KT_CHECK(d[0] == 1 && d[1] == 1 && d[2] == 17 && d[3] == 3);
  kt_model_destroy(m);
}

static void test_movenet_truncated_weights(void) {
  if (!have_movenet()) return;
  const size_t cuts[] = {0, 1, 1000, g_mn_bin_len / 2, g_mn_bin_len - 1};
  for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
    /* A fresh copy of exactly the prefix, so ASan sees any overread. */
    uint8_t* prefix = malloc(cuts[i] ? cuts[i] : 1);
    memcpy(prefix, g_mn_bin, cuts[i]);
    kt_model* m = NULL;
    kt_status s = kt_model_load_tfjs(g_mn_json, g_mn_json_len, prefix, cuts[i], kt_backend_reference, &m);
    if (s != kt_status_model_format) fprintf(stderr, "  cut %zu: %s\n", cuts[i], kt_status_name(s));
    KT_CHECK(s == kt_status_model_format);
    KT_CHECK(m == NULL);
    free(prefix);
  }
  /* One byte too many is also a mismatch. */
  uint8_t* longer = malloc(g_mn_bin_len + 1);
  memcpy(longer, g_mn_bin, g_mn_bin_len);
  longer[g_mn_bin_len] = 0;
  kt_model* m = NULL;
  KT_CHECK(kt_model_load_tfjs(g_mn_json, g_mn_json_len, longer, g_mn_bin_len + 1, kt_backend_reference, &m) ==
           kt_status_model_format);
  free(longer);
}

static void test_movenet_json_fuzz(void) {
  if (!have_movenet()) return;
  char* buf = malloc(g_mn_json_len);
  uint32_t seed = 2024;
  int ok = 0, failed = 0;
  for (int iter = 0; iter < 80; iter++) {
    memcpy(buf, g_mn_json, g_mn_json_len);
    int flips = 1 + iter % 8;
    for (int f = 0; f < flips; f++) {
      seed = seed * 1664525u + 1013904223u;
      size_t at = (seed >> 4) % g_mn_json_len;
      seed = seed * 1664525u + 1013904223u;
      if (iter % 2) { /* a digit to another digit: still valid JSON */
        while (at < g_mn_json_len && (buf[at] < '0' || buf[at] > '9')) at++;
        if (at < g_mn_json_len) buf[at] = (char)('0' + (seed >> 24) % 10);
      } else {
        buf[at] = (char)(seed >> 24); /* any byte, NUL included */
      }
    }
    kt_model* m = NULL;
    kt_status s = kt_model_load_tfjs(buf, g_mn_json_len, g_mn_bin, g_mn_bin_len, kt_backend_reference, &m);
    KT_CHECK((s == kt_status_ok) == (m != NULL));
    if (s == kt_status_ok) ok++;
    else failed++;
    kt_model_destroy(m);
  }
  printf("# movenet json fuzz: %d loaded, %d refused\n", ok, failed);
  KT_CHECK(failed > 0);
  free(buf);
}

int main(void) {
  KT_RUN(test_half_to_float);
  KT_RUN(test_tiny_model_runs);
  KT_RUN(test_load_errors);
  KT_RUN(test_tiny_json_fuzz);
  KT_RUN(test_movenet_loads);
  KT_RUN(test_movenet_truncated_weights);
  KT_RUN(test_movenet_json_fuzz);
  free(g_mn_json);
  free(g_mn_bin);
  return kt_test_summary();
}
