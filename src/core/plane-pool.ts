/**
 * Float32 planes handed out for per-frame results and taken back when those are closed (see
 * `recycleOnClose`): a video pipeline making a frame-size matte per frame fills the same few
 * arrays instead of allocating — and the garbage collector freeing — one per frame.
 */

/** Planes kept at most: one being read while the next is filled, and one spare. */
const KEPT = 2;

/**
 * A small pool of equal-length float32 planes.
 *
 * @example
 * ```ts
 * const planes = new PlanePool();
 * const plane = planes.take(320 * 240); // a kept one, or a new one
 * planes.give(plane); // once nothing reads it any more
 * ```
 */
export class PlanePool {
  private kept: Float32Array[] = [];
  private closed = false;

  /** A plane of `length` values (contents undefined: the caller overwrites every value). @example `const out = planes.take(w * h);` */
  take(length: number): Float32Array {
    const index = this.kept.findIndex((plane) => plane.length === length);
    return index >= 0 ? this.kept.splice(index, 1)[0] : new Float32Array(length);
  }

  /** Takes a plane back for a later {@link take} (dropped once {@link KEPT} are kept, or after {@link clear}). @example `planes.give(plane);` */
  give(plane: Float32Array): void {
    if (this.closed || this.kept.includes(plane)) return;
    // planes of an older frame size are dropped first
    this.kept = this.kept.filter((kept) => kept.length === plane.length);
    if (this.kept.length < KEPT) this.kept.push(plane);
  }

  /** Drops every plane and keeps none from now on (the pipeline was disposed). @example `planes.clear();` */
  clear(): void {
    this.kept = [];
    this.closed = true;
  }
}
