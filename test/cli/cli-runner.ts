// Runs the built `visionpipe` bin as a user does (node bin/visionpipe.js …), building dist/
// first when it is missing or older than src/.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureDistBuilt } from '../helpers/build-dist';

const run = promisify(execFile);

/** The repository root (the CLI runs there, so relative paths are relative to it). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/visionpipe.js');

/** Exit code and output of one CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Builds dist/cli.js when stale (for beforeAll). */
export function ensureCliBuilt(): void {
  ensureDistBuilt(join(ROOT, 'dist/cli.js'));
}

/** Runs `visionpipe …args` with extra environment variables; never throws on a non-zero exit. */
export async function cli(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: timeoutMs, cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as CliRun;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
