/**
 * Metrics: classification accuracy and confusion, COCO-style mAP, mask IoU, corpus BLEU.
 */
export { corpusBleu } from './bleu';
export type { BleuOptions, BleuResult, BleuSentence, BleuSmoothing } from './bleu';
export { COCO_IOU_THRESHOLDS, meanAveragePrecision } from './map';
export type { MapImage, MapOptions, MapResult } from './map';
export { accuracy } from '../core/accuracy';
export { argmaxRows, confusionMatrix, perClassMetrics } from './classification';
export type { ClassMetrics } from './classification';
export { maskIoU, meanMaskIoU } from './mask-iou';
