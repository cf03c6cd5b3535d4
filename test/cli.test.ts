import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fixturePhoto } from './helpers/photos';

const run = promisify(execFile);
const BIN = new URL('../bin/visionpipe.js', import.meta.url).pathname;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('visionpipe CLI (built bin, as a user runs it)', () => {
  it('detects the people in the bundled photo with no arguments', async () => {
    const { code, stdout } = await cli('detect');
    expect(code).toBe(0);
    expect(stdout).toMatch(/photo\.jpg: \d+ objects/);
    expect(stdout.match(/^ {2}person /gm)).toHaveLength(3);
    expect(stdout).toContain('wine glass');
  });

  it('prints JSON results for given images', async () => {
    const { code, stdout } = await cli('detect', fixturePhoto('chelsea'), '--json', '--threshold', '0.5');
    expect(code).toBe(0);
    const [entry] = JSON.parse(stdout) as { image: string; result: { detections: { label: string; score: number }[] } }[];
    expect(entry.result.detections[0].label).toBe('cat');
    expect(entry.result.detections.every((d) => d.score >= 0.5)).toBe(true);
  });

  it('writes annotated images with --out', async () => {
    const out = mkdtempSync(join(tmpdir(), 'visionpipe-cli-'));
    const { code, stdout } = await cli('detect', fixturePhoto('coffee'), '--out', out);
    expect(code).toBe(0);
    const written = join(out, 'coffee.annotated.png');
    expect(stdout).toContain(written);
    const meta = await sharp(written).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 600, 400]);
    rmSync(out, { recursive: true, force: true });
  });

  it('classifies', async () => {
    const { code, stdout } = await cli('classify', fixturePhoto('coffee'), '--top', '2');
    expect(code).toBe(0);
    expect(stdout).toMatch(/ {2}Neutral +0\.9\d\d/);
  });

  it('exits 1 with a clear message for a missing image, 2 for usage errors, 0 for --help', async () => {
    const missing = await cli('detect', 'no/such/photo.jpg');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no\/such\/photo\.jpg.*INVALID_INPUT/);
    const unknown = await cli('paint');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'paint'");
    const badModel = await cli('detect', '--model', 'yolo-v99');
    expect(badModel.code).toBe(2);
    expect(badModel.stderr).toContain('centernet-coco');
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: visionpipe');
  });
});
