/**
 * Types shared by every layer: boxes, detections, keypoints, masks, results, `VisionError`
 * with codes, image-input normalisation, frame disposal helpers and the platform hooks.
 */
export { VisionError, isVisionError } from './errors';
export type { VisionErrorCode } from './errors';
export type { Box, Classification, Detection, ImageSize, InputTransform, Keypoint, Timing } from './types';
export type { ClassificationResult, TimedResult } from './results';
export type { DrawableImage, ImageInput, RawImage } from './image-input';
export { imageToTensor } from './image-tensor';
export type { LabeledImage, LongWorkOptions, TrainingProgress } from './labeled-data';
export { closeFrame, handOver, isHandedOver } from './frame-ownership';
export { setPlatform } from './platform';
export type { Platform } from './platform';
export { Mask } from './mask';
export type { MaskBounds, MaskImageData, MaskImageOptions, MaskKind, MaskRle, PackedMask } from './mask';
export type { MaskAssemblyJob } from './mask-assembly-job';
export { RgbaImage } from './rgba-image';
export { DEFAULT_MAX_PIXELS } from './image-limits';
export type { ImageInputLimits } from './image-input';
