import { rmSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { onInterrupt } from '../interrupt-cleanup';

/** C0 controls and DEL: ffmpeg prints the input's name on its log as it is, a newline starting a line of its own. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * A path to a video that ffmpeg can print on its log without making a line there: the path
 * itself, or — where it has a control character — a link to the file in a new temporary
 * folder. The frame times are read off that log: a file named `x⏎[Parsed_showinfo_0 @ 0x1]
 * [info] n: 0 pts: 99999999 .mp4` gave its frames false times (and dropped all but one), and a
 * name with a "Picture size … exceeds" line got a valid video refused. `release` removes the
 * link (a signal meanwhile removes it too).
 *
 * @example
 * ```ts
 * const input = await logSafeVideoPath(file);
 * try { spawn('ffmpeg', ['-i', input.path, …]); } finally { await input.release(); }
 * ```
 */
export async function logSafeVideoPath(path: string): Promise<{ path: string; release: () => Promise<void> }> {
  if (!CONTROL.test(path)) return { path, release: async () => undefined };
  const folder = await mkdtemp(join(tmpdir(), 'visionpipe-ffmpeg-name-'));
  const cancel = onInterrupt(() => rmSync(folder, { recursive: true, force: true }));
  const release = async (): Promise<void> => {
    cancel();
    await rm(folder, { recursive: true, force: true });
  };
  try {
    const link = join(folder, 'video');
    await symlink(resolve(path), link);
    return { path: link, release };
  } catch (error) {
    await release();
    throw error;
  }
}
