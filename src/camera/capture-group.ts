import type { SourceFrame } from './frame';
import { holdsCaptureBuffer } from './frame-copy';

/** Frames within this many ms of each other are one capture (readers of a track see it ±5 µs apart). */
const SAME_CAPTURE_MS = 1;

/**
 * The frames that readers of one camera hold, shared by the sources reading that camera: a
 * frame one reader holds keeps one of the camera's few capture buffers for all of them, so a
 * {@link PushFrameSource} of the group lets a waiting frame keep its buffer only when no reader
 * holds a frame of another capture. `Webcam.frames()` sources share their webcam's group; other
 * sources have one each.
 *
 * @example
 * ```ts
 * const group = new CaptureGroup();
 * const a = new PushFrameSource({ captureGroup: group });
 * const b = new PushFrameSource({ captureGroup: group });
 * ```
 */
export class CaptureGroup {
  private readonly held = new Set<SourceFrame>();

  /** Records a frame handed to a reader (only frames that hold a capture buffer count). */
  hold(frame: SourceFrame): void {
    if (holdsCaptureBuffer(frame.frame)) this.held.add(frame);
  }

  /** Forgets a frame its reader released. */
  release(frame: SourceFrame): void {
    this.held.delete(frame);
  }

  /** Whether a reader holds, with its capture buffer, a frame of another capture than the one at `timestamp` (ms). */
  holdsOtherThan(timestamp: number): boolean {
    let other = false;
    for (const frame of this.held) {
      if (!holdsCaptureBuffer(frame.frame)) this.held.delete(frame); // closed or transferred by its reader
      else if (Math.abs(frame.timestamp - timestamp) > SAME_CAPTURE_MS) other = true;
    }
    return other;
  }
}
