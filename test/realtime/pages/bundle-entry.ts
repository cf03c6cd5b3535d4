// What the realtime test pages load: the SDK (src/index.ts) plus the camera and worker
// modules, with tfjs, bundled by esbuild into dist/rt/realtime.js (the worker script goes to
// dist/rt/worker.js next to it, where `new URL('./worker.js', import.meta.url)` finds it).
export * from '../../../src/index';
export * from '../../../src/camera/index';
export * from '../../../src/worker/index';
export * as tf from '@tensorflow/tfjs';
// the pose crop sampler, for the test that compares its paths on camera frames
export { openFrame } from '../../../src/preprocess/sampling/open-frame';
export { sampleRegion } from '../../../src/preprocess/sampling/region-sample';
