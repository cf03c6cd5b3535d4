/**
 * prepareInput (the fast path every pipeline uses: only the model-size picture is sampled out
 * of the frame) against the exact tensor path (imageToTensor of the whole frame, then
 * prepareImage), on real photos, for letterbox, stretch and centre crop, RGB / RGBA buffers,
 * ImageData, tensors, and I420 / NV12 camera planes (BT.601 / BT.709, limited / full range).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type InputSpec, type PreparedInput, type RawImage, decodeImageFile, prepareGpuInput, prepareImage, prepareInput, selectTfjsBackend } from '../../src/node/index';
import type { OpenFrame } from '../../src/preprocess/sampling/open-frame';
import { sampleFrame } from '../../src/preprocess/sampling/region-sample';
import { fitPlan } from '../../src/preprocess/sampling/sample-plan';
import { type ColorSpace, decodeYuv, encodeYuv } from './yuv-frames';

const require = createRequire(import.meta.url);
const FIXTURES = join(__dirname, '../fixtures/images');

function faceApiPhoto(name: string): string {
  for (const folder of require.resolve.paths('@vladmandic/face-api') ?? []) {
    const path = join(folder, '@vladmandic/face-api/demo', name);
    if (existsSync(path)) return path;
  }
  throw new Error(`@vladmandic/face-api demo photo ${name} is not installed`);
}

/** Grey-level differences between two model inputs, in 0–255 pixel units. */
function differences(a: tf.Tensor, b: tf.Tensor, unitsPerLevel: number): { mean: number; max: number } {
  expect(a.shape).toEqual(b.shape);
  expect(a.dtype).toBe(b.dtype);
  const x = a.dataSync();
  const y = b.dataSync();
  let sum = 0;
  let max = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i] - y[i]) / unitsPerLevel;
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / x.length, max };
}

/** The exact path: the whole frame as a tensor, fitted on the backend. */
function exact(photo: RawImage, spec: InputSpec): PreparedInput {
  const image = tf.tensor3d(Int32Array.from(photo.data), [photo.height, photo.width, photo.channels], 'int32');
  const prepared = prepareImage(image, spec);
  image.dispose();
  return prepared;
}

function withAlpha(photo: RawImage): RawImage {
  const rgba = new Uint8ClampedArray(photo.width * photo.height * 4);
  for (let i = 0, o = 0; i < photo.data.length; i += 3, o += 4) {
    rgba[o] = photo.data[i];
    rgba[o + 1] = photo.data[i + 1];
    rgba[o + 2] = photo.data[i + 2];
    rgba[o + 3] = 255;
  }
  return { data: rgba, width: photo.width, height: photo.height, channels: 4 };
}

