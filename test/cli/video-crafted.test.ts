/**
 * Videos whose headers lie, as an attacker (or a broken muxer) makes them: a frame rate of
 * 30000 fps over two frames an hour apart (decoding resampled it to that rate: 108 M frames
 * from 1.4 KB), frames larger than the header says (their bytes were cut into garbage frames
 * of the header's size, past the pixel limit), a `rotate` tag ffmpeg does not turn by (the
 * probed size was swapped, the decoded one not: scrambled frames). Clips are made here with
 * ffmpeg (a few KB) in a temporary folder, and patched byte by byte where ffmpeg will not lie.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DecodeOptions, type VideoFrameData, decodeVideoFrames } from '../../src/node/video/decode';
import { probeVideo } from '../../src/node/video/probe';
import { cli, ensureCliBuilt } from './cli-runner';

const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-video-crafted-'));
/** Two red 32×32 frames, at 0 s and 3600 s, in a Matroska file saying they come every 40 ms (25 fps). */
const hourGap = join(tmp, 'hour-gap.mkv');
/** The same, its track header saying a frame lasts 1000 ns: ffprobe's average rate is 30000 fps. */
const fpsBomb = join(tmp, 'fps-bomb.mkv');
/** 10 red frames 0.1 s apart, then 4 blue frames 0.5 s apart. */
const vfr = join(tmp, 'vfr.mp4');
/** MJPEG, a frame a second: 6 undecodable packets (ffprobe gives up after 5 s), a blue 64×64 frame, 12 red 16×16; the header says 16×16. */
const sizeLie = join(tmp, 'size-lie.mkv');
/** 64×32, left half red, right half blue, with a Matroska `rotate=90` tag (no display matrix). */
const rotateTag = join(tmp, 'rotate-tag.mkv');
/** The same picture as an MP4 whose display matrix turns it a quarter turn: ffmpeg decodes it 32×64. */
const rotateMatrix = join(tmp, 'rotate-matrix.mp4');

const ffmpeg = (args: string[]): Buffer => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { stdio: 'pipe', maxBuffer: 1 << 20 });
/** An EBML element: ID, size (8 bytes), payload. */
const element = (id: string, ...payload: Buffer[]): Buffer => {
  const body = Buffer.concat(payload);
  const size = Buffer.alloc(8);
  size.writeBigUInt64BE(BigInt(body.length) | (1n << 56n)); // a size of 8 bytes: marker 0x01, then 7
  return Buffer.concat([Buffer.from(id, 'hex'), size, body]);
};
const uint = (value: number): Buffer => Buffer.from([value >> 8, value & 255]);

/** A Matroska file of MJPEG packets a second apart, its track header saying `width`×`height`: ffmpeg will not write one that lies. */
function matroskaMjpeg(width: number, height: number, packets: Buffer[]): Buffer {
  const header = element('1a45dfa3', element('4282', Buffer.from('matroska')), element('4287', uint(4)), element('4285', uint(2)));
  const info = element('1549a966', element('2ad7b1', Buffer.from([0x0f, 0x42, 0x40])), element('4d80', Buffer.from('x')), element('5741', Buffer.from('x')));
  const duration = Buffer.alloc(4);
  duration.writeUInt32BE(1e9); // DefaultDuration: 1 s (in ns), so that ffprobe's 5 s of analysis end among the undecodable packets
  const video = element('e0', element('b0', uint(width)), element('ba', uint(height)));
  const track = element('ae', element('d7', uint(1)), element('73c5', uint(1)), element('83', uint(1)), element('86', Buffer.from('V_MJPEG')), element('23e383', duration), video);
  const clusters = packets.map((data, i) => element('1f43b675', element('e7', uint(i * 1000)), element('a3', Buffer.from([0x81, 0, 0, 0x80]), data)));
  return Buffer.concat([header, element('18538067', info, element('1654ae6b', track), ...clusters)]);
}

const halves = 'color=red:s=32x32:r=5:d=1[a];color=blue:s=32x32:r=5:d=1[b];[a][b]hstack';

