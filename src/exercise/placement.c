/* placement.c — posture messages until the user is in frame and ready
 * (reference 4.4): every required keypoint (or one of its "a||b"
 * alternatives) scored above the confidence floor and inside the padding
 * box, the camera view the definition asks for (face or profile), for N
 * consecutive frames; then `ready:true`. After ready, losing the required
 * keypoints for lost_ms sends the user back to placement. */
#include <math.h>

#include "exercise/engine_internal.h"

enum { kMsgMissing, kMsgFace, kMsgProfile, kMsgHoldStill, kMsgReady };

static const char* const kText[] = {"Move fully into the frame", "Face the camera", "Turn sideways to the camera",
                                    "Hold still...", "Ready - tracking started"};
static const char* const kDirection[] = {"in-frame", "face-camera", "profile-camera", "in-frame", "in-frame"};

static bool visible(const kt_frame* f, int id, double floor_score, double pad) {
  const kt_keypoint* k = &f->kps[id];
  return isfinite(k->x) && isfinite(k->y) && k->score >= floor_score && k->x >= pad && k->x <= 1.0 - pad &&
         k->y >= pad && k->y <= 1.0 - pad;
}

/* Shoulder width over torso length, in pixels: about 0.6 facing the
 * camera, near 0 in profile; -1 when it cannot be measured. */
static double view_ratio(const kt_frame* f, double floor_score) {
  const kt_keypoint* k = f->kps;
  for (int i = kt_left_shoulder; i <= kt_right_hip; i++) {
    if (i > kt_right_shoulder && i < kt_left_hip) continue;
    if (k[i].score < floor_score) return -1;
  }
  const double sw = hypot((k[kt_left_shoulder].x - k[kt_right_shoulder].x) * f->w,
                          (k[kt_left_shoulder].y - k[kt_right_shoulder].y) * f->h);
  const double mx = (k[kt_left_shoulder].x + k[kt_right_shoulder].x - k[kt_left_hip].x - k[kt_right_hip].x) / 2;
  const double my = (k[kt_left_shoulder].y + k[kt_right_shoulder].y - k[kt_left_hip].y - k[kt_right_hip].y) / 2;
  const double tl = hypot(mx * f->w, my * f->h);
  return tl > 1e-6 ? sw / tl : -1;
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
  return kt_msg_posture(list, f->ts, kText[msg], kDirection[msg], msg == kMsgReady, req, n, missing, nmissing);
}

bool kt_ex_placement_update(const kt_ex_def* def, kt_placement_state* st, const kt_frame* f, double padding,
                            cJSON* list, kt_status* status) {
  const kt_ex_placement* pl = &def->placement;
  /* Before ready the padding box applies; once tracking runs, the user may
   * use the whole frame. */
  const double pad = st->ready ? 0.0 : padding;
  int missing[2 * KT_EX_MAX_REQUIRED];
  int nmissing = 0;
  for (int i = 0; i < pl->nreq; i++) {
    const int a = pl->req[i][0], b = pl->req[i][1];
    if (visible(f, a, def->min_score, pad) || (b >= 0 && visible(f, b, def->min_score, pad))) continue;
    missing[nmissing++] = a;
    if (b >= 0) missing[nmissing++] = b;
  }
  int msg = kMsgHoldStill;
  if (nmissing > 0) {
    msg = kMsgMissing;
  } else if (pl->view != kt_view_any) {
    const double r = view_ratio(f, def->min_score);
    if (r >= 0 && pl->view == kt_view_face && r < 0.3) msg = kMsgFace;
    if (r >= 0 && pl->view == kt_view_profile && r > 0.5) msg = kMsgProfile;
  }
  *status = kt_status_ok;
  if (st->ready) {
    if (msg == kMsgHoldStill) {
      st->last_seen_ms = f->ts;
      return true;
    }
    if (f->ts - st->last_seen_ms <= pl->lost_ms) return true; /* brief loss: keep tracking */
    st->ready = false;
    st->good_frames = 0;
    *status = send(def, st, f, msg, missing, nmissing, list);
    return false;
  }
  if (msg == kMsgHoldStill) {
    if (++st->good_frames >= pl->frames) {
      st->ready = true;
      st->last_seen_ms = f->ts;
      *status = send(def, st, f, kMsgReady, missing, 0, list);
      return true;
    }
  } else {
    st->good_frames = 0;
  }
  *status = send(def, st, f, msg, missing, nmissing, list);
  return false;
}
