// frames.mjs — the frame a <video> shows, in the form the engine takes.
//
// Where the browser hands the decoded frame over as 8-bit 4:2:0 planes
// (WebCodecs VideoFrame, format I420 or NV12: software decoders and most
// cameras), the planes go to the engine as they are and the C converts them
// to RGBA exactly as `kinetrack analyze` does for the same file, so a page
// and the CLI see the same pixels; it is also 2.7 times less data to
// transfer than RGBA. Anything else (no WebCodecs, a GPU texture, 10-bit,
// rotation metadata the planes do not carry) is drawn to a canvas and read
// back as RGBA.
//
// With the pose model on the GPU (poseBackend=webgl running webgl) the
// upload page takes the frame as a VideoFrame instead (videoFrameOf): the
// engine uploads it as a texture and no pixel is read here.
const YUV_FORMATS = { I420: 'I420', I420A: 'I420', NV12: 'NV12' };
const STALE_US = 1000; // a frame's timestamp vs the expected media time

// On a busy machine a playing video can move on between the frame callback
// and the read: the frame's own timestamp tells.
const isStale = (frame, mediaTime) => mediaTime !== undefined && Math.abs(frame.timestamp - mediaTime * 1e6) > STALE_US;

/**
 * Whether a VideoFrame's planes are the picture as shown at width x height
 * (8-bit 4:2:0, no rotation or flip, the whole visible size): then
 * copyPlanes gives what the C converts. Also the engine's rule
 * (engine-core.mjs) for a VideoFrame it must read as bytes.
 */
export function planesShowFrame(frame, width, height) {
  const rect = frame.visibleRect;
  return !!YUV_FORMATS[frame.format] && !frame.rotation && !frame.flip && !!rect && rect.width === width && rect.height === height;
}

/** The frame's planes as { yuv420, transfer } (planesShowFrame holds). */
export async function copyPlanes(frame) {
  const rect = frame.visibleRect;
  const data = new ArrayBuffer(frame.allocationSize());
  const layout = await frame.copyTo(data);
  const cs = frame.colorSpace || {};
  return {
    yuv420: { format: YUV_FORMATS[frame.format], width: rect.width, height: rect.height, data, layout: layout.map(({ offset, stride }) => ({ offset, stride })), matrix: cs.matrix || null, fullRange: !!cs.fullRange },
    transfer: [data],
  };
}

async function copyYuv(video, mediaTime) {
  if (typeof VideoFrame !== 'function') return null;
  let frame;
  try {
    frame = new VideoFrame(video);
  } catch {
    return null; // no frame yet, or a cross-origin video: the canvas path decides
  }
  try {
    if (!planesShowFrame(frame, video.videoWidth, video.videoHeight)) return null;
    if (isStale(frame, mediaTime)) return { stale: true };
    return await copyPlanes(frame);
  } catch {
    return null;
  } finally {
    frame.close();
  }
}

/**
 * Returns grab(video, mediaTime?): a promise of { frame, transfer } where
 * frame is { yuv420 } or { rgba, width, height } for engine.call('process'),
 * or of { stale: true } when the video no longer shows the frame of
 * `mediaTime` (seconds; checked where the browser hands frames over with
 * their timestamps). Throws (SecurityError) when the video is cross-origin
 * without CORS.
 */
export function createFrameGrabber() {
  const canvas = document.createElement('canvas');
  let ctx = null;
  return async function grab(video, mediaTime) {
    const yuv = await copyYuv(video, mediaTime);
    if (yuv && yuv.stale) return yuv;
    if (yuv) return { frame: { yuv420: yuv.yuv420 }, transfer: yuv.transfer };
    const w = video.videoWidth;
    const h = video.videoHeight;
    if (canvas.width !== w || canvas.height !== h || !ctx) {
      canvas.width = w;
      canvas.height = h;
      ctx = canvas.getContext('2d', { willReadFrequently: true });
    }
    ctx.drawImage(video, 0, 0, w, h);
    const rgba = ctx.getImageData(0, 0, w, h).data.buffer;
    return { frame: { rgba, width: w, height: h }, transfer: [rgba] };
  };
}

/**
 * The frame a <video> shows as a VideoFrame for engine.call('processTexture')
 * ({ frame, transfer }; the caller hands it over, the engine closes it), or
 * { stale: true } as grab's (the frame closed). Nothing of its pixels is
 * read here. Throws (SecurityError) when the video is cross-origin without
 * CORS.
 */
export function videoFrameOf(video, mediaTime) {
  const frame = new VideoFrame(video);
  if (isStale(frame, mediaTime)) {
    frame.close();
    return { stale: true };
  }
  return { frame, transfer: [frame] };
}
