/**
 * Explanations: saliency heat maps for classification and detection pipelines (occlusion,
 * gradients, SmoothGrad, Grad-CAM).
 */
export { explain } from './explain';
export type { DetectionTarget, ExplainMethod, ExplainOptions, ExplainProgress, Explanation } from './explain-types';
export type { ExplainablePipeline } from './explained-model';
export { HeatMap } from './heat-map';
export type { PackedHeatMap } from './heat-map';