const SPECS: { name: string; spec: InputSpec; unitsPerLevel: number }[] = [
  { name: 'letterbox 512² pad 0 (CenterNet)', spec: { width: 512, height: 512, fit: 'letterbox', padValue: 0 }, unitsPerLevel: 1 },
  { name: 'letterbox 320² pad 114, unit, NCHW (YOLO)', spec: { width: 320, height: 320, fit: 'letterbox', normalization: 'unit', layout: 'nchw' }, unitsPerLevel: 1 / 255 },
  { name: 'stretch 224×160, ImageNet, BGR', spec: { width: 224, height: 160, fit: 'stretch', normalization: 'imagenet', channelOrder: 'bgr' }, unitsPerLevel: 1 / 255 / 0.229 },
  { name: 'centre crop 96², int32', spec: { width: 96, height: 96, fit: 'center-crop', dtype: 'int32' }, unitsPerLevel: 1 },
];

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`prepareInput on the ${backend} backend`, () => {
    const photos: Record<string, RawImage> = {};

    beforeAll(async () => {
      await selectTfjsBackend({ backend });
      photos.chelsea = await decodeImageFile(join(FIXTURES, 'chelsea.jpg'));
      photos.coffee = await decodeImageFile(join(FIXTURES, 'coffee.jpg'));
      photos.group = await decodeImageFile(faceApiPhoto('sample1.jpg'));
    });

    for (const { name, spec, unitsPerLevel } of SPECS) {
      it(`${name}: RGB, RGBA, ImageData and tensor frames give the exact path's input and transform`, async () => {
        const before = tf.memory().numTensors;
        for (const [photoName, photo] of Object.entries(photos)) {
          const reference = exact(photo, spec);
          const rgba = withAlpha(photo);
          const tensor = tf.tensor3d(Int32Array.from(photo.data), [photo.height, photo.width, 3], 'int32');
          const inputs = { rgb: photo, rgba, imageData: { data: rgba.data, width: photo.width, height: photo.height } as unknown as ImageData, tensor };
          for (const [kind, input] of Object.entries(inputs)) {
            const prepared = await prepareInput(input, spec);
            expect(prepared.transform, `${photoName} ${kind}`).toEqual(reference.transform);
            const { mean, max } = differences(prepared.input, reference.input, unitsPerLevel);
            // float targets: float rounding only; int32 targets round like the exact path (ties may differ by one)
            expect(max, `${photoName} ${kind} max`).toBeLessThanOrEqual(spec.dtype === 'int32' ? 1 : 0.01);
            expect(mean, `${photoName} ${kind} mean`).toBeLessThan(spec.dtype === 'int32' ? 0.05 : 1e-3);
            prepared.input.dispose();
          }
          expect(tensor.isDisposed, 'the caller’s tensor is left alone').toBe(false);
          tf.dispose([reference.input, tensor]);
        }
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    const spaces: (ColorSpace & { format: 'I420' | 'NV12' })[] = [
      { matrix: 'bt601', fullRange: false, format: 'I420' },
      { matrix: 'bt709', fullRange: false, format: 'NV12' },
      { matrix: 'bt601', fullRange: true, format: 'NV12' },
      { matrix: 'bt709', fullRange: true, format: 'I420' },
    ];
    for (const space of spaces) {
      it(`YUV planes (${space.format}, ${space.matrix}, ${space.fullRange ? 'full' : 'limited'} range): letterbox and stretch within 0.25 grey levels (mean) of the full-frame conversion`, async () => {
        const photo = photos.group;
        const yuv = encodeYuv(photo, space, space.format);
        const decoded = decodeYuv(yuv, space);
        const frame: OpenFrame = { width: yuv.width, height: yuv.height, channels: 3, yuv, release: () => undefined };
        for (const { spec, unitsPerLevel } of SPECS.slice(0, 3)) {
          const { plan } = fitPlan(frame.width, frame.height, spec);
          const sampled = sampleFrame(frame, plan, { width: spec.width, height: spec.height, normalization: spec.normalization ?? 'none', dtype: 'float32', channelOrder: spec.channelOrder, layout: spec.layout });
          const reference = exact(decoded, spec).input;
          const { mean, max } = differences(sampled, reference, unitsPerLevel);
          // measured on sample1.jpg: mean 0.13–0.14, max 12–13.5 (saturated colour edges, where
          // interpolating Y/U/V before the clamped conversion differs from converting first)
          expect(mean, `${spec.fit} mean`).toBeLessThan(0.25);
          expect(max, `${spec.fit} max`).toBeLessThan(16);
          // and the frame is still the photo: chroma subsampling costs little on average (measured 0.17–0.27)
          const original = exact(photo, spec).input;
          expect(differences(sampled, original, unitsPerLevel).mean, `${spec.fit} vs the RGB photo`).toBeLessThan(0.5);
          tf.dispose([sampled, reference, original]);
        }
      });
    }
  });
}

describe('prepareGpuInput', () => {
  it('refuses a device that is no GPUDevice (undefined fell back to tfjs’ own device, {} was a TypeError)', async () => {
    const raw: RawImage = { data: new Uint8Array(8 * 6 * 3), width: 8, height: 6, channels: 3 };
    for (const device of [undefined, null, {}, { createBuffer: 1, queue: {} }, 'gpu']) {
      await expect(prepareGpuInput(raw, { width: 4, height: 4 }, device as never)).rejects.toMatchObject({
        name: 'VisionError',
        code: 'INVALID_OPTION',
        message: expect.stringContaining('prepareGpuInput: device is'),
      });
    }
  });
});
