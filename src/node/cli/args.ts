import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { VisionError } from '../../core/errors';
import { TFJS_BACKENDS, type TfjsBackendName } from '../../runtime/tfjs-backend';

/**
 * The commands of the `visionpipe` CLI.
 *
 * @example
 * ```ts
 * const command: CliCommand = 'segment';
 * ```
 */
export type CliCommand = 'detect' | 'classify' | 'segment' | 'pose' | 'hands' | 'face' | 'caption' | 'train' | 'matte' | 'embed' | 'search' | 'map';

/**
 * The commands, in the order `--help` lists them.
 *
 * @example
 * ```ts
 * CLI_COMMANDS.includes('pose'); // true
 * ```
 */
export const CLI_COMMANDS: readonly CliCommand[] = ['detect', 'classify', 'segment', 'pose', 'hands', 'face', 'caption', 'train', 'matte', 'embed', 'search', 'map'];

/**
 * The heads `visionpipe train` can put on the frozen backbone.
 *
 * @example
 * ```ts
 * TRAIN_HEADS.includes('knn'); // true
 * ```
 */
export const TRAIN_HEADS = ['softmax', 'svm', 'mlp', 'knn'] as const;

/**
 * A head of `visionpipe train --head`.
 *
 * @example
 * ```ts
 * const head: TrainHead = 'mlp';
 * ```
 */
export type TrainHead = (typeof TRAIN_HEADS)[number];

/**
 * A parsed and validated command line.
 *
 * @example
 * ```ts
 * const args: CliArgs = { command: 'detect', inputs: ['photo.jpg'], json: true, help: false };
 * ```
 */
export interface CliArgs {
  /** Undefined when no command was given. */
  command?: CliCommand;
  inputs: string[];
  model?: string;
  threshold?: number;
  top?: number;
  backend?: TfjsBackendName;
  out?: string;
  json: boolean;
  help: boolean;
  /** caption: longest caption in tokens. */
  maxTokens?: number;
  /** caption: beam width (1 = greedy). */
  beams?: number;
  /** train: the head on the frozen backbone. */
  head?: TrainHead;
  /** train: most epochs (early stopping may end sooner). */
  epochs?: number;
  /** train: share of each class held out for validation. */
  validation?: number;
  /** train: seed of the split, the head's initialisation and shuffling. */
  seed?: number;
  /** videos: process one frame in `every`. */
  every?: number;
  /** videos: frames per second to sample (ffmpeg's fps filter). */
  fps?: number;
  /** largest image or video frame accepted, in pixels (default 2^26 = 8192×8192). */
  maxPixels?: number;
  /** matte: what goes behind the person — `blur`, a CSS colour, or an image file. */
  background?: string;
  /** search: the folder written by `visionpipe embed`. */
  index?: string;
  /** map: the projection to 2-D. */
  method?: MapMethod;
  /** hands: the hand detector (`--detector`). */
  handDetector?: HandDetectorName;
  /** face: the BlazeFace range (`--detector`). */
  faceDetector?: FaceDetectorName;
}

/** Projections `visionpipe map` offers: exact PCA (default) or seeded UMAP. @example `MAP_METHODS.includes('umap')` */
export const MAP_METHODS = ['pca', 'umap'] as const;

/** A projection `visionpipe map` offers. @example `const m: MapMethod = 'umap';` */
export type MapMethod = (typeof MAP_METHODS)[number];

/** Hand detectors `visionpipe hands --detector` offers: HandTrack boxes (default) or MediaPipe's palm detector. @example `HAND_DETECTORS.includes('palm')` */
export const HAND_DETECTORS = ['handtrack', 'palm'] as const;

/** A hand detector `visionpipe hands` offers. @example `const d: HandDetectorName = 'palm';` */
export type HandDetectorName = (typeof HAND_DETECTORS)[number];

/**
 * Face detectors `visionpipe face --detector` offers: BlazeFace full range (the CLI's default:
 * photos, faces up to ~5 m away) or short range (selfie distance, the pipeline's default).
 *
 * @example `FACE_DETECTORS.includes('short')`
 */
export const FACE_DETECTORS = ['full', 'short'] as const;

/** A face detector `visionpipe face` offers. @example `const d: FaceDetectorName = 'short';` */
export type FaceDetectorName = (typeof FACE_DETECTORS)[number];

type OptionName = 'model' | 'threshold' | 'top' | 'backend' | 'json' | 'out' | 'max-tokens' | 'beams' | 'head' | 'epochs' | 'validation' | 'seed' | 'every' | 'fps' | 'max-pixels' | 'background' | 'index' | 'method' | 'detector';

const VIDEO: readonly OptionName[] = ['model', 'threshold', 'backend', 'json', 'out', 'every', 'fps', 'max-pixels'];

/** The options each command takes (`--help` is always allowed). */
const ALLOWED: Readonly<Record<CliCommand, readonly OptionName[]>> = {
  detect: VIDEO,
  classify: [...VIDEO, 'top'],
  segment: VIDEO,
  pose: VIDEO,
  hands: [...VIDEO, 'detector'],
  face: [...VIDEO, 'detector'],
  caption: ['model', 'backend', 'json', 'out', 'max-tokens', 'beams', 'max-pixels'],
  train: ['out', 'backend', 'head', 'epochs', 'validation', 'seed', 'max-pixels'],
  matte: ['model', 'backend', 'json', 'out', 'every', 'fps', 'max-pixels', 'background'],
  embed: ['model', 'backend', 'out', 'max-pixels'],
  search: ['index', 'top', 'out', 'json', 'backend', 'max-pixels'],
  map: ['model', 'backend', 'out', 'json', 'method', 'seed', 'max-pixels'],
};

