/**
 * Video decoding edge cases: variable-frame-rate clips (as phones record them), a sampling
 * rate lower than the clip is long, and a video with a header but no frames. Clips are made
 * here with ffmpeg (tiny, a few KB) in a temporary folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeVideoFrames, frameNumberAt } from '../../src/node/video/decode';
import { probeVideo } from '../../src/node/video/probe';
import { VideoWriter } from '../../src/node/video/encode';
import { ROOT, cli, ensureCliBuilt } from './cli-runner';

const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-video-decode-'));
/** 10 red frames 0.1 s apart (0–0.9 s), then 4 blue frames 0.5 s apart (1.0–2.5 s): 14 frames, 2.6 s. */
const vfr = join(tmp, 'vfr.mp4');
/** A y4m header with no frame after it. */
const empty = join(tmp, 'empty.y4m');
/** Two video streams: a red 64×48 one first, then a blue 96×64 one marked as the default (the one players show). */
const twoStreams = join(tmp, 'two.mkv');
/** A 3-s clip (index first) cut to its first 60 %, as an interrupted copy leaves it. */
const cut = join(tmp, 'cut.mp4');
/** 12 frames at 10 fps, frame N grey level 16 + 18·N (lossless): each frame tells its number. */
const numbered = join(tmp, 'numbered.mp4');

beforeAll(() => {
  ensureCliBuilt();
  const graph = 'color=red:s=64x48:r=10:d=1[a];color=blue:s=64x48:r=2:d=2[b];[a][b]concat=n=2:v=1:a=0';
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', graph, '-fps_mode', 'vfr', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', vfr], { stdio: 'pipe' });
  writeFileSync(empty, 'YUV4MPEG2 W64 H48 F10:1 Ip A1:1 C420jpeg\n');
  const sources = ['-f', 'lavfi', '-i', 'color=red:s=64x48:r=10:d=1', '-f', 'lavfi', '-i', 'color=blue:s=96x64:r=10:d=1'];
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...sources, '-map', '0', '-map', '1', '-disposition:v:0', '0', '-disposition:v:1', 'default', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', twoStreams], { stdio: 'pipe' });
  const whole = join(tmp, 'whole.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=10', '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', whole], { stdio: 'pipe' });
  const bytes = readFileSync(whole);
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=black:s=64x64:r=10:d=1.2', '-vf', "geq=lum='16+N*18':cb=128:cr=128", '-c:v', 'libx264', '-qp', '0', '-pix_fmt', 'yuv444p', numbered], { stdio: 'pipe' });
}, 120_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function decodeAll(path: string, sampleFps?: number): Promise<{ timestampMs: number; red: number; blue: number }[]> {
  const info = await probeVideo(path);
  const frames = [];
  for await (const { image, timestampMs } of decodeVideoFrames(path, { ...info, sampleFps })) {
    frames.push({ timestampMs, red: image.data[0], blue: image.data[2] });
  }
  return frames;
}

