// media-session.test.mjs — the messages around an analysis
// (wasm/media-session.mjs), which `kinetrack analyze` and the upload page
// share: their order for a photo and a video, progress every 10 %, and the
// page's asynchronous message builders.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createMediaSession, progressPercent } from '../../wasm/media-session.mjs';

// Message builders that record what was asked; `async` as the page's engine.
function recorder({ async = false, environment = [{ type: 'environment' }] } = {}) {
  const posted = [];
  const wrap = (f) => (async ? async (...a) => f(...a) : f);
  const messages = {
    initialization: wrap((message, ready, step, timestampMs) => ({ type: 'initialization', message, ready, step, timestampMs })),
    environment: wrap(() => environment),
  };
  return { posted, messages, post: (m) => posted.push(m) };
}
const steps = (posted) => posted.map((m) => (m.type === 'initialization' ? `${m.step}:${m.message}` : m.type));

test('photo: loading image, then initializing pose model, environment, running', async () => {
  const r = recorder();
  const s = createMediaSession({ kind: 'image', messages: r.messages, post: r.post });
  await s.loading();
  assert.deepEqual(steps(r.posted), ['loading_media:loading image']);
  await s.ready();
  assert.deepEqual(steps(r.posted), ['loading_media:loading image', 'loading_pose_model:initializing pose model', 'environment', 'ready:running']);
  assert.equal(r.posted.at(-1).ready, true);
});

test('video: loading, environment (with a backend notice first), progress every 10 %, completed', async () => {
  const r = recorder({ async: true, environment: [{ type: 'error', code: 'backend_fallback_wasm' }, { type: 'environment' }] });
  const s = createMediaSession({ kind: 'video', messages: r.messages, post: r.post });
  await s.loading();
  await s.ready();
  for (let i = 0; i < 37; i++) await s.frame(i, 37, i * 33.3);
  await s.completed(1200);
  const progress = r.posted.filter((m) => m.step === 'processing');
  assert.deepEqual(progress.map((m) => m.message.match(/\((\d+)%\)/)[1]), ['0', '10', '21', '32', '43', '54', '64', '75', '86', '97']);
  assert.equal(progress[1].timestampMs, 4 * 33.3); // frame 4 of 37 is the first at >= 10 %
  assert.deepEqual(steps(r.posted).slice(0, 3), ['loading_media:loading video', 'error', 'environment']);
  assert.deepEqual(r.posted.at(-1), { type: 'initialization', message: 'Analysis completed', ready: true, step: 'ready', timestampMs: 1200 });
});

test('video of unknown length: one progress message at 0 %; bad kinds refused', async () => {
  const r = recorder();
  const s = createMediaSession({ kind: 'video', messages: r.messages, post: r.post });
  for (let i = 0; i < 5; i++) await s.frame(i, 0, i);
  assert.equal(r.posted.filter((m) => m.step === 'processing').length, 1);
  assert.equal(progressPercent(5, 0), 0);
  assert.equal(progressPercent(50, 40), 100);
  assert.throws(() => createMediaSession({ kind: 'audio', messages: r.messages, post: r.post }), TypeError);
});