/** A decimal number (`3`, `-0.5`, `.5`, `1e6`); `Number()` alone also takes `0x10`, `0b11` and `0o7`. */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

function numberOption(value: string | undefined, name: string, min: number, max: number, integer = false): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!DECIMAL.test(value) || !Number.isFinite(parsed) || parsed < min || parsed > max || (integer && !Number.isInteger(parsed))) {
    throw new VisionError('INVALID_OPTION', `--${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}; got '${value}'`);
  }
  return parsed;
}

function choiceOption<T extends string>(value: string | undefined, name: string, allowed: readonly T[], hint = ''): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new VisionError('INVALID_OPTION', `--${name} must be one of ${allowed.join(', ')}${hint}; got '${value}'`);
  return value as T;
}

/** Folders of the kernel's own files, where making folders can loop (Node's recursive mkdir on procfs) or write devices. */
const SYSTEM_FOLDERS = ['/proc', '/sys', '/dev'];

function outOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new VisionError('INVALID_OPTION', `--out is empty; it takes a folder (made when missing; map also takes a .png file), e.g. --out out/`);
  const resolved = resolve(value);
  const system = SYSTEM_FOLDERS.find((folder) => resolved === folder || resolved.startsWith(`${folder}/`));
  if (system !== undefined) throw new VisionError('INVALID_OPTION', `--out '${value}' is under ${system}; outputs cannot go to ${SYSTEM_FOLDERS.join(', ')}: name a folder elsewhere`);
  return value;
}

function checkAllowed(command: CliCommand, given: readonly string[]): void {
  const allowed = ALLOWED[command] as readonly string[];
  const wrong = given.filter((name) => name !== 'help' && !allowed.includes(name));
  if (wrong.length > 0) {
    throw new VisionError('INVALID_OPTION', `${command} does not take --${wrong.join(', --')}; its options: --${allowed.join(', --')}`);
  }
}

/** Node's `parseArgs` errors in the CLI's words (its unknown-option text points at `--` oddly). */
function parseError(error: Error & { code?: string }): string {
  const option = /'(-[^']*)'/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) {
    return `unknown option '${option}' (an input whose name starts with '-' goes after '--': visionpipe detect -- ${option}.jpg)`;
  }
  return error.message;
}

/**
 * Parses `visionpipe` arguments. Unknown options, unknown commands, options the command does
 * not take and bad values throw `VisionError('INVALID_OPTION')` (the CLI exits 2 with the usage).
 *
 * @example
 * ```ts
 * const args = parseCliArgs(['pose', 'photos/*.jpg', '--json']);
 * ```
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        threshold: { type: 'string' },
        top: { type: 'string' },
        backend: { type: 'string' },
        json: { type: 'boolean' },
        out: { type: 'string' },
        'max-tokens': { type: 'string' },
        beams: { type: 'string' },
        head: { type: 'string' },
        epochs: { type: 'string' },
        validation: { type: 'string' },
        seed: { type: 'string' },
        every: { type: 'string' },
        fps: { type: 'string' },
        'max-pixels': { type: 'string' },
        background: { type: 'string' },
        index: { type: 'string' },
        method: { type: 'string' },
        detector: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new VisionError('INVALID_OPTION', parseError(error as Error & { code?: string }), { cause: error });
  }
  const { values } = parsed;
  const [command, ...inputs] = parsed.positionals;
  if (command !== undefined && !(CLI_COMMANDS as readonly string[]).includes(command) && !values.help) {
    throw new VisionError('INVALID_OPTION', `unknown command '${command}'; use ${[...CLI_COMMANDS, 'models'].join(', ')}`);
  }
  if (command !== undefined && !values.help) checkAllowed(command as CliCommand, Object.keys(values));
  if (values.every !== undefined && values.fps !== undefined) throw new VisionError('INVALID_OPTION', '--every and --fps cannot be used together; pick one way to subsample videos');
  return {
    command: command as CliCommand | undefined,
    inputs,
    model: values.model,
    threshold: numberOption(values.threshold, 'threshold', 0, 1),
    top: numberOption(values.top, 'top', 1, 1000, true),
    backend: choiceOption(values.backend, 'backend', TFJS_BACKENDS, ' (wasm or cpu in Node)'),
    out: outOption(values.out),
    json: values.json ?? false,
    help: values.help ?? false,
    maxTokens: numberOption(values['max-tokens'], 'max-tokens', 1, 512, true),
    beams: numberOption(values.beams, 'beams', 1, 16, true),
    head: choiceOption(values.head, 'head', TRAIN_HEADS),
    epochs: numberOption(values.epochs, 'epochs', 1, 10_000, true),
    validation: numberOption(values.validation, 'validation', 0.05, 0.9),
    seed: numberOption(values.seed, 'seed', 0, 2 ** 31 - 1, true),
    every: numberOption(values.every, 'every', 1, 1_000_000, true),
    fps: numberOption(values.fps, 'fps', 0.01, 1000),
    maxPixels: numberOption(values['max-pixels'], 'max-pixels', 1, Number.MAX_SAFE_INTEGER, true),
    background: values.background,
    index: values.index,
    method: choiceOption(values.method, 'method', MAP_METHODS),
    handDetector: command === 'hands' ? choiceOption(values.detector, 'detector', HAND_DETECTORS) : undefined,
    faceDetector: command === 'face' ? choiceOption(values.detector, 'detector', FACE_DETECTORS) : undefined,
  };
}
