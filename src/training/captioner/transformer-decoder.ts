import * as tf from '@tensorflow/tfjs';
import type { ParamSet } from './params';
import { type MatrixProduct, plainMatMul } from '../trainable-matmul';

/**
 * Shape of the transformer decoder: pre-norm layers of causal self-attention, cross-attention
 * over the encoder's grid features and a ReLU feed-forward block, learned positions.
 *
 * @example
 * ```ts
 * const decoder: TransformerDecoderConfig = { type: 'transformer', dim: 64, heads: 4, layers: 2, feedForward: 128, maxLength: 16 };
 * ```
 */
export interface TransformerDecoderConfig {
  type: 'transformer';
  dim: number;
  heads: number;
  layers: number;
  feedForward: number;
  /** Longest token sequence (positions) the decoder accepts. */
  maxLength: number;
}

function linear(params: ParamSet, name: string, inDim: number, outDim: number): void {
  params.glorot(`${name}/w`, [inDim, outDim]);
  params.constant(`${name}/b`, [outDim]);
}

function layerNorm(params: ParamSet, name: string, dim: number): void {
  params.constant(`${name}/g`, [dim], 1);
  params.constant(`${name}/b`, [dim], 0);
}

/**
 * Creates the transformer decoder's weights under `tdec/`.
 *
 * @example
 * ```ts
 * createTransformerDecoder(params, config, 64, vocab.size);
 * ```
 */
export function createTransformerDecoder(params: ParamSet, config: TransformerDecoderConfig, featureDim: number, vocab: number): void {
  const d = config.dim;
  params.normal('tdec/embed', [vocab, d], 0.1);
  params.normal('tdec/pos', [config.maxLength, d], 0.1);
  linear(params, 'tdec/mem', featureDim, d);
  for (let l = 0; l < config.layers; l++) {
    for (const part of ['self', 'cross']) {
      layerNorm(params, `tdec/${l}/${part}/ln`, d);
      for (const proj of ['q', 'k', 'v', 'o']) linear(params, `tdec/${l}/${part}/${proj}`, d, d);
    }
    layerNorm(params, `tdec/${l}/ff/ln`, d);
    linear(params, `tdec/${l}/ff/1`, d, config.feedForward);
    linear(params, `tdec/${l}/ff/2`, config.feedForward, d);
  }
  layerNorm(params, 'tdec/final', d);
  linear(params, 'tdec/out', d, vocab);
}

function dense(params: ParamSet, name: string, x: tf.Tensor, product: MatrixProduct): tf.Tensor {
  const w = params.get(`${name}/w`);
  const shape: number[] = x.shape;
  const [inDim, outDim] = w.shape as number[];
  const y = tf.add(product(x.reshape([-1, inDim]), w), params.get(`${name}/b`));
  return y.reshape([...shape.slice(0, -1), outDim]);
}

function norm(params: ParamSet, name: string, x: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), params.get(`${name}/g`)), params.get(`${name}/b`));
}

function attention(params: ParamSet, name: string, heads: number, x: tf.Tensor3D, memory: tf.Tensor3D, mask: tf.Tensor | null, product: MatrixProduct): tf.Tensor3D {
  const [b, t, d] = x.shape;
  const s = memory.shape[1];
  const dk = d / heads;
  const split = (y: tf.Tensor, len: number): tf.Tensor4D => y.reshape([b, len, heads, dk]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
  const q = split(dense(params, `${name}/q`, x, product), t);
  const k = split(dense(params, `${name}/k`, memory, product), s);
  const v = split(dense(params, `${name}/v`, memory, product), s);
  let scores = tf.div(product(q, k, true), Math.sqrt(dk));
  if (mask) scores = tf.add(scores, mask);
  const out = product(tf.softmax(scores), v).transpose([0, 2, 1, 3]).reshape([b, t, d]);
  return dense(params, `${name}/o`, out, product) as tf.Tensor3D;
}

/**
 * Teacher-forced transformer decoding: logits `[B, T, vocab]` for ids `[B, T]` given encoder
 * features `[B, S, D]` (a causal mask keeps each position from seeing later tokens).
 *
 * @example
 * ```ts
 * const logits = transformerDecode(params, config, ids, features);
 * ```
 */
export function transformerDecode(params: ParamSet, config: TransformerDecoderConfig, ids: tf.Tensor2D, features: tf.Tensor3D, product: MatrixProduct = plainMatMul): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, t] = ids.shape;
    const memory = dense(params, 'tdec/mem', features, product) as tf.Tensor3D;
    const table = params.get('tdec/embed');
    // one-hot × table instead of gather: its gradient is a matMul (wasm has no UnsortedSegmentSum)
    const embedded = product(tf.oneHot(ids.reshape([-1]).toInt(), table.shape[0]), table).reshape([b, t, config.dim]);
    let x = tf.add(embedded, params.get('tdec/pos').slice([0, 0], [t, config.dim])) as tf.Tensor3D;
    const causal = tf.linalg.bandPart(tf.ones([t, t]), -1, 0);
    const mask = tf.mul(tf.sub(1, causal), -1e9);
    for (let l = 0; l < config.layers; l++) {
      const self = norm(params, `tdec/${l}/self/ln`, x) as tf.Tensor3D;
      x = tf.add(x, attention(params, `tdec/${l}/self`, config.heads, self, self, mask, product));
      x = tf.add(x, attention(params, `tdec/${l}/cross`, config.heads, norm(params, `tdec/${l}/cross/ln`, x) as tf.Tensor3D, memory, null, product));
      const ff = dense(params, `tdec/${l}/ff/2`, tf.relu(dense(params, `tdec/${l}/ff/1`, norm(params, `tdec/${l}/ff/ln`, x), product)), product);
      x = tf.add(x, ff);
    }
    return dense(params, 'tdec/out', norm(params, 'tdec/final', x), product) as tf.Tensor3D;
  });
}
