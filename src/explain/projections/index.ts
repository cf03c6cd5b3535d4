/**
 * Projections of vector sets (image embeddings) to a few dimensions — "what the model sees":
 * exact PCA and seeded UMAP.
 */
export { pca } from './pca';
export type { PcaOptions, PcaResult } from './pca';
export { umap } from './umap';
export type { UmapOptions, UmapResult } from './umap';
export type { VectorSet } from './vector-set';
