import { buildOnnxModel } from './onnx-builder';

/**
 * A real ONNX colour classifier built in memory: NCHW `pixel_values` [batch, 3, 32, 32] → global
 * average pool → flatten → identity matrix, one output `logits` (mean R, G, B in 0–1 units,
 * times 10). Its answer is known for any image, so a test can check the whole ONNX path.
 *
 * @example
 * ```ts
 * const classifier = await pipeline('image-classification', { model: card, modelSource: colourOnnxModel() });
 * ```
 */
export function colourOnnxModel(): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: 'pixel_values', dims: ['batch', 3, 32, 32] }],
    outputs: [{ name: 'logits', dims: ['batch', 3] }],
    initializers: [{ name: 'w', dims: [3, 3], values: [10, 0, 0, 0, 10, 0, 0, 0, 10] }],
    nodes: [
      { op: 'GlobalAveragePool', inputs: ['pixel_values'], outputs: ['pooled'] },
      { op: 'Flatten', inputs: ['pooled'], outputs: ['flat'], attributes: { axis: 1 } },
      { op: 'MatMul', inputs: ['flat', 'w'], outputs: ['logits'] },
    ],
  });
}
