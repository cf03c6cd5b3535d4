import { main } from '../../src/node/cli';

/**
 * Runs `visionpipe` in this process (the CLI's `main`) and collects what it prints: the exit
 * code and the stdout and stderr lines.
 *
 * @example
 * ```ts
 * const { code, out } = await cli('models', '--json');
 * ```
 */
export async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (l) => out.push(l), (l) => err.push(l));
  return { code, out, err };
}
