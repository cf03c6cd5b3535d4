/**
 * The WebAssembly SIMD sampling kernel (src/preprocess/sampling/heap-kernel.ts, run inside
 * tfjs-wasm's memory) against the JavaScript loop it replaces for frame tensors on the wasm
 * backend: the same model inputs on real photos for letterbox / stretch / centre-crop fits and
 * crop regions, odd sizes, RGB and RGBA frames (grey ones go to the loop), int32 and float32,
 * every output form (float32, int32 rounded or truncated, NHWC / NCHW, RGB / BGR, pad values),
 * no tensor leaks; 8-bit frames in memory (raw RGB, RGBA as ImageData gives) copied into the
 * wasm memory; batches of crops equal the crops one by one;
 * the JavaScript loop is taken when the kernel is off or the backend is not wasm.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InputSpec, type RawImage, decodeImageFile, prepareInput, selectTfjsBackend } from '../../src/node/index';
import { sampleInHeap, setSimdSampling } from '../../src/preprocess/sampling/heap-kernel';
import { heapPixels } from '../../src/preprocess/sampling/heap-pixels';
import { type OpenFrame, openFrame } from '../../src/preprocess/sampling/open-frame';
import { sampleFrame, sampleRegion, sampleRegions } from '../../src/preprocess/sampling/region-sample';
import type { SampleTarget } from '../../src/preprocess/sampling/sample-output';
import { type SamplePlan, fitPlan, regionPlan } from '../../src/preprocess/sampling/sample-plan';

const require = createRequire(import.meta.url);
const FIXTURES = join(__dirname, '../fixtures/images');

function faceApiPhoto(name: string): string {
  for (const folder of require.resolve.paths('@vladmandic/face-api') ?? []) {
    const path = join(folder, '@vladmandic/face-api/demo', name);
    if (existsSync(path)) return path;
  }
  throw new Error(`@vladmandic/face-api demo photo ${name} is not installed`);
}

/** The photo's RGB values cut to `width` × `height` into `values` (grey: green; RGBA: opaque). */
function fillPixels<T extends { [k: number]: number }>(photo: RawImage, values: T, channels: 1 | 3 | 4, width: number, height: number): T {
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o += channels) {
      const i = (y * photo.width + x) * photo.channels;
      if (channels === 1) values[o] = photo.data[i + 1];
      else for (let c = 0; c < 3; c++) values[o + c] = photo.data[i + c];
      if (channels === 4) values[o + 3] = 255;
    }
  }
  return values;
}

/** The photo as a `[h, w, channels]` tensor of the given dtype, cut to `width` × `height` (odd sizes), with an alpha channel or as grey. */
function frameTensor(photo: RawImage, dtype: 'int32' | 'float32', channels: 1 | 3 | 4, width = photo.width, height = photo.height): tf.Tensor3D {
  const values = dtype === 'int32' ? new Int32Array(width * height * channels) : new Float32Array(width * height * channels);
  return tf.tensor3d(fillPixels(photo, values, channels, width, height), [height, width, channels], dtype);
}

/** The tensor opened as the samplers see it, read in place with all its channels (openFrame would cut RGBA to RGB first). */
function tensorFrame(tensor: tf.Tensor3D): OpenFrame {
  const [height, width, channels] = tensor.shape;
  return { width, height, channels, tensor, pixels: heapPixels(tensor), release: () => undefined };
}

/** The photo's 8-bit pixels as the samplers see a raw buffer or ImageData, cut to `width` × `height`. */
function pixelFrame(photo: RawImage, channels: 1 | 3 | 4, width = photo.width, height = photo.height): OpenFrame {
  const data = fillPixels(photo, channels === 4 ? new Uint8ClampedArray(width * height * 4) : new Uint8Array(width * height * channels), channels, width, height);
  return { width, height, channels, pixels: () => data, release: () => undefined };
}

/** A frame sampled by the kernel (where it takes it) and by the JavaScript loop. */
function framePair(frame: OpenFrame, plan: SamplePlan, target: SampleTarget): { simd: tf.Tensor4D; js: tf.Tensor4D; took: boolean } {
  const direct = sampleInHeap(frame, plan, target);
  direct?.dispose();
  setSimdSampling(true);
  const simd = sampleFrame(frame, plan, target);
  setSimdSampling(false);
  const js = sampleFrame(frame, plan, target);
  setSimdSampling(true);
  return { simd, js, took: direct !== undefined };
}

