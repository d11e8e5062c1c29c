// skeleton-canvas.mjs — the live page's overlay: the skeleton drawn from
// the tracker's keypoints with the canvas 2D API (a vector draw, a few
// hundred microseconds), instead of an RGBA buffer rasterized by the C and
// shipped back every frame. It draws what src/render/skeleton.c draws (the
// reference's DEFAULT_SKELETON: the same 12 edges, colours, widths, radius,
// score threshold and size rule); the photo and export paths keep the C's
// rasterizer, so a file and the CLI's --overlay agree pixel for pixel.
const NAVY = '#010A73'; // lines and dot fill
const GOLD = '#FFC300'; // dot outline
const LINE_WIDTH = 4;
const RADIUS = 8;
const OUTLINE_WIDTH = 4;
const MIN_SCORE = 0.3;
// COCO indices: shoulders, hips, hip-shoulder x2, hip-knee x2, knee-ankle
// x2, shoulder-elbow x2, elbow-wrist x2 (as kEdges in skeleton.c).
const EDGES = [[5, 6], [11, 12], [11, 5], [12, 6], [11, 13], [12, 14], [13, 15], [14, 16], [5, 7], [6, 8], [7, 9], [8, 10]];

/** Clears `ctx`'s canvas and draws the 17 normalized keypoints (or nothing when null). */
export function drawSkeleton(ctx, keypoints) {
  const { width, height } = ctx.canvas;
  ctx.clearRect(0, 0, width, height);
  if (!keypoints) return;
  const scale = Math.max(0.5, Math.max(width, height) / 640); // as the C's renderOverlay
  const shown = keypoints.map((k) => k && Number.isFinite(k.x) && Number.isFinite(k.y) && k.score >= MIN_SCORE);
  ctx.lineCap = 'butt';
  ctx.strokeStyle = NAVY;
  ctx.lineWidth = LINE_WIDTH * scale;
  ctx.beginPath();
  for (const [a, b] of EDGES) {
    if (!shown[a] || !shown[b]) continue;
    ctx.moveTo(keypoints[a].x * width, keypoints[a].y * height);
    ctx.lineTo(keypoints[b].x * width, keypoints[b].y * height);
  }
  ctx.stroke();
  ctx.fillStyle = NAVY;
  ctx.strokeStyle = GOLD;
  ctx.lineWidth = OUTLINE_WIDTH * scale;
  for (let i = 0; i < keypoints.length; i++) {
    if (!shown[i]) continue;
    ctx.beginPath();
    ctx.arc(keypoints[i].x * width, keypoints[i].y * height, RADIUS * scale, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
}
