import * as tf from '@tensorflow/tfjs';
import { type ResampleMode, axisTaps } from '../preprocess/axis-taps';
import { type AxisFit, fitGeometry } from '../preprocess/geometry';
import { normalizationAffine } from '../preprocess/normalize';
import type { InputSpec } from '../preprocess/prepare';

/**
 * The resampling matrix [out, span] of one axis: row j holds the weights of the source pixels
 * that model-input pixel j reads ({@link axisTaps}: bilinear, nearest or antialiased, exactly as
 * the other preprocessing paths); pad rows are zero.
 */
function axisMatrix(fit: AxisFit, out: number, mode: ResampleMode): tf.Tensor2D {
  const taps = axisTaps(fit, out, mode);
  const weights = new Float32Array(out * fit.span);
  for (let j = 0; j < out; j++) {
    if (taps.inside[j] === 0) continue;
    for (let t = 0; t < taps.size; t++) weights[j * fit.span + taps.index[j * taps.size + t] - fit.from] += taps.weight[j * taps.size + t];
  }
  return tf.tensor2d(weights, [out, fit.span]);
}

/** Fits an [H, W, 3] image to [height, width, 3] with two matrix products (gradients flow through matMul on every backend) and the pad where the fit leaves the picture. */
function fitByMatrices(image: tf.Tensor3D, x: AxisFit, y: AxisFit, spec: InputSpec): tf.Tensor3D {
  const { width, height } = spec;
  const mode: ResampleMode = spec.interpolation === 'nearest' ? 'nearest' : spec.antialias ? 'antialias' : 'bilinear';
  const cropped = x.from === 0 && y.from === 0 && x.span === image.shape[1] && y.span === image.shape[0] ? image : tf.slice(image, [y.from, x.from, 0], [y.span, x.span, 3]);
  const rows = tf.matMul(axisMatrix(y, height, mode), tf.reshape(cropped, [y.span, x.span * 3])); // [height, W·3]
  const columnsFirst = tf.reshape(tf.transpose(tf.reshape(rows, [height, x.span, 3]), [1, 0, 2]), [x.span, height * 3]);
  const both = tf.matMul(axisMatrix(x, width, mode), columnsFirst); // [width, height·3]
  const fitted = tf.transpose(tf.reshape(both, [width, height, 3]), [1, 0, 2]) as tf.Tensor3D;
  if (spec.fit !== 'letterbox') return fitted;
  return tf.pad(tf.slice(fitted, [y.offset, x.offset, 0], [y.resized, x.resized, 3]), [[y.offset, height - y.resized - y.offset], [x.offset, width - x.resized - x.offset], [0, 0]], spec.padValue ?? 114);
}

/**
 * The pipeline's preprocessing as a differentiable function of the image's pixels: the same
 * fit (stretch / letterbox / centre crop with its crop fraction, from `fitGeometry`),
 * interpolation (antialiased too), padding,
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
  const { x, y } = fitGeometry(width, height, spec.width, spec.height, spec.fit ?? 'stretch', { cropFraction: spec.cropFraction });
  const fitted = fitByMatrices(image, x, y, spec);
  const ordered = spec.channelOrder === 'bgr' ? tf.reverse(fitted, -1) : fitted;
  const { scale, mean, std } = normalizationAffine(spec.normalization ?? 'none');
  const normalized = tf.div(tf.sub(tf.mul(ordered, scale), tf.tensor1d(mean as number[])), tf.tensor1d(std as number[]));
  const laidOut = spec.layout === 'nchw' ? tf.transpose(normalized, [2, 0, 1]) : normalized;
  return tf.expandDims(laidOut, 0) as tf.Tensor4D;
}