function samplePair(frameTensor: tf.Tensor3D, plan: SamplePlan, target: SampleTarget): { simd: tf.Tensor4D; js: tf.Tensor4D; took: boolean } {
  const frame = tensorFrame(frameTensor);
  const direct = sampleInHeap(frame, plan, target);
  const took = direct !== undefined;
  direct?.dispose();
  // the kernel's input memory is not cleared: leave the block it will likely get dirty
  if (direct) tf.fill(direct.shape, 77, target.dtype).dispose();
  setSimdSampling(true);
  const simd = sampleFrame(frame, plan, target);
  setSimdSampling(false);
  const js = sampleFrame(frame, plan, target);
  setSimdSampling(true);
  return { simd, js, took };
}

function maxDifference(a: tf.Tensor, b: tf.Tensor): { max: number; over: number } {
  expect(a.shape).toEqual(b.shape);
  expect(a.dtype).toBe(b.dtype);
  const x = a.dataSync();
  const y = b.dataSync();
  let max = 0;
  let over = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i] - y[i]);
    max = Math.max(max, d);
    if (d > 0) over++;
  }
  return { max, over };
}

const FITS: { name: string; spec: InputSpec }[] = [
  { name: 'letterbox 512² pad 0 (CenterNet)', spec: { width: 512, height: 512, fit: 'letterbox', padValue: 0 } },
  { name: 'letterbox 320² pad 114, unit, NCHW', spec: { width: 320, height: 320, fit: 'letterbox', normalization: 'unit', layout: 'nchw' } },
  { name: 'stretch 223×161, ImageNet, BGR', spec: { width: 223, height: 161, fit: 'stretch', normalization: 'imagenet', channelOrder: 'bgr' } },
  { name: 'centre crop 97², symmetric', spec: { width: 97, height: 97, fit: 'center-crop', normalization: 'symmetric' } },
];

function targetOf(spec: InputSpec, dtype: 'int32' | 'float32', rounding?: 'round' | 'truncate'): SampleTarget {
  return { width: spec.width, height: spec.height, normalization: spec.normalization ?? 'none', dtype, channelOrder: spec.channelOrder, layout: spec.layout, rounding };
}

