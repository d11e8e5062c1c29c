/* roi.c — see roi.h. */
#include "pose/blazepose/roi.h"

#include <math.h>

static const double kPi = 3.14159265358979323846;

double kt_bp_normalize_radians(double angle) { return angle - 2 * kPi * floor((angle + kPi) / (2 * kPi)); }

kt_status kt_bp_roi_from_points(float x0, float y0, float x1, float y1, int32_t width, int32_t height,
                                kt_bp_rect* roi_out) {
  if (!roi_out || width < 1 || height < 1) return kt_status_invalid_argument;
  const double cx = (double)x0 * width, cy = (double)y0 * height;
  const double sx = (double)x1 * width, sy = (double)y1 * height;
  const double size = 2 * hypot(sx - cx, sy - cy);
  if (!isfinite(cx) || !isfinite(cy) || !isfinite(size) || !(size > 1e-3)) return kt_status_invalid_argument;
  /* The body axis points up in the crop: rotate by 90 degrees minus its angle. */
  const double rotation = kt_bp_normalize_radians(kPi / 2 - atan2(-(sy - cy), sx - cx));
  /* Square already (the same size in pixels both ways), so square_long
   * changes nothing; then the 1.25 margin. */
  const float side = (float)(size * KT_BP_ROI_SCALE);
  *roi_out = (kt_bp_rect){(float)cx, (float)cy, side, side, (float)rotation};
  return kt_status_ok;
}
