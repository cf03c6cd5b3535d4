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
export { drawHands } from './hands';
export type { DrawableHand, HandDrawOptions } from './hands';
export { drawCaption, wrapText } from './caption';
export type { CaptionOptions } from './caption';
export { putRawImage } from './raw-image';
export { drawHeatMap, hotColor, jetColor } from './heat-map';
export type { HeatColorMap, HeatMapDrawOptions, HeatMapLike } from './heat-map';
export { drawStats, statsLines } from './stats';
export type { RenderStats, StatsOptions } from './stats';
export { fitScatter } from './scatter-layout';
export type { ScatterCoordinate, ScatterFitOptions, ScatterLayout } from './scatter-layout';
export { drawScatter } from './scatter';
export type { ScatterImage, ScatterOptions, ScatterPoint } from './scatter';
export { drawFaceMesh } from './face-mesh';
export type { DrawableFace, FaceMeshDrawCount, FaceMeshDrawOptions } from './face-mesh';
export { blurRgba } from './blur';
export { compositeMatte, drawBackgroundBlur, drawBackgroundReplace, drawGreenScreen } from './matte';
export type { MatteBackground, MatteLike } from './matte';
