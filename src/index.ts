/**
 * visionpipe: one index per folder (see shared/DESIGN.md) and the `pipeline()` facade.
 * Synthetic test scenes are the separate entry `visionpipe/testing` (src/testing/index.ts).
 */
export * from './core/index';
export * from './runtime/index';
export * from './preprocess/index';
export * from './postprocess/index';
export * from './models/index';
export * from './pipelines/index';
export * from './camera/index';
export * from './worker/index';
export * from './track/index';
export * from './render/index';
export * from './training/index';
export * from './eval/index';
export * from './explain/index';
export { pipeline } from './pipeline';
