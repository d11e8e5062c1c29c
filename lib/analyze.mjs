// analyze.mjs — what `kinetrack analyze` does: decode a photo or a video
// through ffmpeg, feed every frame to a tracker, and yield the messages the
// upload page would post, in order. Optionally writes the overlay (PNG for
// photos, MP4 for videos) with the skeleton drawn.
import fs from 'node:fs';
import { spawn } from 'node:child_process';

import { decodeImage, decodeVideoFrames, probeMedia } from './media/decode.mjs';
import { encodePng } from './media/png.mjs';
import { createTracker } from './index.mjs';
import { loadRuntime, KinetrackError } from './runtime.mjs';
import { withImageSource } from '../wasm/kinetrack-loader.mjs';
import { createMediaSession } from '../wasm/media-session.mjs';

// Yields message objects. Throws KinetrackError (code, payload = the error
// message object) when the analysis cannot complete; the caller prints the
// payload. `overlay`: output path (.png for photos, .mp4/.webm/.mov for videos).
// `movements`: where userExercise definitions are, `references`: where
// reference signatures are (see createTracker). `frameSize(w, h)` is told
// the video's frame size once (reference building needs it).
// `threads`: XNNPACK's threads (1..8), reported in the environment message.
export async function* analyzeMedia(input, { query = '', plan = 'developer', overlay = null, timeoutMs = 60000, movements = null, references = null, frameSize = null, threads = 1 } = {}) {
  const kt = await loadRuntime({ threads });
  const fail = (code, message, details) => {
    throw new KinetrackError(code, message, kt.messages.error(code, message, { details }));
  };
  let info;
  try {
    info = await probeMedia(input, { timeoutMs });
  } catch (e) {
    fail(e.code || 'media_decode_error', e.message);
  }
  const q = info.kind === 'image' ? withImageSource(query) : query.replace(/^\?/, '');
  let tracker;
  try {
    tracker = await createTracker({ query: q, plan, movements, references, threads });
  } catch (e) {
    if (e.payload) throw e;
    fail(e.code || 'invalid_param', e.message);
  }
  // The steps around the analysis are the upload page's (media-session.mjs);
  // its messages queue here and are yielded after each step.
  const queue = [];
  const session = createMediaSession({
    kind: tracker.isImage ? 'image' : 'video',
    post: (m) => queue.push(m),
    messages: {
      initialization: kt.messages.initialization,
      environment: () => [kt.messages.environment({ model: tracker.model, threads: tracker.threads })],
    },
  });
  const posted = () => queue.splice(0);
  try {
    await session.loading();
    yield* posted();
    if (tracker.isImage) {
      let img;
      try {
        img = await decodeImage(input, { timeoutMs, probe: info });
      } catch (e) {
        fail(e.code || 'image_load_error', e.message);
      }
      await session.ready();
      yield* posted();
      yield* tracker.processFrame(img.rgba, img.width, img.height, 0);
      if (overlay) fs.writeFileSync(overlay, encodePng(tracker.renderOverlay(img.rgba, img.width, img.height), img.width, img.height));
    } else {
      await session.ready();
      yield* posted();
      const total = info.frameCount || 0;
      let encoder = null;
      let frames = 0;
      let lastTs = 0;
      try {
        // 4:2:0 video comes as decoded and is converted by the C, as on the
        // upload page, so both see the same pixels; JS holds RGBA only when
        // the overlay encoder needs it.
        for await (const frame of decodeVideoFrames(input, { timeoutMs, probe: info, pixels: 'yuv420' })) {
          if (overlay && !encoder) encoder = startEncoder(overlay, frame.width, frame.height, info.fps || 30);
          if (frameSize && frames === 0) frameSize(frame.width, frame.height);
          const rgba = frame.rgba || (encoder ? kt.yuv420ToRgba(frame.yuv420) : null);
          await session.frame(frame.index, total, frame.timestampMs);
          yield* posted();
          yield* rgba ? tracker.processFrame(rgba, frame.width, frame.height, frame.timestampMs)
            : tracker.processYuv420(frame.yuv420, frame.timestampMs);
          if (encoder) await encoder.write(tracker.renderOverlay(rgba, frame.width, frame.height));
          frames++;
          lastTs = frame.timestampMs;
        }
      } catch (e) {
        if (e instanceof KinetrackError) throw e;
        fail(e.code || 'media_decode_error', e.message);
      } finally {
        if (encoder) await encoder.close();
      }
      if (frames === 0) fail('media_decode_error', 'the video has no frames');
      yield* tracker.finish();
      await session.completed(lastTs);
      yield* posted();
    }
  } finally {
    tracker.dispose();
  }
}

// An ffmpeg process encoding RGBA frames from stdin into `path`.
function startEncoder(path, width, height, fps) {
  const codec = /\.webm$/i.test(path) ? ['-c:v', 'libvpx-vp9', '-b:v', '0', '-crf', '32'] : ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20'];
  const proc = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgba',
    '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0', '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2',
    ...codec, '-pix_fmt', 'yuv420p', path], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-2000); });
  const done = new Promise((resolve) => proc.on('close', resolve));
  proc.stdin.on('error', () => {});
  return {
    write(rgba) {
      return new Promise((resolve) => (proc.stdin.write(rgba) ? resolve() : proc.stdin.once('drain', resolve)));
    },
    async close() {
      proc.stdin.end();
      const code = await done;
      if (code !== 0) throw new KinetrackError('export_failed', `overlay encoding failed: ${stderr.trim()}`);
    },
  };
}
