// start.mjs — what `kinetrack start` (and `make start`) does: make sure a
// signing key exists, sign a developer-plan and a free-plan token, start the
// pages' server and print ready-to-open URLs.
import { keygenCommand } from './tokens/cli.mjs';
import { keyDir, signToken } from './tokens/keys.mjs';
import { startServer } from './serve.mjs';

/**
 * @param {{repoRoot: string, port?: number, host?: string, stdout?: NodeJS.WritableStream}} options
 * @returns {Promise<{url: string, urls: object, tokens: {developer: string, free: string}, close: () => Promise<void>}>}
 */
export async function start({ repoRoot, port = 8080, host = '127.0.0.1', stdout = process.stdout } = {}) {
  if (!repoRoot) throw new TypeError('start: repoRoot is required');
  const sink = { write: () => true };
  const code = await keygenCommand(['--if-missing'], { repoRoot, stdout: sink, stderr: process.stderr });
  if (code !== 0) throw new Error('kinetrack start: could not create the signing key (see above)');
  const dir = keyDir(repoRoot);
  const tokens = {
    developer: await signToken({ dir, plan: 'developer', sub: 'kinetrack-start-developer', days: 30 }),
    free: await signToken({ dir, plan: 'free', sub: 'kinetrack-start-free', days: 30 }),
  };
  const server = await startServer({ port, host, repoRoot });
  const u = server.url;
  const urls = {
    tracking: `${u}/pose_tracker/tracking?token=${tokens.developer}&exercise=squat`,
    upload: `${u}/pose_tracker/upload_tracking?token=${tokens.developer}`,
    uploadImage: `${u}/pose_tracker/upload_tracking?token=${tokens.developer}&source=image&angles=true`,
    trackingFree: `${u}/pose_tracker/tracking?token=${tokens.free}&exercise=squat`,
    uploadFree: `${u}/pose_tracker/upload_tracking?token=${tokens.free}`,
  };
  stdout.write(`kinetrack is serving the pages at ${u} (Ctrl-C to stop)

Developer plan (token valid 30 days):
  camera:  ${urls.tracking}
  upload:  ${urls.upload}
  photo:   ${urls.uploadImage}

Free plan (watermark; angles, keypoints during an exercise, progression,
recommendations refused):
  camera:  ${urls.trackingFree}
  upload:  ${urls.uploadFree}

Command line: npx kinetrack analyze <photo-or-video> --query "angles=true"
`);
  return { url: u, urls, tokens, close: server.close };
}