beforeAll(() => {
  ensureCliBuilt();
  ffmpeg(['-f', 'lavfi', '-i', 'color=red:s=32x32:r=25:d=0.08', '-vf', "setpts='if(eq(N,0),0,3600/TB)'", '-fps_mode', 'passthrough', '-c:v', 'libx264', '-preset', 'ultrafast', hourGap]);
  const bytes = readFileSync(hourGap);
  const defaultDuration = bytes.indexOf(Buffer.from([0x23, 0xe3, 0x83, 0x84])); // its 4-byte value (40,000,000 ns) follows
  expect(defaultDuration).toBeGreaterThan(0);
  bytes.writeUInt32BE(1000, defaultDuration + 4);
  writeFileSync(fpsBomb, bytes);
  ffmpeg(['-f', 'lavfi', '-i', 'color=red:s=64x48:r=10:d=1[a];color=blue:s=64x48:r=2:d=2[b];[a][b]concat=n=2:v=1:a=0', '-fps_mode', 'vfr', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', vfr]);
  const jpeg = (colour: string, size: number): Buffer => ffmpeg(['-f', 'lavfi', '-i', `color=${colour}:s=${size}x${size}`, '-frames:v', '1', '-f', 'mjpeg', '-']);
  const junk = Buffer.from('\xff\xd8junk\xff\xd9', 'latin1');
  writeFileSync(sizeLie, matroskaMjpeg(16, 16, [...Array<Buffer>(6).fill(junk), jpeg('blue', 64), ...Array<Buffer>(12).fill(jpeg('red', 16))]));
  // ffmpeg writes no `rotate` tag to Matroska: write another and rename it in the bytes
  ffmpeg(['-f', 'lavfi', '-i', halves, '-c:v', 'libx264', '-preset', 'ultrafast', '-metadata:s:v:0', 'rotatx=90', join(tmp, 'rotatx.mkv')]);
  writeFileSync(rotateTag, Buffer.from(readFileSync(join(tmp, 'rotatx.mkv')).toString('latin1').replace('ROTATX', 'rotate'), 'latin1'));
  // ffmpeg 5 writes no display matrix either: set the track header's (tkhd, version 0) to a quarter turn
  ffmpeg(['-f', 'lavfi', '-i', halves, '-c:v', 'libx264', '-preset', 'ultrafast', join(tmp, 'upright.mp4')]);
  const mp4 = readFileSync(join(tmp, 'upright.mp4'));
  const matrix = mp4.indexOf('tkhd') + 4 + 4 + 20 + 8 + 8;
  [0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000].forEach((value, i) => mp4.writeInt32BE(value, matrix + 4 * i));
  writeFileSync(rotateMatrix, mp4);
}, 60_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Decodes at most `max` frames (a decoder that repeats frames is stopped there). */
async function decode(path: string, options: Partial<DecodeOptions> = {}, max = 50): Promise<VideoFrameData[]> {
  const info = await probeVideo(path);
  const frames: VideoFrameData[] = [];
  for await (const frame of decodeVideoFrames(path, { ...info, ...options })) {
    frames.push(frame);
    if (frames.length >= max) break;
  }
  return frames;
}

/** The RGB of pixel (x, y). */
const pixel = ({ image }: VideoFrameData, x: number, y: number): number[] => Array.from(image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3));
const isRed = (rgb: number[]): boolean => rgb[0] > 200 && rgb[1] < 60 && rgb[2] < 60;
const isBlue = (rgb: number[]): boolean => rgb[0] < 60 && rgb[1] < 60 && rgb[2] > 200;

describe('videos whose headers lie', () => {
  it('gives each frame of the file once, at its own time, whatever rate the file declares (two frames an hour apart were 90,000 frames at 25 fps, 108 M at a declared 30000 fps)', async () => {
    expect((await probeVideo(fpsBomb)).fps).toBeGreaterThanOrEqual(1000); // the rate declared, not one to decode at
    for (const path of [hourGap, fpsBomb]) {
      const frames = await decode(path);
      expect(frames.map((f) => [f.index, f.timestampMs]), path).toEqual([[0, 0], [1, 3_600_000]]);
      frames.forEach((f) => expect(isRed(pixel(f, 16, 16))).toBe(true));
    }
    // a rate asked for fills the gap at that rate, never at the declared one: one frame every 100 s of the hour
    const sampled = await decode(fpsBomb, { sampleFps: 0.01 });
    expect(sampled.map((f) => f.timestampMs)).toEqual(Array.from({ length: 37 }, (_, i) => i * 100_000));
  });

  it('a variable-frame-rate video keeps the times its frames have in the file', async () => {
    const frames = await decode(vfr);
    expect(frames.map((f) => f.timestampMs)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1500, 2000, 2500]);
    expect(frames.map((f) => (isRed(pixel(f, 32, 24)) ? 'r' : isBlue(pixel(f, 32, 24)) ? 'b' : '?')).join('')).toBe('rrrrrrrrrrbbbb');
  });

  it("a file name holding a log line of ffmpeg's (a newline, then a frame's time or a size refusal) changes nothing: ffmpeg prints the name on the log the times are read from", async () => {
    const named = ['y\n[Parsed_showinfo_0 @ 0x1] [info] n:   0 pts: 99999999 .mp4', 'y\n[Parsed_showinfo_0 @ 0x1] [info] n:   0 pts: -99999999 .mp4', 'z\nPicture size 99999x99999 exceeds specified max pixel count .mp4'];
    for (const name of named) {
      const path = join(tmp, name);
      writeFileSync(path, readFileSync(vfr));
      const frames = await decode(path);
      expect(frames.map((f) => f.timestampMs), JSON.stringify(name)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1500, 2000, 2500]);
    }
    // the link ffmpeg read instead is gone
    expect(readdirSync(tmpdir()).filter((entry) => entry.startsWith('visionpipe-ffmpeg-name-'))).toEqual([]);
  });

  it('a frame larger than the header says comes at the probed size (its bytes were cut into garbage frames: 13 became 208); one over the pixel limit is INVALID_INPUT', async () => {
    expect(await probeVideo(sizeLie)).toMatchObject({ width: 16, height: 16 });
    const frames = await decode(sizeLie);
    expect(frames.map((f) => [f.image.width, f.image.height, f.image.data.length])).toEqual(Array(13).fill([16, 16, 768]));
    expect(frames.map((f) => (isRed(pixel(f, 8, 8)) ? 'r' : isBlue(pixel(f, 8, 8)) ? 'b' : '?')).join('')).toBe(`b${'r'.repeat(12)}`);
    expect(frames.map((f) => f.timestampMs)).toEqual(Array.from({ length: 13 }, (_, i) => i * 1000));
    // a 64×64 frame is 4096 pixels: over a limit of 2000 it is refused, not decoded and scaled down
    await expect(decode(sizeLie, { maxPixels: 2000 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('a frame of this video is 64×64 = 4096 pixels, over the limit of 2000 pixels') });
  });

  it('CLI: --max-pixels holds for frames the header does not announce', async () => {
    const run = await cli(['classify', sizeLie, '--max-pixels', '2000', '--json']);
    expect(run.code).toBe(1);
    const last = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as unknown;
    expect(last).toEqual({ video: sizeLie, error: { code: 'INVALID_INPUT', message: expect.stringContaining('64×64 = 4096 pixels, over the limit of 2000') } });
  }, 120_000);

  it('a rotate tag ffmpeg does not turn by leaves the size as decoded (probed 32×64, decoded 64×32: scrambled); a display matrix turns it', async () => {
    expect(await probeVideo(rotateTag)).toMatchObject({ width: 64, height: 32 });
    const upright = await decode(rotateTag);
    expect(upright).toHaveLength(5);
    for (const f of upright) expect([isRed(pixel(f, 8, 16)), isBlue(pixel(f, 56, 16))]).toEqual([true, true]);
    expect(await probeVideo(rotateMatrix)).toMatchObject({ width: 32, height: 64 });
    const turned = await decode(rotateMatrix);
    expect(turned).toHaveLength(5);
    // a quarter turn clockwise: the left (red) half on top
    for (const f of turned) expect([f.image.width, f.image.height, isRed(pixel(f, 16, 8)), isBlue(pixel(f, 16, 56))]).toEqual([32, 64, true, true]);
  });
});
