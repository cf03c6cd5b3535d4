import { execFile } from 'node:child_process';
import { type Stats, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { VisionError, describeError } from '../../core/errors';
import { type ImageInputLimits, effectiveMaxPixels } from '../../core/image-input';
import { checkImageSize } from '../../core/image-limits';
import { ffmpegVideoInput, findFfmpegTool } from './ffmpeg-binary';

const run = promisify(execFile);

/** How long ffprobe may read a video's headers (a file it cannot finish, whatever the reason, fails instead of hanging). */
const PROBE_TIMEOUT_MS = 60_000;

/**
 * What `ffprobe` says about a video's first video stream.
 *
 * @example
 * ```ts
 * const info: VideoInfo = { width: 640, height: 480, fps: 30, frames: 120, durationS: 4 };
 * ```
 */
export interface VideoInfo {
  width: number;
  height: number;
  /** Average frame rate. */
  fps: number;
  /** Frame count when the container says it (or duration × fps), else undefined. */
  frames?: number;
  durationS?: number;
  /** The index of the stream described (for `decodeVideoFrames`, so both read the same one). */
  stream?: number;
}

interface ProbeStream {
  index?: number;
  disposition?: { default?: number; attached_pic?: number };
  width?: number;
  height?: number;
  side_data_list?: { rotation?: number }[];
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  duration?: string;
}

function rate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const [num, den = '1'] = value.split('/');
  const fps = Number(num) / Number(den);
  return Number.isFinite(fps) && fps > 0 ? fps : undefined;
}

function positive(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * A video is read twice — probed, then decoded — so it must be a file: a named pipe (an ffmpeg
 * or camera feed written to `cam.y4m`) would be drained by the probe and leave the decoder
 * waiting forever, and a device never ends.
 */
function checkRegularFile(path: string): void {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new VisionError('INVALID_INPUT', `cannot read this video (${(error as NodeJS.ErrnoException).code ?? describeError(error)})`, { cause: error });
  }
  if (!stats.isFile()) {
    const kind = stats.isFIFO() ? 'a named pipe' : stats.isDirectory() ? 'a folder' : 'a device or socket';
    throw new VisionError('INVALID_INPUT', `this video is ${kind}, not a file: videos are read twice (probed, then decoded); save the stream to a file first, or send its frames as images`);
  }
}

/**
 * Reads a video's size (as decoded: rotated videos upright), frame rate, length and frame
 * count with `ffprobe`, from the stream a player shows (of several video streams the default
 * one, cover art left out; its index is `stream`). A file that is not a video (or has no video stream), or whose frames
 * are over the pixel limit (`limits.maxPixels`, default the platform's, else 2^26), or that is
 * no regular file (a named pipe, a device: a video is read twice) is `INVALID_INPUT`; a missing
 * ffprobe is `BACKEND_UNAVAILABLE`. Any file name works (it is
 * passed to ffprobe as a `file:` path). Only video formats are read (MP4/MOV, Matroska/WebM, AVI,
 * Y4M): a playlist or file list named like a video is `INVALID_INPUT`, never followed to the
 * files it names.
 *
 * @example
 * ```ts
 * const { width, height, fps } = await probeVideo('clip.mp4');
 * ```
 */
export async function probeVideo(path: string, limits: ImageInputLimits = {}): Promise<VideoInfo> {
  const maxPixels = effectiveMaxPixels(limits);
  checkRegularFile(path);
  const ffprobe = findFfmpegTool('ffprobe');
  let stdout: string;
  try {
    const entries = 'stream=index,width,height,avg_frame_rate,r_frame_rate,nb_frames,duration:stream_disposition=default,attached_pic:stream_side_data=rotation:format=duration';
    ({ stdout } = await run(ffprobe, ['-v', 'error', '-select_streams', 'v', '-show_entries', entries, '-of', 'json', ...ffmpegVideoInput(path)], { maxBuffer: 1 << 20, timeout: PROBE_TIMEOUT_MS }));
  } catch (error) {
    if ((error as { killed?: boolean }).killed) throw new VisionError('INVALID_INPUT', `ffprobe did not finish reading this video in ${PROBE_TIMEOUT_MS / 1000} s`, { cause: error });
    const lines = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n');
    // the reason is on an earlier line than the last ("Invalid argument") for a format it refuses
    const refused = lines.find((line) => /not on whitelist/.test(line));
    if (refused) throw new VisionError('INVALID_INPUT', `this file is no video of a format visionpipe reads (${refused.replace(/^\[(\w+)[^\]]*\].*$/, 'ffprobe found $1')}); it reads MP4/MOV, Matroska/WebM, AVI, Y4M and MPEG-TS — never a playlist or list of other files`, { cause: error });
    const detail = lines.pop();
    throw new VisionError('INVALID_INPUT', `ffprobe cannot read this video (${detail})`, { cause: error });
  }
  let parsed: { streams?: ProbeStream[]; format?: { duration?: string } };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch (error) {
    throw new VisionError('INVALID_INPUT', 'ffprobe gave no readable description of this video', { cause: error });
  }
  // The stream a player shows: the default one among real videos (cover art is an attached picture), else the first.
  const videos = (parsed.streams ?? []).filter((st) => st.disposition?.attached_pic !== 1);
  const stream = videos.find((st) => st.disposition?.default === 1) ?? videos[0] ?? parsed.streams?.[0];
  if (!stream?.width || !stream.height) throw new VisionError('INVALID_INPUT', 'the file has no video stream');
  checkImageSize(stream.width, stream.height, 'each frame of this video', maxPixels);
  const fps = rate(stream.avg_frame_rate) ?? rate(stream.r_frame_rate);
  if (fps === undefined) throw new VisionError('INVALID_INPUT', 'ffprobe reports no frame rate for this video');
  const durationS = positive(stream.duration) ?? positive(parsed.format?.duration);
  const counted = positive(stream.nb_frames);
  const frames = counted ?? (durationS === undefined ? undefined : Math.round(durationS * fps));
  // ffmpeg turns rotated phone videos upright when decoding: report the size its frames will
  // have. It turns them by the display matrix only (ffmpeg 5+): a `rotate` tag (a Matroska tag,
  // or an old ffmpeg's MP4 tag beside the matrix) turns nothing, so it must not swap the size.
  const rotation = Math.round(Number(stream.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0));
  const sideways = Math.abs(rotation) % 180 === 90;
  return { width: sideways ? stream.height : stream.width, height: sideways ? stream.width : stream.height, fps, frames, durationS, stream: stream.index };
}
