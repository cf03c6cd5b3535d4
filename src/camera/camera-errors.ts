import { VisionError, describeError } from '../core/errors';
import { shownData } from '../core/shown-value';

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error ? String((error as { name: unknown }).name) : '';
}

/**
 * Turns a `getUserMedia` / `play()` failure into a {@link VisionError} with a code a UI can act
 * on: `PERMISSION_DENIED` (NotAllowedError / SecurityError), `DEVICE_NOT_FOUND`
 * (NotFoundError), `CONSTRAINTS_NOT_SATISFIED` (OverconstrainedError, naming the
 * constraint), `DEVICE_LOST` (NotReadableError: the camera is busy or failed).
 *
 * @example
 * ```ts
 * try { await navigator.mediaDevices.getUserMedia(c); } catch (e) { throw cameraError(e, c); }
 * ```
 */
export function cameraError(error: unknown, constraints?: MediaTrackConstraints): VisionError {
  if (error instanceof VisionError) return error;
  const name = errorName(error);
  const detail = describeError(error);
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return new VisionError('PERMISSION_DENIED', `camera access was denied (${name}: ${detail}); allow the camera for this site and reload, or serve the page over https`, { cause: error });
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return new VisionError(
        'DEVICE_NOT_FOUND',
        `no camera found${constraints?.deviceId ? ` with deviceId ${shownData(constraints.deviceId)}` : ''} (${detail}); connect a camera or pick one from Webcam.listDevices()`,
        { cause: error },
      );
    case 'OverconstrainedError':
    case 'ConstraintNotSatisfiedError': {
      const constraint = (error as { constraint?: string }).constraint ?? 'unknown';
      const asked = constraints ? shownData(constraints) : '{}';
      return new VisionError('CONSTRAINTS_NOT_SATISFIED', `no camera can satisfy the '${constraint}' constraint (asked ${asked}); relax it (use 'ideal' values) or choose another device`, { cause: error });
    }
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new VisionError('DEVICE_LOST', `the camera could not be started (${name}: ${detail}); it may be in use by another application`, { cause: error });
    default:
      return new VisionError('DEVICE_NOT_FOUND', `the camera could not be opened (${name || 'Error'}: ${detail})`, { cause: error });
  }
}

/**
 * The `DEVICE_LOST` error a source raises when its camera track ends while in use.
 *
 * @example
 * ```ts
 * track.addEventListener('ended', () => source.fail(trackEndedError(track)));
 * ```
 */
export function trackEndedError(track: MediaStreamTrack): VisionError {
  return new VisionError('DEVICE_LOST', `the camera '${track.label || track.id}' stopped delivering frames (unplugged, revoked, taken by another application, or its track was stopped); open it again with Webcam.open()`);
}
