import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { VisionError } from '../../core/errors';
import type { TfjsBackendName } from '../../runtime/tfjs-backend';

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
  /** hands, face: the most hands or faces per image or frame (`--max`, default 10). */
  max?: number;
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

type OptionName = 'model' | 'threshold' | 'top' | 'backend' | 'json' | 'out' | 'max-tokens' | 'beams' | 'head' | 'epochs' | 'validation' | 'seed' | 'every' | 'fps' | 'max-pixels' | 'background' | 'index' | 'method' | 'detector' | 'max';

const VIDEO: readonly OptionName[] = ['model', 'threshold', 'backend', 'json', 'out', 'every', 'fps', 'max-pixels'];

/** The options each command takes (`--help` is always allowed). */
const ALLOWED: Readonly<Record<CliCommand, readonly OptionName[]>> = {
  detect: VIDEO,
  classify: [...VIDEO, 'top'],
  segment: VIDEO,
  pose: VIDEO,
  hands: [...VIDEO, 'detector', 'max'],
  face: [...VIDEO, 'detector', 'max'],
  caption: ['model', 'backend', 'json', 'out', 'max-tokens', 'beams', 'max-pixels'],
  train: ['out', 'backend', 'head', 'epochs', 'validation', 'seed', 'max-pixels'],
  matte: ['model', 'backend', 'json', 'out', 'every', 'fps', 'max-pixels', 'background'],
  embed: ['model', 'backend', 'out', 'max-pixels'],
  search: ['index', 'top', 'out', 'json', 'backend', 'max-pixels'],
  map: ['model', 'backend', 'out', 'json', 'method', 'seed', 'max-pixels'],
};

/** A decimal number (`3`, `-0.5`, `.5`, `1e6`); `Number()` alone also takes `0x10`, `0b11` and `0o7`. */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

/** The numeric options: smallest and largest value, and whether only whole numbers are taken. */
const NUMERIC_OPTIONS = {
  threshold: [0, 1, false],
  top: [1, 1000, true],
  'max-tokens': [1, 512, true],
  beams: [1, 16, true],
  epochs: [1, 10_000, true],
  validation: [0.05, 0.9, false],
  seed: [0, 2 ** 31 - 1, true],
  every: [1, 1_000_000, true],
  fps: [0.01, 1000, false],
  'max-pixels': [1, Number.MAX_SAFE_INTEGER, true],
  max: [1, 100, true],
} as const satisfies Partial<Record<OptionName, readonly [number, number, boolean]>>;

type NumericOption = keyof typeof NUMERIC_OPTIONS;

function numberOption(value: string | undefined, name: NumericOption): number | undefined {
  if (value === undefined) return undefined;
  const [min, max, integer] = NUMERIC_OPTIONS[name];
  const parsed = Number(value);
  if (!DECIMAL.test(value) || !Number.isFinite(parsed) || parsed < min || parsed > max || (integer && !Number.isInteger(parsed))) {
    throw new VisionError('INVALID_OPTION', `--${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}; got '${value}'`);
  }
  return parsed;
}

/** A value that looks like a negative number (`-1`, `-.5`, `-1e6`, `-0x1`). */
const NEGATIVE = /^-[\d.]/;

/**
 * `--threshold -1` as `--threshold=-1`: `parseArgs` calls a value starting with '-' ambiguous,
 * but after a numeric option a negative number is its value (whose range is then checked).
 * Nothing after `--` is touched.
 */
