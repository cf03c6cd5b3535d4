/**
 * The two stages of face landmarks on an opened frame: the BlazeFace detector on the whole frame
 * (→ square face crops), and the mesh model (plus Iris or the attention outputs) on one crop
 * (→ points in image pixels).
 */
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import type { FaceDetectorSpec, FaceMeshModelSpec } from '../../models/face-cards';
import { refineWithAttention } from '../../postprocess/face/attention';
import { decodeFaceDetector } from '../../postprocess/face/face-detector';
import { type FaceCrop, cropToImage, eyeLineRotation, faceCrop } from '../../postprocess/face/face-roi';
import { IRIS_MODEL_POINTS, eyeCrops, mergeIris } from '../../postprocess/face/iris';
import { type CropRegion, fullFrameRegion } from '../../preprocess/crop-region';
import { rotatedRegionAffine } from '../../preprocess/rotated-region';
import { sampleAffine } from '../../preprocess/sampling/affine-sample';
import type { OpenFrame } from '../../preprocess/sampling/open-frame';
import { sampleRegion, sampleRegions } from '../../preprocess/sampling/region-sample';
import type { SampleTarget } from '../../preprocess/sampling/sample-output';
import type { ModelRunner, RawTensor } from '../../runtime/model-runner';
import { now } from '../shared/run-stages';

/** Milliseconds per stage, accumulated over a frame. @example `const clock: FaceClock = { preprocess: 0, inference: 0, postprocess: 0 };` */
export interface FaceClock {
  preprocess: number;
  inference: number;
  postprocess: number;
}

/** A face crop to run the mesh model on, with the detector's score (or the previous frame's). @example `{ crop: { x1: 0, y1: 0, x2: 200, y2: 200 }, detectorScore: 0.9 }` */
export interface FaceCandidate {
  crop: FaceCrop;
  detectorScore: number;
}

/** Options of {@link detectFaces}. @example `{ fit: 'letterbox', threshold: 0.2, iouThreshold: 0.1, maxFaces: 10, roiScale: 1.4, rotate: false }` */
export interface DetectOptions {
  fit: 'letterbox' | 'stretch';
  threshold: number;
  iouThreshold: number;
  maxFaces: number;
  roiScale: number;
  /** Turn each crop by the face's eye line (the detector's eye keypoints), so that the face stands upright in it. */
  rotate: boolean;
}

/**
 * Where the detector's input comes from (`sample`, with cropAndResize semantics) and the part
 * of the frame its pixels stand for (`place`). `letterbox`: the frame padded to a centred
 * square. `stretch`: the whole frame resized as `tf.image.resizeBilinear` does (@vladmandic/human):
 * output pixel i samples source i · W / w, which is the crop from 0 to W(w − 1) / (w(W − 1)).
 *
 * @example
 * ```ts
 * detectorRegions(1920, 1280, 128, 128, 'letterbox').sample; // { xMin: 0, yMin: -0.25, xMax: 1, yMax: 1.25 }
 * ```
 */
export function detectorRegions(frameWidth: number, frameHeight: number, width: number, height: number, fit: 'letterbox' | 'stretch'): { sample: CropRegion; place: CropRegion } {
  if (fit === 'letterbox') {
    const square = fullFrameRegion(frameWidth, frameHeight);
    return { sample: square, place: square };
  }
  const span = (source: number, out: number): number => (source > 1 && out > 1 ? (source * (out - 1)) / (out * (source - 1)) : 1);
  return { sample: { xMin: 0, yMin: 0, xMax: span(frameWidth, width), yMax: span(frameHeight, height) }, place: { xMin: 0, yMin: 0, xMax: 1, yMax: 1 } };
}

function unitTarget(width: number, height: number): SampleTarget {
  return { width, height, normalization: 'unit', dtype: 'float32' };
}

/** A crop in pixels as a region in 0–1 of the frame. */
function regionOf(crop: FaceCrop, frame: OpenFrame): CropRegion {
  return { xMin: crop.x1 / frame.width, yMin: crop.y1 / frame.height, xMax: crop.x2 / frame.width, yMax: crop.y2 / frame.height };
}

/** The crops sampled along their turns (bilinear, half-pixel centres, black beyond the frame) as one batch. */
function turnedCrops(frame: OpenFrame, crops: readonly FaceCrop[], target: SampleTarget): tf.Tensor4D {
  const samples: tf.Tensor4D[] = [];
  try {
    for (const { x1, y1, x2, y2, rotation } of crops) {
      const region = { centerX: (x1 + x2) / 2, centerY: (y1 + y2) / 2, width: x2 - x1, height: y2 - y1, rotation: rotation ?? 0 };
      samples.push(sampleAffine(frame, rotatedRegionAffine(region, target.width, target.height), target));
    }
    return samples.length === 1 ? samples.pop()! : tf.concat(samples, 0);
  } finally {
    tf.dispose(samples);
  }
}

