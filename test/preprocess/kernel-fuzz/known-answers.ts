/**
 * Results that must come out exactly, before and after the fuzz: a stray write into memory need
 * not show in the case that made it, so each fuzz test file checks at its start and end that
 * fixed samples, resizes and filters still give their known answers, that tfjs-wasm still sums
 * correctly, and that reference samples of a noise frame have not changed (no heap corruption).
 */
import * as tf from '@tensorflow/tfjs';
import { FastGuidedFilterWorkspace, type GuidePixels, fastGuidedFilterInto, subsampleGuide } from '../../../src/postprocess/masks/fast-guided-filter';
import { resizePlane } from '../../../src/postprocess/masks/upsample';
import { rotatedRegionAffine } from '../../../src/preprocess/rotated-region';
import { sampleAffine } from '../../../src/preprocess/sampling/affine-sample';
import { heapPixels } from '../../../src/preprocess/sampling/heap-pixels';
import type { OpenFrame } from '../../../src/preprocess/sampling/open-frame';
import { sampleRegion, sampleRegions } from '../../../src/preprocess/sampling/region-sample';
import type { SampleTarget } from '../../../src/preprocess/sampling/sample-output';
import { valueProblems } from './compare';
import { openTestFrame } from './frames';

/** Pixel (x, y) of the reference frame: distinct values in all three channels. */
const referencePixel = (x: number, y: number): [number, number, number] => [10 * x + y, 3 * x + 100, 200 - 5 * y];

/** A problem where tfjs-wasm sums 0…999 wrongly (its own heap damaged). */
function tfjsSumProblems(): string[] {
  const sum = tf.sum(tf.range(0, 1000, 1, 'int32'));
  const problems = sum.dataSync()[0] !== 499500 ? [`tfjs-wasm sums 0…999 to ${sum.dataSync()[0]}`] : [];
  sum.dispose();
  return problems;
}

/**
 * The sampler's results that must come out exactly: samples of the 7×5 reference frame (an int32
 * tensor and 8-bit RGBA pixels) that read each pixel at its centre — a whole-frame crop and the
 * identity map — and tfjs-wasm's sum of 0…999.
 *
 * @example
 * ```ts
 * expect(samplerKnownAnswers()).toEqual([]);
 * ```
 */
export function samplerKnownAnswers(): string[] {
  const [width, height] = [7, 5];
  const rgb = Array.from({ length: width * height }, (_, p) => referencePixel(p % width, Math.floor(p / width))).flat();
  const rgba = Uint8Array.from(Array.from({ length: width * height }, (_, p) => [...referencePixel(p % width, Math.floor(p / width)), 255]).flat());
  const tensor = tf.tensor3d(rgb, [height, width, 3], 'int32');
  const frames: Array<[string, OpenFrame]> = [
    ['int32 tensor', { width, height, channels: 3, tensor, pixels: heapPixels(tensor), release: () => undefined }],
    ['8-bit RGBA pixels', { width, height, channels: 4, pixels: () => rgba, release: () => undefined }],
  ];
  const target: SampleTarget = { width, height, normalization: 'none', dtype: 'float32' };
  const problems: string[] = [];
  for (const [name, frame] of frames) {
    const crop = sampleRegion(frame, { xMin: 0, yMin: 0, xMax: 1, yMax: 1 }, target);
    const turned = sampleAffine(frame, [1, 0, 0, 0, 1, 0], target);
    problems.push(...valueProblems(crop.dataSync(), rgb, 0).map((p) => `${name}, whole-frame crop: ${p}`));
    problems.push(...valueProblems(turned.dataSync(), rgb, 0).map((p) => `${name}, identity map: ${p}`));
    tf.dispose([crop, turned]);
  }
  tensor.dispose();
  return [...problems, ...tfjsSumProblems()];
}

/**
 * The matte kernels' results that must come out exactly: a same-size resize, the guided filter
 * of a constant matte — and tfjs-wasm's sum of 0…999.
 *
 * @example
 * ```ts
 * expect(matteKnownAnswers()).toEqual([]);
 * ```
 */
export function matteKnownAnswers(): string[] {
  const problems: string[] = [];
  const plane = Float32Array.from({ length: 9 * 4 }, (_, i) => i / 36);
  problems.push(...valueProblems(resizePlane(plane, 9, 4, 9, 4), plane, 0).map((p) => `resizePlane to the same size: ${p}`));
  const workspace = new FastGuidedFilterWorkspace(12, 9, 6, 5);
  const guide: GuidePixels = { data: Uint8Array.from({ length: 12 * 9 * 3 }, (_, i) => (i * 37) % 256), width: 12, height: 9, channels: 3, scale: 1 / 255 };
  workspace.inputLow.fill(0.625);
  subsampleGuide(guide, workspace);
  const flat = fastGuidedFilterInto(guide, workspace, { lowRadius: 1, epsilon: 1e-3, clamp: true }, new Float32Array(12 * 9));
  problems.push(...valueProblems(flat, new Float32Array(12 * 9).fill(0.625), 1e-6).map((p) => `guided filter of a constant matte: ${p}`));
  return [...problems, ...tfjsSumProblems()];
}

/**
 * A rotated crop and a crop region of a noise frame, whose values must be the same before and after the fuzz.
 *
 * @example
 * ```ts
 * const before = referenceSamples();
 * // … the fuzz …
 * referenceSamples().forEach((values, k) => expect(valueProblems(values, before[k], 0), `reference sample ${k}`).toEqual([]));
 * ```
 */
export function referenceSamples(): Float32Array[] {
  const test = openTestFrame({ width: 211, height: 157, channels: 3, kind: 'uint8', offset: 12345, nans: 0 });
  const target: SampleTarget = { width: 96, height: 80, normalization: 'imagenet', dtype: 'float32', layout: 'nchw' };
  const turned = sampleAffine(test.frame, rotatedRegionAffine({ centerX: 100, centerY: 80, width: 150, height: 120, rotation: 0.7 }, 96, 80), target);
  const crop = sampleRegions(test.frame, [{ xMin: -0.1, yMin: 0.2, xMax: 0.7, yMax: 1.1 }], target);
  const values = [turned.dataSync() as Float32Array, crop.dataSync() as Float32Array];
  tf.dispose([turned, crop]);
  return values;
}
