// model-manifest.mjs — every model file kinetrack loads, in one place, for
// Node (lib/runtime.mjs), the pages (web/engine-core.mjs) and the server
// (lib/serve.mjs). The files come from npm packages into models/ (Makefile,
// models/SHA256SUMS).
//
// A query needs MoveNet, or with blazepose=true BlazePose's detector plus
// the landmark model its mediapipeModel names (lite by default).

export const MODELS = {
  'movenet-lightning': { format: 'tfjs', files: ['movenet-lightning.json', 'movenet-lightning.bin'] },
  'blazepose-detector': { format: 'tflite', files: ['pose_detection.tflite'] },
  // The landmark models' segmentation mask (Identity_2) is never used:
  // loading without it leaves its decoder out of every run.
  'blazepose-lite': { format: 'tflite', files: ['pose_landmark_lite.tflite'], outputs: ['Identity', 'Identity_1', 'Identity_3', 'Identity_4'] },
  'blazepose-full': { format: 'tflite', files: ['pose_landmark_full.tflite'], outputs: ['Identity', 'Identity_1', 'Identity_3', 'Identity_4'] },
  'blazepose-heavy': { format: 'tflite', files: ['pose_landmark_heavy.tflite'], outputs: ['Identity', 'Identity_1', 'Identity_3', 'Identity_4'] },
};

export const MODEL_FILES = Object.values(MODELS).flatMap((m) => m.files);

// The models a parsed query (kt.parseQuery's params) runs, by role.
export function modelsForQuery(params) {
  if (!params || !params.blazepose) return { movenet: 'movenet-lightning' };
  return { blazeposeDetector: 'blazepose-detector', blazeposeLandmarks: `blazepose-${params.mediapipeModel || 'lite'}` };
}

// Loads model `name` through the runtime `kt` from `files` (the bytes of
// MODELS[name].files, in order: Uint8Array each).
export function loadModelFrom(kt, name, files, { backend = 'xnnpack' } = {}) {
  const m = MODELS[name];
  if (!m) throw new Error(`unknown model ${name}`);
  if (m.format === 'tfjs') return kt.loadModel(new TextDecoder().decode(files[0]), files[1], { backend });
  return kt.loadTfliteModel(files[0], { backend, outputs: m.outputs || null });
}
