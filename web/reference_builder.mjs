// reference_builder.mjs — /pose_tracker/reference_builder: a coach picks or
// records a video, scrubs to one clean repetition (start and end), and gets
// the reference movement's signature: as a download (<uuid>.json, for
// `kinetrack serve --references DIR`) and as a `reference_signature`
// message to the host. The frames of the span are analyzed by the same
// runtime as the other pages (one pose per frame, 30 frames a second) and
// the signature is built by the same C as `kinetrack reference create`.
// With keypoints=true the span's `keypoints` messages are posted too.
import { boot, post, setLoading, showStatus } from './common.mjs';
import { createFrameGrabber } from './frames.mjs';

const FPS = 30;
const SEEK_TIMEOUT_MS = 10000;
// COCO-17 edges, for the preview only (the pages' overlays are drawn by the C).
const EDGES = [[5, 7], [7, 9], [6, 8], [8, 10], [5, 6], [5, 11], [6, 12], [11, 12], [11, 13], [13, 15], [12, 14], [14, 16], [0, 5], [0, 6]];

const $ = (id) => document.getElementById(id);

function seekTo(video, t) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      video.removeEventListener('seeked', done);
      reject(new Error(`seeking to ${t.toFixed(3)} s timed out`));
    }, SEEK_TIMEOUT_MS);
    function done() {
      clearTimeout(timer);
      resolve();
    }
    video.addEventListener('seeked', done, { once: true });
    video.currentTime = t;
  });
}

function drawPose(canvas, video, keypoints) {
  const rect = canvas.getBoundingClientRect();
  const w = Math.max(1, Math.round(rect.width)), h = Math.max(1, Math.round(rect.height));
  if (canvas.width !== w || canvas.height !== h) canvas.width = w, canvas.height = h;
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, w, h);
  if (!keypoints) return;
  // the video is drawn with object-fit: contain
  const s = Math.min(w / video.videoWidth, h / video.videoHeight);
  const ox = (w - video.videoWidth * s) / 2, oy = (h - video.videoHeight * s) / 2;
  const at = (k) => [ox + k.x * video.videoWidth * s, oy + k.y * video.videoHeight * s];
  ctx.lineWidth = 3;
  ctx.strokeStyle = '#38e07b';
  for (const [a, b] of EDGES) {
    if (keypoints[a].score < 0.3 || keypoints[b].score < 0.3) continue;
    ctx.beginPath();
    ctx.moveTo(...at(keypoints[a]));
    ctx.lineTo(...at(keypoints[b]));
    ctx.stroke();
  }
  ctx.fillStyle = '#ffffff';
  for (const k of keypoints) {
    if (k.score < 0.3) continue;
    const [x, y] = at(k);
    ctx.fillRect(x - 3, y - 3, 6, 6);
  }
}

