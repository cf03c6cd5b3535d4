import { VisionError, throwIfAborted } from '../core/errors';
import { isOptionsObject, shownValue } from '../core/shown-value';
import { ownEntry } from '../core/own-entry';
import { type ClassificationPipeline, createClassificationPipeline } from './classification/classification-pipeline';
import type { ClassificationOptions } from './classification/classification-types';
import { type DetectionPipeline, createDetectionPipeline } from './detection/detection-pipeline';
import type { DetectionOptions } from './detection/detection-types';
import { type PoseEstimationPipeline, createPoseEstimationPipeline } from './pose/pose-pipeline';
import { type ImageSegmentationPipeline, createImageSegmentationPipeline } from './segmentation/image-segmentation-pipeline';
import { type InstanceSegmentationPipeline, createInstanceSegmentationPipeline } from './segmentation/instance-segmentation-pipeline';
import type { ImageSegmentationOptions, InstanceSegmentationOptions } from './segmentation/segmentation-types';
import { type ImageToTextPipeline, createImageToTextPipeline } from './captioning/image-to-text-pipeline';
import type { ImageToTextOptions } from './captioning/captioning-types';
import type { PoseEstimationOptions } from './pose/pose-types';
import { type FaceEmbeddingPipeline, createFaceEmbeddingPipeline } from './face-embedding/face-embedding-pipeline';
import type { FaceEmbeddingOptions } from './face-embedding/face-embedding-types';
import { type HandLandmarkPipeline, createHandLandmarkPipeline } from './hands/hand-pipeline';
import type { HandLandmarkOptions } from './hands/hand-types';
import { type FaceLandmarksPipeline, createFaceLandmarksPipeline } from './face/face-pipeline';
import type { FaceLandmarksOptions } from './face/face-types';
import { type VideoMattingPipeline, createVideoMattingPipeline } from './matting/video-matting-pipeline';
import type { VideoMattingOptions } from './matting/matting-types';
import { type FeatureExtractionPipeline, createFeatureExtractionPipeline } from './embeddings/feature-extraction-pipeline';
import type { FeatureExtractionOptions } from './embeddings/feature-extraction-types';

/** Options type of each task. @example `const o: TaskOptions['object-detection'] = { threshold: 0.5 };` */
export interface TaskOptions {
  'image-classification': ClassificationOptions;
  'object-detection': DetectionOptions;
  'pose-estimation': PoseEstimationOptions;
  'instance-segmentation': InstanceSegmentationOptions;
  'image-segmentation': ImageSegmentationOptions;
  'image-to-text': ImageToTextOptions;
  'face-embedding': FaceEmbeddingOptions;
  'hand-landmarks': HandLandmarkOptions;
  'face-landmarks': FaceLandmarksOptions;
  'video-matting': VideoMattingOptions;
  'image-feature-extraction': FeatureExtractionOptions;
}

/** Pipeline type of each task. @example `let p: TaskPipeline['image-classification'];` */
export interface TaskPipeline {
  'image-classification': ClassificationPipeline;
  'object-detection': DetectionPipeline;
  'pose-estimation': PoseEstimationPipeline;
  'instance-segmentation': InstanceSegmentationPipeline;
  'image-segmentation': ImageSegmentationPipeline;
  'image-to-text': ImageToTextPipeline;
  'face-embedding': FaceEmbeddingPipeline;
  'hand-landmarks': HandLandmarkPipeline;
  'face-landmarks': FaceLandmarksPipeline;
  'video-matting': VideoMattingPipeline;
  'image-feature-extraction': FeatureExtractionPipeline;
}

/** The tasks that have a pipeline today. @example `const t: PipelineTask = 'object-detection';` */
export type PipelineTask = keyof TaskOptions & keyof TaskPipeline;

const FACTORIES: { readonly [T in PipelineTask]: (options: TaskOptions[T]) => Promise<TaskPipeline[T]> } = /* @__PURE__ */ Object.freeze({
  'image-classification': createClassificationPipeline,
  'object-detection': createDetectionPipeline,
  'pose-estimation': createPoseEstimationPipeline,
  'instance-segmentation': createInstanceSegmentationPipeline,
  'image-segmentation': createImageSegmentationPipeline,
  'image-to-text': createImageToTextPipeline,
  'face-embedding': createFaceEmbeddingPipeline,
  'hand-landmarks': createHandLandmarkPipeline,
  'face-landmarks': createFaceLandmarksPipeline,
  'video-matting': createVideoMattingPipeline,
  'image-feature-extraction': createFeatureExtractionPipeline,
});

/** The tasks `pipeline()` can build. @example `SUPPORTED_TASKS.includes('object-detection')` */
export const SUPPORTED_TASKS: readonly PipelineTask[] = /* @__PURE__ */ Object.keys(FACTORIES) as PipelineTask[];

/**
 * Creates the in-thread pipeline of a task from the local task registry (the `pipeline()`
 * facade also reaches the worker client). Unknown tasks are `INVALID_OPTION`; a `signal`
 * aborted before the pipeline is handed over is `ABORTED`, the pipeline disposed.
 *
 * @example
 * ```ts
 * const detector = await createTaskPipeline('object-detection', { threshold: 0.4 });
 * const { detections } = await detector.run(image);
 * detector.dispose();
 * ```
 */
export function createTaskPipeline<T extends PipelineTask>(task: T, options?: TaskOptions[T]): Promise<TaskPipeline[T]> {
  // own keys only: 'constructor', 'toString' or '__proto__' are no tasks
  const factory = ownEntry(FACTORIES, task) as ((options: TaskOptions[T]) => Promise<TaskPipeline[T]>) | undefined;
  if (!factory) {
    return Promise.reject(new VisionError('INVALID_OPTION', `unknown task '${String(task)}'; supported: ${SUPPORTED_TASKS.join(', ')}`));
  }
  if (options !== undefined && !isOptionsObject(options)) {
    return Promise.reject(new VisionError('INVALID_OPTION', `${task} options must be an object (or left out); got ${shownValue(options)}`));
  }
  const { signal } = (options ?? {}) as { signal?: AbortSignal };
  return factory(options ?? ({} as TaskOptions[T])).then((created) => {
    // aborted while a later stage loaded or warmed up: nobody will receive this pipeline
    if (signal?.aborted) {
      created.dispose();
      throwIfAborted(signal, `${task} pipeline creation`);
    }
    return created;
  });
}
