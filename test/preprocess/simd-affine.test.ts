/**
 * Rotated crops by the SIMD kernel (src/preprocess/sampling/heap-affine.ts, run inside
 * tfjs-wasm's memory) against the JavaScript loop it replaces (itself equal to OpenCV's
 * warpAffine: test/hands/rotated-sampler.test.ts): the same model inputs on a real photo for
 * turns, scales and crops reaching past the frame, from int32 / float32 tensors and 8-bit pixels
 * (RGB and RGBA), every float32 output form; int32 targets stay with the loop; the inside runs
 * equal a brute-force scan; nothing leaks.
 */
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawImage, decodeImageFile, selectTfjsBackend } from '../../src/node/index';
import type { AffineMatrix } from '../../src/preprocess/rotated-region';
import { affineInHeap, insideRuns } from '../../src/preprocess/sampling/heap-affine';
import { setSimdSampling } from '../../src/preprocess/sampling/heap-kernel';
import { heapPixels } from '../../src/preprocess/sampling/heap-pixels';
import type { OpenFrame } from '../../src/preprocess/sampling/open-frame';
import { sampleAffine } from '../../src/preprocess/sampling/affine-sample';
import type { SampleTarget } from '../../src/preprocess/sampling/sample-output';
import { facePhoto } from '../helpers/photos';

/** The photo as a frame: an int32 / float32 tensor read in place, or 8-bit pixels in memory. */
function frameOf(photo: RawImage, kind: 'int32' | 'float32' | 'uint8', channels: 3 | 4): { frame: OpenFrame; dispose(): void } {
  const count = photo.width * photo.height;
  const values = kind === 'int32' ? new Int32Array(count * channels) : kind === 'float32' ? new Float32Array(count * channels) : channels === 4 ? new Uint8ClampedArray(count * 4) : new Uint8Array(count * 3);
  for (let p = 0; p < count; p++) {
    for (let c = 0; c < 3; c++) values[p * channels + c] = photo.data[p * photo.channels + c];
    if (channels === 4) values[p * 4 + 3] = 255;
  }
  const base = { width: photo.width, height: photo.height, channels, release: () => undefined };
  if (kind === 'uint8') return { frame: { ...base, pixels: () => values }, dispose: () => undefined };
  const tensor = tf.tensor3d(values as Int32Array | Float32Array, [photo.height, photo.width, channels], kind);
  return { frame: { ...base, tensor, pixels: heapPixels(tensor) }, dispose: () => tensor.dispose() };
}

function maxDifference(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
  return max;
}

/** Rotation by `angle` and scale about the photo point (cx, cy), mapping a size × size crop. */
function turn(angle: number, scale: number, cx: number, cy: number, size: number): AffineMatrix {
  const cos = Math.cos(angle) * scale;
  const sin = Math.sin(angle) * scale;
  const half = size / 2;
  return [cos, -sin, cx - cos * half + sin * half, sin, cos, cy - sin * half - cos * half];
}

