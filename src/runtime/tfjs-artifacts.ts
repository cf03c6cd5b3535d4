import type { io } from '@tensorflow/tfjs';
import { VisionError } from '../core/errors';
import { ownEntry } from '../core/own-entry';
import { containmentFolder, resolveContained } from './contained-path';
import { parseJsonText } from './json-text';
import { type LoadOptions, type ModelSource, progressCounter, readModelBytes, sourceName } from './model-source';

/** Which tfjs model API a model.json is for. @example `if (kind === 'graph') tf.loadGraphModel(handler)` */
export type TfjsModelKind = 'graph' | 'layers';

/**
 * A tfjs model already in memory: the parsed `model.json` and its weight bytes (shards in
 * manifest order, or one concatenated buffer).
 *
 * @example
 * ```ts
 * const files: TfjsModelFiles = { json: JSON.parse(text), weights: [shard1, shard2] };
 * ```
 */
export interface TfjsModelFiles {
  json: unknown;
  weights: Uint8Array | ArrayBuffer | ReadonlyArray<Uint8Array | ArrayBuffer>;
  /** The model's name in error messages (default `model.json`). */
  name?: string;
}

/**
 * Parsed model artifacts plus which model API they are for.
 *
 * @example
 * ```ts
 * const { kind, artifacts } = await loadTfjsArtifacts('model.json');
 * ```
 */
export interface LoadedArtifacts {
  kind: TfjsModelKind;
  artifacts: io.ModelArtifacts;
}

interface ModelJson {
  format?: string;
  modelTopology?: Record<string, unknown>;
  weightsManifest?: io.WeightsManifestConfig;
  signature?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
  modelInitializer?: unknown;
}

const BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

/**
 * Bytes per stored value of a weight (its quantized type's where quantized); undefined for
 * strings (no fixed size) and types tfjs does not know.
 *
 * @example
 * ```ts
 * storedValueBytes({ name: 'w', shape: [3], dtype: 'float32', quantization: { dtype: 'float16' } }); // 2
 * ```
 */
export function storedValueBytes(spec: io.WeightsManifestEntry): number | undefined {
  const type = spec.quantization?.dtype ?? spec.dtype;
  return ownEntry(BYTES, type);
}

/** Bytes each string value of a string weight takes at least: its 4-byte length. */
const STRING_LENGTH_BYTES = 4;

/** The bytes a manifest's weights take: exactly, or at least where it has string weights (each value its 4-byte length and its bytes). */
function weightBytes(manifest: io.WeightsManifestConfig): number {
  let total = 0;
  for (const group of manifest) {
    for (const spec of group.weights) {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      // a string weight counted as 0 bytes let a 241-byte model.json declare 30 million strings (8 GB, a heap abort)
      total += count * (spec.dtype === 'string' ? STRING_LENGTH_BYTES : (storedValueBytes(spec) ?? 4));
    }
  }
  return total;
}

/** Whether a manifest has string weights, whose size only their bytes tell (their shards may be longer than `weightBytes`). */
function hasStringWeights(manifest: io.WeightsManifestConfig): boolean {
  return manifest.some((group) => group.weights.some((spec) => spec.dtype === 'string'));
}

function concat(parts: ReadonlyArray<Uint8Array | ArrayBuffer>): ArrayBuffer {
  const views = parts.map((p) => (p instanceof Uint8Array ? p : new Uint8Array(p)));
  const out = new Uint8Array(views.reduce((n, v) => n + v.byteLength, 0));
  let offset = 0;
  for (const view of views) {
    out.set(view, offset);
    offset += view.byteLength;
  }
  return out.buffer;
}

function parseModelJson(value: unknown, name: string): ModelJson {
  let json = value;
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    json = parseJsonText(new TextDecoder().decode(value), name, 'MODEL_FORMAT', 'a tfjs model.json (the JSON tensorflowjs_converter or model.save() writes)');
  }
  const model = json as ModelJson;
  if (!model || typeof model !== 'object' || !model.modelTopology || !Array.isArray(model.weightsManifest)) {
    throw new VisionError('MODEL_FORMAT', `${name} has no modelTopology/weightsManifest; expected a tfjs graph or layers model.json`);
  }
  for (const group of model.weightsManifest) {
    const weights = (group as { weights?: unknown } | null)?.weights;
    const paths = (group as { paths?: unknown } | null)?.paths;
    const wellFormed =
      Array.isArray(paths) &&
      paths.every((p) => typeof p === 'string') &&
      Array.isArray(weights) &&
      weights.every((w: { name?: unknown; shape?: unknown }) => typeof w?.name === 'string' && Array.isArray(w.shape) && w.shape.every((d) => Number.isInteger(d) && d >= 0));
    if (!wellFormed) throw new VisionError('MODEL_FORMAT', `${name}: every weightsManifest group needs 'paths' (strings) and 'weights' (each with a name and a shape of whole numbers)`);
  }
  return model;
}

/**
 * The weight bytes a model.json's manifest needs, the manifest checked as loading checks it:
 * `exact`, or (with string weights) at least `bytes`. A loader reading shards one by one stops
 * at the first past it instead of holding them all.
 *
 * @example
 * ```ts
 * const { bytes, exact } = manifestWeightBytes(json, 'model.min.js');
 * ```
 */
