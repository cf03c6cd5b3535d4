/**
 * Frame → model input: decoding to a tensor, resize, letterbox, centre crop, normalisation
 * and the combined `prepareImage`.
 */
export { imageToTensor } from './to-tensor';
export { prepareImage } from './prepare';
export type { InputSpec, PreparedInput } from './prepare';
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
