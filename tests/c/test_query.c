/* Tests for src/query/query.c: kt_query_parse and kt_query_decode. */
#include <stdlib.h>
#include <string.h>

#include "kt_test.h"
#include "query/query.h"

static kt_query g_q;
static kt_query_error g_e;

static kt_status parse(const char* query, const char* plan) {
  memset(&g_q, 0xA5, sizeof(g_q)); /* garbage: parse must fill every field */
  memset(&g_e, 0, sizeof(g_e));
  return kt_query_parse(query, plan, &g_q, &g_e);
}

static void test_defaults(void) {
  const char* empties[] = {NULL, "", "?", "&&", "unknown=1&other"};
  for (size_t i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
    KT_CHECK(parse(empties[i], NULL) == kt_status_ok);
    KT_CHECK(g_q.source == kt_source_video);
    KT_CHECK(g_q.skeleton == true);
    KT_CHECK(g_q.keypoints == false);
    KT_CHECK(g_q.angles == false);
    KT_CHECK(g_q.plan == kt_plan_developer);
  }
}

static void test_values(void) {
  KT_CHECK(parse("source=image", NULL) == kt_status_ok);
  KT_CHECK(g_q.source == kt_source_image);
  KT_CHECK(parse("?source=video&keypoints=true&angles=1&skeleton=false", "developer") == kt_status_ok);
  KT_CHECK(g_q.source == kt_source_video && g_q.keypoints && g_q.angles && !g_q.skeleton);
  KT_CHECK(parse("keypoints&skeleton=0", NULL) == kt_status_ok); /* a bare flag means true */
  KT_CHECK(g_q.keypoints && !g_q.skeleton);
  /* The last occurrence wins. */
  KT_CHECK(parse("source=image&source=video", NULL) == kt_status_ok);
  KT_CHECK(g_q.source == kt_source_video);
  /* Parameter names are case-sensitive: "Source" is unknown, so ignored. */
  KT_CHECK(parse("Source=nope&ANGLES=maybe", NULL) == kt_status_ok);
  KT_CHECK(g_q.source == kt_source_video && !g_q.angles);
}

static void test_bad_source(void) {
  KT_CHECK(parse("source=camera", NULL) == kt_status_invalid_query);
  KT_CHECK(strcmp(g_e.code, "invalid_param") == 0);
  KT_CHECK(strcmp(g_e.param, "source") == 0);
  KT_CHECK(strcmp(g_e.value, "camera") == 0);
  KT_CHECK(strcmp(g_e.allowed, "video|image") == 0);
  KT_CHECK(strstr(g_e.message, "source") != NULL);
  /* Prefixes and empty values of a choice are not choices. */
  KT_CHECK(parse("source=imag", NULL) == kt_status_invalid_query);
  KT_CHECK(parse("source=videos", NULL) == kt_status_invalid_query);
  KT_CHECK(parse("source=", NULL) == kt_status_invalid_query);
  KT_CHECK(parse("source=video|image", NULL) == kt_status_invalid_query);
  KT_CHECK(parse("angles=yes", NULL) == kt_status_invalid_query);
  KT_CHECK(strcmp(g_e.code, "invalid_param") == 0 && strcmp(g_e.param, "angles") == 0);
  KT_CHECK(strcmp(g_e.allowed, "true|false") == 0);
}

