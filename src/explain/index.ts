/**
 * Looking into and combining pipelines: ensembles of detectors (and test-time augmentation,
 * which the pipelines take as their `tta` option).
 */
export { DetectorEnsemble, ensemble } from './ensemble';
export type { EnsembleMember, EnsembleOptions } from './ensemble';
