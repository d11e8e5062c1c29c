/* fuzz_signature.c — libFuzzer harness for reference movements: the
 * signature parser (src/exercise/reference/ref_signature.c), the matcher
 * and scores it drives, and the builder's search for the clearest
 * repetition. A signature is a file an operator's server hands the pages,
 * so hostile or broken text must be refused with a reason, never a crash.
 *
 * Input: byte 0, bit 7 clear: the signature mode. Bits 0-1 pick the
 * scoring profile (3 = kali-analysis too), bits 2-6 how many frames
 * (0..31) to run a parsed signature for; the remaining bytes, copied and
 * NUL-terminated, are the signature.
 * Bit 7 set: the builder mode. The remaining bytes are poses, 17 x 3
 * floats each (x, y, score: anything, NaN and infinities included), one
 * frame every 33 ms; the builder searches the clearest repetition.
 *
 * Invariants:
 *  - kt_exercise_create returns ok, model_format or unsupported (another
 *    version), with a reason in kt_last_error when it fails;
 *  - a parsed signature runs frames of pseudo-random keypoints and
 *    finishes, every call ok, the final counter and summary sent;
 *  - the builder returns ok (a signature the parser reads back) or
 *    model_format / invalid_argument with a reason. */
#include <stdint.h>
#include <string.h>

#include "cJSON.h"
#include "exercise/engine.h"
#include "fuzz_check.h"
#include "kinetrack.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

static uint32_t next(uint32_t* s) {
  *s = *s * 1664525u + 1013904223u;
  return *s >> 8;
}

static void builder_mode(const uint8_t* data, size_t size) {
  kt_reference_builder* b = NULL;
  FUZZ_CHECK(kt_reference_builder_create(&b) == kt_status_ok);
  const size_t frame_bytes = KT_NUM_KEYPOINTS * 3 * sizeof(float);
  for (size_t off = 0, f = 0; off + frame_bytes <= size; off += frame_bytes, f++) {
    kt_keypoint k[KT_NUM_KEYPOINTS];
    memcpy(k, data + off, frame_bytes);
    const kt_status s = kt_reference_builder_add(b, k, 640, 480, (double)f * 33.0);
    FUZZ_CHECK(s == kt_status_ok);
  }
  char* json = NULL;
  const kt_status s = kt_reference_builder_finish(b, -1, -1, "fuzz", "fuzz", "fuzz", &json);
  FUZZ_CHECK(s == kt_status_ok || s == kt_status_model_format || s == kt_status_invalid_argument ||
             s == kt_status_invalid_state);
  if (s == kt_status_ok) {
    kt_exercise_config cfg = {.id = "fuzz", .reference_json = json};
    kt_exercise* ex = NULL;
    FUZZ_CHECK(kt_exercise_create(&cfg, &ex) == kt_status_ok); /* what it wrote, it reads */
    kt_exercise_destroy(ex);
  } else {
    FUZZ_CHECK(json == NULL);
  }
  kt_free(json);
  kt_reference_builder_destroy(b);
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024) return -1;
  if (data[0] & 0x80) {
    builder_mode(data + 1, size - 1);
    return 0;
  }
  char* json = malloc(size); /* exact size: ASan sees reads past the NUL */
  if (!json) return 0;
  memcpy(json, data + 1, size - 1);
  json[size - 1] = '\0';
  const int profile = (data[0] & 3) == 3 ? 2 : data[0] & 3;
  kt_exercise_config cfg = {.id = "fuzz", .reference_json = json, .scoring_profile = profile, .min_grade = 'C'};
  kt_exercise* ex = NULL;
  kt_status s = kt_exercise_create(&cfg, &ex);
  FUZZ_CHECK(s == kt_status_ok || s == kt_status_model_format || s == kt_status_unsupported);
  if (s != kt_status_ok) {
    FUZZ_CHECK(ex == NULL);
    FUZZ_CHECK(kt_last_error()[0] != '\0');
    free(json);
    return 0;
  }
  uint32_t seed = 2166136261u;
  for (size_t i = 0; i < size; i++) seed = (seed ^ data[i]) * 16777619u;
  const int frames = (data[0] >> 2) & 31;
  kt_keypoint kps[KT_NUM_KEYPOINTS];
  for (int f = 0; f < frames; f++) {
    for (int k = 0; k < KT_NUM_KEYPOINTS; k++) {
      kps[k].x = (float)(next(&seed) % 1400) / 1000.0f - 0.2f;
      kps[k].y = (float)(next(&seed) % 1400) / 1000.0f - 0.2f;
      kps[k].score = (float)(next(&seed) % 1000) / 1000.0f;
    }
    cJSON* list = cJSON_CreateArray();
    FUZZ_CHECK(list != NULL);
    s = kt_exercise_update(ex, kps, 640, 480, f * 40.0, list, 1, 1);
    FUZZ_CHECK(s == kt_status_ok);
    cJSON_Delete(list);
  }
  cJSON* list = cJSON_CreateArray();
  FUZZ_CHECK(list != NULL);
  FUZZ_CHECK(kt_exercise_finish(ex, frames * 40.0, list) == kt_status_ok);
  FUZZ_CHECK(cJSON_GetArraySize(list) >= 2);
  cJSON_Delete(list);
  kt_exercise_destroy(ex);
  free(json);
  return 0;
}
