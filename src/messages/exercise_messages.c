/* exercise_messages.c — cJSON builders for the exercise messages. */
#include "messages/exercise_messages.h"

#include <math.h>

#include "messages/messages.h"

static bool add_num(cJSON* m, const char* key, double v) {
  return cJSON_AddNumberToObject(m, key, kt_msg_round(v)) != NULL;
}

static bool add_grade(cJSON* m, const char* key, char grade) {
  if (!grade) return cJSON_AddNullToObject(m, key) != NULL;
  char g[2] = {grade, 0};
  return cJSON_AddStringToObject(m, key, g) != NULL;
}

/* key: [s[0..n)], or the names of keypoints ids[0..n) when s is NULL. */
static bool add_strings(cJSON* m, const char* key, const char* const* s, const int* ids, int n) {
  cJSON* a = cJSON_AddArrayToObject(m, key);
  if (!a) return false;
  for (int i = 0; i < n; i++) {
    cJSON* x = cJSON_CreateString(s ? s[i] : kt_keypoint_name(ids[i]));
    if (!x || !cJSON_AddItemToArray(a, x)) {
      cJSON_Delete(x);
      return false;
    }
  }
  return true;
}

kt_status kt_msg_posture(cJSON* list, double timestamp_ms, const char* message, const char* direction, bool ready,
                         const char* const* requirements, int nrequirements, const int* missing, int nmissing) {
  cJSON* m = kt_msg_begin(list, "posture", timestamp_ms);
  if (!m || !cJSON_AddStringToObject(m, "message", message) || !cJSON_AddStringToObject(m, "placementMessage", message) ||
      !cJSON_AddStringToObject(m, "direction", direction) ||
      !cJSON_AddStringToObject(m, "postureDirection", direction) || !cJSON_AddBoolToObject(m, "ready", ready) ||
      !add_strings(m, "requirements", requirements, NULL, nrequirements) ||
      !add_strings(m, "missingKeypoints", NULL, missing, nmissing))
    return kt_status_out_of_memory;
  return kt_status_ok;
}

static bool add_form(cJSON* m, const kt_msg_form* f) {
  return add_num(m, "score", f->score) && add_num(m, "avg_score", f->avg_score) && add_grade(m, "grade", f->grade);
}

kt_status kt_msg_counter(cJSON* list, double timestamp_ms, int count, const kt_msg_form* form, bool final) {
  cJSON* m = kt_msg_begin(list, "counter", timestamp_ms);
  if (!m || !cJSON_AddNumberToObject(m, "current_count", count)) return kt_status_out_of_memory;
  if (form) {
    cJSON* f = cJSON_AddObjectToObject(m, "form_score");
    if (!f || !add_form(f, form)) return kt_status_out_of_memory;
  }
  if (final && !cJSON_AddBoolToObject(m, "final", true)) return kt_status_out_of_memory;
  return kt_status_ok;
}

kt_status kt_msg_form_score(cJSON* list, double timestamp_ms, const kt_msg_form* form) {
  cJSON* m = kt_msg_begin(list, "form_score", timestamp_ms);
  return m && add_form(m, form) ? kt_status_ok : kt_status_out_of_memory;
}

kt_status kt_msg_progression(cJSON* list, double timestamp_ms, int value) {
  cJSON* m = kt_msg_begin(list, "progression", timestamp_ms);
  return m && cJSON_AddNumberToObject(m, "value", value) ? kt_status_ok : kt_status_out_of_memory;
}

kt_status kt_msg_recommendations(cJSON* list, double timestamp_ms, const char* const* texts, int ntexts) {
  cJSON* m = kt_msg_begin(list, "recommendations", timestamp_ms);
  return m && add_strings(m, "data", texts, NULL, ntexts) ? kt_status_ok : kt_status_out_of_memory;
}

