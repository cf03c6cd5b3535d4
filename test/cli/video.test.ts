import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colorFor, parseColor } from '../../src/render/colors';
import { PAN_CLIP, panClip } from '../helpers/clips';
import { fixturePhoto } from '../helpers/photos';
import { type Box, edgeColourShare, farDifference, tint, videoFrames } from './annotated-pixels';
import { cli, ensureCliBuilt } from './cli-runner';

type Det = { label: string; score: number; trackId?: number; box: Box };
type Line =
  | { video: string; frame: number; timestampMs: number; result: { detections: Det[] } }
  | { video: string; frames: number; output?: string }
  | { image: string; result: { detections: Det[] } };

const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-cli-video-'));
const SECONDS = 2;
let clip: string;

/** The first two seconds of the pan clip (a real group photo, panned) as H.264 mp4, cached in .cache/clips/. */
function panMp4(): string {
  const out = join(process.cwd(), '.cache', 'clips', `pan-sample1-${SECONDS}s.mp4`);
  if (!existsSync(out)) {
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', panClip(), '-t', String(SECONDS), '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', out], { stdio: 'pipe' });
  }
  return out;
}

function probeFrames(path: string): { codec: string; width: number; height: number; frames: number } {
  const out = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'json', path], { encoding: 'utf8' });
  const [s] = (JSON.parse(out) as { streams: { codec_name: string; width: number; height: number; nb_read_frames: string }[] }).streams;
  return { codec: s.codec_name, width: s.width, height: s.height, frames: Number(s.nb_read_frames) };
}