function joinNegativeValues(argv: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') return [...joined, ...argv.slice(i)];
    const next = argv[i + 1];
    if (arg.startsWith('--') && Object.hasOwn(NUMERIC_OPTIONS, arg.slice(2)) && next !== undefined && NEGATIVE.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

function choiceOption<T extends string>(value: string | undefined, name: string, allowed: readonly T[], hint = ''): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new VisionError('INVALID_OPTION', `--${name} must be one of ${allowed.join(', ')}${hint}; got '${value}'`);
  return value as T;
}

/** The tfjs backends that run in Node (webgpu and webgl need a browser). */
const NODE_BACKENDS: readonly TfjsBackendName[] = ['wasm', 'cpu'];

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

/**
 * The options a command takes, as `--help` lists them for it.
 *
 * @example
 * ```ts
 * optionsOf('hands'); // ['model', 'threshold', …, 'detector', 'max']
 * ```
 */
export function optionsOf(command: CliCommand): readonly string[] {
  return ALLOWED[command];
}

function checkAllowed(command: CliCommand, given: readonly string[]): void {
  const allowed = ALLOWED[command] as readonly string[];
  const wrong = given.filter((name) => name !== 'help' && !allowed.includes(name));
  if (wrong.length > 0) {
    throw new VisionError('INVALID_OPTION', `${command} does not take --${wrong.join(', --')}; its options: --${allowed.join(', --')}`);
  }
}

/**
 * The argument as typed that holds the option Node's parser rejected: it names a long option up
 * to `=` (as the option is shown), a short one by its letter (`-d` of `-dash.jpg`: the whole
 * argument is shown).
 */
function givenArgument(argv: readonly string[], option: string): string {
  if (option.startsWith('--')) return option;
  const end = argv.indexOf('--');
  const args = end < 0 ? argv : argv.slice(0, end);
  return args.find((a) => /^-[^-]/.test(a) && a.slice(1).includes(option.slice(1))) ?? option;
}

/**
 * The command line again with `input` moved after `--` (options stay before it: everything
 * after `--` is an input), e.g. `search -x.png --index idx` → `visionpipe search --index idx -- -x.png`.
 */
function withInputAfterDashes(argv: readonly string[], command: string, input: string): string {
  const end = argv.indexOf('--');
  const before = [...(end < 0 ? argv : argv.slice(0, end))];
  for (const word of [command, input]) {
    const at = before.indexOf(word);
    if (at >= 0) before.splice(at, 1);
  }
  const after = end < 0 ? [] : argv.slice(end + 1);
  return ['visionpipe', command, ...before.map(shellWord), '--', ...[input, ...after].map(shellWord)].join(' ');
}

/** A word as a POSIX shell reads it back (single-quoted unless plain). */
function shellWord(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Node's `util.parseArgs` errors in the CLI's words: an unknown option (for a command: how to
 * pass an input whose name starts with '-'; for `models`: the options it takes), a missing
 * value, a value that starts with '-', a value given to a flag.
 *
 * @example
 * ```ts
 * parseArgsMessage(error, 'models'); // "unknown option '--bogus'; models takes --json and --help"
 * ```
 */
export function parseArgsMessage(error: unknown, context: 'command' | 'models' = 'command', argv: readonly string[] = []): string {
  const { message, code } = error as Error & { code?: string };
  const option = /'(?:-\w, )?(-[^' ]*)/.exec(message)?.[1];
  if (option === undefined) return message;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    if (context === 'models') return `unknown option '${option}'; models takes --json and --help`;
    const given = givenArgument(argv, option);
    const command = argv.find((a) => (CLI_COMMANDS as readonly string[]).includes(a)) ?? 'detect';
    // a name with a dot or a slash is a file; anything else is most likely a mistyped option
    return /[./\\]/.test(given)
      ? `unknown option '${given}'; an input whose name starts with '-' goes after '--': ${withInputAfterDashes(argv, command, given)}`
      : `unknown option '${given}'; 'visionpipe ${command} --help' lists its options (an input whose name starts with '-' goes after '--')`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (message.includes('argument missing')) return `${option} needs a value`;
    if (message.includes('ambiguous')) return `${option} needs a value; give one that starts with '-' as ${option}=<value>`;
    if (message.includes('does not take an argument')) return `${option} takes no value`;
  }
  return message;
}

/**
 * Parses `visionpipe` arguments. Unknown options, unknown commands (also with `--help`),
 * options the command does not take and bad values throw `VisionError('INVALID_OPTION')` (the
 * CLI exits 2 with the usage). A negative number after a numeric option is its value
 * (`--threshold -1`: out of range).
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
      args: joinNegativeValues(argv),
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
        max: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new VisionError('INVALID_OPTION', parseArgsMessage(error, 'command', argv), { cause: error });
  }
  const { values } = parsed;
  const [command, ...inputs] = parsed.positionals;
  // an unknown command is an error with --help too: `visionpipe paint --help` has no usage to show
  if (command === 'models') {
    // here only when it came after options it does not take (main runs it otherwise)
    throw new VisionError('INVALID_OPTION', `models takes --json and --help only; got ${Object.keys(values).map((name) => `--${name}`).join(', ')}`);
  }
  if (command !== undefined && !(CLI_COMMANDS as readonly string[]).includes(command)) {
    throw new VisionError('INVALID_OPTION', `unknown command '${command}'; use ${[...CLI_COMMANDS, 'models'].join(', ')}`);
  }
  if (command !== undefined && !values.help) checkAllowed(command as CliCommand, Object.keys(values));
  if (values.every !== undefined && values.fps !== undefined) throw new VisionError('INVALID_OPTION', '--every and --fps cannot be used together; pick one way to subsample videos');
  return {
    command: command as CliCommand | undefined,
    inputs,
    model: values.model,
    threshold: numberOption(values.threshold, 'threshold'),
    top: numberOption(values.top, 'top'),
    backend: choiceOption(values.backend, 'backend', NODE_BACKENDS, ' (webgpu and webgl need a browser)'),
    out: outOption(values.out),
    json: values.json ?? false,
    help: values.help ?? false,
    maxTokens: numberOption(values['max-tokens'], 'max-tokens'),
    beams: numberOption(values.beams, 'beams'),
    head: choiceOption(values.head, 'head', TRAIN_HEADS),
    epochs: numberOption(values.epochs, 'epochs'),
    validation: numberOption(values.validation, 'validation'),
    seed: numberOption(values.seed, 'seed'),
    every: numberOption(values.every, 'every'),
    fps: numberOption(values.fps, 'fps'),
    maxPixels: numberOption(values['max-pixels'], 'max-pixels'),
    background: values.background,
    index: values.index,
    method: choiceOption(values.method, 'method', MAP_METHODS),
    handDetector: command === 'hands' ? choiceOption(values.detector, 'detector', HAND_DETECTORS) : undefined,
    faceDetector: command === 'face' ? choiceOption(values.detector, 'detector', FACE_DETECTORS) : undefined,
    max: numberOption(values.max, 'max'),
  };
}
