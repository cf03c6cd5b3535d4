/**
 * Differentiable ops whose gradients avoid the wasm backend's missing or slow kernels: a 2-D
 * convolution whose gradients are themselves forward convolutions (wasm runs `Conv2D` with
 * XNNPACK but has no `Conv2DBackpropFilter` and a slow naive `Conv2DBackpropInput`), and a
 * batched matMul whose gradients transpose explicitly.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * The convolutions the detector uses: `same` (odd k×k, stride 1) or `down` (2×2, stride 2,
 * non-overlapping).
 *
 * @example
 * ```ts
 * const kind: ConvKind = 'same';
 * ```
 */
export type ConvKind = 'same' | 'down';

/**
 * Input gradient of a stride-1 `same` convolution: the gradient convolved with the kernel
 * rotated 180° and its in/out channels swapped.
 */
function sameInputGrad(dy: tf.Tensor4D, kernel: tf.Tensor4D): tf.Tensor4D {
  return tf.conv2d(dy, tf.reverse(kernel, [0, 1]).transpose([0, 1, 3, 2]) as tf.Tensor4D, 1, 'same');
}

/**
 * Input gradient of a 2×2 stride-2 convolution: a 1×1 convolution back to the 4·C taps, then
 * depth-to-space written as a reshape and a transpose (tfjs-wasm's `DepthToSpace` is a slow
 * JavaScript loop; its `Transpose` runs in the module).
 */
function downInputGrad(dy: tf.Tensor4D, kernel: tf.Tensor4D): tf.Tensor4D {
  const [, , cin, cout] = kernel.shape;
  const [batch, height, width] = dy.shape;
  const back = kernel.reshape([4 * cin, cout]).transpose().reshape([1, 1, cout, 4 * cin]) as tf.Tensor4D;
  const taps = tf.conv2d(dy, back, 1, 'valid').reshape([batch, height, width, 2, 2, cin]);
  return taps.transpose([0, 1, 3, 2, 4, 5]).reshape([batch, 2 * height, 2 * width, cin]);
}

/**
 * Filter gradient as one forward convolution: the (padded) input with batch and channels
 * swapped, `[C, H, W, B]`, convolved with the output gradient as a `[h, w, B, O]` kernel
 * (dilated by the stride) gives `[C, k, k, O]`.
 */
function filterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, k: number, kind: ConvKind): tf.Tensor4D {
  const pad = kind === 'same' ? (k - 1) / 2 : 0;
  const padded = pad > 0 ? tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) : x;
  const stride = kind === 'down' ? 2 : 1;
  const grad = tf.conv2d(padded.transpose([3, 1, 2, 0]) as tf.Tensor4D, dy.transpose([1, 2, 0, 3]) as tf.Tensor4D, 1, 'valid', 'NHWC', stride);
  return grad.transpose([1, 2, 0, 3]);
}

/**
 * `x [B, H, W, C]` convolved with `kernel [k, k, C, O]` (HWIO) plus `bias [O]`: `same` keeps the
 * size (odd k, stride 1), `down` halves it (k = 2, stride 2). Differentiable with gradients
 * that are forward convolutions only.
 *
 * @example
 * ```ts
 * const y = trainableConv(x, kernel, bias, 'same'); // in optimizer.minimize(() => …)
 * ```
 */
export function trainableConv(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D, kind: ConvKind): tf.Tensor4D {
  const k = kernel.shape[0];
  const conv = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, w, b, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.GradSaveFunc];
    save([input, w]);
    const value = tf.add(tf.conv2d(input, w, kind === 'down' ? 2 : 1, kind === 'down' ? 'valid' : 'same'), b) as tf.Tensor4D;
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = [saved[0] as tf.Tensor4D, saved[1] as tf.Tensor4D];
      const g = dy as tf.Tensor4D;
      return [kind === 'down' ? downInputGrad(g, ws) : sameInputGrad(g, ws), filterGrad(xs, g, k, kind), g.sum([0, 1, 2])];
    };
    return { value, gradFunc };
  });
  return conv(x, kernel, bias) as tf.Tensor4D;
}

/**
 * Batched `a [B, N, K] · bᵀ` for `b [B, P, K]` → `[B, N, P]`, with gradients that transpose
 * explicitly (the wasm backend's transposed matMul paths are several times slower).
 *
 * @example
 * ```ts
 * const maskLogits = matMulTransposed(coefficients, prototypes);
 * ```
 */
export function matMulTransposed(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const product = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, y, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
    save([x, y]);
    const value = tf.matMul(x, y.transpose([0, 2, 1]));
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ys] = saved as [tf.Tensor3D, tf.Tensor3D];
      const g = dy as tf.Tensor3D;
      return [tf.matMul(g, ys), tf.matMul(g.transpose([0, 2, 1]), xs)];
    };
    return { value, gradFunc };
  });
  return product(a, b) as tf.Tensor3D;
}
