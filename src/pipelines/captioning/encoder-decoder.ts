import { VisionError } from '../../core/errors';
import type { NextTokenLogits } from '../../postprocess/caption/generation-options';
import type { Feed, ModelRunner, RawTensor } from '../../runtime/model-runner';

/** Input and output names of the Hugging Face VisionEncoderDecoder ONNX export. @example `VED_NAMES.decoderOutput // 'logits'` */
export const VED_NAMES = Object.freeze({
  encoderInput: 'pixel_values',
  encoderOutput: 'last_hidden_state',
  decoderIds: 'input_ids',
  decoderHidden: 'encoder_hidden_states',
  /** Optional decoder input: 1 for each token of `input_ids`, 0 for padding. */
  decoderMask: 'attention_mask',
  decoderOutput: 'logits',
});

function need(runner: ModelRunner, kind: 'inputs' | 'outputs', name: string, which: string): void {
  if (!runner[kind].some((t) => t.name === name)) {
    throw new VisionError(
      'MODEL_FORMAT',
      `the ${which} has no ${kind === 'inputs' ? 'input' : 'output'} '${name}' (it has ${runner[kind].map((t) => t.name).join(', ') || 'none'}); ` +
        'expected the Hugging Face VisionEncoderDecoder signature: encoder pixel_values → last_hidden_state, decoder input_ids + encoder_hidden_states → logits',
    );
  }
}

/**
 * Checks that two runners have the VisionEncoderDecoder signature (decoder without a
 * past-key-values cache: exports whose decoder requires `past_key_values.*` inputs, such as
 * `decoder_with_past_model.onnx` or merged decoders, are `MODEL_FORMAT`). The decoder may also
 * take an `attention_mask` (int64, the shape of `input_ids`).
 *
 * @example
 * ```ts
 * checkEncoderDecoder(encoderRunner, decoderRunner);
 * ```
 */
export function checkEncoderDecoder(encoder: ModelRunner, decoder: ModelRunner): void {
  need(encoder, 'inputs', VED_NAMES.encoderInput, 'encoder');
  need(encoder, 'outputs', VED_NAMES.encoderOutput, 'encoder');
  need(decoder, 'inputs', VED_NAMES.decoderIds, 'decoder');
  need(decoder, 'inputs', VED_NAMES.decoderHidden, 'decoder');
  need(decoder, 'outputs', VED_NAMES.decoderOutput, 'decoder');
  const known: readonly string[] = [VED_NAMES.decoderIds, VED_NAMES.decoderHidden, VED_NAMES.decoderMask];
  const extra = decoder.inputs.filter((t) => !known.includes(t.name));
  if (extra.length > 0) {
    throw new VisionError(
      'MODEL_FORMAT',
      `the decoder also needs ${extra.map((t) => t.name).join(', ')}; visionpipe runs decoders without a past-key-values cache (export decoder_model.onnx, not decoder_with_past or merged)`,
    );
  }
}

/** The sequences (all of one length) as int64 rows of `width`, padded at the end with `pad`. */
function int64Ids(sequences: readonly (readonly number[])[], width: number, pad: number): RawTensor {
  const data = new BigInt64Array(sequences.length * width).fill(BigInt(pad));
  sequences.forEach((seq, b) => seq.forEach((id, i) => (data[b * width + i] = BigInt(id))));
  return { dtype: 'int64', dims: [sequences.length, width], data };
}

/** The attention mask of `int64Ids`: 1 for each token of a sequence, 0 for its padding. */
function int64Mask(rows: number, length: number, width: number): RawTensor {
  const data = new BigInt64Array(rows * width);
  for (let b = 0; b < rows; b++) data.fill(1n, b * width, b * width + length);
  return { dtype: 'int64', dims: [rows, width], data };
}

function repeatBatch(hidden: RawTensor, times: number): RawTensor {
  if (times === 1) return hidden;
  const data = new Float32Array(hidden.data.length * times);
  for (let b = 0; b < times; b++) data.set(hidden.data as Float32Array, b * hidden.data.length);
  return { dtype: hidden.dtype, dims: [times, ...hidden.dims.slice(1)], data };
}

/**
 * The decoding step for one image: feeds every sequence (as int64 `input_ids`) with the
 * encoder's `last_hidden_state` to the decoder and returns the logits of each sequence's last
 * position. Sequences go in one batch when the decoder's batch axis is dynamic, one by one
 * otherwise. A decoder whose `input_ids` have a fixed length gets the sequences padded at the
 * end to it with `padTokenId` (its `attention_mask`, when it takes one, 0 there): a causal
 * decoder's logits at the last real position do not depend on that padding. A decoder whose
 * `logits` are not `[B, T, V]` is `MODEL_FORMAT`.
 *
 * @example
 * ```ts
 * const step = decoderStep(decoderRunner, hidden, padId);
 * const [logits] = await step([[bosId]]);
 * ```
 */
export function decoderStep(decoder: ModelRunner, hidden: RawTensor, padTokenId = 0): NextTokenLogits {
  const idsInfo = decoder.inputs.find((t) => t.name === VED_NAMES.decoderIds);
  const batched = idsInfo !== undefined && idsInfo.shape[0] !== 1;
  const fixedLength = idsInfo !== undefined && idsInfo.shape[1] > 0 ? idsInfo.shape[1] : undefined;
  const masked = decoder.inputs.some((t) => t.name === VED_NAMES.decoderMask);
  const runOne = async (batch: readonly (readonly number[])[]): Promise<Float32Array[]> => {
    const length = batch[0].length;
    const width = fixedLength ?? length;
    if (length > width) throw new VisionError('INVALID_INPUT', `a sequence of ${length} tokens is longer than the decoder's fixed input_ids length ${width}`);
    const feeds: Record<string, Feed> = { [VED_NAMES.decoderIds]: int64Ids(batch, width, padTokenId), [VED_NAMES.decoderHidden]: repeatBatch(hidden, batch.length) };
    if (masked) feeds[VED_NAMES.decoderMask] = int64Mask(batch.length, length, width);
    const outputs = await decoder.run(feeds, { outputs: [VED_NAMES.decoderOutput] });
    const logits = outputs[VED_NAMES.decoderOutput];
    if (!logits || logits.dims.length !== 3 || logits.dims[0] !== batch.length || logits.dims[1] !== width) {
      throw new VisionError('MODEL_FORMAT', `decoder logits have shape [${logits?.dims.join(',') ?? 'missing'}]; expected [${batch.length}, ${width}, vocab]`);
    }
    const [, t, v] = logits.dims;
    const data = logits.data as Float32Array;
    // the last real position: later ones are padding
    return batch.map((_, b) => data.slice((b * t + length - 1) * v, (b * t + length) * v));
  };
  return async (sequences) => {
    if (batched) return runOne(sequences);
    const rows: Float32Array[] = [];
    for (const seq of sequences) rows.push(...(await runOne([seq])));
    return rows;
  };
}
