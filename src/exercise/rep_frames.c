/* rep_frames.c — the ring of recent metric values. A rep is known only
 * when it ends (its start is the last moment the person was still at the
 * start position), so its score and cues are computed then, over the
 * frames it spanned, from here. KT_EX_RING frames, allocated once. */
#include <math.h>

#include "exercise/engine_internal.h"

void kt_ex_ring_push(kt_ring* r, const kt_ex_def* def, const kt_frame* f) {
  if (!r->frames) return;
  kt_ring_frame* x = &r->frames[r->head];
  x->ts = f->ts;
  x->ok = x->side_ok[0] = x->side_ok[1] = 0;
  for (int i = 0; i < def->nmetrics; i++) {
    const kt_metric_value* m = &f->m[i];
    const uint16_t bit = (uint16_t)(1u << i);
    x->v[i] = (float)m->v;
    if (m->ok) x->ok |= bit;
    for (int s = 0; s < 2; s++) {
      x->side[i][s] = (float)m->side[s];
      if (m->side_ok[s]) x->side_ok[s] |= bit;
    }
  }
  r->head = (r->head + 1) % KT_EX_RING;
  if (r->n < KT_EX_RING) r->n++;
}

void kt_ex_ring_span(const kt_ring* r, double start_ms, double end_ms,
                     void (*fn)(const kt_ring_frame* fr, void* ctx), void* ctx) {
  for (int i = r->n; i > 0; i--) {
    const kt_ring_frame* x = &r->frames[(r->head - i + KT_EX_RING) % KT_EX_RING];
    if (x->ts >= start_ms && x->ts <= end_ms) fn(x, ctx);
  }
}
