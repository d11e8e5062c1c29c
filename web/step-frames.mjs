// step-frames.mjs — every frame of a <video> once, in presentation order,
// whatever the machine's speed: the video plays until
// requestVideoFrameCallback presents the next frame, pauses while the
// caller works on it, and any frame the player skipped is fetched back by
// seeking to it. Used by the upload page (analysis and export=true).
const FRAME_TIMEOUT_MS = 20000;
const ENDED_GRACE_MS = 500;
const SEEK_SETTLE_MS = 1000;

/** A media failure with the code the page posts (media_decode_error, ...). */
export class MediaFailure extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

// Resolves with the rVFC metadata of the next presented frame, null when
// the video ended first, undefined on timeout. `action` starts the change
// (play, or a seek).
export function presented(video, action, timeoutMs = FRAME_TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    let settled = false;
    let id = 0;
    const done = (value, error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      video.removeEventListener('ended', onEnded);
      video.removeEventListener('error', onError);
      if (error) reject(error);
      else resolve(value);
    };
    const onEnded = () => {
      // An 'ended' queued by an earlier seek to the end can arrive after the
      // video was sought back: only the end the video is at counts.
      if (!video.ended) return;
      // The last frame's callback can follow 'ended' (by more than a frame
      // on a busy machine): let it.
      setTimeout(() => {
        video.cancelVideoFrameCallback(id);
        done(null);
      }, ENDED_GRACE_MS);
    };
    const onError = () => done(undefined, new MediaFailure('media_decode_error', 'the video failed while decoding'));
    const timer = setTimeout(() => {
      video.cancelVideoFrameCallback(id);
      done(undefined);
    }, timeoutMs);
    video.addEventListener('ended', onEnded);
    video.addEventListener('error', onError);
    id = video.requestVideoFrameCallback((now, meta) => done(meta));
    action();
  });
}

/**
 * Calls handle(mediaTimeSeconds, index, frameDuration) once per frame, in
 * presentation order, with that frame displayed; frameDuration is the
 * shortest frame interval seen so far (Infinity on the first frame).
 */
export async function stepFrames(video, handle) {
  const EPS = 1e-6;
  let last = -Infinity;
  let dmin = Infinity;
  let count = 0;
  const dropped = () => (video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality().droppedVideoFrames : 0);
  const seek = async (t) => {
    let m = await presented(video, () => { video.currentTime = Math.max(0, t); });
    // A seek shows the frame starting at or before t. A later one is a frame
    // the player presented before the seek took effect (a busy machine):
    // wait for the seek's own.
    for (let i = 0; m && m.mediaTime > t + EPS && i < 3; i++) {
      const again = await presented(video, () => {}, SEEK_SETTLE_MS);
      if (!again) break; // none came: the media starts after t
      m = again;
    }
    if (m === undefined) throw new MediaFailure('media_decode_error', `the video did not present a frame at ${t.toFixed(3)} s`);
    return m;
  };
  const accept = async (t) => {
    if (count > 0) dmin = Math.min(dmin, t - last);
    await handle(t, count, dmin);
    last = t;
    count++;
  };
  // Frames strictly between `last` and `until`, fetched by seeking: a seek
  // to t shows the frame presented at t (the latest one starting at or
  // before t), so last + 1.5 d shows the next frame when d <= its duration.
  const fill = async (until, d) => {
    let target = last + 1.5 * d;
    let guard = 0;
    while (target < until - EPS && guard++ < 100000) {
      const m = await seek(target);
      if (!m) break;
      if (m.mediaTime >= until - EPS) break;
      if (m.mediaTime <= last + EPS) {
        target += d; // a longer frame (variable rate): look further
        continue;
      }
      await accept(m.mediaTime);
      target = last + 1.5 * d;
    }
  };

  const first = await seek(0);
  if (!first) throw new MediaFailure('media_decode_error', 'the video has no frames');
  await accept(first.mediaTime);
  let droppedBefore = dropped();
  for (;;) {
    const m = await presented(video, () => { video.play().catch(() => {}); });
    video.pause();
    if (m === undefined) throw new MediaFailure('media_decode_error', 'the video stalled');
    if (m === null) break;
    const t = m.mediaTime;
    if (t <= last + EPS) continue;
    const missed = dropped() - droppedBefore;
    const gap = t - last;
    if (!Number.isFinite(dmin)) {
      // The second frame: no interval is known yet to tell a frame the
      // player skipped without counting it (seen on a busy machine), so
      // look for one between: the frame shown at three quarters of the
      // gap, again from the earliest found, gives the first interval.
      let d = gap;
      for (let i = 0; i < 8; i++) {
        const probe = await seek(last + 0.75 * d);
        if (!probe || probe.mediaTime <= last + EPS || probe.mediaTime >= last + d - EPS) break;
        d = probe.mediaTime - last;
      }
      await fill(t, d);
      const back = await seek(t);
      if (back && back.mediaTime > last + EPS) await accept(back.mediaTime);
      droppedBefore = dropped();
      continue;
    }
    if (missed > 0 || gap > 1.5 * dmin) {
      const d = Math.min(Number.isFinite(dmin) ? dmin : gap, missed > 0 ? gap / (missed + 1) : gap);
      await fill(t, d);
      const back = await seek(t);
      if (back && back.mediaTime > last + EPS) await accept(back.mediaTime);
      droppedBefore = dropped();
      continue;
    }
    await accept(t);
    droppedBefore = dropped();
  }
  // The end: the last frame (and any the player skipped before it).
  if (Number.isFinite(video.duration)) {
    const end = await seek(video.duration);
    if (end && end.mediaTime > last + EPS) {
      const t = end.mediaTime;
      await fill(t, Number.isFinite(dmin) ? dmin : t - last);
      if (t > last + EPS) {
        const back = await seek(t);
        if (back && back.mediaTime > last + EPS) await accept(back.mediaTime);
      }
    }
  }
  return count;
}
