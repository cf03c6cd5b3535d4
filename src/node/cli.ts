import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VisionError } from '../core/errors';
import { setPlatform } from '../core/platform';
import { type CliArgs, type CliCommand, parseCliArgs } from './cli/args';
import { checkCaptionModelArg } from './cli/caption-model';
import { loadClassifierFolder } from './classifier-folder';
import { expandInputs } from './cli/inputs';
import { resolveModelArg } from './cli/model-arg';
import { copyleftNotice, runModelsCommand } from './cli/models-command';
import { checkVideoBackground } from './cli/matte-task';
import { runBatch } from './cli/run-batch';
import type { TaskSettings } from './cli/task-types';
import { type TaskCommand, createCliTask } from './cli/tasks';
import { runTrain } from './cli/train';
import { runEmbed, runSearch } from './cli/embed-search';
import { runMap } from './cli/map-command';
import { USAGE, USAGE_HINT } from './cli/usage';
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

type Print = (line: string) => void;

const message = (error: unknown): string => {
  const code = error instanceof VisionError ? ` [${error.code}]` : '';
  return `visionpipe: ${(error as Error).message}${code}`;
};

/** Usage errors (unknown command/option/model, bad values) are exit 2; anything else 1. */
const exitCodeOf = (error: unknown): number => (error instanceof VisionError && error.code === 'INVALID_OPTION' ? 2 : 1);

/** Whether a path is a folder (false: some other file), undefined when it cannot be seen. */
const isDirectory = (path: string): boolean | undefined => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return undefined; // missing (or unreadable)
  }
};

/** What `--model` means for the command: a caption model folder, a trained classifier folder, or an id / card. */
async function taskSettings(command: TaskCommand, args: CliArgs): Promise<TaskSettings> {
  const base = { backend: args.backend, threshold: args.threshold, top: args.top, maxTokens: args.maxTokens, beams: args.beams, background: args.background, handDetector: args.handDetector, faceDetector: args.faceDetector };
  if (command === 'caption') return { ...base, model: checkCaptionModelArg(args.model) };
  if (command === 'classify' && args.model !== undefined && isDirectory(args.model) === true) return { ...base, classifier: await loadClassifierFolder(args.model, args.backend) };
  return { ...base, model: await resolveModelArg(args.model) };
}

/**
 * `--out` is a folder: an existing file there — or in the path of a folder still to be made
 * (`--out photo.jpg/out`) — is a usage error, said once before any work.
 */
function checkOutFolder(out: string | undefined): void {
  if (out === undefined) return;
  if (isDirectory(out) === false) throw new VisionError('INVALID_OPTION', `--out '${out}' is an existing file; --out takes a folder (made when missing)`);
  let missing = out; // the topmost folder still to be made
  while (dirname(missing) !== missing && isDirectory(dirname(missing)) === undefined) missing = dirname(missing);
  const blocker = dirname(missing);
  if (blocker !== missing && isDirectory(blocker) === false) throw new VisionError('INVALID_OPTION', `--out '${out}' cannot be made: '${blocker}' is a file, not a folder`);
}

async function execute(args: CliArgs & { command: CliCommand }, print: Print, printError: Print): Promise<number> {
  const { command } = args;
  if (command !== 'map') checkOutFolder(args.out); // map's --out may name the .png
  if (args.maxPixels !== undefined) setPlatform({ maxPixels: args.maxPixels });
  if (command === 'train') return runTrain(args, print, printError);
  if (command === 'embed') return runEmbed(args, print, printError);
  if (command === 'search') return runSearch(args, print);
  if (command === 'map') return runMap(args, print, printError);
  const settings = await taskSettings(command, args);
  const notice = copyleftNotice(settings.model);
  if (notice) printError(notice);
  const { files, failures } = args.inputs.length > 0 ? await expandInputs(args.inputs) : { files: [EXAMPLE_PHOTO], failures: [] };
  if (command === 'matte' && args.out !== undefined && files.some(isVideoFile)) checkVideoBackground(args.background);
  if (files.length === 0) {
    settings.classifier?.dispose();
    failures.forEach((f) => printError(`visionpipe: ${f.image}: ${f.message} [${f.code}]`));
    printError('visionpipe: no images to process');
    return 1;
  }
  const task = await createCliTask(command, settings);
  try {
    return await runBatch(task, files, failures, { print, printError, json: args.json, out: args.out, every: args.every, fps: args.fps });
  } finally {
    task.dispose();
  }
}

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
  if (argv[0] === 'models') return runModelsCommand(argv.slice(1), print, printError);
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    printError(`${message(error)}\n${USAGE_HINT}`);
    return 2;
  }
  const { command } = args;
  if (args.help || command === undefined) {
    (args.help ? print : printError)(USAGE);
    return args.help ? 0 : 2;
  }
  try {
    return await execute({ ...args, command }, print, printError);
  } catch (error) {
    printError(message(error));
    return exitCodeOf(error);
  }
}
