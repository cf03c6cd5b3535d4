// Copies of capture frames in their own memory. A camera lends its frames from a small pool of
// capture buffers (Chromium's fake camera: two frames may be out at once): a `VideoFrame` that
// stays open keeps its buffer, and once the pool is out the camera stops delivering — to every
// consumer of that camera. Frames that must live longer than a frame interval are copied out of
// the pool (their buffer goes back at once); the copy keeps format, size and timestamp.
import type { ImageInput } from '../core/image-input';
import type { SourceFrame } from './frame';

/** `VideoFrameBufferInit` with `transfer` (adopt the buffer, no second copy), missing from TypeScript's DOM types. */
type CopyInit = VideoFrameBufferInit & { transfer?: ArrayBuffer[] };

const copies = new WeakSet<object>();

/**
 * Whether `frame` is a `VideoFrame` that may hold a capture buffer: every open `VideoFrame` except the
 * copies {@link copyVideoFrame} made.
 *
 * @example
 * ```ts
 * if (holdsCaptureBuffer(item.frame)) item.frame = await copyVideoFrame(item.frame) ?? item.frame;
 * ```
 */
export function holdsCaptureBuffer(frame: unknown): frame is VideoFrame {
  return typeof VideoFrame === 'function' && frame instanceof VideoFrame && frame.format !== null && !copies.has(frame);
}

/**
 * A copy of `frame` in memory of its own (same pixel format, visible size, display size, colour
 * space, timestamp and duration), or `null` when it cannot be copied (closed, or a format
 * `copyTo` cannot read). `frame` is left open: close it to give its buffer back.
 *
 * @example
 * ```ts
 * const copy = await copyVideoFrame(cameraFrame);
 * if (copy) cameraFrame.close(); // the camera has its buffer back; `copy` is yours to close
 * ```
 */
export async function copyVideoFrame(frame: VideoFrame): Promise<VideoFrame | null> {
  try {
    const format = frame.format;
    if (format === null) return null;
    const rect = frame.visibleRect;
    if (!rect) return null;
    const buffer = new ArrayBuffer(frame.allocationSize());
    const layout = await frame.copyTo(buffer);
    const init: CopyInit = {
      format,
      codedWidth: rect.width,
      codedHeight: rect.height,
      displayWidth: frame.displayWidth,
      displayHeight: frame.displayHeight,
      timestamp: frame.timestamp,
      duration: frame.duration ?? undefined,
      colorSpace: frame.colorSpace.toJSON(),
      layout,
      transfer: [buffer],
    };
    const copy = new VideoFrame(buffer, init);
    copies.add(copy);
    return copy;
  } catch {
    return null;
  }
}

/**
 * `frame` with its picture moved out of the capture pool: when it holds a capture buffer (an
 * owned `VideoFrame`), a frame over a copy (released by the new frame's `release()`) and the
 * original released; otherwise `frame` itself. Timestamps and index are kept.
 *
 * @example
 * ```ts
 * const held = await detachFromCapture(await source.next().then((s) => s.value!));
 * await slowWork(held.frame); // the camera keeps delivering meanwhile
 * held.release();
 * ```
 */
export async function detachFromCapture(frame: SourceFrame): Promise<SourceFrame> {
  if (!frame.owned || !holdsCaptureBuffer(frame.frame)) return frame;
  const copy = await copyVideoFrame(frame.frame);
  if (!copy) return frame;
  frame.release();
  let released = false;
  const picture: ImageInput = copy;
  return {
    frame: picture,
    timestamp: frame.timestamp,
    capturedAt: frame.capturedAt,
    index: frame.index,
    owned: true,
    release: () => {
      if (released) return;
      released = true;
      copy.close();
    },
  };
}
