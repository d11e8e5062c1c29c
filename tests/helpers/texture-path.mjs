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

// The same for 4:2:0 frames (a video's planes, as the upload page hands
// them over on poseBackend=webgl): tracked once from GPU textures
// (tracker.processYuv420Texture: the planes uploaded from their JS buffer,
// converted by the shader with the C's integer arithmetic) and once as
// bytes (tracker.processYuv420: converted by the C in wasm memory). The
// planes are made here from the shifted photo (any conversion will do:
// both paths read the same planes) at width x height, in `layout`:
//   'i420'        three packed planes (strides = widths)
//   'i420-padded' each row 13 bytes longer and the planes 7 bytes apart
//   'nv12-padded' Y and interleaved UV, rows 6 bytes longer
// with `matrix` and `fullRange` as a VideoFrame's colour space gives them.
// Reports the keypoints of both, frameStats, and how many runs of the Y
// planes are found in wasm memory: of every frame's after the texture path,
// of the last frame's after the bytes path (each frame's planes overwrite
// the last in the loader's scratch buffer).
export async function trackYuvBothPaths({ photo, query, models, frames, shift, zoom = 1, width, height, layout, matrix, fullRange }) {
  const api = window.api;
  const { MODELS, loadModelFrom } = await import('/wasm/model-manifest.mjs');
  const get = async (f) => new Uint8Array(await (await fetch(`/models/${f}`)).arrayBuffer());
  const loaded = {};
  for (const [role, name] of Object.entries(models))
    loaded[role] = loadModelFrom(api, name, await Promise.all(MODELS[name].files.map(get)), { backend: 'webgl' });
  const bitmap = await createImageBitmap(await (await fetch(`/media/${photo}`)).blob());
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const nv12 = layout.startsWith('nv12');
  const pad = layout === 'i420' ? 0 : layout === 'i420-padded' ? 13 : 6;
  const gap = layout === 'i420-padded' ? 7 : 0;
  const yStride = width + pad;
  const cStride = (nv12 ? cw * 2 : cw) + pad;
  const offsets = nv12 ? [0, yStride * height + gap] : [0, yStride * height + gap, yStride * height + gap + cStride * ch + gap];
  const size = offsets.at(-1) + cStride * ch;
  // BT.601-ish forward conversion, limited or full range, chroma from the
  // top-left pixel of each 2x2 block.
  const clamp = (v) => Math.max(0, Math.min(255, Math.round(v)));
  const frameAt = (i) => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(bitmap, (i + 1) * shift - (zoom - 1) * width / 2, -(zoom - 1) * height / 2, width * zoom, height * zoom);
    const rgba = ctx.getImageData(0, 0, width, height).data;
    const data = new Uint8Array(size).fill(77); // padding bytes no conversion may read
    const ys = fullRange ? 1 : 219 / 255;
    const yo = fullRange ? 0 : 16;
    const cs = fullRange ? 1 : 224 / 255;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = (y * width + x) * 4;
        const [r, g, b] = [rgba[p], rgba[p + 1], rgba[p + 2]];
        data[offsets[0] + y * yStride + x] = clamp((0.299 * r + 0.587 * g + 0.114 * b) * ys + yo);
        if ((x & 1) || (y & 1)) continue;
        const u = clamp((-0.1687 * r - 0.3313 * g + 0.5 * b) * cs + 128);
        const v = clamp((0.5 * r - 0.4187 * g - 0.0813 * b) * cs + 128);
        const row = (y >> 1) * cStride;
        if (nv12) {
          data[offsets[1] + row + (x >> 1) * 2] = u;
          data[offsets[1] + row + (x >> 1) * 2 + 1] = v;
        } else {
          data[offsets[1] + row + (x >> 1)] = u;
          data[offsets[2] + row + (x >> 1)] = v;
        }
      }
    }
    const strides = nv12 ? [yStride, cStride] : [yStride, cStride, cStride];
    return { format: nv12 ? 'NV12' : 'I420', width, height, data, layout: offsets.map((offset, k) => ({ offset, stride: strides[k] })), matrix, fullRange };
  };
  // 32-byte runs of Y from the middle of a few rows.
  const probes = (f) => [0.25, 0.5, 0.75].map((r) => {
    const at = Math.floor(height * r) * yStride + Math.floor(width / 2);
    return f.data.slice(at, at + 32);
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
  const run = (tracker, asTexture) => {
    const out = [];
    for (let i = 0; i < frames; i++) {
      const f = frameAt(i);
      out.push(keypointsOf(asTexture ? tracker.processYuv420Texture(f, i * 100) : tracker.processYuv420(f, i * 100)));
    }
    return { keypoints: out, stats: tracker.frameStats() };
  };
  const needles = Array.from({ length: frames }, (_, i) => probes(frameAt(i)));
  const tex = api.createTracker(loaded, query);
  const cpu = api.createTracker(loaded, query);
  try {
    const texture = run(tex, true);
    texture.foundInHeap = found(needles.flat());
    const bytes = run(cpu, false);
    bytes.foundInHeap = found(needles.at(-1));
    return { texture, bytes, needles: needles.flat().length, lastNeedles: needles.at(-1).length };
  } finally {
    tex.dispose();
    cpu.dispose();
    for (const m of Object.values(loaded)) m.dispose();
  }
}
