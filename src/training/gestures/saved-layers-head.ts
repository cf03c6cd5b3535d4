import * as tf from '@tensorflow/tfjs';
import { VisionError, toVisionError } from '../../core/errors';
import { base64ToBytes } from './base64';
import { isRecord } from './gesture-checks';
import { HAND_FEATURE_DIM } from './hand-features';
import { shownData, shownValue } from '../../core/shown-value';

/** Bytes per value of the only weight dtype a saved gesture head holds (`float32`). */
const FLOAT32_BYTES = 4;

/**
 * The `MODEL_FORMAT` error for saved data whose labels do not match its scorer's classes.
 *
 * @example
 * ```ts
 * throw classCountMismatch(3, 'model scores 5 classes');
 * ```
 */
export function classCountMismatch(labels: number, scorer: string): VisionError {
  return new VisionError('MODEL_FORMAT', `the saved classifier lists ${labels} labels but its ${scorer}; it needs exactly one label per class`);
}

/** `MODEL_FORMAT` unless the weight spec is an uncompressed float32 weight with a name and a shape. */
function checkSpec(spec: unknown, i: number): asserts spec is tf.io.WeightsManifestEntry {
  const ok = isRecord(spec) && typeof spec.name === 'string' && Array.isArray(spec.shape) && spec.shape.every((d) => Number.isInteger(d) && d >= 0);
  if (!ok || spec.dtype !== 'float32' || spec.quantization !== undefined) {
    throw new VisionError('MODEL_FORMAT', `the saved model's weight spec ${i} is ${shownValue(spec)}; each must be { name, shape, dtype: 'float32' } without quantization`);
  }
}

/** The saved `model.json`'s topology and its weight specs (every group's, in order), checked. */
function readModelJson(json: unknown): { topology: Record<string, unknown>; specs: tf.io.WeightsManifestEntry[] } {
  const manifest = isRecord(json) ? json.weightsManifest : undefined;
  if (!isRecord(json) || !isRecord(json.modelTopology) || !Array.isArray(manifest) || !manifest.every((g) => isRecord(g) && Array.isArray(g.weights))) {
    throw new VisionError('MODEL_FORMAT', `the saved model's json is ${shownValue(json)}; it needs a modelTopology object and a weightsManifest of { weights: [...] } groups`);
  }
  const entries: unknown[] = manifest.flatMap((group: { weights: unknown[] }) => group.weights);
  entries.forEach((spec, i) => checkSpec(spec, i));
  const specs = entries as tf.io.WeightsManifestEntry[];
  const names = specs.map((s) => s.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) throw new VisionError('MODEL_FORMAT', `the saved model names the weight ${shownValue(twice)} twice`);
  return { topology: json.modelTopology, specs };
}

/** The saved weights' bytes, checked to be exactly what the specs need. */
function readWeights(weights: unknown, specs: readonly tf.io.WeightsManifestEntry[]): ArrayBuffer {
  if (typeof weights !== 'string') throw new VisionError('MODEL_FORMAT', `the saved model's weights are ${shownValue(weights)}; they must be base64 text`);
  const bytes = base64ToBytes(weights);
  const needed = specs.reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1) * FLOAT32_BYTES, 0);
  if (bytes.byteLength !== needed) throw new VisionError('MODEL_FORMAT', `the saved weights hold ${bytes.byteLength} bytes; the model's weight specs need ${needed}`);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  checkFinite(new Float32Array(buffer), specs);
  return buffer;
}

/** `MODEL_FORMAT` naming the first value (and its weight) that is NaN or ±Infinity: such a head scores every hand NaN. */
function checkFinite(values: Float32Array, specs: readonly tf.io.WeightsManifestEntry[]): void {
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad < 0) return;
  let end = 0;
  const spec = specs.find((s) => (end += s.shape.reduce((a, b) => a * b, 1)) > bad);
  throw new VisionError('MODEL_FORMAT', `the saved weights hold ${values[bad]} at value ${bad} (of weight '${spec?.name}'); a gesture head's weights must be finite (was it saved from a training that diverged?)`);
}

/** The layer classes of a saved gesture head (what `buildHead` makes for it). */
const HEAD_LAYERS = ['InputLayer', 'Dense', 'Dropout', 'Activation'];

/** A positive whole number, else `MODEL_FORMAT` naming the field. */
function size(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw new VisionError('MODEL_FORMAT', `the saved model's ${what} is ${shownValue(value)}; it must be a positive whole number`);
}

/**
 * `MODEL_FORMAT` unless the topology is a sequential stack of a gesture head's layers, taking
 * hand features, whose weights are exactly as many values as the saved ones: checked before
 * tfjs builds it (a `Dense` of 4e6 units was built and filled at random, 2.4 GB, before its
 * weights were found not to fit).
 */
