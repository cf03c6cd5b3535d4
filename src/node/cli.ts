import { fileURLToPath } from 'node:url';
import { VisionError } from '../core/errors';
import { setPlatform } from '../core/platform';
import { type CliArgs, parseCliArgs } from './cli/args';
import { expandInputs } from './cli/inputs';
import { resolveModelArg } from './cli/model-arg';
import { runBatch } from './cli/run-batch';
import { createCliTask } from './cli/tasks';
import { USAGE } from './cli/usage';
import { nodePlatform } from './node-platform';

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

const message = (error: unknown): string => {
  const code = error instanceof VisionError ? ` [${error.code}]` : '';
  return `visionpipe: ${(error as Error).message}${code}`;
};

/** Usage errors (unknown command/option/model, bad values) are exit 2; anything else 1. */
const exitCodeOf = (error: unknown): number => (error instanceof VisionError && error.code === 'INVALID_OPTION' ? 2 : 1);

async function execute(args: CliArgs & { command: NonNullable<CliArgs['command']> }, print: (line: string) => void, printError: (line: string) => void): Promise<number> {
  const model = await resolveModelArg(args.model);
  const { files, failures } = args.inputs.length > 0 ? await expandInputs(args.inputs) : { files: [EXAMPLE_PHOTO], failures: [] };
  if (files.length === 0) {
    failures.forEach((f) => printError(`visionpipe: ${f.image}: ${f.message} [${f.code}]`));
    printError('visionpipe: no images to process');
    return 1;
  }
  const task = await createCliTask(args.command, { model, backend: args.backend, threshold: args.threshold, top: args.top, out: args.out });
  try {
    return await runBatch(task, files, failures, { print, printError, json: args.json });
  } finally {
    task.dispose();
  }
}

/**
 * Runs the `visionpipe` command line and returns its exit code: 0 when every image worked;
 * 1 when the model fails to load or any image fails (missing, unreadable — the other images
 * are still processed and the failures listed on stderr); 2 for usage errors (unknown command,
 * option or model id, bad option value), printed with the usage.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['detect', 'photos/*.jpg', '--json']);
 * ```
 */
export async function main(argv: string[], print: (line: string) => void = console.log, printError: (line: string) => void = console.error): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    printError(`${message(error)}\n\n${USAGE}`);
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
