/* placement.c — posture messages until the user is in frame and ready
 * (reference 4.4): every required keypoint (or one of its "a||b"
 * alternatives) scored above the confidence floor and inside the padding
 * box for N consecutive frames; then `ready:true`. After ready, losing
 * the required keypoints for lost_ms sends the user back to placement.
 *
 * Guidance, not a gate: people film from wherever the phone stands, so a
 * camera view other than the definition's preferred one (face or profile)
 * only changes the ready message into a hint ("Ready - turn sideways to
 * the camera for the best tracking"), and reps and holds count whether
 * or not the user is placed (jumps wait for ready: their calibration
 * needs the person standing in frame). */
#include <math.h>

#include "exercise/engine_internal.h"

enum { kMsgMissing, kMsgHoldStill, kMsgReady, kMsgReadyFace, kMsgReadyProfile };

static const char* const kText[] = {"Move fully into the frame", "Hold still...", "Ready - tracking started",
                                    "Ready - face the camera for the best tracking",
                                    "Ready - turn sideways to the camera for the best tracking"};
static const char* const kDirection[] = {"in-frame", "in-frame", "in-frame", "face-camera", "profile-camera"};

static bool visible(const kt_frame* f, int id, double floor_score, double pad) {
  const kt_keypoint* k = &f->kps[id];
  return isfinite(k->x) && isfinite(k->y) && k->score >= floor_score && k->x >= pad && k->x <= 1.0 - pad &&
         k->y >= pad && k->y <= 1.0 - pad;
}

static kt_status send(const kt_ex_def* def, kt_placement_state* st, const kt_frame* f, int msg, const int* missing,
                      int nmissing, cJSON* list) {
  if (msg == st->last_msg) return kt_status_ok;
  st->last_msg = msg;
  const char* req[KT_EX_MAX_REQUIREMENTS + 1];
  int n = 0;
  for (int i = 0; i < def->placement.nrequirements; i++) req[n++] = def->placement.requirements[i];
  if (def->placement.view == kt_view_face) req[n++] = "face_camera";
  if (def->placement.view == kt_view_profile) req[n++] = "profile_camera";
  return kt_msg_posture(list, f->ts, kText[msg], kDirection[msg], msg >= kMsgReady, req, n, missing, nmissing);
}

/* The ready message, with a hint when the camera sees the person from a
 * side the definition does not prefer (oblique suits either). */
static int ready_message(const kt_ex_placement* pl, int view) {
  if (pl->view == kt_view_face && view == kt_view_profile) return kMsgReadyFace;
  if (pl->view == kt_view_profile && view == kt_view_face) return kMsgReadyProfile;
  return kMsgReady;
}

bool kt_ex_placement_update(const kt_ex_def* def, kt_placement_state* st, const kt_frame* f, int view,
                            double padding, cJSON* list, kt_status* status) {
  const kt_ex_placement* pl = &def->placement;
  /* Before ready the padding box applies; once tracking runs, the user may
   * use the whole frame. */
  const double pad = st->ready ? 0.0 : padding;
  int missing[2 * KT_EX_MAX_REQUIRED];
  int nmissing = 0;
  for (int i = 0; i < pl->nreq; i++) {
    const int a = pl->req[i][0], b = pl->req[i][1];
    if (visible(f, a, f->floor, pad) || (b >= 0 && visible(f, b, f->floor, pad))) continue;
    missing[nmissing++] = a;
    if (b >= 0) missing[nmissing++] = b;
  }
  *status = kt_status_ok;
  if (st->ready) {
    if (nmissing == 0) st->last_seen_ms = f->ts;
    else if (f->ts - st->last_seen_ms > pl->lost_ms) {
      st->ready = false;
      st->good_frames = 0;
      *status = send(def, st, f, kMsgMissing, missing, nmissing, list);
      return false;
    }
    *status = send(def, st, f, ready_message(pl, view), NULL, 0, list);
    return true;
  }
  int msg = kMsgMissing;
  if (nmissing == 0) {
    msg = kMsgHoldStill;
    if (++st->good_frames >= pl->frames) {
      st->ready = true;
      st->last_seen_ms = f->ts;
      msg = ready_message(pl, view);
    }
  } else {
    st->good_frames = 0;
  }
  *status = send(def, st, f, msg, missing, nmissing, list);
  return st->ready;
}
