// The house rules of shared/DESIGN.md, enforced with dependency-cruiser (.dependency-cruiser.cjs):
// no import cycles (type-only imports included), each folder imports only its layer column,
// node/ only from Node entries, no Node built-ins in universal code. The second test runs the
// same rules on a small tree that breaks each of them, so the first cannot pass vacuously.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = resolve(import.meta.dirname, '..');
const CONFIG = join(REPO_ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(REPO_ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/** Runs dependency-cruiser over `src/` of `cwd` with the house rules; returns its violations. */
async function cruise(cwd: string): Promise<Violation[]> {
  // exit code 1 means "violations found": the JSON report is still on stdout
  const { stdout } = await promisify(execFile)(process.execPath, [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'json'], { cwd, maxBuffer: 64 << 20 }).catch(
    (error: { stdout?: string; code?: number }) => {
      if (error.code === 1 && error.stdout) return { stdout: error.stdout };
      throw error;
    },
  );
  const report = JSON.parse(stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  expect(report.summary.totalCruised).toBeGreaterThan(0);
  return report.summary.violations;
}

const describeRule = (v: Violation): string => `${v.rule.name}: ${v.from} → ${v.to}`;

describe('architecture (dependency-cruiser)', () => {
  it('src/ has no import cycles and keeps every layer rule of DESIGN.md', async () => {
    const violations = await cruise(REPO_ROOT);
    expect(violations.map(describeRule)).toEqual([]);
  });

  it('the rules catch a cycle made of type-only imports, a layer breach, Node built-ins in universal code and node/ reaching browser-only code', async () => {
    const root = mkdtempSync(join(tmpdir(), 'visionpipe-arch-'));
    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', strict: true } }),
      'src/core/types.ts': "export interface Box { x: number }\n",
      // a ground layer reaching up
      'src/postprocess/decode.ts': "import { run } from '../pipelines/run';\nexport const decode = (): number => run();\n",
      // a cycle of type-only imports
      'src/pipelines/run.ts': "import type { Options } from './options';\nexport const run = (o?: Options): number => o?.n ?? 0;\nexport interface Result { n: number }\n",
      'src/pipelines/options.ts': "import type { Result } from './run';\nexport interface Options { n: number; last?: Result }\n",
      // universal code with a Node built-in
      'src/camera/files.ts': "import { readFileSync } from 'node:fs';\nexport const read = (p: string): Buffer => readFileSync(p);\n",
      // the Node entry reaching the browser worker script
      'src/worker-entry.ts': "export const inWorker = true;\n",
      'src/node/index.ts': "import { inWorker } from '../worker-entry';\nexport const flag = inWorker;\n",
    };
    try {
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      }
      const found = (await cruise(root)).map(describeRule);
      expect(found).toEqual(
        expect.arrayContaining([
          'layer-postprocess: src/postprocess/decode.ts → src/pipelines/run.ts',
          'universal-not-node-builtins: src/camera/files.ts → fs',
          'node-not-browser-only: src/node/index.ts → src/worker-entry.ts',
        ]),
      );
      // the cycle is reported from whichever of its two modules the cruise meets first
      expect(found.filter((v) => v.startsWith('no-circular: src/pipelines/'))).toHaveLength(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