function checkTopology(topology: Record<string, unknown>, specs: readonly tf.io.WeightsManifestEntry[]): void {
  const layers = isRecord(topology.config) ? topology.config.layers : undefined;
  if (topology.class_name !== 'Sequential' || !Array.isArray(layers) || layers.length === 0) {
    throw new VisionError('MODEL_FORMAT', `the saved model's topology is ${shownValue(topology.class_name)} with layers ${shownValue(layers)}; a gesture head is a Sequential model with a list of layers`);
  }
  let width = 0;
  let needed = 0;
  layers.forEach((layer: unknown, i) => {
    const kind = isRecord(layer) ? layer.class_name : undefined;
    const config = isRecord(layer) && isRecord(layer.config) ? layer.config : {};
    if (typeof kind !== 'string' || !HEAD_LAYERS.includes(kind)) throw new VisionError('MODEL_FORMAT', `the saved model's layer ${i} is ${shownValue(kind)}; a gesture head's layers are ${HEAD_LAYERS.join(', ')}`);
    if (i === 0) {
      const shape = config.batch_input_shape;
      if (!Array.isArray(shape) || shape.length !== 2 || shape[1] !== HAND_FEATURE_DIM) throw new VisionError('MODEL_FORMAT', `the saved model takes inputs of shape ${shownData(shape)}; a gesture head takes [null,${HAND_FEATURE_DIM}]`);
      width = HAND_FEATURE_DIM;
    }
    if (kind !== 'Dense') return;
    const units = size(config.units, `layer ${i}'s units`);
    needed += width * units + (config.use_bias === false ? 0 : units);
    width = units;
  });
  const held = specs.reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1), 0);
  if (needed !== held) throw new VisionError('MODEL_FORMAT', `the saved model's layers need ${needed} weight values; its weights hold ${held}`);
}

/**
 * Builds the layers model a topology describes; should that fail part-way, the variables its
 * finished layers made are disposed. Deserialising runs synchronously inside the
 * `modelFromJSON` call, so the variables registered during the call are exactly this model's.
 */
async function buildModel(topology: Record<string, unknown>): Promise<tf.LayersModel> {
  const known = new Set(Object.keys(tf.engine().registeredVariables));
  const pending = tf.models.modelFromJSON({ modelTopology: topology } as Parameters<typeof tf.models.modelFromJSON>[0]);
  const made = Object.values(tf.engine().registeredVariables).filter((v) => !known.has(v.name));
  try {
    return await pending;
  } catch (error) {
    made.forEach((v) => v.dispose());
    throw toVisionError(error, 'MODEL_FORMAT', "the saved model's topology could not be built");
  }
}

/** `MODEL_FORMAT` unless the model takes one row of hand features and scores `classes` classes. */
function checkShapes(model: tf.LayersModel, classes: number): void {
  const input = model.inputs.length === 1 ? model.inputs[0].shape : model.inputs.map((t) => t.shape);
  if (model.inputs.length !== 1 || input.length !== 2 || input[1] !== HAND_FEATURE_DIM) {
    throw new VisionError('MODEL_FORMAT', `the saved model takes inputs of shape ${shownData(input)}; a gesture head takes [null,${HAND_FEATURE_DIM}]`);
  }
  const output = model.outputs.length === 1 ? model.outputs[0].shape : model.outputs.map((t) => t.shape);
  if (model.outputs.length !== 1 || output.length !== 2) throw new VisionError('MODEL_FORMAT', `the saved model gives outputs of shape ${shownData(output)}; a gesture head gives [null, classes]`);
  if (output[1] !== classes) throw classCountMismatch(classes, `model scores ${shownValue(output[1])} classes`);
}

/** Sets the model's weights from the saved bytes (`MODEL_FORMAT` when names or shapes differ). */
function setWeights(model: tf.LayersModel, specs: tf.io.WeightsManifestEntry[], data: ArrayBuffer): void {
  const tensors = tf.io.decodeWeights(data, specs);
  try {
    model.loadWeights(tensors, true);
  } catch (error) {
    throw toVisionError(error, 'MODEL_FORMAT', "the saved weights do not fit the saved model's layers");
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/**
 * A layers head from a saved gesture classifier's `model` part (`{ json, weights }`), for
 * `classes` labels. Everything is checked before tensors are made where it can be (the layers
 * against the weights, see {@link checkTopology}); on any
 * failure (`MODEL_FORMAT`) whatever was built is disposed.
 *
 * @example
 * ```ts
 * const head = await layersHeadFromJSON(saved.model, saved.labels.length);
 * ```
 */
export async function layersHeadFromJSON(saved: Record<string, unknown>, classes: number): Promise<tf.LayersModel> {
  const { topology, specs } = readModelJson(saved.json);
  const data = readWeights(saved.weights, specs);
  checkTopology(topology, specs);
  const model = await buildModel(topology);
  try {
    checkShapes(model, classes);
    setWeights(model, specs, data);
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}
