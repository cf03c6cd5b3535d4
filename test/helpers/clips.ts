// Video clips for the fake camera, made at test time with ffmpeg into the git-ignored
// .cache/clips/ (y4m is uncompressed: never commit clips). The pan clip is a real group
// photo (three people, shipped in @vladmandic/face-api) seen through a 4:3 window that glides
// right and back (a cosine, so the clip loops without a jump) — a camera slowly panning.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { facePhoto } from './photos';

const CLIPS = join(process.cwd(), '.cache', 'clips');

function ffmpeg(): string {
  for (const candidate of [process.env.FFMPEG_PATH, '/usr/bin/ffmpeg', '/usr/local/bin/ffmpeg']) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  try {
    return execFileSync('sh', ['-c', 'command -v ffmpeg'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('ffmpeg not found: install it with `apt-get install -y --no-install-recommends ffmpeg` (or run `bash .ci/run`); the realtime tests make their camera clip with it');
  }
}

/** What the pan clip is: size, rate, length, and where in the photo the window is. */
export const PAN_CLIP = { width: 640, height: 480, fps: 30, seconds: 4, cropWidth: 1600, cropHeight: 1200, panPx: 320 } as const;

/**
 * The pan clip (640×480 @ 30 fps, 4 s, yuv420p y4m, ~55 MB), made once and reused. Frame at
 * time t shows the photo's window x = 160·(1 − cos(2πt/4)), y = 40, 1600×1200, scaled by 0.4.
 */
export function panClip(): string {
  const { width, height, fps, seconds, cropWidth, cropHeight, panPx } = PAN_CLIP;
  const out = join(CLIPS, `pan-sample1-${width}x${height}-${fps}fps-${seconds}s.y4m`);
  if (existsSync(out) && statSync(out).size > 0) return out;
  mkdirSync(CLIPS, { recursive: true });
  const partial = `${out}.part.y4m`;
  const x = `${panPx / 2}*(1-cos(2*PI*t/${seconds}))`;
  execFileSync(
    ffmpeg(),
    [
      '-y', '-loglevel', 'error',
      '-loop', '1', '-framerate', String(fps), '-i', facePhoto(1),
      '-vf', `crop=${cropWidth}:${cropHeight}:'${x}':40,scale=${width}:${height},format=yuv420p`,
      '-t', String(seconds), '-r', String(fps), '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', partial,
    ],
    { stdio: 'pipe' },
  );
  renameSync(partial, out);
  return out;
}

/**
 * The hands clip (640×480 @ 30 fps, 2 s, ~28 MB): face-api sample2 where a woman holds a hand to
 * her lip (the 800×600 window at y = 250, as test/hands uses), gliding 48 px right and back.
 */
export function handsClip(): string {
  const out = join(CLIPS, 'pan-sample2-hand-640x480-30fps-2s.y4m');
  if (existsSync(out) && statSync(out).size > 0) return out;
  mkdirSync(CLIPS, { recursive: true });
  const partial = `${out}.part.y4m`;
  execFileSync(
    ffmpeg(),
    [
      '-y', '-loglevel', 'error',
      '-loop', '1', '-framerate', '30', '-i', facePhoto(2),
      '-vf', "crop=800:600:'24*(1-cos(PI*t))':250,scale=640:480,format=yuv420p",
      '-t', '2', '-r', '30', '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', partial,
    ],
    { stdio: 'pipe' },
  );
  renameSync(partial, out);
  return out;
}

/**
 * A 1-second test pattern (160×120 @ 30 fps, VP8 WebM, ~40 KB) for playing a file in the
 * browser (`fromVideoFile`), made once and reused.
 */
export function loopClip(): string {
  const out = join(CLIPS, 'testsrc2-160x120-30fps-1s.webm');
  if (existsSync(out) && statSync(out).size > 0) return out;
  mkdirSync(CLIPS, { recursive: true });
  const partial = `${out}.part.webm`;
  execFileSync(ffmpeg(), ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=30', '-t', '1', '-c:v', 'libvpx', '-b:v', '300k', '-pix_fmt', 'yuv420p', partial], { stdio: 'pipe' });
  renameSync(partial, out);
  return out;
}
