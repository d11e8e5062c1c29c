/* frame_warp.h — a model input sampled from a camera or video frame by an
 * affine map (internal): what the pose pipelines' preprocessing (crop,
 * letterbox, rotation, resize) is, described once so that a backend that
 * holds the frame as a GPU texture can run it as a shader and the frame's
 * pixels never enter wasm memory (kt_model_run_texture).
 *
 * The CPU paths (pose/movenet/preprocess.c, pose/blazepose/warp.c) keep
 * their own code, which matches TF.js and MediaPipe bit for bit; a warp
 * built for the same crop reproduces their arithmetic step for step (the
 * tests compare both paths on the same frames). */
#ifndef KT_RUNTIME_FRAME_WARP_H
#define KT_RUNTIME_FRAME_WARP_H

#include <stdbool.h>
#include <stdint.h>

#include "kinetrack.h"

/* Which sampling rules a warp follows: the two pipelines' references
 * differ at the edges, and matching them is the point. */
typedef enum kt_warp_rule {
  /* TF's CropAndResize (MoveNet, as TF.js feeds it): a sample outside
   * [0, size - 1] on either axis is 0; inside, the 4 neighbours are its
   * floor and ceil. Positions are float32: origin + u * du, + v * dv. */
  kt_warp_rule_tf_crop = 0,
  /* MediaPipe's ImageToTensor (BlazePose): a sample outside the frame
   * ([-0.5, size - 0.5) in pixel-centre coordinates) is 0 with
   * `replicate` false, else the nearest edge; neighbours are clamped to
   * the frame, as a GL texture clamped to its edge. */
  kt_warp_rule_mediapipe = 1,
} kt_warp_rule;

/* Output pixel (u, v) of an out_w x out_h x 3 (RGB) input samples the
 * frame at origin + u * du + v * dv, in pixel indices (pixel i's centre at
 * i, row 0 the top); its blended 0..255 value p becomes
 * (truncate ? trunc(p) : p) * scale + offset, a sample outside the frame
 * (see the rule) p = 0. */
typedef struct kt_warp {
  int32_t out_w, out_h;
  float origin_x, origin_y, du_x, du_y, dv_x, dv_y;
  kt_warp_rule rule;
  bool replicate;
  bool truncate; /* MoveNet's tf.cast to int32 */
  float scale, offset;
} kt_warp;

#endif