/**
 * Runs the face detector on the whole frame (fitted by `fit`) and returns square crops around
 * the faces it finds, best first, in image pixels.
 *
 * @example
 * ```ts
 * const candidates = await detectFaces(frame, detector, FACE_DETECTOR_SHORT, options, clock);
 * ```
 */
export async function detectFaces(frame: OpenFrame, runner: ModelRunner, spec: FaceDetectorSpec, options: DetectOptions, clock: FaceClock): Promise<FaceCandidate[]> {
  const t0 = now();
  const { width, height } = spec.input;
  const { sample, place } = detectorRegions(frame.width, frame.height, width, height, options.fit);
  const input = sampleRegion(frame, sample, { width, height, normalization: spec.input.normalization ?? 'none', dtype: 'float32' });
  const t1 = now();
  clock.preprocess += t1 - t0;
  let outputs: Record<string, RawTensor>;
  try {
    outputs = await runner.run({ [runner.inputs[0].name]: input }, { outputs: spec.outputs });
  } finally {
    input.dispose();
  }
  const t2 = now();
  clock.inference += t2 - t1;
  const rows = spec.outputs?.[0] ? outputs[spec.outputs[0]] : Object.values(outputs)[0];
  if (!rows) throw new VisionError('MODEL_FORMAT', `face detector '${spec.id}' gave no '${spec.outputs?.[0]}' output; it gave ${Object.keys(outputs).join(', ')}`);
  const faces = decodeFaceDetector(rows.data as Float32Array, spec.anchors, { minScore: options.threshold, iouThreshold: options.iouThreshold, maxFaces: options.maxFaces });
  const sx = ((place.xMax - place.xMin) * frame.width) / width;
  const sy = ((place.yMax - place.yMin) * frame.height) / height;
  const toImageX = (x: number): number => place.xMin * frame.width + x * sx;
  const toImageY = (y: number): number => place.yMin * frame.height + y * sy;
  const candidates = faces.map((face) => {
    const [x1, y1, x2, y2] = face.box;
    const crop = faceCrop([toImageX(x1), toImageY(y1), toImageX(x2), toImageY(y2)], options.roiScale);
    if (!options.rotate) return { crop, detectorScore: face.score };
    // keypoints 0 and 1: the person's right and left eye
    const [rx, ry, lx, ly] = face.keypoints;
    return { crop: { ...crop, rotation: eyeLineRotation(toImageX(rx), toImageY(ry), toImageX(lx), toImageY(ly)) }, detectorScore: face.score };
  });
  clock.postprocess += now() - t2;
  return candidates.filter((c) => c.crop.x2 - c.crop.x1 > 1);
}

/** The mesh of one crop in image pixels (N × 3 flat) and the face score. @example `const { points, score } = mesh;` */
export interface CropMesh {
  points: Float32Array;
  score: number;
}

/** Face k's values of one output of a batched mesh call (`faces` samples, leading dimension the batch). */
function output(outputs: Record<string, RawTensor>, spec: FaceMeshModelSpec, role: string, face: number, faces: number): ArrayLike<number> {
  const name = spec.face.outputs[role];
  const tensor = name ? outputs[name] : undefined;
  if (!tensor) throw new VisionError('MODEL_FORMAT', `face model '${spec.id}' gave no '${name ?? role}' output (${role}); it gave ${Object.keys(outputs).join(', ')}`);
  const data = tensor.data as Float32Array;
  if (faces === 1) return data;
  if (tensor.dims[0] !== faces) throw new VisionError('MODEL_FORMAT', `face model '${spec.id}' output '${name}' has shape [${tensor.dims.join(', ')}] for a batch of ${faces} faces`);
  const per = data.length / faces;
  return data.subarray(face * per, (face + 1) * per);
}

/**
 * Runs the Iris model on both eyes of a raw mesh (mesh-input pixels) and merges its points. The
 * eyes are cut from the mesh model's input (sample `index` of the batch, as @vladmandic/human
 * does), the left one mirrored.
 */
