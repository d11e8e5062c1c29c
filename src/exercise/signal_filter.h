/* signal_filter.h — the first calculator of every exercise value: a
 * running median over a time window, with short gaps filled (internal).
 *
 * Why a median over time and not over frames: a keypoint glitch lasts one
 * or two frames whatever the frame rate, while a movement lasts hundreds
 * of milliseconds. A window of `window_ms` (at least 3 samples, at most
 * KT_FILTER_MAX) rejects glitches shorter than half of it at 10, 30 or
 * 60 fps alike, so the same clip filters the same at any frame rate.
 *
 * Gaps: a frame without a value (a keypoint under the confidence floor)
 * keeps the last filtered value for up to `fill_ms`; after that the value
 * is missing. Fixed size, no allocation. */
#ifndef KT_EXERCISE_SIGNAL_FILTER_H
#define KT_EXERCISE_SIGNAL_FILTER_H

#include <stdbool.h>

#define KT_FILTER_MAX 9

typedef struct kt_median_filter {
  double t[KT_FILTER_MAX], v[KT_FILTER_MAX]; /* the newest valid samples, a ring */
  int n, head;                               /* head: where the next sample goes */
  double out, out_t;                         /* the last filtered value and its time */
  bool has_out;
} kt_median_filter;

void kt_filter_reset(kt_median_filter* f);

/* One frame at time t (non-decreasing); `valid` says whether v is a value.
 * Returns true and writes the filtered value to *out when there is one. */
bool kt_filter_push(kt_median_filter* f, double t, bool valid, double v, double window_ms, double fill_ms,
                    double* out);

/* The largest value of the last KT_PEAK_BUCKETS seconds, kept in one-
 * second buckets: a person's own extended position (standing tall, arms
 * locked) as the camera sees it now, to measure the pose against. Robust
 * because it is fed filtered values; it follows a camera that moves
 * within seconds. */
#define KT_PEAK_BUCKETS 10

typedef struct kt_peak_hold {
  double bucket[KT_PEAK_BUCKETS];
  long second;               /* the second the newest bucket covers */
  bool has;
} kt_peak_hold;

/* Adds a value at time t (ms, non-decreasing) and returns the largest of
 * the window. */
double kt_peak_hold_push(kt_peak_hold* p, double t, double v);

#endif
