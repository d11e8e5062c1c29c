/* fuzz_definition.c — libFuzzer harness for the exercise definition parser
 * (src/exercise/definition*.c): the format operators write by hand for
 * userExercise, so hostile or broken text must be refused with a reason,
 * never a crash.
 *
 * Input: byte 0 picks the difficulty (bits 0-1, 3 = hard too) and how
 * many frames to run a compiled definition for (bits 2-7, 0..63); the
 * remaining bytes, copied and NUL-terminated, are the definition.
 *
 * Invariants:
 *  - kt_exercise_create returns ok, model_format (the parser's refusal,
 *    with a reason in kt_last_error) or invalid_argument (a calibrated
 *    jump without a height is not one here: the harness gives 175 cm);
 *  - a compiled definition runs frames of pseudo-random keypoints (some
 *    under the confidence floor, some outside the frame) and finishes,
 *    every call ok, its messages a JSON array. */
#include <stdint.h>
#include <string.h>

#include "cJSON.h"
#include "exercise/engine.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

static uint32_t next(uint32_t* s) {
  *s = *s * 1664525u + 1013904223u;
  return *s >> 8;
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024) return -1;
  char* json = malloc(size); /* exact size: ASan sees reads past the NUL */
  if (!json) return 0;
  memcpy(json, data + 1, size - 1);
  json[size - 1] = '\0';
  kt_exercise_config cfg = {.id = "fuzz",
                            .definition_json = json,
                            .difficulty = (kt_difficulty)((data[0] & 3) % 3),
                            .user_height_cm = 175};
  kt_exercise* ex = NULL;
  kt_status s = kt_exercise_create(&cfg, &ex);
  FUZZ_CHECK(s == kt_status_ok || s == kt_status_model_format || s == kt_status_invalid_argument);
  if (s != kt_status_ok) {
    FUZZ_CHECK(ex == NULL);
    FUZZ_CHECK(kt_last_error()[0] != '\0');
    free(json);
    return 0;
  }
  uint32_t seed = 2166136261u;
  for (size_t i = 0; i < size; i++) seed = (seed ^ data[i]) * 16777619u;
  const int frames = data[0] >> 2;
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
  FUZZ_CHECK(cJSON_GetArraySize(list) >= 2); /* the final counter and exercise_summary */
  cJSON_Delete(list);
  kt_exercise_destroy(ex);
  free(json);
  return 0;
}
