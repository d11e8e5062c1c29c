/* jump.c — jump_analysis and air_time_jump (reference 4.15 and 9).
 *
 * Both need the hips (score above the jump's min_score; visibleHips says
 * which) and a placed user.
 *
 * calibrated (jump_analysis): while the user stands still for
 * calibration_frames frames, baselineY is the mean hip height (pixels)
 * and cmPerPixel = userHeightCm / body height in pixels, the body height
 * being (ankle y - nose y) / 0.88 (nose to ankle is about 88 % of
 * stature). A rise of the hips above the baseline by trigger_cm starts a
 * jump (jump_started); the highest hip position gives
 * jumpHeightCm = (baselineY - minY) / cos(devicePitchDeg) * cmPerPixel;
 * landing is landing_frames frames back within land_cm of the baseline.
 *
 * air_time: no calibration. The ankles give a dynamic ground baseline
 * (updated on still frames, reset after each jump, so a panning camera is
 * followed); a rise of the ankles above it by takeoff_ratio x leg length
 * is a take-off, and the first of landing_frames still frames after the
 * descent is the touchdown. With t the airborne time,
 * h = g t^2 / 8 (g = 9.81 m/s^2), in cm.
 *
 * Discards (jump_discarded): tracking_lost (hips lost for lost_ms in the
 * air), jump_timeout (airborne longer than timeout_ms), moved_toward_phone
 * (calibrated: body height changed by more than moved_ratio; the engine
 * recalibrates), no_flight_detected (lower than min_height_cm). After each
 * jump: jump_height{final}, jump_result, jump_summary, counter; then a
 * cooldown before the next. */
#include <math.h>

#include "exercise/engine_internal.h"

#define KT_G 9.81

/* Mean y (pixels) of the keypoints among a, b scored >= min; false if none. */
static bool mean_y(const kt_frame* f, int a, int b, double min, double* y, bool vis[2]) {
  bool va = f->kps[a].score > min && isfinite(f->kps[a].y);
  bool vb = f->kps[b].score > min && isfinite(f->kps[b].y);
  if (vis) vis[0] = va, vis[1] = vb;
  if (!va && !vb) return false;
  *y = ((va ? f->kps[a].y : 0) + (vb ? f->kps[b].y : 0)) / (va + vb) * f->h;
  return true;
}

static bool body_px(const kt_exercise* ex, const kt_frame* f, double* out) {
  double ankle;
  const double floor_score = ex->def.min_score;
  if (f->kps[kt_nose].score < floor_score || !mean_y(f, kt_left_ankle, kt_right_ankle, floor_score, &ankle, NULL))
    return false;
  const double b = (ankle - f->kps[kt_nose].y * f->h) / 0.88;
  if (!(b > 1)) return false;
  *out = b;
  return true;
}

static const char* side_name(const bool v[2]) { return v[0] && v[1] ? "both" : v[0] ? "left" : "right"; }

static kt_status discard(kt_exercise* ex, const char* reason, const char* text, cJSON* list) {
  kt_jump_state* j = &ex->jump;
  j->phase = kt_jump_cooldown;
  j->cooldown_until = ex->frame.ts + ex->def.jump.cooldown_ms;
  j->base_n = 0;
  return kt_msg_jump_discarded(list, ex->frame.ts, reason, text);
}

static kt_status landed(kt_exercise* ex, double height_cm, double air_ms, cJSON* list) {
  kt_jump_state* j = &ex->jump;
  const kt_ex_jump_def* d = &ex->def.jump;
  if (height_cm < d->min_height_cm) {
    /* No flight: the person never left the ground (a dip, an arm swing, a
     * keypoint glitch), so the ground is where it was and the real
     * take-off may follow at once: no cooldown, the baseline kept. */
    const int base_n = j->base_n;
    kt_status s = discard(ex, "no_flight_detected", "No jump detected - jump higher", list);
    j->phase = kt_jump_idle;
    j->base_n = base_n;
    return s;
  }
  j->phase = kt_jump_cooldown;
  j->cooldown_until = ex->frame.ts + d->cooldown_ms;
  j->base_n = 0;
  if (j->njumps >= KT_EX_MAX_JUMPS) return kt_status_ok;
  const bool calibrated = d->mode == kt_jump_calibrated;
  j->items[j->njumps].height_cm = height_cm;
  j->items[j->njumps].air_time_ms = calibrated ? NAN : air_ms;
  j->njumps++;
  kt_ex_history_add(ex, &(kt_msg_history){j->njumps, NAN, 0, calibrated ? j->start_ms : j->takeoff_ms,
                                           calibrated ? ex->frame.ts : j->land_ms, height_cm, NAN, NULL, false, 0});
  const double base = calibrated ? j->baseline_y : j->ankle_base;
  kt_msg_jump m = {j->njumps, height_cm, base, j->min_y, (base - j->min_y) / j->pitch_cos,
                   calibrated ? NAN : air_ms, side_name(j->vis), {j->vis[0], j->vis[1]}};
  const double ts = ex->frame.ts;
  kt_status s = kt_msg_jump_height(list, ts, &m, false, true, true);
  if (s == kt_status_ok) s = kt_msg_jump_result(list, ts, &m);
  if (s == kt_status_ok) s = kt_msg_jump_summary(list, ts, j->items, j->njumps, !calibrated);
  if (s == kt_status_ok) s = kt_msg_counter(list, ts, j->njumps, NULL, false);
  return s;
}