kt_status kt_msg_exercise_summary(cJSON* list, double timestamp_ms, const char* exercise, int counter,
                                  double avg_rep_score, char grade, double duration_ms,
                                  const kt_msg_history* history, int nhistory, cJSON* recommendations) {
  cJSON* m = kt_msg_begin(list, "exercise_summary", timestamp_ms);
  if (!m) {
    cJSON_Delete(recommendations);
    return kt_status_out_of_memory;
  }
  if (!recommendations) recommendations = cJSON_CreateArray();
  if (!recommendations || !cJSON_AddItemToObject(m, "recommendations", recommendations)) {
    cJSON_Delete(recommendations);
    return kt_status_out_of_memory;
  }
  if (!cJSON_AddStringToObject(m, "exercise", exercise) || !cJSON_AddNumberToObject(m, "counter", counter) ||
      !(isnan(avg_rep_score) ? cJSON_AddNullToObject(m, "avg_rep_score") != NULL
                             : add_num(m, "avg_rep_score", avg_rep_score)) ||
      !add_grade(m, "grade", grade) || !add_num(m, "durationMs", duration_ms))
    return kt_status_out_of_memory;
  cJSON* h = cJSON_AddArrayToObject(m, "history");
  if (!h) return kt_status_out_of_memory;
  for (int i = 0; i < nhistory; i++) {
    const kt_msg_history* x = &history[i];
    cJSON* o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(h, o)) {
      cJSON_Delete(o);
      return kt_status_out_of_memory;
    }
    if (!cJSON_AddNumberToObject(o, "index", x->index) ||
        !(isnan(x->score) ? cJSON_AddNullToObject(o, "formScore") != NULL : add_num(o, "formScore", x->score)) ||
        !add_grade(o, "grade", x->grade) || !add_num(o, "startMs", x->start_ms) || !add_num(o, "endMs", x->end_ms) ||
        !add_num(o, "durationMs", x->end_ms - x->start_ms) ||
        (!isnan(x->jump_height_cm) && !add_num(o, "jumpHeightCm", x->jump_height_cm)) ||
        (!isnan(x->peak_ms) && !add_num(o, "peakMs", x->peak_ms)) ||
        (x->side && !cJSON_AddStringToObject(o, "side", x->side)) ||
        (x->has_reference && !add_num(o, "referenceScore", x->reference_score)))
      return kt_status_out_of_memory;
  }
  return kt_status_ok;
}

static bool add_hips(cJSON* m, const bool v[2]) {
  cJSON* h = cJSON_AddObjectToObject(m, "visibleHips");
  return h && cJSON_AddBoolToObject(h, "left", v[0]) && cJSON_AddBoolToObject(h, "right", v[1]);
}

kt_status kt_msg_jump_calibration(cJSON* list, double timestamp_ms, double cm_per_pixel, double baseline_y,
                                  const bool visible_hips[2]) {
  cJSON* m = kt_msg_begin(list, "jump_calibration", timestamp_ms);
  if (!m || !cJSON_AddBoolToObject(m, "calibrated", true) || !add_num(m, "cmPerPixel", cm_per_pixel) ||
      !add_num(m, "baselineY", baseline_y) || !add_hips(m, visible_hips) ||
      !cJSON_AddStringToObject(m, "message", "Calibration complete - ready to jump"))
    return kt_status_out_of_memory;
  return kt_status_ok;
}

kt_status kt_msg_jump_started(cJSON* list, double timestamp_ms) {
  cJSON* m = kt_msg_begin(list, "jump_started", timestamp_ms);
  return m && cJSON_AddStringToObject(m, "message", "Jump detected - measuring height") ? kt_status_ok
                                                                                        : kt_status_out_of_memory;
}

