/**
 * Hostile file names through the CLI: videos named like ffmpeg options and protocols
 * (`-x.mp4`, `a:b.mp4`, `2024-01-01T10:30:00.mp4`, also as `--out`), same-named inputs and an
 * output-like input name in the `--out` folder (outputs unique, inputs never overwritten),
 * `--out` naming a file (usage error), and an unreadable file or folder (permission denied). Clips are
 * made here with ffmpeg; the CLI runs in the temporary folder so the names stay relative.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePhoto } from '../helpers/photos';
import { type CliRun, ROOT, ensureCliBuilt } from './cli-runner';

const BIN = join(ROOT, 'bin/visionpipe.js');
const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-cli-names-'));
const VIDEOS = ['-x.mp4', 'a:b.mp4', '2024-01-01T10:30:00.mp4'];

/** Runs the CLI in `cwd` (as `uid`, when given); never throws on a non-zero exit. */
function cliIn(cwd: string, args: readonly string[], uid?: number): Promise<CliRun> {
  return new Promise((resolve) => {
    const ids = uid === undefined ? {} : { uid, gid: uid };
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 180_000, maxBuffer: 64 << 20, ...ids }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function frames(path: string): number {
  const out = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', `file:${path}`], { encoding: 'utf8' });
  return Number(out.trim());
}

beforeAll(() => {
  ensureCliBuilt();
  // a 1 s, 10 fps, 160×120 test pattern, copied under each hostile name
  const clip = join(tmp, 'clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10', '-t', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip], { stdio: 'pipe' });
  for (const name of VIDEOS) copyFileSync(clip, join(tmp, name));
  for (const dir of ['d1', 'd2', 'in']) mkdirSync(join(tmp, dir));
  for (const path of ['d1/a.jpg', 'd2/a.jpg', 'a-2.jpg', 'in/x.jpg', 'in/x.annotated.png']) copyFileSync(fixturePhoto('chelsea'), join(tmp, path));
  writeFileSync(join(tmp, 'taken.txt'), 'a file, not a folder');
}, 300_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('CLI file names', () => {
  it('reads and writes videos whose names look like ffmpeg options or protocols', async () => {
    const out = '2024-01-01T10:30:00';
    const run = await cliIn(tmp, ['detect', '--json', '--out', out, '--', ...VIDEOS]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { video?: string; frames?: number; frame?: number; output?: string });
    const finished = lines.filter((l) => l.frames !== undefined);
    expect(finished.map((l) => l.video)).toEqual(VIDEOS);
    for (const line of finished) {
      expect(line.frames).toBe(10);
      expect(frames(join(tmp, line.output!))).toBe(10);
    }
    expect(finished.map((l) => l.output)).toEqual(['-x', 'a:b', '2024-01-01T10:30:00'].map((n) => join(out, `${n}.annotated.mp4`)));
  });

  it('gives same-named inputs distinct outputs and never overwrites an input in the --out folder', async () => {
    const input = readFileSync(join(tmp, 'in/x.annotated.png'));
    const run = await cliIn(tmp, ['detect', 'd1/a.jpg', 'd2/a.jpg', 'a-2.jpg', 'in/x.jpg', 'in/x.annotated.png', '--out', 'in', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const entries = JSON.parse(run.stdout) as { image: string; output: string }[];
    expect(Object.fromEntries(entries.map((e) => [e.image, e.output]))).toEqual({
      'd1/a.jpg': 'in/a.annotated.png',
      'd2/a.jpg': 'in/a-3.annotated.png',
      'a-2.jpg': 'in/a-2.annotated.png',
      'in/x.jpg': 'in/x-2.annotated.png',
      'in/x.annotated.png': 'in/x.annotated.annotated.png',
    });
    expect(readFileSync(join(tmp, 'in/x.annotated.png')).equals(input)).toBe(true);
    // a second run names the same files the same way (deterministic)
    const again = await cliIn(tmp, ['detect', 'd1/a.jpg', 'd2/a.jpg', 'a-2.jpg', 'in/x.jpg', 'in/x.annotated.png', '--out', 'in', '--json']);
    expect((JSON.parse(again.stdout) as { output: string }[]).map((e) => e.output)).toEqual(entries.map((e) => e.output));
  });

  it('cuts names too long for a file name with their suffix, at a character boundary, and keeps them unique (they failed with ENAMETOOLONG)', async () => {
    // 252 and 254 bytes: legal input names whose `<name>.annotated.png` would be past 255 bytes
    const long = ['a'.repeat(248), `${'a'.repeat(247)}b`, 'é'.repeat(125)];
    mkdirSync(join(tmp, 'long'), { recursive: true });
    for (const name of long) copyFileSync(fixturePhoto('chelsea'), join(tmp, 'long', `${name}.jpg`));
    const run = await cliIn(tmp, ['detect', ...long.map((name) => `long/${name}.jpg`), '--out', 'long-out', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const outputs = (JSON.parse(run.stdout) as { output: string }[]).map((e) => e.output.slice('long-out/'.length));
    // the first two share their first 241 bytes: the second gets -2
    expect(outputs).toEqual([`${'a'.repeat(241)}.annotated.png`, `${'a'.repeat(239)}-2.annotated.png`, `${'é'.repeat(120)}.annotated.png`]);
    for (const output of outputs) {
      expect(Buffer.byteLength(output)).toBeLessThanOrEqual(255);
      expect(readFileSync(join(tmp, 'long-out', output)).subarray(1, 4).toString()).toBe('PNG');
    }
  });

  it('refuses an --out that is a link to nothing as a usage error before any work (every input failed with ENOENT)', async () => {
    symlinkSync(join(tmp, 'no-such-folder'), join(tmp, 'dangling'));
    for (const out of ['dangling', 'dangling/sub']) {
      const run = await cliIn(tmp, ['detect', 'd1/a.jpg', '--out', out]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--out '${out}' cannot be made: 'dangling' is a link that leads nowhere (to a missing file, or round in a loop) [INVALID_OPTION]`);
      expect(run.stderr).not.toMatch(/ENOENT|a\.jpg/);
    }
  });

  it('refuses --out naming an existing file as a usage error, once', async () => {
    const run = await cliIn(tmp, ['detect', 'd1/a.jpg', 'd2/a.jpg', '--out', 'taken.txt']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--out 'taken.txt' is an existing file; --out takes a folder");
    expect(run.stderr).not.toMatch(/EEXIST/);
    expect(run.stderr.match(/existing file/g)).toHaveLength(1);
  });

  it('refuses an --out that cannot be made because a file stands in its path, as a usage error before any work', async () => {
    const run = await cliIn(tmp, ['detect', 'd1/a.jpg', 'd2/a.jpg', '--out', 'taken.txt/sub/out']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--out 'taken.txt/sub/out' cannot be made: 'taken.txt' is a file, not a folder [INVALID_OPTION]");
    expect(run.stderr).not.toMatch(/ENOTDIR|a\.jpg/);
  });

  it('says permission denied for an unreadable image', async () => {
    // root reads any file whatever its mode, so the CLI runs as the unprivileged user `nobody`
    // (uid 65534) when the tests run as root.
    const dir = mkdtempSync(join(tmpdir(), 'visionpipe-cli-perm-'));
    try {
      chmodSync(dir, 0o755);
      const locked = join(dir, 'locked.jpg');
      copyFileSync(fixturePhoto('chelsea'), locked);
      chmodSync(locked, 0o000);
      const uid = process.getuid?.() === 0 ? 65534 : undefined;
      const run = await cliIn(dir, ['classify', 'locked.jpg'], uid);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("cannot read image file 'locked.jpg': permission denied [INVALID_INPUT]");
      expect(run.stderr).not.toMatch(/unsupported image format/);
      // an unreadable folder is one failed input: the readable image is still classified (the whole run stopped, with no JSON)
      mkdirSync(join(dir, 'locked-folder'), { mode: 0o000 });
      copyFileSync(fixturePhoto('chelsea'), join(dir, 'ok.jpg'));
      chmodSync(join(dir, 'ok.jpg'), 0o644);
      const mixed = await cliIn(dir, ['classify', 'ok.jpg', 'locked-folder', '--json'], uid);
      expect(mixed.code).toBe(1);
      expect(mixed.stderr).toContain('locked-folder: folder cannot be read (permission denied) [INVALID_INPUT]');
      expect(mixed.stderr).toContain('1 of 2 inputs failed');
      const results = JSON.parse(mixed.stdout) as { image: string; result?: unknown; error?: { code: string } }[];
      expect(results.map((r) => [r.image, r.error?.code ?? 'ok'])).toEqual([['ok.jpg', 'ok'], ['locked-folder', 'INVALID_INPUT']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what a directory given as an image is', async () => {
    mkdirSync(join(tmp, 'folder.jpg'));
    const run = await cliIn(tmp, ['classify', 'folder.jpg', 'd1/a.jpg']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('folder.jpg: folder has no images');
  });
});
