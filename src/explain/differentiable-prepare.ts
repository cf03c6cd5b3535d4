import * as tf from '@tensorflow/tfjs';
import { type AxisFit, fitGeometry } from '../preprocess/geometry';
import { normalizationAffine } from '../preprocess/normalize';
import type { InputSpec } from '../preprocess/prepare';

/**
 * The interpolation matrix [resized, span] of one axis: row o holds the weights of the source
 * pixels that output pixel o reads — half-pixel centres, edge-clamped, exactly as
 * `tf.image.resizeBilinear(…, halfPixelCenters)` (OpenCV INTER_LINEAR) or, for `nearest`,
 * `resizeNearestNeighbor(…, halfPixelCenters)`.
 */
function axisMatrix(span: number, resized: number, nearest: boolean): tf.Tensor2D {
  const weights = new Float32Array(resized * span);
  const scale = span / resized;
  for (let o = 0; o < resized; o++) {
    if (nearest) {
      weights[o * span + Math.min(Math.floor((o + 0.5) * scale), span - 1)] = 1;
      continue;
    }
    const s = Math.max(0, (o + 0.5) * scale - 0.5);
    const low = Math.min(Math.floor(s), span - 1);
    const high = Math.min(low + 1, span - 1);
    const w = s - Math.floor(s);
    weights[o * span + low] += 1 - w;
    weights[o * span + high] += w;
  }
  return tf.tensor2d(weights, [resized, span]);
}

/** Resizes one axis-pair fit of an [H, W, 3] image with two matrix products (gradients flow through matMul on every backend). */
function resizeByMatrices(image: tf.Tensor3D, x: AxisFit, y: AxisFit, nearest: boolean): tf.Tensor3D {
  const cropped = x.from === 0 && y.from === 0 && x.span === image.shape[1] && y.span === image.shape[0] ? image : tf.slice(image, [y.from, x.from, 0], [y.span, x.span, 3]);
  const rows = tf.matMul(axisMatrix(y.span, y.resized, nearest), tf.reshape(cropped, [y.span, x.span * 3])); // [h', W·3]
  const columnsFirst = tf.reshape(tf.transpose(tf.reshape(rows, [y.resized, x.span, 3]), [1, 0, 2]), [x.span, y.resized * 3]);
  const both = tf.matMul(axisMatrix(x.span, x.resized, nearest), columnsFirst); // [w', h'·3]
  return tf.transpose(tf.reshape(both, [x.resized, y.resized, 3]), [1, 0, 2]) as tf.Tensor3D;
}

/**
 * The pipeline's preprocessing as a differentiable function of the image's pixels: the same
 * fit (stretch / letterbox / centre crop, from `fitGeometry`), interpolation, padding,
 * normalisation, channel order and layout as `prepareImage`, built from ops whose gradients
 * are exact on every tfjs backend (tfjs' own resize gradients ignore half-pixel centres, and
 * the cpu backend's has its height and width swapped). Returns a float32 [1, …] model input.
 *
 * @example
 * ```ts
 * const gradient = tf.grad((img) => score(differentiablePrepare(img as tf.Tensor3D, spec.input)))(pixels);
 * ```
 */
export function differentiablePrepare(image: tf.Tensor3D, spec: InputSpec): tf.Tensor4D {
  const [height, width] = image.shape;
  const { x, y } = fitGeometry(width, height, spec.width, spec.height, spec.fit ?? 'stretch');
  let fitted = resizeByMatrices(image, x, y, spec.interpolation === 'nearest');
  if (spec.fit === 'letterbox') {
    fitted = tf.pad(fitted, [[y.offset, spec.height - y.resized - y.offset], [x.offset, spec.width - x.resized - x.offset], [0, 0]], spec.padValue ?? 114);
  }
  const ordered = spec.channelOrder === 'bgr' ? tf.reverse(fitted, -1) : fitted;
  const { scale, mean, std } = normalizationAffine(spec.normalization ?? 'none');
  const normalized = tf.div(tf.sub(tf.mul(ordered, scale), tf.tensor1d(mean as number[])), tf.tensor1d(std as number[]));
  const laidOut = spec.layout === 'nchw' ? tf.transpose(normalized, [2, 0, 1]) : normalized;
  return tf.expandDims(laidOut, 0) as tf.Tensor4D;
}