static void test_percent_decoding(void) {
  KT_CHECK(parse("angles=%74rue", NULL) == kt_status_ok);
  KT_CHECK(g_q.angles);
  KT_CHECK(parse("%73ource=%69mage", NULL) == kt_status_ok); /* key decoded too */
  KT_CHECK(g_q.source == kt_source_image);
  KT_CHECK(parse("source=IM%41GE", NULL) == kt_status_ok); /* choices ignore case */
  KT_CHECK(g_q.source == kt_source_image);
  KT_CHECK(parse("source=IM%41GES", NULL) == kt_status_invalid_query);
  KT_CHECK(strcmp(g_e.value, "IMAGES") == 0);
  /* '+' is a space: "video " is not "video". */
  KT_CHECK(parse("source=video+", NULL) == kt_status_invalid_query);
  KT_CHECK(strcmp(g_e.value, "video ") == 0);
  /* Bad escapes: truncated, non-hex. */
  KT_CHECK(parse("angles=%7", NULL) == kt_status_invalid_query);
  KT_CHECK(strcmp(g_e.code, "invalid_param") == 0 && strcmp(g_e.param, "angles") == 0);
  KT_CHECK(parse("angles=%zztrue", NULL) == kt_status_invalid_query);
  KT_CHECK(parse("angles=true%", NULL) == kt_status_invalid_query);
  /* An encoded NUL must not cut a value or key short ("true\0x" is not "true"). */
  KT_CHECK(parse("angles=true%00x", NULL) == kt_status_invalid_query);
  KT_CHECK(parse("angles%00x=true", NULL) == kt_status_invalid_query);

  char out[16];
  KT_CHECK(kt_query_decode("a%20b+c", 7, out, sizeof(out)) && strcmp(out, "a b c") == 0);
  KT_CHECK(kt_query_decode("%41%62", 6, out, sizeof(out)) && strcmp(out, "Ab") == 0);
  KT_CHECK(kt_query_decode("%4", 2, out, sizeof(out)) == false);
  KT_CHECK(kt_query_decode("%G1", 3, out, sizeof(out)) == false);
  KT_CHECK(kt_query_decode("a%00b", 5, out, sizeof(out)) == false);
  KT_CHECK(strlen(out) == 3); /* the NUL is not written */
  /* Only `len` bytes are read: "%41" cut to "%4" is a bad escape. */
  KT_CHECK(kt_query_decode("%41", 2, out, sizeof(out)) == false);
  /* Truncation keeps the output NUL-terminated. */
  KT_CHECK(kt_query_decode("abcdefgh", 8, out, 4) && strcmp(out, "abc") == 0);
  out[0] = 'x';
  KT_CHECK(kt_query_decode("abc", 3, out, 1) && out[0] == '\0');
  KT_CHECK(kt_query_decode("", 0, out, sizeof(out)) && out[0] == '\0');
}

static void test_not_available(void) {
  KT_CHECK(parse("placementCountdownSeconds=3", NULL) == kt_status_invalid_query);
  KT_CHECK(strcmp(g_e.code, "feature_not_available") == 0);
  KT_CHECK(strcmp(g_e.param, "placementCountdownSeconds") == 0);
  KT_CHECK(strcmp(g_e.value, "3") == 0);
  KT_CHECK(strstr(g_e.message, "placementCountdownSeconds") != NULL);
  /* Reference movements: the uuid (a file name on the operator's server)
   * and the scoring profile, kali-analysis unless given. */
  KT_CHECK(parse("reference=1b2c-3d_4", NULL) == kt_status_ok && strcmp(g_q.reference, "1b2c-3d_4") == 0 &&
           g_q.scoring_profile == 2);
  KT_CHECK(parse("reference_movement=abc&scoring_profile=KALI", NULL) == kt_status_ok &&
           strcmp(g_q.reference, "abc") == 0 && g_q.scoring_profile == 1);
  KT_CHECK(parse("reference=abc&scoring_profile=default", NULL) == kt_status_ok && g_q.scoring_profile == 0);
  KT_CHECK(parse("reference=..%2Fetc", NULL) == kt_status_invalid_query && strcmp(g_e.code, "invalid_param") == 0 &&
           strcmp(g_e.param, "reference") == 0);
  KT_CHECK(parse("scoring_profile=strict", NULL) == kt_status_invalid_query && strcmp(g_e.code, "invalid_param") == 0);
  /* On/off features: false is fine, true is not available. */
  KT_CHECK(parse("blazepose=false&export=0", NULL) == kt_status_ok && !g_q.export_video);
  /* export: the upload page's overlay video, a developer feature. */
  KT_CHECK(parse("export=true", NULL) == kt_status_ok && g_q.export_video);
  KT_CHECK(parse("export=true", "free") == kt_status_invalid_query &&
           strcmp(g_e.code, "developer_features_not_allowed") == 0 && strcmp(g_e.param, "export") == 0);
  KT_CHECK(parse("export=maybe", NULL) == kt_status_invalid_query && strcmp(g_e.code, "invalid_param") == 0);
  /* BlazePose: supported, lite unless mediapipeModel says otherwise. */
  KT_CHECK(parse("blazepose=true", NULL) == kt_status_ok && g_q.blazepose && strcmp(g_q.mediapipe_model, "lite") == 0);
  KT_CHECK(parse("blazepose=true&mediapipeModel=HEAVY", NULL) == kt_status_ok && strcmp(g_q.mediapipe_model, "heavy") == 0);
  KT_CHECK(parse("mediapipeModel=medium", NULL) == kt_status_invalid_query && strcmp(g_e.code, "invalid_param") == 0);
  KT_CHECK(parse("blazepose=true", "free") == kt_status_invalid_query &&
           strcmp(g_e.code, "developer_features_not_allowed") == 0);
  KT_CHECK(parse("progression=perhaps", NULL) == kt_status_invalid_query);
  KT_CHECK(strcmp(g_e.code, "invalid_param") == 0);
}

