import * as tf from '@tensorflow/tfjs';
import type { ParamSet } from './params';
import { type MatrixProduct, plainMatMul } from '../trainable-matmul';

/**
 * Shape of the recurrent decoder: a GRU or LSTM cell with additive (Bahdanau) attention over
 * the encoder's grid features. Each step reads the previous token's embedding and the
 * attention context; the output layer sees the new state and the context.
 *
 * @example
 * ```ts
 * const decoder: RnnDecoderConfig = { type: 'gru', embedding: 32, hidden: 96, attention: 64 };
 * ```
 */
export interface RnnDecoderConfig {
  type: 'gru' | 'lstm';
  embedding: number;
  hidden: number;
  attention: number;
}

/**
 * Creates the decoder's weights under `dec/` for features of size `featureDim` and `vocab` tokens.
 *
 * @example
 * ```ts
 * createRnnDecoder(params, { type: 'gru', embedding: 32, hidden: 96, attention: 64 }, 64, vocab.size);
 * ```
 */
export function createRnnDecoder(params: ParamSet, config: RnnDecoderConfig, featureDim: number, vocab: number): void {
  const gates = config.type === 'gru' ? 3 : 4;
  const h = config.hidden;
  params.normal('dec/embed', [vocab, config.embedding], 0.1);
  params.glorot('dec/attF', [featureDim, config.attention]);
  params.glorot('dec/attH', [h, config.attention]);
  params.glorot('dec/attV', [config.attention, 1]);
  params.glorot('dec/init', [featureDim, config.type === 'gru' ? h : 2 * h]);
  params.glorot('dec/wx', [config.embedding + featureDim, gates * h]);
  params.glorot('dec/wh', [h, gates * h]);
  const bias = new Array<number>(gates * h).fill(0);
  if (config.type === 'lstm') bias.fill(1, h, 2 * h); // forget-gate bias 1
  params.initial('dec/b', [gates * h], bias);
  params.glorot('dec/out', [h + featureDim, vocab]);
  params.constant('dec/outB', [vocab]);
}

/**
 * Teacher-forced decoding: logits `[B, T, vocab]` for token ids `[B, T]` (each position
 * predicts the next token) given encoder features `[B, S, D]`. Generation calls it on the
 * growing prefix (no state cache: prefixes are short).
 *
 * @example
 * ```ts
 * const logits = rnnDecode(params, config, ids, features);
 * ```
 */
export function rnnDecode(params: ParamSet, config: RnnDecoderConfig, ids: tf.Tensor2D, features: tf.Tensor3D, product: MatrixProduct = plainMatMul): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, t] = ids.shape;
    const [, s, d] = features.shape;
    const hSize = config.hidden;
    const keys = product(features.reshape([b * s, d]), params.get('dec/attF')).reshape([b, s, -1]);
    const init = tf.tanh(product(tf.mean(features, 1), params.get('dec/init')));
    let h: tf.Tensor2D = (config.type === 'gru' ? init : init.slice([0, 0], [b, hSize])) as tf.Tensor2D;
    let c: tf.Tensor2D | null = config.type === 'lstm' ? (init.slice([0, hSize], [b, hSize]) as tf.Tensor2D) : null;
    const table = params.get('dec/embed');
    // one-hot × table instead of gather: same values, and its gradient is a matMul (wasm has no UnsortedSegmentSum)
    const embedded = product(tf.oneHot(ids.reshape([-1]).toInt(), table.shape[0]), table).reshape([b, t, -1]);
    const outputs: tf.Tensor2D[] = [];
    for (let i = 0; i < t; i++) {
      const query = product(h, params.get('dec/attH')).reshape([b, 1, -1]);
      const energy = product(tf.tanh(tf.add(keys, query)).reshape([b * s, -1]), params.get('dec/attV')).reshape([b, s]);
      const alpha = tf.softmax(energy).reshape([b, s, 1]);
      const context = tf.sum(tf.mul(alpha, features), 1) as tf.Tensor2D;
      const x = tf.concat([embedded.slice([0, i, 0], [b, 1, -1]).reshape([b, -1]), context], 1);
      const gx = tf.add(product(x, params.get('dec/wx')), params.get('dec/b'));
      const gh = product(h, params.get('dec/wh'));
      if (config.type === 'gru') {
        const [xz, xr, xn] = tf.split(gx, 3, 1);
        const [hz, hr, hn] = tf.split(gh, 3, 1);
        const z = tf.sigmoid(tf.add(xz, hz));
        const r = tf.sigmoid(tf.add(xr, hr));
        const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
        h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)) as tf.Tensor2D;
      } else {
        const [gi, gf, gg, go] = tf.split(tf.add(gx, gh), 4, 1);
        c = tf.add(tf.mul(tf.sigmoid(gf), c as tf.Tensor2D), tf.mul(tf.sigmoid(gi), tf.tanh(gg))) as tf.Tensor2D;
        h = tf.mul(tf.sigmoid(go), tf.tanh(c)) as tf.Tensor2D;
      }
      outputs.push(tf.add(product(tf.concat([h, context], 1), params.get('dec/out')), params.get('dec/outB')) as tf.Tensor2D);
    }
    return tf.stack(outputs, 1) as tf.Tensor3D;
  });
}
