/* reference_trace_tool.c — builds a reference movement's signature from a
 * keypoint trace (the JSONL of `kinetrack analyze` with keypoints=true).
 * Not a test (no test_ prefix): a tool to study references on real
 * footage; exercise_trace_tool -R runs one over a trace.
 *
 *   reference_trace_tool TRACE.jsonl WIDTH HEIGHT [START_MS END_MS]
 *
 * Prints the signature (JSON) on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "kinetrack.h"
#include "trace_reader.h"

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s TRACE W H [START_MS END_MS]\n", argv[0]);
    return 2;
  }
  const int w = atoi(argv[2]), h = atoi(argv[3]);
  const double start = argc > 5 ? atof(argv[4]) : -1, end = argc > 5 ? atof(argv[5]) : -1;
  kt_reference_builder* b = NULL;
  if (kt_reference_builder_create(&b) != kt_status_ok) return 1;
  FILE* f = fopen(argv[1], "r");
  if (!f) return 1;
  static char line[1 << 16];
  while (fgets(line, sizeof(line), f)) {
    cJSON* m = cJSON_Parse(line);
    kt_keypoint kps[KT_NUM_KEYPOINTS];
    double ts;
    if (trace_keypoints(m, kps, &ts)) kt_reference_builder_add(b, kps, w, h, ts);
    cJSON_Delete(m);
  }
  fclose(f);
  char* json = NULL;
  const kt_status s = kt_reference_builder_finish(b, start, end, "trace-reference", argv[1], "movenet-lightning", &json);
  kt_reference_builder_destroy(b);
  if (s != kt_status_ok) {
    fprintf(stderr, "finish: %s: %s\n", kt_status_name(s), kt_last_error());
    return 1;
  }
  printf("%s\n", json);
  kt_free(json);
  return 0;
}
