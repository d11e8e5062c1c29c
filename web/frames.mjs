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
const YUV_FORMATS = { I420: 'I420', I420A: 'I420', NV12: 'NV12' };
const STALE_US = 1000; // a frame's timestamp vs the expected media time

async function copyYuv(video, mediaTime) {
  if (typeof VideoFrame !== 'function') return null;
  let frame;
  try {
    frame = new VideoFrame(video);
  } catch {
    return null; // no frame yet, or a cross-origin video: the canvas path decides
  }
  try {
    const format = YUV_FORMATS[frame.format];
    const rect = frame.visibleRect;
    if (!format || frame.rotation || frame.flip || !rect || rect.width !== video.videoWidth || rect.height !== video.videoHeight) return null;
    // On a busy machine a playing video can move on between the frame
    // callback and this read: the frame's own timestamp tells.
    if (mediaTime !== undefined && Math.abs(frame.timestamp - mediaTime * 1e6) > STALE_US) return { stale: true };
    const data = new ArrayBuffer(frame.allocationSize());
    const layout = await frame.copyTo(data);
    const cs = frame.colorSpace || {};
    return {
      yuv420: { format, width: rect.width, height: rect.height, data, layout: layout.map(({ offset, stride }) => ({ offset, stride })), matrix: cs.matrix || null, fullRange: !!cs.fullRange },
      transfer: [data],
    };
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
