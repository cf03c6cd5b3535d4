/**
 * Machine-readable reasons a visionpipe call can fail.
 *
 * - `INVALID_INPUT`: an image, tensor or feed that cannot be used (zero size, closed frame,
 *   wrong shape or dtype, unsupported type).
 * - `INVALID_OPTION`: an option outside its allowed range or set.
 * - `MODEL_LOAD_FAILED`: the model's bytes could not be read (missing file, HTTP error).
 * - `MODEL_FORMAT`: the bytes were read but are not a model this runtime understands.
 * - `BACKEND_UNAVAILABLE`: no requested backend / execution provider could be initialised.
 * - `INFERENCE_FAILED`: the runtime rejected or failed a run with valid-looking feeds.
 * - `ABORTED`: the caller's `AbortSignal` fired.
 * - `DISPOSED`: the object was used after `dispose()`.
 * - `PERMISSION_DENIED`: the user or the browser refused camera access (`NotAllowedError`).
 * - `DEVICE_NOT_FOUND`: no camera, or none with the requested `deviceId` (`NotFoundError`).
 * - `CONSTRAINTS_NOT_SATISFIED`: no camera can meet the requested size, frame rate or facing
 *   mode (`OverconstrainedError`).
 * - `DEVICE_LOST`: a running camera stopped (unplugged, revoked, taken by another app).
 * - `WORKER_FAILED`: a pipeline's worker crashed or hung; it restarts on the next call.
 * - `TIMEOUT`: an operation took longer than its timeout option allowed.
 *
 * @example
 * ```ts
 * const code: VisionErrorCode = 'INVALID_INPUT';
 * ```
 */
export type VisionErrorCode =
  | 'INVALID_INPUT'
  | 'INVALID_OPTION'
  | 'MODEL_LOAD_FAILED'
  | 'MODEL_FORMAT'
  | 'BACKEND_UNAVAILABLE'
  | 'INFERENCE_FAILED'
  | 'ABORTED'
  | 'DISPOSED'
  | 'PERMISSION_DENIED'
  | 'DEVICE_NOT_FOUND'
  | 'CONSTRAINTS_NOT_SATISFIED'
  | 'DEVICE_LOST'
  | 'WORKER_FAILED'
  | 'TIMEOUT';

/**
 * The one error type visionpipe throws. `code` says what kind of failure it is; the
 * message says what was wrong and what is allowed.
 *
 * @example
 * ```ts
 * try {
 *   await detector.run(image);
 * } catch (e) {
 *   if (e instanceof VisionError && e.code === 'INVALID_INPUT') showHint(e.message);
 * }
 * ```
 */
export class VisionError extends Error {
  /** What kind of failure this is. */
  readonly code: VisionErrorCode;

  constructor(code: VisionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VisionError';
    this.code = code;
  }
}

/**
 * Whether `value` is a {@link VisionError}, optionally of a given code.
 *
 * @example
 * ```ts
 * if (isVisionError(err, 'ABORTED')) return;
 * ```
 */
export function isVisionError(value: unknown, code?: VisionErrorCode): value is VisionError {
  return value instanceof VisionError && (code === undefined || value.code === code);
}

/**
 * Throws `ABORTED` when the signal has fired; a no-op otherwise. Something given as a signal
 * that is none (no boolean `aborted`: `{}`, `true`, a string) is `INVALID_OPTION`, not a signal
 * that never fires.
 *
 * @example
 * ```ts
 * throwIfAborted(options.signal, 'model download');
 * ```
 */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  const shape = signal as { aborted?: unknown; addEventListener?: unknown } | null | undefined;
  if (shape != null && (typeof shape.aborted !== 'boolean' || typeof shape.addEventListener !== 'function')) {
    throw new VisionError('INVALID_OPTION', `${what}: signal must be an AbortSignal (new AbortController().signal)`);
  }
  if (signal?.aborted) {
    throw new VisionError('ABORTED', `${what} was aborted`, { cause: signal.reason });
  }
}

/**
 * A short description of an error of unknown type, for combined error messages.
 *
 * @example
 * ```ts
 * reasons.push(`webgpu: ${describeError(e)}`);
 * ```
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}

/**
 * `error` itself when it is already a {@link VisionError}; otherwise a `VisionError` of `code`
 * whose message is `context` plus the original's first line, with the original as `cause`.
 * Used at the public API's boundary so no raw error (a tfjs or runtime exception) escapes.
 *
 * @example
 * ```ts
 * try { prepared = prepareImage(tensor, spec.input); }
 * catch (e) { throw toVisionError(e, 'INVALID_INPUT', 'could not prepare the image'); }
 * ```
 */
export function toVisionError(error: unknown, code: VisionErrorCode, context: string): VisionError {
  if (error instanceof VisionError) return error;
  return new VisionError(code, `${context}: ${describeError(error)}`, { cause: error });
}

/**
 * The error of image `index` of a batch, named as such: a `VisionError` keeps its code, anything
 * else becomes `INVALID_INPUT`. In-thread and worker batches refuse an image in the same words.
 *
 * @example
 * ```ts
 * const image = await decode(input).catch((error: unknown) => { throw batchImageError(error, 3); });
 * ```
 */
export function batchImageError(error: unknown, index: number): VisionError {
  const where = `image ${index} of the batch`;
  if (error instanceof VisionError) return new VisionError(error.code, `${where}: ${error.message}`, { cause: error });
  return toVisionError(error, 'INVALID_INPUT', `could not read or prepare ${where} for the model`);
}
