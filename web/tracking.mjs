// tracking.mjs — /pose_tracker/tracking: the live camera page.
//
// checking you plan and access → accessing webcam → loading pose model →
// environment → running; then live.mjs feeds the camera's frames to the C
// tracker (one in flight, the newest one queued) and posts its messages.
import { boot, post, postEnvironment, setLoading, showStatus } from './common.mjs';
import { createLivePath } from './live.mjs';

const CAMERA_TEXT = {
  camera_permission_denied: 'Camera access was denied. Allow the camera for this page, then reload it.',
  camera_not_found: 'No camera was found. Connect a camera, then reload this page.',
};

function cameraErrorCode(e) {
  const name = e && e.name;
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'camera_permission_denied';
  return 'camera_not_found';
}

async function openCamera(params) {
  if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== 'function') {
    const e = new Error('navigator.mediaDevices.getUserMedia is not available');
    e.name = 'NotFoundError';
    throw e;
  }
  // Android WebViews: the plainest request (resolution hints there are a
  // common cause of failures); elsewhere a front camera near 720p, or the
  // requested surface size.
  const video = params.isAndroid ? { facingMode: 'user' } : {
    facingMode: 'user',
    width: { ideal: params.width > 0 ? params.width : 1280 },
    height: { ideal: params.height > 0 ? params.height : 720 },
  };
  try {
    return await navigator.mediaDevices.getUserMedia({ video, audio: false });
  } catch (e) {
    if (e && e.name === 'OverconstrainedError') return navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    throw e;
  }
}

async function main() {
  const b = await boot({
    beforeToken: async (m) => post(await m.initialization('checking you plan and access', false, 'configuring')),
  });
  if (!b) return;
  const { engine, params, query, plan, message } = b;
  const video = document.getElementById('kt-video');
  const overlay = document.getElementById('kt-overlay');

  post(await message.initialization('accessing webcam', false, 'accessing_webcam'));
  let stream;
  try {
    stream = await openCamera(params);
  } catch (e) {
    const code = cameraErrorCode(e);
    post(await message.error(code, CAMERA_TEXT[code], { details: { name: String(e && e.name), reason: String(e && e.message) } }));
    setLoading(null);
    showStatus(CAMERA_TEXT[code]);
    return;
  }
  const t0 = performance.now();
  const now = () => Math.round((performance.now() - t0) * 1000) / 1000;
  video.srcObject = stream;
  await new Promise((resolve) => {
    if (video.readyState >= 2) resolve();
    else video.addEventListener('loadeddata', resolve, { once: true });
  });
  video.play().catch(() => {});

  post(await message.initialization('loading pose model', false, 'loading_pose_model', now()));
  try {
    await engine.call('createTracker', { query, plan, live: true });
  } catch (e) {
    post(e.payload || await message.error(e.code || 'model_load_failed', e.message, { timestampMs: now() }));
    setLoading(null);
    showStatus(e.payload ? e.payload.message : e.message);
    return;
  }
  await postEnvironment(b, now());
  post(await message.initialization('running', true, 'ready', now()));
  setLoading(null);

  let running = true;
  let finished = false;
  const finish = async () => {
    if (finished) return;
    finished = true;
    running = false;
    try {
      for (const m of await engine.call('finish')) post(m);
    } catch { /* page going away */ }
  };
  for (const track of stream.getVideoTracks()) track.addEventListener('ended', finish);
  window.addEventListener('pagehide', finish);

  const live = createLivePath({ engine, video, overlay, skeleton: params.skeleton, now });
  try {
    await live.run(() => running);
  } catch (e) {
    post(await message.error(e.code || 'processing_failed', e.message, { timestampMs: now() }));
  }
}

main().catch((e) => {
  setLoading(null);
  showStatus(String(e && e.message ? e.message : e));
});
