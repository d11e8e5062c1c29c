/* anchors.c — see anchors.h. Only the centres matter: with a fixed anchor
 * size every anchor is 1x1, and the scales the calculator computes only
 * decide how many anchors a cell has (two per layer here). */
#include "pose/blazepose/anchors.h"

#include <math.h>
#include <stddef.h>

kt_status kt_bp_anchors(kt_bp_anchor anchors_out[KT_BP_NUM_ANCHORS]) {
  if (!anchors_out) return kt_status_invalid_argument;
  static const int kStrides[5] = {8, 16, 32, 32, 32};
  const int num_layers = 5;
  int n = 0;
  for (int layer = 0; layer < num_layers;) {
    int last = layer, per_cell = 0;
    while (last < num_layers && kStrides[last] == kStrides[layer]) {
      per_cell += 2; /* aspect ratio 1.0 and the interpolated scale */
      last++;
    }
    const int side = (int)ceil((double)KT_BP_DETECTOR_SIZE / kStrides[layer]);
    for (int y = 0; y < side; y++)
      for (int x = 0; x < side; x++)
        for (int a = 0; a < per_cell; a++) {
          if (n >= KT_BP_NUM_ANCHORS) return kt_status_invalid_state;
          anchors_out[n].cx = (float)((x + 0.5) / side);
          anchors_out[n].cy = (float)((y + 0.5) / side);
          n++;
        }
    layer = last;
  }
  return n == KT_BP_NUM_ANCHORS ? kt_status_ok : kt_status_invalid_state;
}
