import { VisionError } from '../core/errors';
import { containmentFolder, resolveContained } from './contained-path';
import { type LoadOptions, type ModelSource, progressCounter, readModelBytes, sourceName } from './model-source';
import { parsePackedModule } from './packed-module';
import { type TfjsModelFiles, manifestWeightBytes } from './tfjs-artifacts';

/**
 * Where a model packed as JavaScript modules lives: `model.min.js` exporting the model.json
 * object and one `.min.js` module per weight shard exporting its bytes as base64 (the format
 * nsfwjs ships its models in, so bundlers can inline them).
 *
 * @example
 * ```ts
 * const packed: PackedModelSource = { model: 'nsfwjs/dist/models/mobilenet_v2/model.min.js' };
 * ```
 */
export interface PackedModelSource {
  /** The `model.min.js` module. */
  model: ModelSource;
  /** Shard modules in order; default: `group1-shard{i}of{n}.min.js` next to the model, as many as its manifest paths. */
  shards?: ModelSource[];
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64ToBytes(text: string, name: string): Uint8Array {
  if (text.length % 4 !== 0 || !BASE64.test(text)) throw new VisionError('MODEL_FORMAT', `${name} does not export base64 weight data`);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function manifestPaths(json: unknown, name: string): string[] {
  const manifest = (json as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (typeof json !== 'object' || json === null || !Array.isArray(manifest)) {
    throw new VisionError('MODEL_FORMAT', `${name} does not export a model.json object with a weightsManifest`);
  }
  return manifest.flatMap((group: { paths?: unknown }) => {
    if (!Array.isArray(group?.paths) || !group.paths.every((p) => typeof p === 'string')) {
      throw new VisionError('MODEL_FORMAT', `${name}: every weightsManifest group needs 'paths' (an array of strings)`);
    }
    return group.paths as string[];
  });
}

/**
 * Reads a model packed as `.min.js` modules and returns it as {@link TfjsModelFiles} for the
 * tfjs runner. The modules are never run: their text is parsed (see `parsePackedModule`),
 * and a module that is anything but the expected bundle exporting one literal is
 * `MODEL_FORMAT`. Default shard files must stay in the model's folder (or `modelRoot`).
 *
 * @example
 * ```ts
 * const files = await loadPackedModel({ model: '/models/mobilenet_v2/model.min.js' });
 * const runner = await createTfjsRunner(files);
 * ```
 */
export async function loadPackedModel(source: PackedModelSource, options: LoadOptions = {}): Promise<TfjsModelFiles> {
  const counter = progressCounter();
  const name = sourceName(source.model);
  const decoder = new TextDecoder();
  const json = parsePackedModule(decoder.decode(await readModelBytes(source.model, counter, options)), name);
  const paths = manifestPaths(json, name);
  if (!source.shards && typeof source.model !== 'string' && !(source.model instanceof URL)) {
    throw new VisionError('MODEL_FORMAT', 'a packed model given as bytes needs its shards too: pass { model, shards }');
  }
  const { bytes: needed, exact } = manifestWeightBytes(json, name);
  const shardSources = source.shards ?? paths.map((path) => resolveContained(name, path.replace(/\.bin$/, '') + '.min.js', options.modelRoot));
  if (!source.shards) {
    // one shard named 300 times was read and decoded 300 times before the size check (2.7 GB)
    const twice = shardSources.find((path, i) => shardSources.indexOf(path) !== i);
    if (twice !== undefined) throw new VisionError('MODEL_FORMAT', `${name}: the manifest names the shard ${sourceName(twice)} more than once`);
  }
  const weights: Uint8Array[] = [];
  let decoded = 0;
  // shards it names itself stay in its folder, links followed (shards the caller passes are the caller's)
  const within = source.shards ? undefined : containmentFolder(name, options.modelRoot);
  for (const shard of shardSources) {
    const shardName = sourceName(shard);
    const exported = parsePackedModule(decoder.decode(await readModelBytes(shard, counter, options, within)), shardName);
    if (typeof exported !== 'string') throw new VisionError('MODEL_FORMAT', `${shardName} does not export base64 weight data`);
    weights.push(base64ToBytes(exported, shardName));
    decoded += weights[weights.length - 1].byteLength;
    // stop at the first shard past what the manifest needs: never hold more than that in memory
    if (exact && decoded > needed) throw new VisionError('MODEL_FORMAT', `${name}: its shards hold more than the ${needed} bytes its manifest needs (from ${shardName} on; wrong or padded shards?)`);
  }
  return { json, weights, name };
}