static kt_status calibrated_update(kt_exercise* ex, double hip_y, cJSON* list) {
  kt_jump_state* j = &ex->jump;
  const kt_ex_jump_def* d = &ex->def.jump;
  const kt_frame* f = &ex->frame;
  double body = 0;
  const bool has_body = body_px(ex, f, &body);
  switch (j->phase) {
    case kt_jump_calibrating: {
      if (!has_body) {
        j->calib_n = 0;
        return kt_status_ok;
      }
      if (j->calib_n > 0) {
        const double mean = j->calib_sum / j->calib_n;
        if (fabs(hip_y - mean) > d->calibration_tolerance * body) j->calib_n = 0; /* moved: start over */
      }
      if (j->calib_n == 0) j->calib_sum = j->calib_body_sum = 0;
      j->calib_sum += hip_y;
      j->calib_body_sum += body;
      if (++j->calib_n < d->calibration_frames) return kt_status_ok;
      j->baseline_y = j->calib_sum / j->calib_n;
      j->body_px = j->calib_body_sum / j->calib_n;
      j->cm_per_px = ex->config.user_height_cm / j->body_px;
      j->calibrated = true;
      j->phase = kt_jump_idle;
      j->calib_n = 0;
      return kt_msg_jump_calibration(list, f->ts, j->cm_per_px, j->baseline_y, j->vis);
    }
    case kt_jump_idle: {
      if (has_body && fabs(body - j->body_px) > d->moved_ratio * j->body_px) {
        j->phase = kt_jump_calibrating; /* the user moved: calibrate again */
        return kt_status_ok;
      }
      const double cm = (j->baseline_y - hip_y) / j->pitch_cos * j->cm_per_px;
      if (cm <= d->trigger_cm) return kt_status_ok;
      j->phase = kt_jump_in_air;
      j->start_ms = f->ts;
      j->min_y = hip_y;
      j->stable_frames = 0;
      j->last_live_cm = 0;
      return kt_msg_jump_started(list, f->ts);
    }
    case kt_jump_in_air: {
      if (f->ts - j->start_ms > d->timeout_ms)
        return discard(ex, "jump_timeout", "Jump took too long - stand still and try again", list);
      if (has_body && body > j->body_px * (1 + d->moved_ratio)) {
        kt_status s = discard(ex, "moved_toward_phone", "Stay at the same distance from the phone", list);
        j->phase = kt_jump_calibrating;
        return s;
      }
      const double k = j->cm_per_px / j->pitch_cos;
      if (hip_y < j->min_y) {
        j->min_y = hip_y;
        const double h = (j->baseline_y - j->min_y) * k;
        if (h - j->last_live_cm >= 1.0) {
          j->last_live_cm = h;
          kt_msg_jump m = {0, h, j->baseline_y, j->min_y, (j->baseline_y - j->min_y) / j->pitch_cos, NAN,
                           side_name(j->vis), {j->vis[0], j->vis[1]}};
          kt_status s = kt_msg_jump_height(list, f->ts, &m, true, false, false);
          if (s != kt_status_ok) return s;
        }
      }
      if ((j->baseline_y - hip_y) * k < d->land_cm) {
        if (++j->stable_frames >= d->landing_frames)
          return landed(ex, (j->baseline_y - j->min_y) * k, NAN, list);
      } else {
        j->stable_frames = 0;
      }
      return kt_status_ok;
    }
    case kt_jump_cooldown:
      if (f->ts >= j->cooldown_until) j->phase = kt_jump_idle;
      return kt_status_ok;
  }
  return kt_status_ok;
}