describe('the SIMD sampling kernel on the wasm backend', () => {
  const photos: Record<string, RawImage> = {};

  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    photos.group = await decodeImageFile(faceApiPhoto('sample1.jpg'));
    photos.chelsea = await decodeImageFile(join(FIXTURES, 'chelsea.jpg'));
  });
  afterAll(() => setSimdSampling(true));

  it('fits: int32 and float32, RGB / RGBA / grey frames, odd sizes give the JavaScript loop’s float32 input to float rounding', async () => {
    const before = tf.memory().numTensors;
    const photo = photos.chelsea;
    // every frame form on the small photo, whole and cut to an odd size; the large one in two forms
    const cases: { photo: RawImage; width: number; height: number; dtype: 'int32' | 'float32'; channels: 1 | 3 | 4; fits: typeof FITS }[] = [];
    for (const [width, height] of [[photo.width, photo.height], [photo.width - 2, photo.height - 1]]) {
      for (const dtype of ['int32', 'float32'] as const) {
        for (const channels of [3, 4, 1] as const) cases.push({ photo, width, height, dtype, channels, fits: FITS });
      }
    }
    const group = photos.group;
    cases.push({ photo: group, width: group.width, height: group.height, dtype: 'int32', channels: 3, fits: FITS.slice(0, 3) });
    cases.push({ photo: group, width: group.width - 1, height: group.height - 1, dtype: 'float32', channels: 4, fits: FITS.slice(0, 3) });
    for (const { photo, width, height, dtype, channels, fits } of cases) {
      const tensor = frameTensor(photo, dtype, channels, width, height);
      for (const { name, spec } of fits) {
        const label = `${width}×${height} ${dtype} ${channels}ch ${name}`;
        const { simd, js, took } = samplePair(tensor, fitPlan(width, height, spec).plan, targetOf(spec, 'float32'));
        // grey frames are left to the JavaScript loop
        expect(took, `${label}: the kernel sampled it`).toBe(channels !== 1);
        // measured: ≤ 1.6e-5 on 0–255 values, ≤ 5e-7 normalised
        expect(maxDifference(simd, js).max, label).toBeLessThanOrEqual(1e-4);
        tf.dispose([simd, js]);
      }
      tensor.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('int32 inputs, rounded half to even or truncated: equal but for one grey level on a few ties', async () => {
    const before = tf.memory().numTensors;
    const photo = photos.group;
    for (const dtype of ['int32', 'float32'] as const) {
      const tensor = frameTensor(photo, dtype, 3, 1919, 1279);
      for (const rounding of ['round', 'truncate'] as const) {
        for (const { name, spec } of [FITS[0], { name: 'letterbox 192² pad 114', spec: { width: 192, height: 192, fit: 'letterbox' } as InputSpec }]) {
          const label = `${dtype} ${rounding} ${name}`;
          const { simd, js, took } = samplePair(tensor, fitPlan(1919, 1279, spec).plan, targetOf(spec, 'int32', rounding));
          expect(took, label).toBe(true);
          const { max, over } = maxDifference(simd, js);
          expect(max, label).toBeLessThanOrEqual(1);
          expect(over / simd.size, `${label}: share of values that differ`).toBeLessThan(1e-3);
          tf.dispose([simd, js]);
        }
      }
      tensor.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('crop regions (cropAndResize semantics, black outside the frame) give the JavaScript loop’s input', async () => {
    const photo = photos.group;
    const tensor = frameTensor(photo, 'int32', 4);
    const regions = [
      { xMin: 0.3, yMin: 0.1, xMax: 0.55, yMax: 0.6 },
      { xMin: -0.2, yMin: -0.1, xMax: 0.4, yMax: 0.5 },
      { xMin: 0.7, yMin: 0.8, xMax: 1.3, yMax: 1.25 },
    ];
    for (const region of regions) {
      for (const target of [
        { width: 192, height: 192, normalization: 'none', dtype: 'int32' },
        { width: 257, height: 131, normalization: 'unit', dtype: 'float32', layout: 'nchw' },
      ] as SampleTarget[]) {
        const { simd, js, took } = samplePair(tensor, regionPlan(region, photo.width, photo.height, target.width, target.height), target);
        expect(took).toBe(true);
        expect(maxDifference(simd, js).max, JSON.stringify(region)).toBeLessThanOrEqual(target.dtype === 'int32' ? 1 : 1e-4);
        tf.dispose([simd, js]);
      }
    }
    tensor.dispose();
  });

  it('prepareInput on a 1920×1280 int32 frame uses the kernel and gives the JavaScript loop’s input; off, the loop runs', async () => {
    const before = tf.memory().numTensors;
    const tensor = frameTensor(photos.group, 'int32', 3);
    const spec = FITS[0].spec;
    const simd = await prepareInput(tensor, spec);
    setSimdSampling(false);
    const js = await prepareInput(tensor, spec);
    const frame = await openFrame(tensor);
    expect(sampleInHeap(frame, fitPlan(tensor.shape[1], tensor.shape[0], spec).plan, targetOf(spec, 'float32')), 'off: the kernel declines').toBeUndefined();
    setSimdSampling(true);
    expect(simd.transform).toEqual(js.transform);
    expect(maxDifference(simd.input, js.input).max).toBeLessThanOrEqual(1e-4);
    expect(tensor.isDisposed, 'the caller’s tensor is left alone').toBe(false);
    tf.dispose([simd.input, js.input, tensor]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('on the cpu backend the kernel declines and the JavaScript loop samples', async () => {
    await selectTfjsBackend({ backend: 'cpu' });
    try {
      const tensor = frameTensor(photos.chelsea, 'int32', 3);
      const frame = await openFrame(tensor);
      const spec = FITS[0].spec;
      const plan = fitPlan(tensor.shape[1], tensor.shape[0], spec).plan;
      expect(sampleInHeap(frame, plan, targetOf(spec, 'float32'))).toBeUndefined();
      const input = sampleFrame(frame, plan, targetOf(spec, 'float32'));
      expect(input.shape).toEqual([1, 512, 512, 3]);
      tf.dispose([input, tensor]);
    } finally {
      await selectTfjsBackend({ backend: 'wasm' });
    }
  });

  it('8-bit frames in memory (RGB, RGBA, odd sizes) are copied in and give the JavaScript loop’s input; grey ones and frames far larger than the sample go to the loop', async () => {
    const before = tf.memory().numTensors;
    const photo = photos.chelsea;
    for (const [width, height] of [[photo.width, photo.height], [photo.width - 3, photo.height - 1]]) {
      for (const channels of [3, 4, 1] as const) {
        const frame = pixelFrame(photo, channels, width, height);
        for (const { name, spec } of FITS) {
          for (const [dtype, rounding] of [['float32', undefined], ['int32', 'round']] as const) {
            const label = `${width}×${height} ${channels}ch ${name} ${dtype}`;
            const { simd, js, took } = framePair(frame, fitPlan(width, height, spec).plan, targetOf(spec, dtype, rounding));
            // (int32 targets whose normalised pad is not a whole number stay with the loop, as for tensors)
            if (dtype === 'float32' || name === FITS[0].name) expect(took, `${label}: the kernel sampled it`).toBe(channels !== 1);
            const { max, over } = maxDifference(simd, js);
            expect(max, label).toBeLessThanOrEqual(dtype === 'int32' ? 1 : 1e-4);
            if (dtype === 'int32') expect(over / simd.size, `${label}: share of values that differ`).toBeLessThan(1e-3);
            tf.dispose([simd, js]);
          }
        }
      }
    }
    // a 1920×1280 RGBA frame (9.8 MB) for a 32×32 sample: copying it would cost more than the loop
    const large = pixelFrame(photos.group, 4);
    expect(sampleInHeap(large, fitPlan(large.width, large.height, { width: 32, height: 32 }).plan, targetOf({ width: 32, height: 32 }, 'float32'))).toBeUndefined();
    const { simd, js, took } = framePair(large, regionPlan({ xMin: 0.3, yMin: 0.1, xMax: 0.55, yMax: 0.6 }, large.width, large.height, 320, 320), targetOf({ width: 320, height: 320, normalization: 'unit' }, 'float32'));
    expect(took, 'a 320² crop of it is worth the copy').toBe(true);
    expect(maxDifference(simd, js).max).toBeLessThanOrEqual(1e-4);
    tf.dispose([simd, js]);
    // a face-sized 192² crop: only the ~200 rows it reads are copied (1.5 MB of the 9.8), so it is worth it too
    const face = framePair(large, regionPlan({ xMin: 0.3, yMin: 0.2, xMax: 0.4, yMax: 0.35 }, large.width, large.height, 192, 192), targetOf({ width: 192, height: 192, normalization: 'unit' }, 'float32'));
    expect(face.took, 'a face crop copies only its rows').toBe(true);
    expect(maxDifference(face.simd, face.js).max).toBeLessThanOrEqual(1e-4);
    tf.dispose([face.simd, face.js]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a batch of crops equals the crops sampled one by one (kernel on tensors and on 8-bit pixels, and the JavaScript loop)', async () => {
    const before = tf.memory().numTensors;
    const photo = photos.group;
    const regions = [
      { xMin: 0.3, yMin: 0.1, xMax: 0.55, yMax: 0.6 },
      { xMin: -0.2, yMin: -0.1, xMax: 0.4, yMax: 0.5 },
      { xMin: 0.7, yMin: 0.8, xMax: 1.3, yMax: 1.25 },
    ];
    const target: SampleTarget = { width: 192, height: 192, normalization: 'unit', dtype: 'float32' };
    const tensor = frameTensor(photo, 'int32', 3);
    for (const [label, frame] of [['tensor', tensorFrame(tensor)], ['pixels', pixelFrame(photo, 4)]] as const) {
      for (const simdOn of [true, false]) {
        setSimdSampling(simdOn);
        const batch = sampleRegions(frame, regions, target);
        expect(batch.shape).toEqual([3, 192, 192, 3]);
        const parts = tf.split(batch, 3);
        regions.forEach((region, k) => {
          const one = sampleRegion(frame, region, target);
          // 8-bit pixels: the batch is worth copying into the kernel's memory where one crop alone may not be (float rounding apart)
          expect(maxDifference(parts[k], one).max, `${label} simd ${simdOn} crop ${k}`).toBeLessThanOrEqual(label === 'tensor' || !simdOn ? 0 : 1e-4);
          one.dispose();
        });
        tf.dispose([batch, ...parts]);
      }
    }
    setSimdSampling(true);
    expect(() => sampleRegions(tensorFrame(tensor), [], target)).toThrow(/at least one region/);
    tensor.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
