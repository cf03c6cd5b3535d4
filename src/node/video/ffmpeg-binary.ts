import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { VisionError } from '../../core/errors';

/**
 * The two programs visionpipe's video support spawns.
 *
 * @example
 * ```ts
 * const tool: FfmpegTool = 'ffprobe';
 * ```
 */
export type FfmpegTool = 'ffmpeg' | 'ffprobe';

const ENV: Readonly<Record<FfmpegTool, string>> = { ffmpeg: 'FFMPEG_PATH', ffprobe: 'FFPROBE_PATH' };

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds `ffmpeg` or `ffprobe`: `$FFMPEG_PATH` / `$FFPROBE_PATH` when set, else the first
 * executable on `$PATH`. Missing → `VisionError('BACKEND_UNAVAILABLE')` saying how to install it.
 *
 * @example
 * ```ts
 * const ffmpeg = findFfmpegTool('ffmpeg'); // '/usr/bin/ffmpeg'
 * ```
 */
export function findFfmpegTool(tool: FfmpegTool, env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env[ENV[tool]];
  if (explicit) {
    if (executable(explicit)) return explicit;
    throw new VisionError('BACKEND_UNAVAILABLE', `$${ENV[tool]} is '${explicit}', which is not an executable ${tool}`);
  }
  for (const folder of (env.PATH ?? '').split(delimiter)) {
    if (folder && executable(join(folder, tool))) return join(folder, tool);
  }
  throw new VisionError(
    'BACKEND_UNAVAILABLE',
    `video input needs ${tool}, which is not on PATH: install FFmpeg (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg) or set $${ENV[tool]}`,
  );
}

/**
 * A file path as an ffmpeg/ffprobe argument that can only mean that file: absolute, behind
 * the `file:` protocol. A bare name is misread by ffmpeg when it starts with `-` (an option)
 * or has a `:` before any `/` (`a:b.mp4`, `2024-01-01T10:30:00.mp4`: a protocol).
 *
 * @example
 * ```ts
 * ffmpegFileArg('-x.mp4'); // 'file:/current/folder/-x.mp4'
 * ```
 */
export function ffmpegFileArg(path: string): string {
  return `file:${resolve(path)}`;
}

/**
 * The demuxers a video input may be read with: those of the video files visionpipe takes (MP4 /
 * MOV, Matroska / WebM, AVI, Y4M) and MPEG-TS, which HLS downloads saved as `.mp4` hold (it reads
 * only its own file). ffmpeg picks a demuxer from a file's content, not its name: a
 * text file named `clip.mp4` holding an HLS playlist or an ffconcat list would otherwise read the
 * files it names, anywhere on disk (or wait forever for a live playlist's next segment).
 */
const VIDEO_DEMUXERS = 'mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,yuv4mpegpipe,mpegts';

/**
 * The input arguments of ffmpeg or ffprobe for a video file: only that file (the `file`
 * protocol, {@link ffmpegFileArg}) read with a video demuxer of the formats visionpipe takes; a
 * playlist or list of other files in disguise is refused by ffmpeg ("Format not on whitelist").
 *
 * @example
 * ```ts
 * spawn('ffmpeg', ['-v', 'error', ...ffmpegVideoInput('clip.mp4'), '-f', 'null', '-']);
 * ```
 */
export function ffmpegVideoInput(path: string): string[] {
  return ['-format_whitelist', VIDEO_DEMUXERS, '-protocol_whitelist', 'file', '-i', ffmpegFileArg(path)];
}
