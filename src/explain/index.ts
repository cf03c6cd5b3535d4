/**
 * Looking inside models: projections of their feature spaces (PCA, UMAP).
 */
export * from './projections/index';