static kt_status air_time_update(kt_exercise* ex, double hip_y, cJSON* list) {
  kt_jump_state* j = &ex->jump;
  const kt_ex_jump_def* d = &ex->def.jump;
  const kt_frame* f = &ex->frame;
  double ankle;
  if (!mean_y(f, kt_left_ankle, kt_right_ankle, ex->def.min_score, &ankle, NULL)) {
    j->has_prev = false;
    if (j->phase == kt_jump_in_air && f->ts - j->last_valid_ms > d->lost_ms)
      return discard(ex, "tracking_lost", "Tracking lost - keep your whole body in view", list);
    return kt_status_ok;
  }
  const double dy = j->has_prev ? ankle - j->prev_ankle : 0;
  const double prev_ts = j->last_valid_ms;
  j->prev_ankle = ankle;
  const bool had_prev = j->has_prev;
  j->has_prev = true;
  j->last_valid_ms = f->ts;
  const double leg = ankle - hip_y;
  kt_status s = kt_status_ok;
  switch (j->phase) {
    case kt_jump_calibrating:
    case kt_jump_idle: {
      j->phase = kt_jump_idle;
      if (!(leg > 1)) return kt_status_ok;
      if (j->base_n >= 3 && j->ankle_base - ankle > d->takeoff_ratio * j->leg_px) {
        j->phase = kt_jump_in_air;
        /* Take-off: the last frame on the ground, when it is recent. */
        j->takeoff_ms = f->ts - j->last_ground_ms < 100 ? j->last_ground_ms : had_prev ? (prev_ts + f->ts) / 2 : f->ts;
        j->start_ms = f->ts;
        j->min_y = ankle;
        j->stable_frames = 0;
        j->landing = false;
        return kt_msg_jump_started(list, f->ts);
      }
      if (j->base_n > 0 && j->ankle_base - ankle < d->stable_ratio * j->leg_px) j->last_ground_ms = f->ts;
      if (had_prev && fabs(dy) < d->stable_ratio * leg) {
        /* A still frame: the ground and the leg length follow it. */
        const double a = j->base_n == 0 ? 1.0 : 0.3;
        j->ankle_base += a * (ankle - j->ankle_base);
        j->leg_px += a * (leg - j->leg_px);
        j->base_n++;
      }
      return kt_status_ok;
    }
    case kt_jump_in_air: {
      if (f->ts - j->start_ms > d->timeout_ms)
        return discard(ex, "jump_timeout", "Jump took too long - land and try again", list);
      if (ankle < j->min_y) j->min_y = ankle;
      const bool down_enough = ankle > j->min_y + 0.3 * (j->ankle_base - j->min_y);
      if (down_enough && fabs(dy) < d->stable_ratio * j->leg_px) {
        if (j->stable_frames++ == 0) j->land_ms = prev_ts;
        if (j->stable_frames >= d->landing_frames) {
          const double t = (j->land_ms - j->takeoff_ms) / 1000.0;
          const double h = KT_G * t * t / 8.0 * 100.0;
          s = landed(ex, h, t * 1000.0, list);
        }
      } else {
        j->stable_frames = 0;
      }
      return s;
    }
    case kt_jump_cooldown:
      if (f->ts >= j->cooldown_until) j->phase = kt_jump_idle;
      return kt_status_ok;
  }
  return kt_status_ok;
}

static kt_status jump_update(kt_exercise* ex, cJSON* list, int want_progression) {
  (void)want_progression; /* jumps report through jump_* messages */
  kt_jump_state* j = &ex->jump;
  const kt_ex_jump_def* d = &ex->def.jump;
  const kt_frame* f = &ex->frame;
  double hip_y;
  if (!mean_y(f, kt_left_hip, kt_right_hip, d->min_score, &hip_y, j->vis)) {
    if (j->phase == kt_jump_in_air && f->ts - j->last_valid_ms > d->lost_ms)
      return discard(ex, "tracking_lost", "Tracking lost - keep your hips in view", list);
    if (j->phase == kt_jump_calibrating) j->calib_n = 0;
    j->has_prev = false;
    return kt_status_ok;
  }
  if (d->mode == kt_jump_calibrated) {
    j->last_valid_ms = f->ts;
    return calibrated_update(ex, hip_y, list);
  }
  return air_time_update(ex, hip_y, list);
}

/* The user left the placement box: a jump in the air is abandoned. */
static void jump_interrupt(kt_exercise* ex) {
  if (ex->jump.phase == kt_jump_in_air) ex->jump.phase = kt_jump_idle;
  ex->jump.has_prev = false;
}

static void jump_result(kt_exercise* ex, kt_ex_result* out) { out->count = ex->jump.njumps; }

const kt_ex_kind kt_ex_kind_jumps = {true, 0, KT_EX_MAX_JUMPS, jump_update, jump_interrupt, jump_result, NULL, NULL};
