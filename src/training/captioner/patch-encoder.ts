import * as tf from '@tensorflow/tfjs';
import type { ParamSet } from './params';
import { type MatrixProduct, plainMatMul } from '../trainable-matmul';

/**
 * Shape of the convolutional image encoder: two non-overlapping (kernel = stride) convolutions
 * — `patch` px then 2×2 — each with ReLU, a 1×1 convolution to `dim` features, and a learned
 * position embedding per grid cell. A 32 px image with `patch` 4 gives a 4×4 grid of 16
 * feature vectors (one per 8×8 cell).
 *
 * @example
 * ```ts
 * const encoder: PatchEncoderConfig = { imageSize: 32, patch: 4, channels: [24, 48], dim: 64 };
 * ```
 */
export interface PatchEncoderConfig {
  imageSize: number;
  patch: number;
  channels: [number, number];
  dim: number;
}

/** Grid positions (feature vectors) the encoder gives per image. @example `encoderPositions(cfg) // 16` */
export function encoderPositions(config: PatchEncoderConfig): number {
  const side = config.imageSize / config.patch / 2;
  return side * side;
}

/**
 * Creates the encoder's weights in `params` under `enc/`.
 *
 * @example
 * ```ts
 * createPatchEncoder(params, { imageSize: 32, patch: 4, channels: [24, 48], dim: 64 });
 * ```
 */
export function createPatchEncoder(params: ParamSet, config: PatchEncoderConfig): void {
  const [c1, c2] = config.channels;
  params.glorot('enc/w1', [config.patch * config.patch * 3, c1], Math.SQRT2);
  params.constant('enc/b1', [c1]);
  params.glorot('enc/w2', [4 * c1, c2], Math.SQRT2);
  params.constant('enc/b2', [c2]);
  params.glorot('enc/w3', [c2, config.dim]);
  params.constant('enc/b3', [config.dim]);
  params.normal('enc/pos', [encoderPositions(config), config.dim], 0.1);
}

/** Space-to-depth: [B,H,W,C] → [B,H/k,W/k,k·k·C], so a k×k stride-k convolution is one matMul. */
function patches(x: tf.Tensor4D, k: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return x.reshape([b, h / k, k, w / k, k, c]).transpose([0, 1, 3, 2, 4, 5]).reshape([b, h / k, w / k, k * k * c]);
}

/**
 * Encodes images `[B, S, S, 3]` (values 0–1) into features `[B, positions, dim]`. The strided
 * convolutions run as space-to-depth + matMul (the same maths; far faster to train on the
 * tfjs cpu backend than `conv2d`'s gradients).
 *
 * @example
 * ```ts
 * const features = tf.tidy(() => encodeImages(params, config, images)); // [B, 16, 64]
 * ```
 */
export function encodeImages(params: ParamSet, config: PatchEncoderConfig, images: tf.Tensor4D, product: MatrixProduct = plainMatMul): tf.Tensor3D {
  return tf.tidy(() => {
    const b = images.shape[0];
    const g1 = config.imageSize / config.patch;
    const w1 = params.get('enc/w1');
    let h = tf.relu(tf.add(product(patches(images, config.patch).reshape([-1, w1.shape[0]]), w1), params.get('enc/b1'))).reshape([b, g1, g1, -1]) as tf.Tensor4D;
    const w2 = params.get('enc/w2');
    const h2 = tf.relu(tf.add(product(patches(h, 2).reshape([-1, w2.shape[0]]), w2), params.get('enc/b2')));
    h = tf.add(product(h2, params.get('enc/w3')), params.get('enc/b3')).reshape([b, encoderPositions(config), config.dim]) as tf.Tensor4D;
    return tf.add(tf.relu(h), params.get('enc/pos')) as tf.Tensor3D;
  });
}