async function withIris(faces: tf.Tensor4D, index: number, raw: ArrayLike<number>, meshSize: number, iris: ModelRunner, irisSize: number, clock: FaceClock): Promise<Float32Array> {
  const t0 = now();
  const eyes = eyeCrops(raw);
  const box = (c: FaceCrop): number[] => [c.y1 / meshSize, c.x1 / meshSize, c.y2 / meshSize, c.x2 / meshSize];
  const input = tf.tidy(() => {
    const crops = tf.image.cropAndResize(faces, [box(eyes.right), box(eyes.left)], [index, index], [irisSize, irisSize]);
    const [right, left] = tf.split(crops, 2);
    return tf.concat([right, tf.reverse(left, 2)]);
  });
  const t1 = now();
  clock.preprocess += t1 - t0;
  let data: ArrayLike<number>;
  try {
    data = Object.values(await iris.run({ [iris.inputs[0].name]: input }))[0].data as Float32Array;
  } finally {
    input.dispose();
  }
  const t2 = now();
  clock.inference += t2 - t1;
  const per = IRIS_MODEL_POINTS * 3;
  if (data.length !== 2 * per) throw new VisionError('MODEL_FORMAT', `Iris model gave ${data.length} values for two eyes; expected ${2 * per}`);
  const merged = mergeIris(raw, Array.prototype.slice.call(data, 0, per) as number[], Array.prototype.slice.call(data, per) as number[], eyes, irisSize);
  clock.postprocess += now() - t2;
  return merged;
}

/** Options of {@link meshesInCrops}. @example `{ threshold: 0.2 }` */
export interface MeshOptions {
  threshold: number;
  iris?: ModelRunner;
  irisSize?: number;
}

/** The raw mesh of face k of a batched call (mesh-input pixels; attention outputs merged), or null below the threshold. */
function rawMesh(outputs: Record<string, RawTensor>, spec: FaceMeshModelSpec, face: number, faces: number, threshold: number): { raw: ArrayLike<number>; score: number } | null {
  const score = output(outputs, spec, 'faceFlag', face, faces)[0];
  if (!(score >= threshold)) return null;
  const part = (role: string): ArrayLike<number> => output(outputs, spec, role, face, faces);
  const raw = part('mesh');
  if (spec.family !== 'facemesh-attention') return { raw, score };
  const parts = { lips: part('lips'), rightEye: part('rightEye'), leftEye: part('leftEye'), rightIris: part('rightIris'), leftIris: part('leftIris') };
  return { raw: refineWithAttention(raw, parts), score };
}

/** Whether the mesh model takes a batch of crops (its input's leading dimension is not fixed to 1). */
function takesBatch(runner: ModelRunner): boolean {
  return runner.inputs[0]?.shape[0] !== 1;
}

/**
 * Runs the mesh model on square crops of one frame: for each crop, the points (468, or 478
 * with irises) in image pixels and the face score, or `null` when the score is below
 * `threshold`. All crops go to the model in one batched call where its input takes a batch
 * (FaceMesh's does; results equal one call per crop), else one call each.
 *
 * @example
 * ```ts
 * const meshes = await meshesInCrops(frame, candidates.map((c) => c.crop), runner, FACEMESH, { threshold: 0.2 }, clock);
 * ```
 */
export async function meshesInCrops(frame: OpenFrame, crops: readonly FaceCrop[], runner: ModelRunner, spec: FaceMeshModelSpec, options: MeshOptions, clock: FaceClock): Promise<Array<CropMesh | null>> {
  if (crops.length === 0) return [];
  if (!takesBatch(runner) && crops.length > 1) {
    const meshes: Array<CropMesh | null> = [];
    for (const crop of crops) meshes.push(...(await meshesInCrops(frame, [crop], runner, spec, options, clock)));
    return meshes;
  }
  const t0 = now();
  const size = spec.input.width;
  const input = crops.some((crop) => crop.rotation)
    ? turnedCrops(frame, crops, unitTarget(size, spec.input.height))
    : sampleRegions(frame, crops.map((crop) => regionOf(crop, frame)), unitTarget(size, spec.input.height));
  const t1 = now();
  clock.preprocess += t1 - t0;
  try {
    const outputs = await runner.run({ [runner.inputs[0].name]: input }, { outputs: Object.values(spec.face.outputs) });
    const t2 = now();
    clock.inference += t2 - t1;
    const raws = crops.map((_, k) => rawMesh(outputs, spec, k, crops.length, options.threshold));
    clock.postprocess += now() - t2;
    const meshes: Array<CropMesh | null> = [];
    for (let k = 0; k < crops.length; k++) {
      const found = raws[k];
      if (!found) {
        meshes.push(null);
        continue;
      }
      const raw = options.iris ? await withIris(input, k, found.raw, size, options.iris, options.irisSize ?? 64, clock) : found.raw;
      const t3 = now();
      meshes.push({ points: cropToImage(raw, crops[k], size), score: found.score });
      clock.postprocess += now() - t3;
    }
    return meshes;
  } finally {
    input.dispose();
  }
}