beforeAll(() => {
  ensureCliBuilt();
  clip = panMp4();
}, 300_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('video files through the CLI (ffmpeg decode, video mode, annotated video out)', () => {
  it('detect tracks the three people of the panned photo with stable IDs (JSON lines) and writes an annotated mp4 with one frame per analysed frame', async () => {
    const out = join(tmp, 'detect');
    const run = await cli(['detect', clip, fixturePhoto('chelsea'), '--every', '6', '--threshold', '0.3', '--json', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    const frames = lines.filter((l): l is Extract<Line, { frame: number }> => 'frame' in l);
    const expectedFrames = (SECONDS * PAN_CLIP.fps) / 6;
    expect(frames.map((f) => f.frame)).toEqual(Array.from({ length: expectedFrames }, (_, i) => i * 6));
    frames.forEach((f) => expect(f.timestampMs).toBeCloseTo((f.frame * 1000) / PAN_CLIP.fps, 6));
    const people = frames.map((f) => f.result.detections.filter((d) => d.label === 'person'));
    expect(people.flat().every((d) => Number.isInteger(d.trackId))).toBe(true);
    const first = people[0].map((d) => d.trackId);
    expect(first).toHaveLength(3);
    for (const ids of people) expect(ids.map((d) => d.trackId)).toEqual(expect.arrayContaining(first));
    // the window pans right, so each person drifts left in the frame
    for (const id of first) {
      const xs = people.map((p) => p.find((d) => d.trackId === id)!).map((d) => (d.box.x1 + d.box.x2) / 2);
      expect(xs[xs.length - 1]).toBeLessThan(xs[0] - 20);
    }
    const summary = lines.find((l): l is Extract<Line, { frames: number }> => 'frames' in l)!;
    expect(summary).toEqual({ video: clip, frames: expectedFrames, output: join(out, `pan-sample1-${SECONDS}s.annotated.mp4`) });
    expect(probeFrames(summary.output!)).toEqual({ codec: 'h264', width: PAN_CLIP.width, height: PAN_CLIP.height, frames: expectedFrames });
    // the written frames show each analysed frame with its detections' boxes in their track colours
    const drawn = videoFrames(summary.output!, PAN_CLIP.width, PAN_CLIP.height);
    const source = videoFrames(clip, PAN_CLIP.width, PAN_CLIP.height, frames.map((f) => f.frame));
    expect(drawn).toHaveLength(frames.length);
    expect(source).toHaveLength(frames.length);
    frames.forEach((f, k) => {
      for (const d of f.result.detections) expect(edgeColourShare(drawn[k], d.box, colorFor(d.trackId!), 2, 40, source[k])).toBeGreaterThan(0.9);
      // away from boxes and labels the frame is the input frame, up to H.264's loss
      const far = farDifference(drawn[k], source[k], f.result.detections.map((d) => d.box), 6, 30, 200);
      expect(far.mean).toBeLessThan(3); // measured 1.4–2.0
    });
    // an image among the inputs is one more JSON line
    const image = lines.find((l): l is Extract<Line, { image: string }> => 'image' in l)!;
    expect(image.result.detections[0].label).toBe('cat');
  });

  it('keeps track IDs when --every or --fps leaves more than the tracker\'s 1 s between analysed frames (every person got a new ID in every analysed frame)', async () => {
    for (const thinning of [['--every', '32'], ['--fps', '0.9']]) {
      const run = await cli(['detect', clip, ...thinning, '--threshold', '0.3', '--json']);
      expect(run.code).toBe(0);
      const frames = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line).filter((l): l is Extract<Line, { frame: number }> => 'frame' in l);
      expect(frames).toHaveLength(2); // frames 0 and 32 (1.07 s), or 0 and 33 (1.11 s)
      const ids = frames.map((f) => f.result.detections.filter((d) => d.label === 'person').map((d) => d.trackId).sort());
      expect(ids[0], thinning.join(' ')).toEqual([1, 2, 3]);
      expect(ids[1], thinning.join(' ')).toEqual([1, 2, 3]);
    }
  });

  it('pose samples the video at --fps and prints a table block per frame', async () => {
    const run = await cli(['pose', clip, '--fps', '5']);
    expect(run.code).toBe(0);
    const headers = run.stdout.match(/^.+ frame \d+ \(\d+\.\d\d s\): \d+ (person|people) \(\d+ ms, \w+\)$/gm) ?? [];
    expect(headers).toHaveLength(SECONDS * 5);
    // frames are numbered as in the video (as with --every), not 0, 1, 2 in the resampled stream
    expect(headers[1]).toContain(`frame ${0.2 * PAN_CLIP.fps} (0.20 s): 1 person`);
    expect(run.stdout).toMatch(/^ {4}nose +\d+ +\d+ {2}0\.\d\d$/m);
    // each person's row carries its track ID, as detect's rows do (the index is the list position)
    expect(run.stdout).toMatch(/^ {2}person 1 {2}score \d\.\d\d {2}box \[.*\] {2}\d+\/17 keypoints ≥ [\d.]+ {2}#\d+$/m);
    expect(run.stdout).toContain(`${clip}: ${SECONDS * 5} frames`);
  });

  it('face tracks the faces of the video: each row carries its #trackId (the index is the list position, which changes)', async () => {
    const run = await cli(['face', clip, '--every', '30']);
    expect(run.code).toBe(0);
    const faces = run.stdout.match(/^ {2}face \d+ {2}score .*$/gm) ?? [];
    expect(faces.length).toBeGreaterThanOrEqual(4); // two frames, two or three faces each
    for (const row of faces) expect(row).toMatch(/ points {2}#\d+$/);
    // the first frame's faces are tracks 1, 2, …
    const first = run.stdout.split(/frame 30 /)[0].match(/#\d+$/gm)!;
    expect(first).toEqual(first.map((_, i) => `#${i + 1}`));
  });

  it('segment writes a mask-overlay video of the analysed frames', async () => {
    const out = join(tmp, 'segment');
    const run = await cli(['segment', clip, '--every', '30', '--out', out]);
    expect(run.code).toBe(0);
    const shares = [...run.stdout.matchAll(/ frame (\d+) \(\d+\.\d\d s\): person (\d+\.\d)% of pixels/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(shares.map(([frame]) => frame)).toEqual([0, 30]);
    shares.forEach(([, share]) => expect(share).toBeGreaterThan(30)); // three people fill much of the frame
    const video = join(out, `pan-sample1-${SECONDS}s.mask.mp4`);
    expect(run.stdout).toContain(`${clip}: 2 frames → ${video}`);
    expect(probeFrames(video)).toMatchObject({ codec: 'h264', frames: 2 });
    // each written frame is its input frame tinted with the person colour on the printed share of pixels
    const drawn = videoFrames(video, PAN_CLIP.width, PAN_CLIP.height);
    const source = videoFrames(clip, PAN_CLIP.width, PAN_CLIP.height, [0, 30]);
    const { r, g, b } = parseColor(colorFor(1));
    shares.forEach(([, share], k) => {
      const overlay = tint(drawn[k], source[k], 0.55, 30);
      expect(Math.abs(overlay.share - share / 100)).toBeLessThan(0.01); // measured 0.002 and 0.001
      overlay.colour.forEach((c, i) => expect(Math.abs(c - [r, g, b][i])).toBeLessThan(10)); // measured 4
    });
  });

  it('without ffmpeg a video is a clear error (exit 1) while images still work; --every with --fps is a usage error', async () => {
    const run = await cli(['detect', clip, fixturePhoto('coffee')], { PATH: '/nonexistent', FFMPEG_PATH: '', FFPROBE_PATH: '' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/video input needs ffprobe, which is not on PATH: install FFmpeg .*\[BACKEND_UNAVAILABLE\]/);
    expect(run.stdout).toContain('coffee.jpg: ');
    expect(run.stderr).toContain('1 of 2 inputs failed');
    const both = await cli(['detect', clip, '--every', '2', '--fps', '5']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--every and --fps cannot be used together');
    // on images alone it changes nothing, and says so (it was taken silently)
    const images = await cli(['classify', fixturePhoto('coffee'), '--every', '3']);
    expect(images.code, images.stderr).toBe(0);
    expect(images.stderr).toContain('visionpipe: --every subsamples videos; none of the inputs is one, so it changes nothing');
    const fpsOnImages = await cli(['classify', fixturePhoto('coffee'), '--fps', '1']);
    expect(fpsOnImages.stderr).toContain('--fps subsamples videos; none of the inputs is one');
  });

  it('--json: a failed video\'s error entry is keyed video, like its frame and finished lines; images keep image', async () => {
    const broken = join(tmp, 'broken.jpg');
    writeFileSync(broken, 'not an image');
    const gone = join(tmp, 'gone.mp4');
    const coffee = fixturePhoto('coffee');
    const run = await cli(['detect', clip, broken, gone, coffee, '--json'], { PATH: '/nonexistent', FFMPEG_PATH: '', FFPROBE_PATH: '' });
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => Object.keys(l).sort())).toEqual([['error', 'video'], ['error', 'image'], ['error', 'video'], ['image', 'result']]);
    expect(lines[0]).toEqual({ video: clip, error: { code: 'BACKEND_UNAVAILABLE', message: expect.stringContaining('video input needs ffprobe') } });
    expect(lines[1]).toMatchObject({ image: broken, error: { code: expect.any(String) } });
    expect(lines[2]).toEqual({ video: gone, error: { code: 'INVALID_INPUT', message: 'no such file or folder' } });
    expect(lines[3]).toMatchObject({ image: coffee });
    expect(run.stderr).toContain('3 of 4 inputs failed');
  });
});