static bool add_jump_fields(cJSON* m, const kt_msg_jump* j) {
  if (!add_num(m, "jumpHeightCm", j->height_cm)) return false;
  if (!isnan(j->baseline_y) && !add_num(m, "baselineY", j->baseline_y)) return false;
  if (!isnan(j->min_y) && !add_num(m, "minY", j->min_y)) return false;
  if (!isnan(j->delta_pixels) && !add_num(m, "deltaPixels", j->delta_pixels)) return false;
  if (j->side_used && !cJSON_AddStringToObject(m, "sideUsed", j->side_used)) return false;
  if (!isnan(j->air_time_ms) &&
      (!add_num(m, "airTimeMs", j->air_time_ms) || !add_num(m, "airTimeSeconds", j->air_time_ms / 1000.0)))
    return false;
  return add_hips(m, j->visible_hips);
}

kt_status kt_msg_jump_height(cJSON* list, double timestamp_ms, const kt_msg_jump* j, bool measuring, bool landed,
                             bool final) {
  cJSON* m = kt_msg_begin(list, "jump_height", timestamp_ms);
  if (!m || !add_jump_fields(m, j) || !cJSON_AddBoolToObject(m, "measuring", measuring) ||
      !cJSON_AddBoolToObject(m, "landed", landed) || (final && !cJSON_AddBoolToObject(m, "final", true)))
    return kt_status_out_of_memory;
  return kt_status_ok;
}

kt_status kt_msg_jump_discarded(cJSON* list, double timestamp_ms, const char* reason, const char* user_message) {
  cJSON* m = kt_msg_begin(list, "jump_discarded", timestamp_ms);
  if (!m || !cJSON_AddStringToObject(m, "reason", reason) || !cJSON_AddStringToObject(m, "userMessage", user_message))
    return kt_status_out_of_memory;
  return kt_status_ok;
}

kt_status kt_msg_jump_result(cJSON* list, double timestamp_ms, const kt_msg_jump* j) {
  cJSON* m = kt_msg_begin(list, "jump_result", timestamp_ms);
  if (!m || !cJSON_AddNumberToObject(m, "jumpNumber", j->jump_number) || !add_jump_fields(m, j))
    return kt_status_out_of_memory;
  return kt_status_ok;
}

kt_status kt_msg_jump_summary(cJSON* list, double timestamp_ms, const kt_msg_jump_item* jumps, int njumps,
                              bool with_air_time) {
  cJSON* m = kt_msg_begin(list, "jump_summary", timestamp_ms);
  if (!m) return kt_status_out_of_memory;
  double sum = 0, mx = 0, mn = 0, air = 0;
  for (int i = 0; i < njumps; i++) {
    const double h = jumps[i].height_cm;
    sum += h;
    if (i == 0 || h > mx) mx = h;
    if (i == 0 || h < mn) mn = h;
    if (with_air_time) air += jumps[i].air_time_ms / 1000.0;
  }
  if (!cJSON_AddNumberToObject(m, "totalJumps", njumps) || !add_num(m, "avgJumpHeight", njumps ? sum / njumps : 0) ||
      !add_num(m, "maxJumpHeight", mx) || !add_num(m, "minJumpHeight", mn) ||
      (with_air_time && !add_num(m, "avgAirTimeSeconds", njumps ? air / njumps : 0)))
    return kt_status_out_of_memory;
  cJSON* a = cJSON_AddArrayToObject(m, "jumps");
  if (!a) return kt_status_out_of_memory;
  for (int i = 0; i < njumps; i++) {
    cJSON* o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(a, o)) {
      cJSON_Delete(o);
      return kt_status_out_of_memory;
    }
    if (!cJSON_AddNumberToObject(o, "jumpNumber", i + 1) || !add_num(o, "jumpHeightCm", jumps[i].height_cm))
      return kt_status_out_of_memory;
    if (with_air_time && !isnan(jumps[i].air_time_ms) &&
        (!add_num(o, "airTimeMs", jumps[i].air_time_ms) || !add_num(o, "airTimeSeconds", jumps[i].air_time_ms / 1000.0)))
      return kt_status_out_of_memory;
  }
  return kt_status_ok;
}