describe('the SIMD affine kernel on the wasm backend', () => {
  let photo: RawImage;
  beforeAll(async () => {
    await selectTfjsBackend({ backend: 'wasm' });
    // 640 px wide: an 8-bit frame of it is small enough beside a 160–224² crop to be copied in
    const full = await decodeImageFile(facePhoto(4));
    const { data, info } = await sharp(full.data, { raw: { width: full.width, height: full.height, channels: full.channels } }).resize(640).raw().toBuffer({ resolveWithObject: true });
    photo = { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
  });
  afterAll(() => setSimdSampling(true));

  const maps: Array<[string, AffineMatrix, number]> = [
    ['upright half-size crop', turn(0, 0.5, 300, 200, 224), 224],
    ['30° turn at scale 1.7', turn(Math.PI / 6, 1.7, 400, 260, 224), 224],
    ['135° at 1/√2 reaching past the corner', [-0.5, -0.5, 120.25, 0.5, -0.5, 40.5], 192],
    ['a crop mostly outside the frame', turn(-0.4, 2, 20, 15, 160), 160],
    // cos and sin of these turns are ~1e-16, not 0: rows outside the frame once made bogus runs and the kernel read out of bounds
    ['180° at scale 2.5 reaching past the frame', turn(Math.PI, 2.5, 320, 240, 224), 224],
    ['90° at scale 2.5 reaching past the frame', turn(Math.PI / 2, 2.5, 320, 240, 224), 224],
  ];

  it('rotated crops equal the JavaScript loop’s (float32 targets, tensors and 8-bit pixels, RGB and RGBA)', () => {
    const before = tf.memory().numTensors;
    const targets: SampleTarget[] = [
      { width: 0, height: 0, normalization: 'unit', dtype: 'float32' },
      { width: 0, height: 0, normalization: 'imagenet', dtype: 'float32', channelOrder: 'bgr', layout: 'nchw' },
    ];
    for (const kind of ['int32', 'float32', 'uint8'] as const) {
      for (const channels of [3, 4] as const) {
        const { frame, dispose } = frameOf(photo, kind, channels);
        for (const [name, m, size] of maps) {
          for (const shape of targets) {
            const target = { ...shape, width: size, height: size };
            const label = `${kind} ${channels}ch ${name} ${target.normalization}`;
            const direct = affineInHeap(frame, m, target, () => undefined);
            expect(direct, `${label}: the kernel takes it`).toBeDefined();
            direct?.dispose();
            // the kernel's output memory is not cleared: leave the block it will likely get dirty
            if (direct) tf.fill(direct.shape, 77, 'float32').dispose();
            const simd = sampleAffine(frame, m, target);
            setSimdSampling(false);
            const js = sampleAffine(frame, m, target);
            setSimdSampling(true);
            // 0–255 values blended in float32 instead of double: ≤ 1e-4 after /255 (imagenet: /0.225)
            expect(maxDifference(simd, js), label).toBeLessThanOrEqual(target.normalization === 'unit' ? 2e-5 : 1e-4);
            tf.dispose([simd, js]);
          }
        }
        dispose();
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a turned crop of a large 8-bit frame copies only the rows it reads, and equals the loop’s', async () => {
    const full = await decodeImageFile(facePhoto(4));
    const { frame } = frameOf(full, 'uint8', 4);
    // about 260 of the photo's rows: worth copying for a 224² crop where the whole frame is not
    const m = turn(0.5, 0.8, full.width / 2, full.height / 2, 224);
    const target: SampleTarget = { width: 224, height: 224, normalization: 'unit', dtype: 'float32' };
    expect(full.width * full.height * 4, 'the whole frame is too large to copy for one crop').toBeGreaterThan(128 * 224 * 224);
    const simd = sampleAffine(frame, m, target);
    const direct = affineInHeap(frame, m, target, () => undefined);
    expect(direct, 'the kernel takes it').toBeDefined();
    direct?.dispose();
    setSimdSampling(false);
    const js = sampleAffine(frame, m, target);
    setSimdSampling(true);
    expect(maxDifference(simd, js)).toBeLessThanOrEqual(2e-5);
    tf.dispose([simd, js]);
  });

  it('int32 targets and grey frames stay with the JavaScript loop', () => {
    const { frame, dispose } = frameOf(photo, 'int32', 3);
    expect(affineInHeap(frame, maps[0][1], { width: 224, height: 224, normalization: 'none', dtype: 'int32' }, () => undefined)).toBeUndefined();
    const grey: OpenFrame = { width: photo.width, height: photo.height, channels: 1, pixels: () => new Uint8Array(photo.width * photo.height), release: () => undefined };
    expect(affineInHeap(grey, maps[0][1], { width: 224, height: 224, normalization: 'unit', dtype: 'float32' }, () => undefined)).toBeUndefined();
    dispose();
  });

  it('inside runs: each row’s columns whose four neighbours lie in the frame, as a brute-force scan finds them', () => {
    const random = (k: number): number => Math.sin(k * 12.9898) * 43758.5453 - Math.floor(Math.sin(k * 12.9898) * 43758.5453);
    const cases: AffineMatrix[] = [...maps.map(([, m]) => m), [1, 0, 0, 0, 1, 0], [0, 1, -3, -1, 0, 50], [1e-9, 0, 5, 0, 0, 7.5], turn(Math.PI, 2.5, 100, 60, 50), turn(-Math.PI / 2, 2.5, 100, 60, 50)];
    for (let k = 0; k < 40; k++) cases.push([random(k) * 4 - 2, random(k + 99) * 4 - 2, random(k + 7) * 300 - 50, random(k + 3) * 4 - 2, random(k + 5) * 4 - 2, random(k + 11) * 200 - 50]);
    for (const [a, b, c, d, e, f] of cases) {
      const { start, end } = insideRuns([a, b, c, d, e, f], 50, 40, 200, 120);
      for (let i = 0; i < 40; i++) {
        const inside: number[] = [];
        for (let j = 0; j < 50; j++) {
          // the kernel's association: a·j + (b·i + c)
          const x = a * j + (b * i + c);
          const y = d * j + (e * i + f);
          if (x >= 0 && x < 199 && y >= 0 && y < 119) inside.push(j);
        }
        const run = inside.length ? [inside[0], inside[inside.length - 1] + 1] : [];
        expect(inside.length === 0 || inside.length === run[1] - run[0], 'contiguous').toBe(true);
        if (inside.length) expect([start[i], end[i]], `map ${[a, b, c, d, e, f].join(',')} row ${i}`).toEqual(run);
        else expect(end[i] <= start[i]).toBe(true);
      }
    }
  });
});
