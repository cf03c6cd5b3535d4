import { extname } from 'node:path';
import { VisionError } from '../../core/errors';

/**
 * File extensions the CLI treats as videos (case-insensitive): decoded with ffmpeg frame by frame.
 *
 * @example
 * ```ts
 * VIDEO_EXTENSIONS.includes('webm'); // true
 * ```
 */
export const VIDEO_EXTENSIONS: readonly string[] = ['mp4', 'webm', 'mov', 'mkv', 'avi', 'y4m'];

/**
 * Whether a path names a video file, by its extension.
 *
 * @example
 * ```ts
 * isVideoFile('clips/walk.MP4'); // true
 * ```
 */
export function isVideoFile(path: string): boolean {
  return VIDEO_EXTENSIONS.includes(extname(path).slice(1).toLowerCase());
}

/**
 * The error for a video given to a command that takes images only (embed, search, map, caption,
 * …): `INVALID_INPUT`, naming the commands that take videos. One message for every such command.
 *
 * @example
 * ```ts
 * if (isVideoFile(file) && !task.takesVideo) throw imagesOnlyError();
 * ```
 */
export function imagesOnlyError(): VisionError {
  return new VisionError('INVALID_INPUT', 'this command takes images; videos work with detect, classify, segment, pose, hands, face and matte');
}

/**
 * Throws {@link imagesOnlyError} when `file` is a video (by its extension, as the other
 * commands tell videos from images), before anything tries to decode it as an image.
 *
 * @example
 * ```ts
 * refuseVideo('clip.mp4'); // throws INVALID_INPUT: this command takes images; videos work with …
 * ```
 */
export function refuseVideo(file: string): void {
  if (isVideoFile(file)) throw imagesOnlyError();
}
