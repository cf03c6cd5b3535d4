/**
 * A video run that is stopped: Ctrl-C (SIGINT) in the middle of `--out` left a cut-short
 * annotated video that played as if finished, over the complete one of an earlier run; and
 * `--fps` above the video's own rate analysed the same frames several times. Clips are made
 * here with ffmpeg in a temporary folder.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cli, ensureCliBuilt } from './cli-runner';

const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-video-interrupt-'));
/** 60 s of a 64×48 test pattern at 10 fps: far longer than the test waits. */
const long = join(tmp, 'long.mp4');
/** 2 s at 10 fps: 20 frames. */
const short = join(tmp, 'short.mp4');

const pattern = (path: string, seconds: number): void => {
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=10', '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path], { stdio: 'pipe' });
};

beforeAll(() => {
  ensureCliBuilt();
  pattern(long, 60);
  pattern(short, 2);
}, 120_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the CLI, sends `signal` (default SIGINT) once `lines` JSON lines are printed; resolves with the exit code and the time from the signal to the exit. */
function interruptAfter(args: string[], lines: number, signal: NodeJS.Signals = 'SIGINT'): Promise<{ code: number | null; signal: string | null; exitMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/visionpipe.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let printed = '';
    let sentAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      if (!sentAt && printed.split('\n').length > lines) {
        sentAt = Date.now();
        child.kill(signal);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, exitMs: sentAt ? Date.now() - sentAt : -1 }));
  });
}

describe('a video run that is stopped', () => {
  it('Ctrl-C: exits 130 at once, the earlier video of that name stays whole, no temporary file or ffmpeg is left', async () => {
    const out = join(tmp, 'out');
    mkdirSync(out);
    const earlier = join(out, 'long.mask.mp4');
    writeFileSync(earlier, 'the complete video of an earlier run');
    const { code, signal, exitMs } = await interruptAfter(['segment', long, '--out', out, '--json'], 3);
    expect({ code, signal }).toEqual({ code: 130, signal: null });
    expect(exitMs).toBeGreaterThanOrEqual(0);
    expect(exitMs).toBeLessThan(10_000);
    expect(readdirSync(out)).toEqual(['long.mask.mp4']);
    expect(readFileSync(earlier, 'utf8')).toBe('the complete video of an earlier run');
    // the writer's ffmpeg was killed, not left encoding into a deleted file
    const encoders = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((p) => p.includes('ffmpeg') && p.includes(out));
    expect(encoders).toEqual([]);
  }, 120_000);

  it('a closed terminal (SIGHUP) cleans up as Ctrl-C does: exit 129, no temporary video left (one stayed)', async () => {
    const out = join(tmp, 'hangup');
    mkdirSync(out);
    const { code, signal } = await interruptAfter(['segment', long, '--out', out, '--json'], 3, 'SIGHUP');
    expect({ code, signal }).toEqual({ code: 129, signal: null });
    expect(readdirSync(out)).toEqual([]);
  }, 120_000);

  it('Ctrl-C in a terminal while the progress bar shows gives the cursor back (the shell was left without one)', async () => {
    // a real terminal: script(1) runs the CLI on a pseudo-terminal and passes on the Ctrl-C (byte 3) typed into it
    const typed = spawn('script', ['-qefc', `${process.execPath} ${join(ROOT, 'bin/visionpipe.js')} detect ${long} ${long}`, '/dev/null'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let shown = '';
    let typedCtrlC = false;
    typed.stdin.on('error', () => undefined); // script(1) may be gone by the time a write arrives
    typed.stdout.on('data', (chunk: Buffer) => {
      shown += chunk.toString('latin1');
      // once the bar has been drawn and a frame's result printed below it
      if (!typedCtrlC && /frames \|/.test(shown) && /frame \d+ \(/.test(shown)) {
        typedCtrlC = true;
        typed.stdin.write('\x03');
      }
    });
    const code = await new Promise<number | null>((resolve) => typed.on('close', resolve));
    expect(code).toBe(130);
    const hidden = shown.lastIndexOf('\x1b[?25l');
    expect(hidden).toBeGreaterThanOrEqual(0);
    expect(shown.indexOf('\x1b[?25h', hidden)).toBeGreaterThan(hidden);
  }, 120_000);

  it('a video whose name leaves no room for a temporary suffix is written (it failed after the whole video was analysed)', async () => {
    const out = join(tmp, 'named');
    mkdirSync(out);
    const named = join(tmp, `${'v'.repeat(240)}.mp4`);
    copyFileSync(short, named);
    const run = await cli(['segment', named, '--out', out, '--every', '5']);
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(out)).toEqual([`${'v'.repeat(240)}.mask.mp4`]);
  }, 120_000);

  it('a finished run replaces the earlier video with the whole new one', async () => {
    const out = join(tmp, 'again');
    mkdirSync(out);
    writeFileSync(join(out, 'short.mask.mp4'), 'old');
    const run = await cli(['segment', short, '--out', out, '--every', '5']);
    expect(run.code).toBe(0);
    expect(readdirSync(out)).toEqual(['short.mask.mp4']);
    const frames = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', join(out, 'short.mask.mp4')], { encoding: 'utf8' });
    expect(Number(frames.trim())).toBe(4);
  }, 120_000);

  it('--fps above the video\'s rate analyses every frame once, with a warning (it analysed 0, 0, 1, 1, 1, 2, …)', async () => {
    const run = await cli(['segment', short, '--fps', '30', '--json']);
    expect(run.code).toBe(0);
    const numbers = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { frame?: number }).filter((l) => l.frame !== undefined).map((l) => l.frame);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(run.stderr).toContain("short.mp4: --fps 30 is above the video's 10 frames a second: every frame is analysed once");
  }, 120_000);
});
