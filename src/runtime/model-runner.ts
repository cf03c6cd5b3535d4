import type { Tensor } from '@tensorflow/tfjs';

/** Element types a model tensor may have. @example `const t: TensorDataType = 'float32';` */
export type TensorDataType = 'float32' | 'int32' | 'int64' | 'uint8' | 'int8' | 'bool' | 'float16' | 'string';

/** Typed-array storage of a {@link RawTensor}. @example `const d: TensorData = new Float32Array(4);` */
export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Uint16Array;

/**
 * A tensor as plain data: what runners return, and one of the two forms they accept.
 *
 * @example
 * ```ts
 * const feed: RawTensor = { dtype: 'float32', dims: [1, 3, 32, 32], data: new Float32Array(3072) };
 * ```
 */
export interface RawTensor {
  dtype: TensorDataType;
  dims: number[];
  data: TensorData;
}

/** A model input or output: its name, shape (`-1` for a dynamic dimension) and element type. @example `runner.inputs[0].shape // [1, 512, 512, 3]` */
export interface TensorInfo {
  name: string;
  shape: number[];
  dtype: TensorDataType;
}

/** A value for one model input: plain data or a tfjs tensor (never disposed by the runner). @example `const feed: Feed = tf.zeros([1, 512, 512, 3]);` */
export type Feed = RawTensor | Tensor;

/**
 * Options of one {@link ModelRunner.run} call.
 *
 * @example
 * ```ts
 * await runner.run(feeds, { outputs: ['tower_0/detections'] });
 * ```
 */
export interface RunOptions {
  /** Only compute and return these outputs (default: all). tfjs graph models also take the names of internal graph nodes. */
  outputs?: string[];
}

/**
 * One loaded model behind a uniform interface, whatever the runtime (tfjs or onnxruntime).
 * `run` validates the feeds against `inputs` and throws `VisionError('INVALID_INPUT')` naming
 * the expected shape/dtype; a failed run leaves the runner usable.
 *
 * @example
 * ```ts
 * const runner = await loadModel('model.onnx');
 * const out = await runner.run({ [runner.inputs[0].name]: feed });
 * runner.dispose();
 * ```
 */
export interface ModelRunner {
  /** Which library runs the model. */
  readonly runtime: 'tfjs' | 'onnxruntime';
  /** The tfjs backend or onnxruntime execution provider in use. */
  readonly backend: string;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** Key/value metadata stored in the model file (ONNX `metadata_props`, tfjs `userDefinedMetadata`). */
  readonly metadata: Readonly<Record<string, string>>;
  run(feeds: Record<string, Feed>, options?: RunOptions): Promise<Record<string, RawTensor>>;
  /** Frees the model's weights and sessions; later calls throw `DISPOSED`. */
  dispose(): void;
}
