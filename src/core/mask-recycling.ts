/**
 * Giving a mask's data back when the mask is closed: a video pipeline that makes a frame-size
 * mask per frame fills the same arrays again (see `PlanePool`) instead of allocating one per frame.
 */

/** Where each mask's data goes when it is closed. */
const recyclers = new WeakMap<object, (data: Float32Array) => void>();

/**
 * Hands a probability mask's data to `recycle` when the mask is closed, so that the pipeline
 * that made it can fill the same array for a later frame instead of allocating one (a mask's
 * data never leaves it: every reader copies, and a closed mask reads nothing). For pipelines
 * that make a frame-size mask per video frame; a mask never closed just keeps its array.
 *
 * @example
 * ```ts
 * const alpha = recycleOnClose(Mask.create('probability', w, h, planes.take(w * h)), (data) => planes.give(data));
 * ```
 */
export function recycleOnClose<M extends object>(mask: M, recycle: (data: Float32Array) => void): M {
  recyclers.set(mask, recycle);
  return mask;
}

/** The function a closed mask gives its data to, if {@link recycleOnClose} set one. @example `recyclerOf(mask)?.(data);` */
export function recyclerOf(mask: object): ((data: Float32Array) => void) | undefined {
  return recyclers.get(mask);
}
