/* exercise_trace_tool.c — runs the exercise engine over a keypoint trace
 * (the JSONL of `kinetrack analyze`: one `keypoints` message per frame)
 * and prints the exercise messages, or just the final count. Not a test
 * (no test_ prefix): a tool to tune definitions against real footage.
 *
 *   exercise_trace_tool TRACE.jsonl WIDTH HEIGHT EXERCISE
 *       [-d easy|medium|hard] [-g A..D] [-p padding] [-H height_cm] [-v]
 *       [-R SIGNATURE.json [-P 0|1|2]]   (a reference movement: EXERCISE is its id;
 *                                          -P the scoring profile, default 2 kali-analysis)
 *
 * Prints "count N" (reps, seconds held or jumps) last. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "exercise/engine.h"
#include "kinetrack.h"
#include "trace_reader.h"

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s TRACE W H EXERCISE [-d level] [-g grade] [-p pad] [-H cm] [-v]\n", argv[0]);
    return 2;
  }
  kt_exercise_config cfg = {0};
  cfg.id = argv[4];
  cfg.difficulty = kt_difficulty_medium;
  int verbose = 0;
  for (int i = 5; i < argc; i++) {
    if (!strcmp(argv[i], "-v")) verbose = 1;
    else if (!strcmp(argv[i], "-d") && i + 1 < argc) {
      const char* d = argv[++i];
      cfg.difficulty = !strcmp(d, "easy") ? kt_difficulty_easy : !strcmp(d, "hard") ? kt_difficulty_hard : kt_difficulty_medium;
    } else if (!strcmp(argv[i], "-g") && i + 1 < argc) cfg.min_grade = argv[++i][0];
    else if (!strcmp(argv[i], "-p") && i + 1 < argc) cfg.placement_padding = atof(argv[++i]);
    else if (!strcmp(argv[i], "-H") && i + 1 < argc) cfg.user_height_cm = atof(argv[++i]);
    else if (!strcmp(argv[i], "-P") && i + 1 < argc) cfg.scoring_profile = atoi(argv[++i]);
    else if (!strcmp(argv[i], "-R") && i + 1 < argc) {
      FILE* rf = fopen(argv[++i], "rb");
      static char sig[1 << 20];
      const size_t n = rf ? fread(sig, 1, sizeof(sig) - 1, rf) : 0;
      if (rf) fclose(rf);
      sig[n] = 0;
      cfg.reference_json = sig;
    }
  }
  if (cfg.reference_json && !cfg.scoring_profile) cfg.scoring_profile = 2;
  const int w = atoi(argv[2]), h = atoi(argv[3]);
  kt_exercise* ex = NULL;
  kt_status s = kt_exercise_create(&cfg, &ex);
  if (s != kt_status_ok) {
    fprintf(stderr, "create: %s: %s\n", kt_status_name(s), kt_last_error());
    return 1;
  }
  FILE* f = fopen(argv[1], "r");
  if (!f) return 1;
  static char line[1 << 16];
  double last_ts = 0;
  int count = 0;
  while (fgets(line, sizeof(line), f)) {
    cJSON* m = cJSON_Parse(line);
    kt_keypoint kps[KT_NUM_KEYPOINTS];
    if (!trace_keypoints(m, kps, &last_ts)) {
      cJSON_Delete(m);
      continue;
    }
    cJSON* list = cJSON_CreateArray();
    s = kt_exercise_update(ex, kps, w, h, last_ts, list, 1, 1);
    if (s != kt_status_ok) fprintf(stderr, "update: %s\n", kt_status_name(s));
    const cJSON* msg;
    cJSON_ArrayForEach(msg, list) {
      if (verbose && (verbose > 1 || strcmp(cJSON_GetObjectItem(msg, "type")->valuestring, "progression"))) {
        char* t = cJSON_PrintUnformatted(msg);
        printf("%s\n", t);
        free(t);
      }
    }
    cJSON_Delete(list);
    cJSON_Delete(m);
  }
  fclose(f);
  cJSON* list = cJSON_CreateArray();
  kt_exercise_finish(ex, last_ts, list);
  const cJSON* msg;
  cJSON_ArrayForEach(msg, list) {
    if (!strcmp(cJSON_GetObjectItem(msg, "type")->valuestring, "exercise_summary"))
      count = cJSON_GetObjectItem(msg, "counter")->valueint;
    if (verbose) {
      char* t = cJSON_PrintUnformatted(msg);
      printf("%s\n", t);
      free(t);
    }
  }
  cJSON_Delete(list);
  kt_exercise_destroy(ex);
  printf("count %d\n", count);
  return 0;
}
