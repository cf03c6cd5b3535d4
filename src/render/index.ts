/**
 * Drawing results on a 2D canvas — browser, OffscreenCanvas (also in workers) or
 * `@napi-rs/canvas` in Node: detections, masks, poses, captions and a stats overlay.
 */
export { defaultScratchCanvas } from './canvas2d';
export type { Canvas2D, CreateScratchCanvas, ImageDataLike, PixelArray, ScratchCanvas } from './canvas2d';
export { PALETTE, colorFor, parseColor, textColorOn } from './colors';
export type { Rgba } from './colors';
export { IDENTITY_TRANSFORM, fitTransform, mapBox, mapPoint, resolveTransform, unmapPoint } from './transform';
export type { DrawTransform, FitMode, FitSpec, PlacementOptions } from './transform';
export { drawLabel, drawnSize, labelRect, resolveStyle } from './style';
export type { LabelAnchor, OverlayRect, ResolvedStyle, StyleOptions } from './style';
export { detectionColor, detectionLabel, drawDetections } from './detections';
export type { DetectionDrawOptions, DrawableDetection } from './detections';
export { drawMasks } from './masks';
export type { MaskDrawOptions, MaskLike, MaskOverlay } from './masks';
export { drawKeypoints } from './keypoints';
export type { DrawablePose, KeypointDrawCount, KeypointDrawOptions } from './keypoints';
export { drawCaption, wrapText } from './caption';
export type { CaptionOptions } from './caption';
export { putRawImage } from './raw-image';
export { drawStats, statsLines } from './stats';
export type { RenderStats, StatsOptions } from './stats';
export { blurRgba } from './blur';
export { compositeMatte, drawBackgroundBlur, drawBackgroundReplace, drawGreenScreen } from './matte';
export type { MatteBackground, MatteLike } from './matte';
