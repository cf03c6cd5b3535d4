import { extname } from 'node:path';

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