async function main() {
  const b = await boot({ upload: true });
  if (!b) return;
  const { engine, params, plan, message } = b;
  setLoading(null);
  const video = $('kt-video');
  const overlay = $('kt-overlay');
  const panel = $('kt-builder-panel');
  const startInput = $('kt-start'), endInput = $('kt-end'), nameInput = $('kt-name');
  const buildButton = $('kt-build'), download = $('kt-download');
  panel.hidden = false;
  let busy = false;
  let loadedName = '';

  async function load(url, name) {
    download.hidden = true;
    loadedName = name;
    video.src = url;
    await new Promise((resolve, reject) => {
      video.addEventListener('loadeddata', resolve, { once: true });
      video.addEventListener('error', () => reject(new Error('the video could not be loaded')), { once: true });
    });
    startInput.max = endInput.max = String(video.duration);
    endInput.value = String(Math.min(video.duration, Number(startInput.value) + 2).toFixed(2));
    buildButton.disabled = false;
    post(await message.initialization('video loaded: choose the span of one repetition', true, 'ready'));
  }

  async function fail(code, text) {
    post(await message.error(code, text, { fatal: false }));
    showStatus(text);
  }

  // The span's frames, analyzed in order; the skeleton previewed as they go.
  async function build() {
    if (busy) return;
    busy = true;
    buildButton.disabled = true;
    showStatus('');
    try {
      const start = Number(startInput.value), end = Number(endInput.value);
      if (!(end > start)) throw Object.assign(new Error('the end must come after the start'), { code: 'invalid_reference' });
      const model = params.blazepose ? `&blazepose=true&mediapipeModel=${params.mediapipeModel}` : '';
      await engine.call('createTracker', { query: `source=video&keypoints=true${model}`, plan });
      const env = await engine.call('environment', { timestampMs: 0 });
      post(env);
      const grab = createFrameGrabber();
      const keypoints = [];
      const frames = Math.floor((end - start) * FPS + 1e-9) + 1;
      video.pause();
      for (let i = 0; i < frames; i++) {
        const t = start + i / FPS;
        await seekTo(video, t);
        const { frame, transfer } = await grab(video);
        const timestampMs = Math.round(t * 1e6) / 1e3;
        const result = await engine.call('process', { ...frame, timestampMs, overlay: null }, transfer);
        for (const m of result.messages) {
          if (m.type !== 'keypoints') continue;
          keypoints.push(m);
          if (params.keypoints) post(m);
          drawPose(overlay, video, m.keypoints);
        }
        if (i % 15 === 0) post(await message.initialization(`Building the reference (${Math.floor((100 * i) / frames)}%)`, false, 'processing', timestampMs));
      }
      await engine.call('finish');
      const id = crypto.randomUUID();
      const { text, message: signatureMessage } = await engine.call('buildReference', {
        keypoints, width: video.videoWidth, height: video.videoHeight, startMs: start * 1000, endMs: end * 1000,
        id, name: nameInput.value || loadedName, model: env.model, timestampMs: end * 1000,
      });
      post(signatureMessage);
      download.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
      download.download = `${id}.json`;
      download.textContent = `Download ${id}.json`;
      download.hidden = false;
      const moving = signatureMessage.signature.features.filter((f) => f.moving).map((f) => f.name.replace(/_/g, ' '));
      showStatus(`Reference ${id}: ${signatureMessage.durationMs} ms; moving: ${moving.join(', ')}`);
    } catch (e) {
      if (e && e.payload) {
        post(e.payload);
        showStatus(e.payload.message);
      } else await fail(e && e.code && /^[a-z_]+$/.test(e.code) ? e.code : 'invalid_reference', String(e && e.message ? e.message : e));
    } finally {
      busy = false;
      buildButton.disabled = false;
    }
  }

  $('kt-pick').addEventListener('click', () => $('kt-file').click());
  $('kt-file').addEventListener('change', () => {
    const file = $('kt-file').files && $('kt-file').files[0];
    if (file) load(URL.createObjectURL(file), file.name).catch((e) => fail('video_load_error', e.message));
  });
  // Record: the camera until pressed again, then the recording is the video.
  let recorder = null;
  $('kt-record').addEventListener('click', async () => {
    if (recorder) {
      recorder.stop();
      return;
    }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
      const chunks = [];
      recorder = new MediaRecorder(stream);
      recorder.ondataavailable = (e) => chunks.push(e.data);
      recorder.onstop = () => {
        stream.getTracks().forEach((t) => t.stop());
        recorder = null;
        $('kt-record').textContent = 'Record';
        video.srcObject = null;
        load(URL.createObjectURL(new Blob(chunks, { type: chunks[0]?.type || 'video/webm' })), 'recording').catch((e) => fail('video_load_error', e.message));
      };
      video.srcObject = stream;
      video.play();
      recorder.start();
      $('kt-record').textContent = 'Stop';
    } catch (e) {
      await fail('camera_permission_denied', `the camera could not be opened: ${e.message}`);
    }
  });
  $('kt-set-start').addEventListener('click', () => { startInput.value = video.currentTime.toFixed(2); });
  $('kt-set-end').addEventListener('click', () => { endInput.value = video.currentTime.toFixed(2); });
  panel.addEventListener('submit', (e) => {
    e.preventDefault();
    build();
  });
  if (params.videoSrc) load(params.videoSrc, params.videoSrc.split('/').pop()).catch((e) => fail('video_load_error', e.message));
}

main();
