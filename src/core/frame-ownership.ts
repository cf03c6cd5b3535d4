// Ownership of frames (disposal helpers shared by every layer): close a bitmap or video
// frame, and mark one as given away so that a worker call transfers it instead of a copy.

/**
 * Closes an `ImageBitmap` or `VideoFrame`; does nothing for other inputs. Safe on frames that
 * are already closed or were transferred.
 *
 * @example
 * ```ts
 * closeFrame(bitmap);
 * ```
 */
export function closeFrame(frame: unknown): void {
  if (frame !== null && typeof frame === 'object' && 'close' in frame && typeof frame.close === 'function') {
    const isFrame =
      (typeof ImageBitmap === 'function' && frame instanceof ImageBitmap) ||
      (typeof VideoFrame === 'function' && frame instanceof VideoFrame);
    if (isFrame) (frame as { close(): void }).close();
  }
}

const handedOver = new WeakSet<object>();

/**
 * Marks a frame as given away: a worker pipeline then transfers this very `ImageBitmap` /
 * `VideoFrame` (or the buffer of a raw image) to its worker instead of a copy or clone, so the
 * caller's object is detached (closed) once the call is made. Without it, worker pipelines
 * leave the caller's frame usable (a `VideoFrame` is cloned — no pixel copy — an
 * `ImageBitmap` is copied once).
 *
 * @example
 * ```ts
 * const bitmap = await createImageBitmap(video);
 * await remoteDetector.run(handOver(bitmap)); // bitmap is now detached; do not close it
 * ```
 */
export function handOver<T extends object>(frame: T): T {
  handedOver.add(frame);
  return frame;
}

/**
 * Whether {@link handOver} marked this frame.
 *
 * @example
 * ```ts
 * if (isHandedOver(input)) transfer.push(input);
 * ```
 */
export function isHandedOver(frame: unknown): boolean {
  return frame !== null && typeof frame === 'object' && handedOver.has(frame);
}
