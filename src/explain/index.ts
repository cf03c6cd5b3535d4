/**
 * Looking into pipelines and combining them: saliency heat maps for classification and
 * detection (occlusion, gradients, SmoothGrad, Grad-CAM), projections of feature spaces (PCA,
 * UMAP), ensembles of detectors (test-time augmentation is the pipelines' own `tta` option).
 */
export { explain } from './explain';
export type { DetectionTarget, ExplainMethod, ExplainOptions, ExplainProgress, Explanation } from './explain-types';
export type { ExplainablePipeline } from './explained-model';
export { HeatMap } from './heat-map';
export type { PackedHeatMap } from './heat-map';
export { DetectorEnsemble, ensemble } from './ensemble';
export type { EnsembleMember, EnsembleOptions } from './ensemble';
export * from './projections/index';
