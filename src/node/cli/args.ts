import { parseArgs } from 'node:util';
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
export type CliCommand = 'detect' | 'classify' | 'segment' | 'pose';

/**
 * The commands, in the order `--help` lists them.
 *
 * @example
 * ```ts
 * CLI_COMMANDS.includes('pose'); // true
 * ```
 */
export const CLI_COMMANDS: readonly CliCommand[] = ['detect', 'classify', 'segment', 'pose'];

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
}

function numberOption(value: string | undefined, name: string, min: number, max: number, integer = false): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < min || parsed > max || (integer && !Number.isInteger(parsed))) {
    throw new VisionError('INVALID_OPTION', `--${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}; got '${value}'`);
  }
  return parsed;
}

function backendOption(value: string | undefined): TfjsBackendName | undefined {
  if (value === undefined) return undefined;
  if (!(TFJS_BACKENDS as readonly string[]).includes(value)) {
    throw new VisionError('INVALID_OPTION', `--backend must be one of ${TFJS_BACKENDS.join(', ')} (wasm or cpu in Node); got '${value}'`);
  }
  return value as TfjsBackendName;
}

/**
 * Parses `visionpipe` arguments. Unknown options, unknown commands and bad values throw
 * `VisionError('INVALID_OPTION')` (the CLI exits 2 with the usage).
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
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new VisionError('INVALID_OPTION', (error as Error).message, { cause: error });
  }
  const { values } = parsed;
  const [command, ...inputs] = parsed.positionals;
  if (command !== undefined && !(CLI_COMMANDS as readonly string[]).includes(command) && !values.help) {
    throw new VisionError('INVALID_OPTION', `unknown command '${command}'; use ${CLI_COMMANDS.join(', ')}`);
  }
  return {
    command: command as CliCommand | undefined,
    inputs,
    model: values.model,
    threshold: numberOption(values.threshold, 'threshold', 0, 1),
    top: numberOption(values.top, 'top', 1, 1000, true),
    backend: backendOption(values.backend),
    out: values.out,
    json: values.json ?? false,
    help: values.help ?? false,
  };
}