export function manifestWeightBytes(json: unknown, name: string): { bytes: number; exact: boolean } {
  const manifest = parseModelJson(json, name).weightsManifest ?? [];
  return { bytes: weightBytes(manifest), exact: !hasStringWeights(manifest) };
}

/** Tells a graph model.json from a layers one. @example `detectKind(json) // 'graph'` */
function detectKind(model: ModelJson): TfjsModelKind {
  const topology = model.modelTopology ?? {};
  if (model.format === 'graph-model' || Array.isArray(topology.node)) return 'graph';
  if (model.format === 'layers-model' || 'model_config' in topology || 'class_name' in topology) return 'layers';
  throw new VisionError('MODEL_FORMAT', 'model.json topology is neither a graph model (node list) nor a layers model (model_config)');
}

/**
 * Builds tfjs model artifacts from a parsed model.json and its weights, checking that the
 * weights are exactly as long as the manifest says (a truncated or padded shard is `MODEL_FORMAT`).
 *
 * @example
 * ```ts
 * const { kind, artifacts } = artifactsFromFiles({ json, weights: [bin] });
 * ```
 */
export function artifactsFromFiles(files: TfjsModelFiles, name = 'model.json'): LoadedArtifacts {
  const model = parseModelJson(files.json, name);
  const parts = Array.isArray(files.weights) ? files.weights : [files.weights as Uint8Array | ArrayBuffer];
  const weightData = concat(parts);
  const manifest = model.weightsManifest ?? [];
  const expected = weightBytes(manifest);
  // String weights have no fixed size: then the shards may only be longer than the rest.
  const exact = !hasStringWeights(manifest);
  if (weightData.byteLength < expected || (exact && weightData.byteLength !== expected)) {
    throw new VisionError('MODEL_FORMAT', `${name}: weights are ${weightData.byteLength} bytes but the manifest needs ${exact ? 'exactly' : 'at least'} ${expected} (truncated, padded or wrong shard?)`);
  }
  const artifacts: io.ModelArtifacts = {
    format: model.format,
    modelTopology: model.modelTopology,
    weightSpecs: manifest.flatMap((group) => group.weights),
    weightData,
    signature: model.signature as io.ModelArtifacts['signature'],
    userDefinedMetadata: model.userDefinedMetadata as io.ModelArtifacts['userDefinedMetadata'],
    modelInitializer: model.modelInitializer as io.ModelArtifacts['modelInitializer'],
  };
  return { kind: detectKind(model), artifacts };
}

/**
 * Loads a tfjs model (model.json + weight shards) from a URL or path, with progress over all
 * files and abort; or from {@link TfjsModelFiles} in memory. Shard paths must stay inside the
 * model.json's folder (or `options.modelRoot`): an absolute path, another origin or a `..`
 * that climbs out is `INVALID_OPTION`, refused before any shard is read.
 *
 * @example
 * ```ts
 * const { kind, artifacts } = await loadTfjsArtifacts('models/centernet.json', { onProgress });
 * ```
 */
export async function loadTfjsArtifacts(source: ModelSource | TfjsModelFiles, options: LoadOptions = {}): Promise<LoadedArtifacts> {
  if (typeof source === 'object' && 'json' in source) return artifactsFromFiles(source, source.name);
  const name = sourceName(source);
  const counter = progressCounter();
  const model = parseModelJson(await readModelBytes(source, counter, options), name);
  counter.total = counter.loaded + weightBytes(model.weightsManifest ?? []);
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new VisionError('MODEL_FORMAT', 'a tfjs model.json given as bytes needs its weights too: pass { json, weights }');
  }
  // Resolve (and check) every shard path before reading any of them.
  const shardPaths = (model.weightsManifest ?? []).flatMap((group) => {
    const prefix = (group as { prefix?: unknown }).prefix ?? '';
    if (typeof prefix !== 'string') throw new VisionError('MODEL_FORMAT', `${name}: a weightsManifest prefix must be a string`);
    return group.paths.map((path) => resolveContained(name, prefix + path, options.modelRoot));
  });
  const seen = new Set<string>();
  for (const path of shardPaths) {
    if (seen.has(path)) throw new VisionError('MODEL_FORMAT', `${name}: the manifest names the shard ${path} more than once`);
    seen.add(path);
  }
  const shards: Uint8Array[] = [];
  const within = containmentFolder(name, options.modelRoot);
  const needed = weightBytes(model.weightsManifest ?? []);
  const exact = !hasStringWeights(model.weightsManifest ?? []);
  let read = 0;
  for (const path of shardPaths) {
    const shard = await readModelBytes(path, counter, options, within);
    read += shard.byteLength;
    // stop at the first shard past what the manifest needs: never hold more than that in memory
    if (exact && read > needed) throw new VisionError('MODEL_FORMAT', `${name}: its shards hold more than the ${needed} bytes its manifest needs (from ${path} on; wrong or padded shards?)`);
    shards.push(shard);
  }
  return artifactsFromFiles({ json: model, weights: shards }, name);
}
