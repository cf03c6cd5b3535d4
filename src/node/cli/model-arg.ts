import { dirname, resolve } from 'node:path';
import { VisionError } from '../../core/errors';
import { MODEL_CATALOG } from '../../models/catalog';
import type { ModelLocation, ModelSpec, TaskName } from '../../models/model-spec';
import { catalogueIdsFor } from '../../pipelines/shared/resolve-model';
import { shownValue } from '../../core/shown-value';
import { ownEntry } from '../../core/own-entry';
import { resolveContained } from '../../runtime/contained-path';
import { parseJsonText } from '../../runtime/json-text';
import { DeviceFileError, checkRealPathWithin, readLocalFileChecked } from '../local-file';

/**
 * Options for {@link readModelCard}.
 *
 * @example
 * ```ts
 * await readModelCard('cards/yolo.json', { modelRoot: 'models' }); // the card may name models/…
 * ```
 */
export interface ModelCardOptions {
  /** A folder that the card's relative `location.url` may point into; default: the card's own folder. */
  modelRoot?: string;
  /** How messages name the card (default `--model <path>`), e.g. the file that named it. */
  label?: string;
  /**
   * Whether a pipe is read (default true: `--model /dev/stdin`); false for a card another file
   * names (an index's manifest), where a named pipe is refused unread instead of waited on.
   */
  pipes?: boolean;
}

const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** The file each card read by {@link readModelCard} came from: outputs must not land on it. */
const cardFiles = new WeakMap<ModelSpec, string>();

/**
 * The catalogue's ids, for messages about an unknown one.
 *
 * @example
 * ```ts
 * throw new VisionError('INVALID_OPTION', `unknown model 'x'; known models: ${knownModelIds()}`);
 * ```
 */
export const knownModelIds = (): string => Object.keys(MODEL_CATALOG).join(', ');

function looksLikePath(value: string): boolean {
  return value.endsWith('.json') || value.includes('/') || value.includes('\\');
}

/** Where a card came from: its path, and how messages name it. */
interface CardSource {
  path: string;
  label: string;
}

function invalid(source: CardSource, what: string): VisionError {
  return new VisionError('INVALID_OPTION', `${source.label}: ${what}`);
}

/** An http(s) URL is taken as is; a relative path must stay in the card's folder (or the model root); anything else is refused. */
function cardModelUrl(url: string, source: CardSource, modelRoot: string | undefined): string {
  if (/^https?:\/\//i.test(url)) return url;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || /^[\\/]/.test(url)) {
    throw invalid(source, 'location.url must be an http(s) URL or a path relative to the card file (absolute paths and other URL schemes such as file: are refused)');
  }
  return resolveContained(resolve(source.path), url, modelRoot === undefined ? undefined : resolve(modelRoot));
}

/** Checks the fields every card needs and resolves a relative `location.url` against the card's folder. */
function checkCard(value: unknown, source: CardSource, modelRoot: string | undefined): ModelSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(source, 'a model card must be a JSON object (a ModelSpec)');
  const card = value as Record<string, unknown>;
  if ('modelTopology' in card || 'weightsManifest' in card) {
    throw invalid(source, 'this is a tfjs model file, not a model card; write a card (.json ModelSpec) whose location.url points at it');
  }
  for (const field of ['id', 'task', 'family', 'format'] as const) {
    if (typeof card[field] !== 'string') throw invalid(source, `the card needs a string '${field}'`);
  }
  const input = card.input as Record<string, unknown> | undefined;
  if (typeof input !== 'object' || input === null || typeof input.width !== 'number' || typeof input.height !== 'number') {
    throw invalid(source, "the card needs 'input' with numeric width and height");
  }
  if (!Array.isArray(card.labels) || !card.labels.every((l) => typeof l === 'string')) {
    throw invalid(source, "the card needs 'labels' (an array of strings; [] takes them from the model file where it has them)");
  }
  const location = card.location as Record<string, unknown> | undefined;
  if (typeof location !== 'object' || location === null) throw invalid(source, "the card needs 'location': { url } or { package, version, path }");
  return { ...(card as unknown as ModelSpec), location: cardLocation(location, source, modelRoot) };
}

/**
 * A card's `location`, rebuilt from the fields it may have (nothing else of it is passed on):
 * `{ url }` with a string url (see {@link cardModelUrl}), else `{ package, version, path }` with
 * the path inside the package. A `url` that is there but not a string is refused, whatever else
 * the location holds.
 */
function cardLocation(location: Record<string, unknown>, source: CardSource, modelRoot: string | undefined): ModelLocation {
  if (Object.hasOwn(location, 'url')) {
    if (typeof location.url !== 'string') {
      throw invalid(source, `location.url is ${shownValue(location.url)}; it must be a string: an http(s) URL or a path relative to the card file`);
    }
    return { url: cardModelUrl(location.url, source, modelRoot) };
  }
  const { package: name, version, path } = location;
  if (typeof name !== 'string' || typeof path !== 'string') {
    throw invalid(source, "location needs a 'url' (relative to the card file, or http(s)) or 'package' and 'path'");
  }
  if (version !== undefined && typeof version !== 'string') throw invalid(source, `location.version is ${shownValue(version)}; it must be a string (the npm version, e.g. "4.4.0")`);
  if (!NPM_NAME.test(name)) throw invalid(source, 'location.package must be an npm package name');
  resolveContained(`${name}/package.json`, path); // the file must be inside the package
  // a card may leave the version out (the installed package is used)
  return (version === undefined ? { package: name, path } : { package: name, version, path }) as ModelLocation;
}

