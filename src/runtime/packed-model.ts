import { VisionError, describeError } from '../core/errors';
import { type LoadOptions, type ModelSource, progressCounter, readModelBytes, resolveSibling, sourceName } from './model-source';
import type { TfjsModelFiles } from './tfjs-artifacts';

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

function evaluateModule(code: string, name: string): unknown {
  const module: { exports: unknown } = { exports: {} };
  try {
    // The modules are UMD wrappers: with `module`/`exports` defined they assign module.exports.
    new Function('module', 'exports', 'define', code)(module, module.exports, undefined);
  } catch (error) {
    throw new VisionError('MODEL_FORMAT', `${name} is not a packed model module (${describeError(error)})`);
  }
  return module.exports;
}

function base64ToBytes(text: string): Uint8Array {
  if (typeof atob === 'function') {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }
  throw new VisionError('MODEL_FORMAT', 'base64 decoding (atob) is not available here');
}

/**
 * Reads a model packed as `.min.js` modules and returns it as {@link TfjsModelFiles} for the
 * tfjs runner. The modules are evaluated with a private `module` object; load them only from
 * sources you trust, as you would a script tag.
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
  const json = evaluateModule(decoder.decode(await readModelBytes(source.model, counter, options)), name) as {
    weightsManifest?: { paths: string[] }[];
  };
  if (!json || typeof json !== 'object' || !Array.isArray(json.weightsManifest)) {
    throw new VisionError('MODEL_FORMAT', `${name} does not export a model.json object with a weightsManifest`);
  }
  const shardSources =
    source.shards ??
    json.weightsManifest.flatMap((group) => group.paths).map((path) => resolveSibling(name, path.replace(/\.bin$/, '') + '.min.js'));
  const weights: Uint8Array[] = [];
  for (const shard of shardSources) {
    const exported = evaluateModule(decoder.decode(await readModelBytes(shard, counter, options)), sourceName(shard));
    if (typeof exported !== 'string') {
      throw new VisionError('MODEL_FORMAT', `${sourceName(shard)} does not export base64 weight data`);
    }
    weights.push(base64ToBytes(exported));
  }
  return { json, weights };
}
