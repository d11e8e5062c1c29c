/* rep_track.h — finds repetitions in one signal (internal).
 *
 * The input is a filtered signal in nominal progress units: q = 0 at the
 * definition's start position (`rest`), q = 1 at its textbook end position
 * (`target`), growing into the rep. A repetition is an excursion: from a
 * low point (the start position this person actually took) up to a high
 * point (how deep they actually went) and back down by `return_frac` of
 * that excursion. Nothing is compared with a fixed depth: each excursion
 * is measured between its own turning points, so a deep squatter and a
 * shallow one, a near and a far camera, a camera that tilts the angles,
 * all produce excursions; what counts is decided from their size:
 *
 *   counted  when  start <= start_band                 (it began near the
 *                                                        textbook start)
 *            and   amplitude >= min_rom                 (sanity: a share of
 *                                                        the textbook range,
 *                                                        per difficulty)
 *            and   amplitude >= consistency * typical   (typical: the median
 *                                                        of this person's last
 *                                                        counted excursions)
 *            and   min_ms <= duration <= max_ms
 *   half     when  an attempt (amplitude >= attempt) fails the size tests
 *   ignored  otherwise (fidgeting, noise)
 *
 * The start must still be a start: an excursion that begins further than
 * start_band from the textbook start (a clip that opens in the middle of
 * a rep, pulses at the bottom of a squat) is not a repetition.
 *
 * The duration covers the whole movement: from leaving the start position
 * (the last sample within `noise` of the low point) to regaining it (back
 * by return_frac). Turning points need a move of `noise` to confirm, so
 * jitter never starts an excursion. A signal missing for lost_ms ends the
 * excursion in progress without an event. Fixed size, no allocation. */
#ifndef KT_EXERCISE_REP_TRACK_H
#define KT_EXERCISE_REP_TRACK_H

#include <stdbool.h>

#define KT_TRACK_TYPICAL 5 /* counted excursions the typical amplitude is the median of */

typedef struct kt_track_params {
  double min_rom;      /* nominal units */
  double consistency;  /* share of the typical amplitude */
  double return_frac;  /* share of the excursion to come back */
  double noise;        /* nominal units */
  double attempt;      /* nominal units: smaller excursions are ignored */
  double start_band;   /* nominal units: how far from the textbook start an excursion may begin */
  double min_ms, max_ms, lost_ms;
} kt_track_params;

typedef enum { kt_track_unknown, kt_track_falling, kt_track_rising } kt_track_phase;

typedef struct kt_rep_track {
  bool started;
  kt_track_phase phase;
  double lo, lo_t;         /* unknown, falling: the lowest value so far */
  double band_t;           /* unknown, falling: the last time within `noise` of it */
  double hi, hi_t;         /* unknown: the highest; rising: the peak so far */
  double valley;           /* rising: where the excursion started */
  double leave_t;          /* rising: when it left the start (band_t at the turn) */
  double last_t;           /* the last valid sample */
  double q;                /* the last valid sample */
  double amps[KT_TRACK_TYPICAL];
  int namps, amp_pos;
} kt_rep_track;

typedef enum { kt_track_none = 0, kt_track_rep, kt_track_half } kt_track_event_kind;

typedef struct kt_track_event {
  kt_track_event_kind kind;
  double start_ms, peak_ms, end_ms;
  double valley, peak;     /* nominal units */
} kt_track_event;

void kt_rep_track_reset(kt_rep_track* t);

/* One frame at time `t`; `valid` says whether q is a value. Returns the
 * event this frame completes (kind none when it completes nothing). */
kt_track_event kt_rep_track_push(kt_rep_track* t, const kt_track_params* p, double ts, bool valid, double q);

/* The median of the last counted amplitudes; `fallback` before the first. */
double kt_rep_track_typical(const kt_rep_track* t, double fallback);

/* Progress 0..99 inside the current excursion: 0..50 on the way in (50 at
 * `depth` nominal units from the start), 50..99 on the way back; -1 when
 * no excursion is under way. */
int kt_rep_track_progress(const kt_rep_track* t, const kt_track_params* p, double depth);

#endif