/**
 * Reads a model card (a {@link ModelSpec} as JSON) for the user's own export. A relative
 * `location.url` is resolved against the card file's folder and must stay inside it (or
 * inside `options.modelRoot`); absolute paths and URL schemes other than http(s) are refused,
 * and so is a `location.url` that is not a string. A `{ package, version, path }` location comes
 * back with only those fields.
 * Missing files, devices (`/dev/zero`: refused unread), bad JSON (never quoted in the message),
 * escaping paths and cards lacking required fields are `INVALID_OPTION`.
 *
 * @example
 * ```ts
 * const spec = await readModelCard('models/my-yolo.card.json');
 * ```
 */
export async function readModelCard(path: string, options: ModelCardOptions = {}): Promise<ModelSpec> {
  const source: CardSource = { path, label: options.label ?? `--model ${path}` };
  let text: string;
  try {
    text = (await readLocalFileChecked(path, { pipes: options.pipes ?? true })).toString('utf8'); // --model /dev/stdin
  } catch (error) {
    if (error instanceof DeviceFileError) throw invalid(source, `is ${error.what}, not a model card file`);
    const known = options.label === undefined ? `; known models: ${knownModelIds()}` : '';
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.label === undefined) {
      throw new VisionError('INVALID_OPTION', `${source.label}: no such file or folder; --model takes a catalogue id, a model card file (.json) or, for classify, a folder written by \`visionpipe train\`${known}`, { cause: error });
    }
    throw new VisionError('INVALID_OPTION', `${source.label}: cannot read the model card file (${code ?? 'error'})${known}`, { cause: error });
  }
  const value = parseJsonText(text, source.label, 'INVALID_OPTION', 'a model card (a ModelSpec as JSON)');
  const spec = checkCard(value, source, options.modelRoot);
  // the model file it names stays in its folder with links followed too (the check above reads only the path)
  const url = 'url' in spec.location ? spec.location.url : undefined;
  if (typeof url === 'string' && !/^https?:\/\//i.test(url)) await checkRealPathWithin(url, options.modelRoot ?? dirname(resolve(path)));
  cardFiles.set(spec, path);
  return spec;
}

/**
 * The card file a model read by {@link readModelCard} (or `--model card.json`) came from, else
 * undefined (a catalogue id, a spec made in code): a file of the run's inputs, that no output
 * may overwrite.
 *
 * @example
 * ```ts
 * const spec = await readModelCard('out/card.json');
 * modelCardFile(spec); // 'out/card.json'
 * modelCardFile('coco-ssd'); // undefined
 * ```
 */
export function modelCardFile(model: string | ModelSpec | undefined): string | undefined {
  return typeof model === 'object' ? cardFiles.get(model) : undefined;
}

/**
 * The catalogue's card for `id`, or undefined when `id` is not one of its own ids (inherited
 * names such as `__proto__` or `toString` are not models).
 *
 * @example
 * ```ts
 * catalogueSpec('coco-ssd')?.task; // 'object-detection'
 * catalogueSpec('toString'); // undefined
 * ```
 */
export function catalogueSpec(id: string): ModelSpec | undefined {
  return ownEntry(MODEL_CATALOG, id);
}

/** The tasks whose catalogue cards each command's `--model` takes (matte: matting and person segmentation). */
const COMMAND_TASKS: Readonly<Record<string, readonly TaskName[]>> = Object.freeze({
  detect: ['object-detection'],
  classify: ['image-classification'],
  segment: ['image-segmentation'],
  pose: ['pose-estimation'],
  hands: ['hand-landmarks'],
  face: ['face-landmarks'],
  matte: ['video-matting', 'image-segmentation'],
  embed: ['image-feature-extraction'],
  search: ['image-feature-extraction'],
  map: ['image-feature-extraction'],
});

/** The ids an unknown `--model` of `command` is told about: the command's models, else the whole catalogue. */
function modelIdsFor(command: string | undefined): string {
  const tasks = command === undefined ? undefined : ownEntry(COMMAND_TASKS, command);
  return tasks === undefined ? `known models: ${knownModelIds()}` : `${command} models: ${catalogueIdsFor(tasks).join(', ')} (all: visionpipe models)`;
}

/**
 * Turns `--model` into what `pipeline()` takes: a catalogue id as is, a path (`.json` or with
 * a slash) as the card read from it. An unknown id is `INVALID_OPTION` listing the ids that
 * `command` takes (the whole catalogue without one).
 *
 * @example
 * ```ts
 * const model = await resolveModelArg('movenet-multipose', 'pose'); // 'movenet-multipose'
 * ```
 */
export async function resolveModelArg(value: string | undefined, command?: string): Promise<string | ModelSpec | undefined> {
  if (value === undefined || catalogueSpec(value)) return value;
  // an Ultralytics user's first try (`--model yolo11n.onnx`) was "unknown model" or "not valid JSON"
  if (/\.(onnx|bin|tflite|pt|pth|h5|keras|pb|min\.js)$/i.test(value)) {
    throw new VisionError('INVALID_OPTION', `--model ${value}: this is a model file, not a model card; write a card (.json ModelSpec: task, family, format, input, labels) whose location.url points at it, and pass the card (see "Your own model" in the README)`);
  }
  if (looksLikePath(value)) return readModelCard(value);
  throw new VisionError('INVALID_OPTION', `unknown model '${value}'; ${modelIdsFor(command)}, or a model card file (.json)`);
}
