import { VisionError } from '../../core/errors';

/** Axis order of a 4-D feature map: channels last (tfjs) or first (ONNX). @example `const l: FeatureLayout = 'nchw';` */
export type FeatureLayout = 'nhwc' | 'nchw';

/**
 * Scales a vector to unit length (L2 norm 1) in place and returns it; a zero vector stays zero
 * (`l2Normalize` returns a normalised copy of any array).
 *
 * @example
 * ```ts
 * normalizeInPlace(Float32Array.of(3, 4)); // [0.6, 0.8]
 * ```
 */
export function normalizeInPlace(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
  if (sum > 0) {
    const scale = 1 / Math.sqrt(sum);
    for (let i = 0; i < vector.length; i++) vector[i] *= scale;
  }
  return vector;
}

/**
 * One unit-length embedding per batch item from a model output: `[N, D]` as it is, `[N, T, D]`
 * averaged over the T tokens, `[N, H, W, C]` (`nhwc`) or `[N, C, H, W]` (`nchw`) averaged over
 * H and W (global average pooling); then each vector is L2-normalised.
 *
 * @example
 * ```ts
 * const [embedding] = pooledEmbeddings({ dims: [1, 7, 7, 1280], data }, 'nhwc'); // 1280 values, norm 1
 * ```
 */
export function pooledEmbeddings(output: { dims: readonly number[]; data: ArrayLike<number> }, layout: FeatureLayout): Float32Array[] {
  const { dims, data } = output;
  if (dims.length < 2 || dims.length > 4 || dims.some((d) => !(d > 0))) {
    throw new VisionError('MODEL_FORMAT', `feature output has shape [${dims.join(',')}]; expected [N, D], [N, T, D] or a feature map [N, H, W, C] / [N, C, H, W]`);
  }
  const batch = dims[0];
  const perItem = data.length / batch;
  const dim = dims.length === 4 ? (layout === 'nhwc' ? dims[3] : dims[1]) : dims[dims.length - 1];
  const positions = perItem / dim; // spatial cells or tokens averaged per feature
  const out: Float32Array[] = [];
  for (let n = 0; n < batch; n++) {
    const base = n * perItem;
    const vector = new Float32Array(dim);
    if (dims.length === 4 && layout === 'nchw') {
      for (let c = 0; c < dim; c++) {
        let sum = 0;
        for (let p = 0; p < positions; p++) sum += data[base + c * positions + p];
        vector[c] = sum / positions;
      }
    } else {
      const sums = new Float64Array(dim);
      for (let p = 0; p < positions; p++) {
        for (let c = 0; c < dim; c++) sums[c] += data[base + p * dim + c];
      }
      for (let c = 0; c < dim; c++) vector[c] = sums[c] / positions;
    }
    out.push(normalizeInPlace(vector));
  }
  return out;
}
