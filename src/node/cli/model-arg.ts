import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { VisionError } from '../../core/errors';
import { MODEL_CATALOG } from '../../models/catalog';
import type { ModelSpec } from '../../models/model-spec';

const known = (): string => Object.keys(MODEL_CATALOG).join(', ');

function looksLikePath(value: string): boolean {
  return value.endsWith('.json') || value.includes('/') || value.includes('\\');
}

function invalid(path: string, what: string): VisionError {
  return new VisionError('INVALID_OPTION', `--model ${path}: ${what}`);
}

/** Checks the fields every card needs and resolves a relative `location.url` against the card's folder. */
function checkCard(value: unknown, path: string): ModelSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(path, 'a model card must be a JSON object (a ModelSpec)');
  const card = value as Record<string, unknown>;
  if ('modelTopology' in card || 'weightsManifest' in card) {
    throw invalid(path, 'this is a tfjs model file, not a model card; write a card (.json ModelSpec) whose location.url points at it');
  }
  for (const field of ['id', 'task', 'family', 'format'] as const) {
    if (typeof card[field] !== 'string') throw invalid(path, `the card needs a string '${field}'`);
  }
  const input = card.input as Record<string, unknown> | undefined;
  if (typeof input !== 'object' || input === null || typeof input.width !== 'number' || typeof input.height !== 'number') {
    throw invalid(path, "the card needs 'input' with numeric width and height");
  }
  if (!Array.isArray(card.labels) || !card.labels.every((l) => typeof l === 'string')) {
    throw invalid(path, "the card needs 'labels' (an array of strings; [] takes them from the model file where it has them)");
  }
  const location = card.location as Record<string, unknown> | undefined;
  if (typeof location !== 'object' || location === null) throw invalid(path, "the card needs 'location': { url } or { package, version, path }");
  if (typeof location.url === 'string') {
    const url = location.url;
    const isUrl = /^[a-z][a-z0-9+.-]*:/i.test(url) && !/^[a-z]:[\\/]/i.test(url);
    const resolved = isUrl || isAbsolute(url) ? url : resolve(dirname(path), url);
    return { ...(card as unknown as ModelSpec), location: { url: resolved } };
  }
  if (typeof location.package !== 'string' || typeof location.path !== 'string') {
    throw invalid(path, "location needs a 'url' (relative to the card file, absolute, or http(s)) or 'package' and 'path'");
  }
  return card as unknown as ModelSpec;
}

/**
 * Reads a model card (a {@link ModelSpec} as JSON) for the user's own export. A relative
 * `location.url` is resolved against the card file's folder. Missing files, bad JSON and
 * cards lacking required fields are `INVALID_OPTION`.
 *
 * @example
 * ```ts
 * const spec = await readModelCard('models/my-yolo.card.json');
 * ```
 */
export async function readModelCard(path: string): Promise<ModelSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new VisionError('INVALID_OPTION', `--model ${path}: cannot read the model card file (${(error as NodeJS.ErrnoException).code ?? 'error'}); known models: ${known()}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(path, `not valid JSON (${(error as Error).message})`);
  }
  return checkCard(value, path);
}

/**
 * Turns `--model` into what `pipeline()` takes: a catalogue id as is, a path (`.json` or with
 * a slash) as the card read from it. An unknown id is `INVALID_OPTION` listing the known ones.
 *
 * @example
 * ```ts
 * const model = await resolveModelArg('movenet-multipose'); // 'movenet-multipose'
 * ```
 */
export async function resolveModelArg(value: string | undefined): Promise<string | ModelSpec | undefined> {
  if (value === undefined || value in MODEL_CATALOG) return value;
  if (looksLikePath(value)) return readModelCard(value);
  throw new VisionError('INVALID_OPTION', `unknown model '${value}'; known models: ${known()}, or a model card file (.json)`);
}
