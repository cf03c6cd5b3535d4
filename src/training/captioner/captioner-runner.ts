import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import type { Feed, ModelRunner, RawTensor, RunOptions, TensorInfo } from '../../runtime/model-runner';
import { fromRawTensor, toRawTensor } from '../../runtime/tensor-convert';
import { isTfTensor, validateFeeds } from '../../runtime/validate-feeds';

/**
 * The computation behind a {@link CaptionerRunner}: named input tensors → one output tensor
 * (created inside, owned by the runner).
 *
 * @example
 * ```ts
 * const compute: CaptionerCompute = (inputs) => encodeImages(params, config, inputs.pixel_values as tf.Tensor4D);
 * ```
 */
export type CaptionerCompute = (inputs: Record<string, tf.Tensor>) => tf.Tensor;

/**
 * A trained captioner's encoder or decoder behind the {@link ModelRunner} interface with the
 * Hugging Face VisionEncoderDecoder names (`pixel_values` → `last_hidden_state`;
 * `input_ids` + `encoder_hidden_states` → `logits`), so the image-to-text pipeline runs it
 * like an ONNX export. The weights belong to the captioner: `dispose()` only stops the runner.
 *
 * @example
 * ```ts
 * const { last_hidden_state } = await encoderRunner.run({ pixel_values: images });
 * ```
 */
export class CaptionerRunner implements ModelRunner {
  readonly runtime = 'tfjs' as const;
  readonly metadata: Readonly<Record<string, string>> = {};
  private disposed = false;

  constructor(
    readonly inputs: readonly TensorInfo[],
    readonly outputs: readonly TensorInfo[],
    private readonly compute: CaptionerCompute,
    private readonly isAlive: () => boolean,
  ) {}

  get backend(): string {
    return tf.getBackend();
  }

  async run(feeds: Record<string, Feed>, options: RunOptions = {}): Promise<Record<string, RawTensor>> {
    if (this.disposed || !this.isAlive()) throw new VisionError('DISPOSED', 'this captioner runner (or its captioner) was disposed');
    validateFeeds(this.inputs, feeds);
    const unknown = (options.outputs ?? []).filter((n) => !this.outputs.some((o) => o.name === n));
    if (unknown.length > 0) throw new VisionError('INVALID_OPTION', `unknown output(s) ${unknown.join(', ')}; outputs are ${this.outputs.map((o) => o.name).join(', ')}`);
    const owned: tf.Tensor[] = [];
    const inputs: Record<string, tf.Tensor> = {};
    for (const [name, feed] of Object.entries(feeds)) {
      if (isTfTensor(feed)) {
        inputs[name] = feed;
      } else {
        const t = fromRawTensor(feed);
        owned.push(t);
        inputs[name] = t;
      }
    }
    let result: tf.Tensor | undefined;
    try {
      result = this.compute(inputs);
      return { [this.outputs[0].name]: await toRawTensor(result) };
    } finally {
      result?.dispose();
      tf.dispose(owned);
    }
  }

  dispose(): void {
    this.disposed = true;
  }
}
