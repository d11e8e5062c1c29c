// upload.mjs — /pose_tracker/upload_tracking: a video or a photo, chosen
// through the file input or given as videoSrc / imageSrc, analyzed on the
// device. Posts what `kinetrack analyze` prints for the same file:
//
//   video: loading video → environment → (per frame: progress every 10 %,
//          the tracker's messages) → finish() messages → Analysis completed
//   photo: loading image → initializing pose model → environment → running
//          → keypoints / angles → image_overlay
//
// Every frame of a video is analyzed exactly once, in order, whatever the
// machine's speed (step-frames.mjs); with export=true each one also goes to
// the encoder (export.mjs).
//
// Where the pose model runs on the GPU (poseBackend=webgl, and the engine
// says webgl runs), a video's frames go to the engine as VideoFrames and the
// photo as an ImageBitmap (engine.call('processTexture')): the browser
// uploads them as textures and the model's input is sampled there, never
// read into wasm memory. Pixels are still read only where pixels are the
// product: export=true's frames (the engine reads each frame to draw the
// skeleton on it for the encoder) and image_overlay's PNG with skeleton=true
// (this page reads the photo and the C draws the skeleton on it). A lost
// WebGL2 context moves the session to wasm (the engine's non-fatal
// backend_fallback_wasm, then environment); the rest of the video then goes
// as bytes, as on poseBackend=wasm.
import {
  applyUploadUi, boot, environmentMessages, exposeMemory, post, setLoading, showStatus, sizeOverlay, paintOverlay,
} from './common.mjs';
import { createFrameGrabber, videoFrameOf } from './frames.mjs';
import { startPageExport } from './export.mjs';
import { MediaFailure, presented, stepFrames } from './step-frames.mjs';
import { withImageSource } from '../runtime/kinetrack-loader.mjs';
import { createMediaSession } from '../runtime/media-session.mjs';

const LOAD_TIMEOUT_MS = 30000;

const TEXT = {
  video_load_error: 'The video could not be loaded.',
  image_load_error: 'The image could not be loaded.',
  cross_origin_video: 'The video server does not allow this page to read the video (no CORS headers).',
  cross_origin_image: 'The image server does not allow this page to read the image (no CORS headers).',
  media_decode_error: 'The media could not be decoded.',
};

const $ = (id) => document.getElementById(id);

function isCrossOrigin(url) {
  try {
    const u = new URL(url, window.location.href);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin !== window.location.origin;
  } catch {
    return false;
  }
}

// Why a remote media load failed: a server that answers CORS requests (any
// status) is a load error; a server the browser may not read is
// cross_origin_*. (A browser cannot tell "no CORS headers" from "no
// server" apart; both are reported as cross_origin_*.)
async function classifyLoadFailure(url, kind) {
  const load = `${kind}_load_error`;
  if (!isCrossOrigin(url)) return load;
  const abort = new AbortController();
  try {
    await fetch(url, { mode: 'cors', credentials: 'omit', cache: 'no-store', signal: abort.signal });
    return load;
  } catch {
    return `cross_origin_${kind}`;
  } finally {
    abort.abort();
  }
}

function once(target, events, timeoutMs) {
  return new Promise((resolve) => {
    const off = () => {
      clearTimeout(timer);
      for (const e of Object.keys(events)) target.removeEventListener(e, handlers[e]);
    };
    const handlers = {};
    for (const [e, value] of Object.entries(events)) {
      handlers[e] = () => {
        off();
        resolve(value);
      };
      target.addEventListener(e, handlers[e]);
    }
    const timer = setTimeout(() => {
      off();
      resolve('timeout');
    }, timeoutMs);
  });
}

