/**
 * Frame → model input: resize, letterbox, centre crop, normalisation and the combined
 * `prepareImage` (decoding any image input to a tensor is core's `imageToTensor`).
 */
export { prepareImage } from './prepare';
export type { InputSpec, PreparedInput } from './prepare';
export { imagesToTensors } from './image-batch';
export type { ImageTensors } from './image-batch';
export { centerCrop, letterbox, resize } from './geometry';
export type { Interpolation } from './geometry';
export { normalize } from './normalize';
export type { Normalization } from './normalize';
export { prepareInput } from './prepare-input';
export type { PrepareInputOptions } from './prepare-input';
export { prepareGpuInput } from './prepare-input';
export type { PreparedGpuInput } from './prepare-input';
export { fullFrameRegion } from './crop-region';
export type { CropRegion } from './crop-region';
export { regionPointToSource, rotatedRegionAffine, rotatedRegionBounds } from './rotated-region';
export type { AffineMatrix, RotatedRegion } from './rotated-region';
export { canSampleAffine, sampleAffine } from './sampling/affine-sample';
export { prepareRotatedInput } from './prepare-rotated';
