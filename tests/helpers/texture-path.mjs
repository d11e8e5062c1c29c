// texture-path.mjs — page-side code (run through openWebglPage's evaluate)
// that tracks the same frames twice on the WebGL2 module: once as GPU
// textures (tracker.processTexture: the crop, rotation and resize run as a
// shader) and once as RGBA bytes (tracker.process: the C preprocessing),
// and reports the keypoints of both, how the frames reached the C
// (frameStats), and whether rows of the frames are found in wasm memory
// after each path (they must not be after the texture path; they are after
// the bytes path, which shows the search finds them).
//
// The frames: a shared photo drawn shifted by `shift` pixels a frame, so
// video tracking moves its crop (frame i at (i + 1) * shift), zoomed by
// `zoom` about its centre: calls with different zooms share no run of
// pixels (a shift alone keeps every row's runs), so one call's bytes path
// leaves nothing the next call's search could find; frame 0 goes in as a VideoFrame, the rest
// as ImageBitmaps.
export async function trackBothPaths({ photo, query, models, frames, shift, zoom = 1, width, height }) {
  const api = window.api;
  const { MODELS, loadModelFrom } = await import('/wasm/model-manifest.mjs');
  const get = async (f) => new Uint8Array(await (await fetch(`/models/${f}`)).arrayBuffer());
  const loaded = {};
  for (const [role, name] of Object.entries(models))
    loaded[role] = loadModelFrom(api, name, await Promise.all(MODELS[name].files.map(get)), { backend: 'webgl' });
  const bitmap = await createImageBitmap(await (await fetch(`/media/${photo}`)).blob());
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const frameAt = (i) => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(bitmap, (i + 1) * shift - (zoom - 1) * width / 2, -(zoom - 1) * height / 2, width * zoom, height * zoom);
    return ctx.getImageData(0, 0, width, height).data;
  };
  // 32-byte runs from the middle of a few rows: searched for in wasm memory.
  const probes = (rgba) => [0.25, 0.5, 0.75].map((f) => {
    const at = (Math.floor(height * f) * width + Math.floor(width / 2)) * 4;
    return rgba.slice(at, at + 32);
  });
  const found = (needles) => {
    const heap = window.kt.HEAPU8;
    let hits = 0;
    for (const n of needles) {
      for (let i = heap.indexOf(n[0]); i >= 0 && i < heap.length - 32; i = heap.indexOf(n[0], i + 1)) {
        let k = 1;
        while (k < 32 && heap[i + k] === n[k]) k++;
        if (k === 32) { hits++; break; }
      }
    }
    return hits;
  };
  const keypointsOf = (messages) => messages.find((m) => m.type === 'keypoints')?.keypoints ?? null;
  const run = async (tracker, asTexture) => {
    const out = [];
    const t0 = performance.now();
    for (let i = 0; i < frames; i++) {
      const rgba = frameAt(i);
      let messages;
      if (!asTexture) {
        messages = tracker.process(rgba, width, height, i * 100);
      } else if (i === 0 && typeof VideoFrame === 'function') {
        const vf = new VideoFrame(canvas, { timestamp: 0 });
        try { messages = tracker.processTexture(vf, i * 100); } finally { vf.close(); }
      } else {
        const ib = await createImageBitmap(canvas, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
        try { messages = tracker.processTexture(ib, i * 100); } finally { ib.close(); }
      }
      out.push(keypointsOf(messages));
    }
    return { keypoints: out, ms: (performance.now() - t0) / frames, stats: tracker.frameStats() };
  };
  const needles = Array.from({ length: frames }, (_, i) => probes(frameAt(i))).flat();
  const tex = api.createTracker(loaded, query);
  const cpu = api.createTracker(loaded, query);
  try {
    const texture = await run(tex, true);
    texture.foundInHeap = found(needles);
    const bytes = await run(cpu, false);
    bytes.foundInHeap = found(needles);
    return { texture, bytes, needles: needles.length };
  } finally {
    tex.dispose();
    cpu.dispose();
    for (const m of Object.values(loaded)) m.dispose();
  }
}
