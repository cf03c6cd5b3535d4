import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VisionError } from '../core/errors';
import { getPlatform, setPlatform } from '../core/platform';
import { type CliArgs, type CliCommand, parseCliArgs } from './cli/args';
import { checkCaptionModelArg } from './cli/caption-model';
import { loadClassifierFolder } from './classifier-folder';
import { expandInputs } from './cli/inputs';
import { resolveModelArg } from './cli/model-arg';
import { copyleftNotice, runModelsCommand } from './cli/models-command';
import { checkVideoBackground } from './cli/matte-task';
import { errorEntry, runBatch } from './cli/run-batch';
import type { TaskSettings } from './cli/task-types';
import { type TaskCommand, createCliTask } from './cli/tasks';
import { runTrain } from './cli/train';
import { runEmbed, runSearch } from './cli/embed-search';
import { runMap } from './cli/map-command';
import { checkOutFolder, isDirectory } from './cli/out-folder';
import { USAGE, USAGE_HINT, commandUsage } from './cli/usage';
import { nodePlatform } from './node-platform';
import { isVideoFile } from './video/video-files';

setPlatform(nodePlatform);

/**
 * The example photo shipped with the package (three people, glasses, a bottle).
 *
 * @example
 * ```ts
 * await detector.run(EXAMPLE_PHOTO);
 * ```
 */
export const EXAMPLE_PHOTO = fileURLToPath(new URL('../assets/photo.jpg', import.meta.url));

/** The package's version: from visionpipe's package.json above this module (dist/cli.js; src/node/cli.ts when run from source). */
function packageVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (!existsSync(path)) continue;
    const json = JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
    if (json.name === 'visionpipe') return String(json.version);
  }
  return 'unknown';
}

type Print = (line: string) => void;

const message = (error: unknown): string => {
  const code = error instanceof VisionError ? ` [${error.code}]` : '';
  return `visionpipe: ${(error as Error).message}${code}`;
};

/** Usage errors (unknown command/option/model, bad values) are exit 2; anything else 1. */
const exitCodeOf = (error: unknown): number => (error instanceof VisionError && error.code === 'INVALID_OPTION' ? 2 : 1);

/** What `--model` means for the command: a caption model folder, a trained classifier folder, or an id / card. */
/**
 * How long a lost object keeps its track ID (frames at 30 fps) when `--every` or `--fps` thins a
 * video out: 30 analysed frames of a 30 fps video, as Ultralytics' `vid_stride` keeps its buffer
 * in processed frames. The tracker's own 1 s was shorter than the time between analysed frames
 * from `--every 31` or `--fps 0.9` on, and every object got a new ID in every analysed frame.
 */
function analysedTrackBuffer(args: CliArgs): number | undefined {
  if (args.every !== undefined && args.every > 1) return 30 * args.every;
  if (args.fps !== undefined && args.fps < 30) return Math.ceil(900 / args.fps);
  return undefined;
}

async function taskSettings(command: TaskCommand, args: CliArgs): Promise<TaskSettings> {
  const base = { backend: args.backend, threshold: args.threshold, top: args.top, maxTokens: args.maxTokens, beams: args.beams, background: args.background, handDetector: args.handDetector, faceDetector: args.faceDetector, max: args.max, trackBuffer: analysedTrackBuffer(args) };
  if (command === 'caption') return { ...base, model: checkCaptionModelArg(args.model) };
  if (command === 'classify' && args.model !== undefined && isDirectory(args.model) === true) return { ...base, classifier: await loadClassifierFolder(args.model, args.backend) };
  return { ...base, model: await resolveModelArg(args.model, command) };
}

async function execute(args: CliArgs & { command: CliCommand }, print: Print, printError: Print): Promise<number> {
  if (args.maxPixels === undefined) return executeCommand(args, print, printError);
  // the limit holds for this run only: a caller running main() again gets its own limit back
  const before = getPlatform().maxPixels;
  setPlatform({ maxPixels: args.maxPixels });
  try {
    return await executeCommand(args, print, printError);
  } finally {
    setPlatform({ maxPixels: before });
  }
}

async function executeCommand(args: CliArgs & { command: CliCommand }, print: Print, printError: Print): Promise<number> {
  const { command } = args;
  if (command !== 'map') checkOutFolder(args.out); // map's --out may name the .png: checked by runMap
  if (command === 'train') return runTrain(args, print, printError);
  if (command === 'embed') return runEmbed(args, print, printError);
  if (command === 'search') return runSearch(args, print, printError);
  if (command === 'map') return runMap(args, print, printError);
  const settings = await taskSettings(command, args);
  const { files, failures } = args.inputs.length > 0 ? await expandInputs(args.inputs) : { files: [EXAMPLE_PHOTO], failures: [] };
  if (command === 'matte' && args.out !== undefined && files.some(isVideoFile)) checkVideoBackground(args.background);
  if (command === 'matte' && args.out === undefined && args.background !== undefined) {
    printError('visionpipe: --background sets what the matte is drawn over in the --out pictures and videos; without --out it changes nothing');
  }
  if (files.length === 0) {
    settings.classifier?.dispose();
    failures.forEach((f) => printError(`visionpipe: ${f.image}: ${f.message} [${f.code}]`));
    // --json still prints its one array: an entry per input that named nothing
    if (args.json) print(JSON.stringify(failures.map(errorEntry), null, 2));
    printError('visionpipe: no images to process');
    return 1;
  }
  const task = await createCliTask(command, settings);
  // once the model is known to fit the command (rvm given to hands is refused, with no licence line first)
  const notice = copyleftNotice(settings.model);
  if (notice) printError(notice);
  try {
    return await runBatch(task, files, failures, { print, printError, json: args.json, out: args.out, every: args.every, fps: args.fps });
  } finally {
    task.dispose();
  }
}

/** The options `models` takes, which may come before it. */
const MODELS_OPTIONS = ['--json', '--help', '-h'];

/**
 * Runs the `visionpipe` command line and returns its exit code: 0 when every input worked;
 * 1 when the model fails to load, training fails, or any input fails (missing, unreadable —
 * the other inputs are still processed and the failures listed on stderr); 2 for usage errors
 * (unknown command, option or model id, bad option value, missing `--model` for caption),
 * printed with a pointer to `--help`.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['detect', 'photos/*.jpg', '--json']);
 * ```
 */
export async function main(argv: string[], print: Print = console.log, printError: Print = console.error): Promise<number> {
  // `visionpipe --version` / `-v`, and `visionpipe help [command]` as `--help` (both were usage errors)
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    print(packageVersion());
    return 0;
  }
  if (argv[0] === 'help' && argv.length <= 2) return main(argv.length === 2 ? [argv[1], '--help'] : ['--help'], print, printError);
  // `models`, also after the options it takes (`visionpipe --json models`)
  const named = argv.findIndex((arg) => !arg.startsWith('-'));
  if (argv[named] === 'models' && argv.slice(0, named).every((arg) => MODELS_OPTIONS.includes(arg))) {
    return runModelsCommand([...argv.slice(0, named), ...argv.slice(named + 1)], print, printError);
  }
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    printError(`${message(error)}\n${USAGE_HINT}`);
    return 2;
  }
  const { command } = args;
  if (args.help || command === undefined) {
    (args.help ? print : printError)(args.help && command !== undefined ? commandUsage(command) : USAGE);
    return args.help ? 0 : 2;
  }
  try {
    return await execute({ ...args, command }, print, printError);
  } catch (error) {
    printError(message(error));
    return exitCodeOf(error);
  }
}