describe('decoding videos frame by frame', () => {
  it('gives a variable-frame-rate video the times its frames are shown at (not stretched past its end)', async () => {
    const info = await probeVideo(vfr);
    expect(info.fps).toBeCloseTo(70 / 13, 3); // 14 frames in 2.6 s; the stream's r_frame_rate is 10
    const frames = await decodeAll(vfr);
    expect(frames.length).toBeGreaterThanOrEqual(13);
    expect(frames.length).toBeLessThanOrEqual(15);
    for (const f of frames) {
      expect(f.timestampMs).toBeLessThan(2600);
      // the colour switches at 1 s; allow one output frame (186 ms) either way
      if (f.timestampMs < 800) expect(f.red, `red at ${f.timestampMs} ms`).toBeGreaterThan(200);
      if (f.timestampMs > 1200) expect(f.blue, `blue at ${f.timestampMs} ms`).toBeGreaterThan(200);
    }
  });

  it('resampled (--fps), each frame is numbered as the frame of the video it shows, at rates that do not divide the video\'s too', async () => {
    // the CLI reported round(t · fps): 3 of 9 frames at 7 samples a second of a 10 fps clip were numbered one too high
    for (const sampleFps of [7, 4, 3, 10]) {
      const frames = await decodeAll(numbered, sampleFps);
      expect(frames.length, `${sampleFps} fps`).toBeGreaterThan(3);
      for (const f of frames) {
        const shown = Math.round(f.red / ((18 * 255) / 219)); // grey 16 + 18·N in video range
        expect(frameNumberAt(f.timestampMs, 10), `${sampleFps} fps at ${f.timestampMs} ms`).toBe(shown);
      }
    }
    expect(frameNumberAt(1000 / 3, 30)).toBe(10); // 333.33… ms × 30 is 9.99999…
    expect(frameNumberAt(0, 30)).toBe(0);
  });

  it('keeps the first frame when the sampling rate is lower than one frame per clip', async () => {
    const frames = await decodeAll(vfr, 0.1); // one frame every 10 s of a 2.6 s clip
    expect(frames.map((f) => f.timestampMs)).toEqual([0]);
    expect(frames[0].red).toBeGreaterThan(200);
  });

  it('of several video streams, probes and decodes the same one: the default stream', async () => {
    const info = await probeVideo(twoStreams);
    expect([info.width, info.height]).toEqual([96, 64]);
    const frames = await decodeAll(twoStreams);
    expect(frames.map((f) => f.timestampMs)).toEqual(Array.from({ length: 10 }, (_, i) => i * 100));
    frames.forEach((f) => expect(f.blue).toBeGreaterThan(200)); // whole blue frames, not another stream's bytes cut to this size
  });

  it('CLI: the annotated video lasts as long as its source; a video with no frames fails and leaves no file', async () => {
    const out = join(tmp, 'out');
    const run = await cli(['segment', vfr, empty, '--json', '--out', out]);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { frame?: number; frames?: number; timestampMs?: number; image?: string; video?: string; error?: { code: string; message: string } });
    const frames = lines.filter((l) => l.frame !== undefined);
    expect(frames.length).toBeGreaterThanOrEqual(13);
    expect(frames.every((f) => f.timestampMs! < 2600)).toBe(true);
    const written = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', join(out, 'vfr.mask.mp4')], { encoding: 'utf8' });
    expect(Math.abs(Number(written) - 2.6)).toBeLessThan(0.3);
    expect(lines.at(-1)).toEqual({ video: empty, error: { code: 'INVALID_INPUT', message: expect.stringContaining('no frames') } });
    expect(run.stderr).toContain('empty.y4m: ffmpeg decoded no frames from this video');
    expect(readdirSync(out)).toEqual(['vfr.mask.mp4']);
    expect(existsSync(join(out, 'empty.mask.mp4'))).toBe(false);
  }, 120_000);

  it('CLI: a failed encode says why and leaves what stood at the output path alone (a folder there)', async () => {
    const out = join(tmp, 'blocked');
    mkdirSync(join(out, 'vfr.mask.mp4'), { recursive: true });
    const run = await cli(['segment', vfr, '--every', '100', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/vfr\.mp4: cannot write the video .*vfr\.mask\.mp4: it is a directory \[INFERENCE_FAILED\]/);
    expect(readdirSync(join(out, 'vfr.mask.mp4'))).toEqual([]);
  }, 120_000);

  it('CLI: a video that is a named pipe (read twice, it would hang) fails at once naming it; the other inputs still run', async () => {
    const fifo = join(tmp, 'cam.y4m');
    execFileSync('mkfifo', [fifo]);
    await expect(probeVideo(fifo)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('named pipe') });
    await expect(probeVideo(tmp)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('a folder') });
    // nobody ever writes the pipe: a run that opened it would wait forever
    const run = await cli(['segment', fifo, vfr, '--every', '100', '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cam\.y4m: this video is a named pipe, not a file/);
    expect(run.stdout).toMatch(/vfr\.mp4/);
  }, 120_000);

  it('a playlist or file list named like a video is refused, never followed to the files it names (an HLS text file as clip.mp4 read a video elsewhere on disk; a live one hung)', async () => {
    const hls = (end: boolean): string => `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nfile://${numbered}\n${end ? '#EXT-X-ENDLIST\n' : ''}`;
    const cases: [string, string][] = [
      ['clip.mp4', hls(true)],
      ['live.mp4', hls(false)],
      ['list.mkv', `ffconcat version 1.0\nfile '${numbered}'\n`],
    ];
    for (const [name, text] of cases) {
      const path = join(tmp, name);
      writeFileSync(path, text);
      await expect(probeVideo(path), name).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^this file is no video of a format visionpipe reads \(ffprobe found (hls|concat)\); it reads MP4\/MOV, Matroska\/WebM, AVI, Y4M and MPEG-TS/) });
      // the decoder refuses it too, given the real video's description
      const decoding = (async () => {
        for await (const frame of decodeVideoFrames(path, { width: 64, height: 64, fps: 10 })) return frame;
      })();
      await expect(decoding, name).rejects.toMatchObject({ message: expect.stringMatching(/not on whitelist|Invalid argument|no frame/i) });
    }
    // MPEG-TS saved as .mp4 (an HLS download) reads only its own file: it is decoded
    const ts = join(tmp, 'ts.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-t', '1', '-f', 'mpegts', ts], { stdio: 'pipe' });
    expect(await probeVideo(ts)).toMatchObject({ width: 64, height: 48, fps: 10 });
    expect((await decodeAll(ts)).length).toBe(10);
  });

  it('a writer whose ffmpeg has stopped says why on the next frame (its message was often empty: read before ffmpeg had said it)', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const writer = VideoWriter.open({ path: join(tmp, 'no-such-folder', `x${attempt}.mp4`), width: 64, height: 48, fps: 10 });
      const frame = new Uint8Array(64 * 48 * 4);
      const error = await (async () => {
        for (let i = 0; i < 1000; i++) await writer.write(frame);
      })().catch((e: unknown) => e);
      expect(error, `attempt ${attempt}`).toMatchObject({ code: 'INFERENCE_FAILED', message: expect.stringMatching(/ffmpeg stopped encoding .*x\d\.mp4 \(exit 1\): .*No such file or directory/) });
      await writer.abort();
    }
  }, 60_000);

  it('CLI: when the reader of its output goes away (| head -1), a run writing --out files still finishes them', () => {
    const out = join(tmp, 'piped');
    const printed = execFileSync('bash', ['-c', `set -o pipefail; node "${join(ROOT, 'bin/visionpipe.js')}" segment "${vfr}" --out "${out}" | head -1`], { encoding: 'utf8' });
    expect(printed.trim().split('\n')).toHaveLength(1);
    const frames = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', join(out, 'vfr.mask.mp4')], { encoding: 'utf8' });
    // every frame of the clip (13–15 as decoded above), not the one printed before the pipe closed
    expect(Number(frames.trim())).toBeGreaterThanOrEqual(13);
  }, 120_000);

  it('CLI: a video cut short is analysed as far as it decodes, with a warning that it is damaged', async () => {
    const run = await cli(['segment', cut, '--every', '100']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/cut\.mp4: 1 frame$/m);
    expect(run.stderr).toMatch(/^visionpipe: .*cut\.mp4: ffmpeg reported errors while decoding \(a damaged or cut-short video\?\); the \d+ frames it decoded were used: .+$/m);
  }, 120_000);
});
