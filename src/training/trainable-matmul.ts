/**
 * A matrix product for training code whose gradients avoid tfjs-wasm's transposed matMul paths:
 * autodiff of `tf.matMul(a, b)` asks for `dy · bᵀ` and `aᵀ · dy`, which tfjs-wasm computes in a
 * plain loop several times slower than its XNNPACK product of untransposed operands. Here the
 * operands are transposed first (a copy), then multiplied untransposed. For training only: the
 * gradient wrapper costs inference time.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * A matrix product `a · b` (or `a · bᵀ` over the last two axes with `transposeB`): the decoders
 * take {@link plainMatMul} to run and {@link trainableMatMul} to train.
 *
 * @example
 * ```ts
 * const product: MatrixProduct = training ? trainableMatMul : plainMatMul;
 * ```
 */
export type MatrixProduct = <T extends tf.Tensor>(a: T, b: tf.Tensor, transposeB?: boolean) => T;

/**
 * `tf.matMul(a, b, false, transposeB)`: the product for inference (no gradient wrapper).
 *
 * @example
 * ```ts
 * const logits = plainMatMul(hidden, weights);
 * ```
 */
export function plainMatMul<T extends tf.Tensor>(a: T, b: tf.Tensor, transposeB = false): T {
  return tf.matMul(a as tf.Tensor, b, false, transposeB) as T;
}

/** `t` with its last two axes swapped (a copy). */
function swapLastAxes(t: tf.Tensor): tf.Tensor {
  const axes = t.shape.map((_, i) => i);
  const rank = axes.length;
  [axes[rank - 2], axes[rank - 1]] = [axes[rank - 1], axes[rank - 2]];
  return tf.transpose(t, axes);
}

/**
 * `a [..., n, k] · b [..., k, m]` → `[..., n, m]` (equal batch axes, or a rank-2 `b` for a rank-2
 * `a`), equal to `tf.matMul(a, b)`; `transposeB` multiplies by `b`'s last two axes swapped, which
 * is copied first as well. Gradients are untransposed products of transposed copies.
 *
 * @example
 * ```ts
 * const y = trainableMatMul(x, weights); // in optimizer.minimize(() => …)
 * const scores = trainableMatMul(queries, keys, true); // q · kᵀ
 * ```
 */
export function trainableMatMul<T extends tf.Tensor>(a: T, b: tf.Tensor, transposeB = false): T {
  const product = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, y, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const right = transposeB ? swapLastAxes(y) : y;
    save([x, right]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, rights] = saved;
      const gradRight = tf.matMul(swapLastAxes(xs), dy);
      return [tf.matMul(dy, swapLastAxes(rights)), transposeB ? swapLastAxes(gradRight) : gradRight];
    };
    return { value: tf.matMul(x, right), gradFunc };
  });
  return product(a, b) as T;
}
