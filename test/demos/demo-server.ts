// The demo server of `npm start` (scripts/serve-demos.mjs), started on a free port: shared by
// the demo-site tests and bench/progressive.ts (no test-runner imports here).
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../browser/server';

/** A running demo server: its URL, its console output so far, and `stop()`. */
export interface DemoServer {
  url: string;
  /** The server process's id (its open files are under /proc/<pid>/fd). */
  pid: number;
  output(): string;
  /** Ends the server and removes its bundle folder. */
  stop(): void;
}

/**
 * Starts the demo server on a free port; resolves to its URL. Each server bundles into its own
 * folder under .cache/ (test files run in parallel: one must not rewrite the scripts another's
 * pages are loading). The caption page's captioner is trained on demand (when that page first
 * asks), so tests of other pages never wait for it.
 */
export function startDemoServer(): Promise<DemoServer> {
  const outdir = join(REPO_ROOT, '.cache/demo-dist', `${process.pid}-${Date.now()}`);
  const child = spawn(process.execPath, ['scripts/serve-demos.mjs'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', DEMO_CAPTIONER: 'on-demand', DEMO_OUTDIR: outdir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () => {
    child.kill();
    rmSync(outdir, { recursive: true, force: true });
  };
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /visionpipe demos: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match) resolve({ url: match[1], pid: child.pid!, output: () => output, stop });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`demo server exited (${code}): ${output}`)));
  });
}