// ------------------------------------------------------------ page
async function main() {
  const b = await boot({ upload: true });
  if (!b) return;
  const { engine, params, plan, message } = b;
  setLoading(null);
  exposeMemory(engine);
  const isImageSource = params.source === 'image';
  applyUploadUi(params, isImageSource ? 'Upload a photo' : 'Upload a video');
  const button = $('kt-upload-button');
  const input = $('kt-file');
  input.accept = isImageSource ? 'image/*' : 'video/*,image/*';
  let busy = false;

  const queryFor = (kind) => (kind === 'image' ? withImageSource(b.query) : b.query);
  // The messages around an analysis, in the CLI's order (media-session.mjs).
  const mediaSession = (kind) => createMediaSession({
    kind, post, messages: { initialization: message.initialization, environment: () => environmentMessages(b, 0) },
  });

  // Whether frames go to the engine as textures: the tracker runs on the
  // webgl runtime (asked with poseBackend=webgl and not fallen back) and the
  // browser can hand the frame over (`api`: VideoFrame for a video,
  // createImageBitmap for a photo; without it, bytes as on wasm).
  const onGpu = async (api) => typeof api === 'function' && (await engine.call('backend')).using === 'webgl';

  const failWith = async (code, text, details = {}, timestampMs = 0) => {
    post(await message.error(code, text, { details, timestampMs }));
    showStatus(TEXT[code] || text);
  };

  async function run(kind, url) {
    if (busy) return;
    busy = true;
    showStatus('');
    $('kt-upload').hidden = true;
    try {
      await engine.call('createTracker', { query: queryFor(kind), plan });
      if (kind === 'image') await analyzeImage(url);
      else await analyzeVideo(url);
    } catch (e) {
      if (e instanceof MediaFailure) await failWith(e.code, e.message, e.details);
      else if (e && e.payload) {
        post(e.payload);
        showStatus(e.payload.message);
      } else await failWith(e && e.code && /^[a-z_]+$/.test(e.code) ? e.code : 'media_decode_error', String(e && e.message ? e.message : e));
    } finally {
      busy = false;
      $('kt-upload').hidden = params.showUpload === false;
    }
  }

  // -------------------------------------------------------------- video
  async function analyzeVideo(url) {
    const video = $('kt-video');
    const overlay = $('kt-overlay');
    $('kt-photo').hidden = true;
    const session = mediaSession('video');
    await session.loading();
    video.hidden = false;
    overlay.hidden = !params.skeleton;
    video.muted = true;
    video.playsInline = true;
    if (isCrossOrigin(url)) video.crossOrigin = 'anonymous';
    else video.removeAttribute('crossorigin');
    video.src = url;
    video.load();
    const loaded = await once(video, { loadeddata: 'ok', error: 'error' }, LOAD_TIMEOUT_MS);
    if (loaded !== 'ok') {
      const code = loaded === 'timeout' ? 'video_load_error' : await classifyLoadFailure(url, 'video');
      throw new MediaFailure(code, `${TEXT[code]} (${loaded === 'timeout' ? 'timed out' : (video.error && video.error.message) || 'error'})`, { url: String(url).slice(0, 200) });
    }
    await session.ready();
    const w = video.videoWidth;
    const h = video.videoHeight;
    if (!w || !h) throw new MediaFailure('media_decode_error', 'the video has no picture');
    const grab = createFrameGrabber();
    const size = params.skeleton ? sizeOverlay(overlay, w, h) : null;
    const duration = video.duration;
    // export=true: each analyzed frame, skeleton drawn, encoded off this thread (export.mjs).
    const exporting = params.export ? await startPageExport({ message, post, width: w, height: h, sourceUrl: url, link: $('kt-export') }) : null;
    let firstTime = null;
    let lastTs = 0;
    let textures = await onGpu(globalThis.VideoFrame);

    await stepFrames(video, async (mediaTime, index, frameDuration) => {
      if (firstTime === null) firstTime = mediaTime;
      const timestampMs = Math.round((mediaTime - firstTime) * 1e6) / 1e3;
      const read = async (expected) => {
        try {
          return textures ? videoFrameOf(video, expected) : await grab(video, expected);
        } catch (e) {
          throw new MediaFailure('cross_origin_video', TEXT.cross_origin_video, { reason: String(e && e.name) });
        }
      };
      let got = await read(mediaTime);
      if (got.stale) {
        // The player moved on before the frame was read: a seek shows it
        // again (paused, so it stays; read as it is).
        await presented(video, () => { video.currentTime = mediaTime; });
        got = await read();
      }
      const { frame, transfer } = got;
      // The CLI's progress: floor(100 * index / frames), the frame count
      // from the duration and the frame interval.
      const total = Number.isFinite(duration) && duration > 0 && Number.isFinite(frameDuration) && frameDuration > 0
        ? Math.max(1, Math.round(duration / frameDuration)) : 0;
      await session.frame(index, total, timestampMs);
      const result = textures
        ? await engine.call('processTexture', { frame, timestampMs, overlay: size, exportFrame: !!exporting }, transfer)
        : await engine.call('process', { ...frame, timestampMs, overlay: size, exportFrame: !!exporting }, transfer);
      // The context was lost on this frame: the engine moved to wasm and
      // posts why; the next frames go as bytes.
      if (textures && result.backend !== 'webgl') textures = false;
      for (const m of result.messages) post(m);
      if (size) paintOverlay(overlay, result.overlay, size.width, size.height);
      if (exporting) await exporting.frame(result.exportFrame, mediaTime, timestampMs);
      lastTs = timestampMs;
    }).catch((e) => { exporting?.cancel(); throw e; });
    for (const m of await engine.call('finish')) post(m);
    if (exporting) await exporting.finish();
    await session.completed(lastTs);
  }

  // -------------------------------------------------------------- photo
  async function analyzeImage(url) {
    const photo = $('kt-photo');
    $('kt-video').hidden = true;
    $('kt-overlay').hidden = true;
    const session = mediaSession('image');
    await session.loading();
    const img = new Image();
    if (isCrossOrigin(url)) img.crossOrigin = 'anonymous';
    img.decoding = 'async';
    img.src = url;
    try {
      await img.decode();
    } catch (e) {
      const code = await classifyLoadFailure(url, 'image');
      throw new MediaFailure(code, `${TEXT[code]} (${String(e && e.message)})`, { url: String(url).slice(0, 200) });
    }
    const w = img.naturalWidth;
    const h = img.naturalHeight;
    if (!w || !h) throw new MediaFailure('media_decode_error', 'the image has no pixels');
    photo.width = w;
    photo.height = h;
    const ctx = photo.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(img, 0, 0, w, h);
    const textures = await onGpu(globalThis.createImageBitmap);
    // On the GPU the photo's pixels are read only for image_overlay's
    // skeleton; a one-pixel read still tells a cross-origin image without
    // CORS (the canvas is then tainted and refuses it).
    let pixels = null;
    try {
      if (!textures || params.skeleton) pixels = ctx.getImageData(0, 0, w, h);
      else ctx.getImageData(0, 0, 1, 1);
    } catch (e) {
      throw new MediaFailure('cross_origin_image', TEXT.cross_origin_image, { reason: String(e && e.name) });
    }
    await session.ready();
    let result;
    if (textures) {
      // Decoded as the canvas draws it (colour-managed the same way); alpha
      // left as it is, as getImageData returns it.
      const bitmap = await createImageBitmap(img, { premultiplyAlpha: 'none' });
      result = await engine.call('processTexture', { frame: bitmap, timestampMs: 0, overlay: null }, [bitmap]);
    } else {
      const copy = pixels.data.buffer.slice(0);
      result = await engine.call('process', { rgba: copy, width: w, height: h, timestampMs: 0, overlay: null }, [copy]);
    }
    // image_overlay: the photo with the skeleton drawn by the C, as PNG
    // (the canvas already shows the photo itself).
    if (params.skeleton) {
      const source = pixels.data.buffer;
      const drawn = await engine.call('renderOnto', { rgba: source, width: w, height: h }, [source]);
      ctx.putImageData(new ImageData(new Uint8ClampedArray(drawn), w, h), 0, 0);
    } else if (pixels) {
      ctx.putImageData(pixels, 0, 0);
    }
    photo.hidden = false;
    const overlayMessages = await engine.call('imageOverlay', { dataUrl: photo.toDataURL('image/png'), width: w, height: h, timestampMs: 0 });
    for (const m of result.messages) post(m);
    for (const m of overlayMessages) post(m);
  }

  button.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    const file = input.files && input.files[0];
    if (!file) return;
    const kind = file.type.startsWith('image/') || (isImageSource && !file.type.startsWith('video/')) ? 'image' : 'video';
    const url = URL.createObjectURL(file);
    run(kind, url).finally(() => {
      input.value = '';
    });
  });

  if (isImageSource && params.imageSrc) await run('image', params.imageSrc);
  else if (!isImageSource && params.videoSrc) await run('video', params.videoSrc);
}

main().catch((e) => {
  setLoading(null);
  showStatus(String(e && e.message ? e.message : e));
});