static void test_plans(void) {
  KT_CHECK(parse("angles=true", "free") == kt_status_invalid_query);
  KT_CHECK(strcmp(g_e.code, "developer_features_not_allowed") == 0);
  KT_CHECK(strcmp(g_e.param, "angles") == 0);
  KT_CHECK(parse("angles=false&keypoints=true", "free") == kt_status_ok);
  KT_CHECK(g_q.plan == kt_plan_free && g_q.keypoints);
  const char* plans[] = {"developer", "custom", "company", "enterprise"};
  const kt_plan ids[] = {kt_plan_developer, kt_plan_custom, kt_plan_company, kt_plan_enterprise};
  for (int i = 0; i < 4; i++) {
    KT_CHECK(parse("angles=true", plans[i]) == kt_status_ok);
    KT_CHECK(g_q.plan == ids[i] && g_q.angles);
  }
  KT_CHECK(parse("", "platinum") == kt_status_invalid_argument);
  KT_CHECK(parse("", "Free") == kt_status_invalid_argument);
  KT_CHECK(parse("", "") == kt_status_invalid_argument);
  /* NULL outputs are invalid arguments. */
  KT_CHECK(kt_query_parse("", NULL, NULL, &g_e) == kt_status_invalid_argument);
  KT_CHECK(kt_query_parse("", NULL, &g_q, NULL) == kt_status_invalid_argument);
}

static void test_output_untouched_on_error(void) {
  kt_query q = {.source = kt_source_image, .keypoints = true, .angles = true, .skeleton = false,
                .plan = kt_plan_company};
  kt_query_error e;
  KT_CHECK(kt_query_parse("keypoints=false&source=bad", NULL, &q, &e) == kt_status_invalid_query);
  KT_CHECK(q.source == kt_source_image && q.keypoints && q.angles && !q.skeleton && q.plan == kt_plan_company);
}

static void test_long_inputs(void) {
  /* 100 KB of parameters, then very long keys and values (truncated into
   * the fixed buffers), must not crash; the source after them is honoured. */
  const size_t n = 100 * 1024;
  char* s = malloc(n + 64);
  size_t o = 0;
  while (o + 8 < n) {
    memcpy(s + o, "zz=abc&", 7);
    o += 7;
  }
  strcpy(s + o, "source=image");
  KT_CHECK(parse(s, NULL) == kt_status_ok);
  KT_CHECK(g_q.source == kt_source_image);

  /* One huge value for a known key: rejected, value truncated. */
  memcpy(s, "source=", 7);
  memset(s + 7, 'v', n - 7);
  s[n] = '\0';
  KT_CHECK(parse(s, NULL) == kt_status_invalid_query);
  KT_CHECK(strcmp(g_e.value, "(too long)") == 0 && strcmp(g_e.param, "source") == 0);
  /* One huge key (unknown, ignored). */
  memset(s, 'k', n);
  strcpy(s + n, "=1");
  KT_CHECK(parse(s, NULL) == kt_status_ok);
  /* A huge run of escapes. */
  for (size_t i = 0; i + 3 <= n; i += 3) memcpy(s + i, "%41", 3);
  s[n - n % 3] = '\0';
  KT_CHECK(parse(s, NULL) == kt_status_ok);
  /* A key of 64+ characters that starts like a known one is not that one. */
  KT_CHECK(parse("angles_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=zz", NULL) ==
           kt_status_ok);
  free(s);
}

int main(void) {
  KT_RUN(test_defaults);
  KT_RUN(test_values);
  KT_RUN(test_bad_source);
  KT_RUN(test_percent_decoding);
  KT_RUN(test_not_available);
  KT_RUN(test_plans);
  KT_RUN(test_output_untouched_on_error);
  KT_RUN(test_long_inputs);
  return kt_test_summary();
}
