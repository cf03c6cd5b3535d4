import type { Box, Keypoint } from '../../core/types';
import type { ModelSpec } from '../../models/model-spec';
import type { FaceEmbeddingModelSpec } from '../../models/face-embedding-cards';
import type { TimedResult } from '../../core/results';
import type { BasePipelineOptions } from '../shared/pipeline-options';

/**
 * Per-call options of a face-embedding pipeline.
 *
 * @example
 * ```ts
 * await faces.run(photo, { threshold: 0.6, maxFaces: 5 });
 * ```
 */
export interface FaceEmbeddingRunOptions {
  /** Minimum face-detector score, in [0, 1]. Default: the detector card's (BlazeFace 0.5). */
  threshold?: number;
  /** Most faces to describe, best scores first. Default 20. */
  maxFaces?: number;
  /** Turn each crop so the eyes are level before describing it. Default true. */
  align?: boolean;
}

/**
 * Options of a face-embedding pipeline. Default model: `faceres`; faces found by `blazeface`.
 *
 * @example
 * ```ts
 * const faces = await pipeline('face-embedding', { model: 'faceres', threshold: 0.6 });
 * ```
 */
export interface FaceEmbeddingOptions extends BasePipelineOptions, FaceEmbeddingRunOptions {
  /** The card of a ready runner passed as `model`. */
  spec?: FaceEmbeddingModelSpec;
  /** The face detector: a catalogue id or card (default `blazeface`). It must give eye keypoints for `align`. */
  detector?: string | ModelSpec;
}

/**
 * One face: where it is and its descriptor (unit length, so a dot product is the cosine
 * similarity), plus age and gender where the model estimates them (FaceRes).
 *
 * @example
 * ```ts
 * const [face] = (await faces.run(photo)).faces;
 * matcher.match(face.embedding); // { label: 'ada', similarity: 0.71 }
 * ```
 */
export interface FaceEmbedding {
  /** The detector's face box, in source pixels. */
  box: Box;
  /** Detector score in [0, 1]. */
  score: number;
  /** The detector's landmarks (BlazeFace: eyes, nose, mouth, ears), in source pixels. */
  keypoints: Keypoint[];
  /** Roll of the crop in radians (0 when not aligned). */
  angle: number;
  /** The L2-normalised descriptor (FaceRes: 1024 values). */
  embedding: Float32Array;
  /** Age in years (FaceRes). */
  age?: number;
  /** `female` or `male` as the model estimates it (FaceRes). */
  gender?: 'female' | 'male';
  /** Confidence of `gender`, 0 (coin toss) … 1. */
  genderScore?: number;
  /** Video mode: a stable ID per face track. */
  trackId?: number;
}

/**
 * The faces of one image, best detector score first.
 *
 * @example
 * ```ts
 * const { faces, imageSize } = await pipeline.run(photo);
 * ```
 */
export interface FaceEmbeddingResult extends TimedResult {
  faces: FaceEmbedding[];
}
