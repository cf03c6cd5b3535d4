import { VisionError, throwIfAborted } from '../core/errors';
import { shownValue } from '../core/shown-value';
import { cameraError } from './camera-errors';
import { CaptureGroup } from './capture-group';
import type { FrameSource } from './frame';
import { abortSignal, oneOf, positiveNumber, sourceOptions, videoSourceOptions } from './option-checks';
import { PushFrameSource } from './push-source';
import { type StreamSourceOptions, pumpTrack } from './stream-source';

/**
 * What to ask the camera for. Numbers are `ideal` values (the browser picks the closest
 * mode); `deviceId` is `exact` (fails with `DEVICE_NOT_FOUND` / `CONSTRAINTS_NOT_SATISFIED`
 * when that camera is gone).
 *
 * @example
 * ```ts
 * await Webcam.open({ facingMode: 'environment', width: 1280, height: 720, frameRate: 30 });
 * ```
 */
export interface WebcamOptions {
  deviceId?: string;
  facingMode?: 'user' | 'environment';
  width?: number;
  height?: number;
  frameRate?: number;
  /** Gives up (with `ABORTED`) when it fires before the camera has started. */
  signal?: AbortSignal;
}

/**
 * A video input device. Labels are empty until the user has granted camera access once.
 *
 * @example
 * ```ts
 * const cams: CameraDevice[] = await Webcam.listDevices();
 * ```
 */
export interface CameraDevice {
  deviceId: string;
  label: string;
  groupId: string;
}

function mediaDevices(): MediaDevices {
  const devices = (globalThis as { navigator?: { mediaDevices?: MediaDevices } }).navigator?.mediaDevices;
  if (!devices?.getUserMedia) {
    throw new VisionError('DEVICE_NOT_FOUND', 'navigator.mediaDevices.getUserMedia is not available (not a browser, or the page is not a secure context: use https or localhost)');
  }
  return devices;
}

function checkDeviceId(value: unknown, optional = true): void {
  if (!(optional && value === undefined) && !(typeof value === 'string' && value !== '')) {
    throw new VisionError('INVALID_OPTION', `deviceId is ${shownValue(value)}; it must be a non-empty string from Webcam.listDevices()`);
  }
}

function webcamOptions(value: unknown): WebcamOptions {
  const o = sourceOptions(value, 'Webcam.open options', ['deviceId', 'facingMode', 'width', 'height', 'frameRate', 'signal']);
  checkDeviceId(o.deviceId);
  oneOf(o.facingMode, 'facingMode', ['user', 'environment']);
  for (const name of ['width', 'height', 'frameRate']) positiveNumber(o[name], name);
  abortSignal(o.signal);
  return o as WebcamOptions;
}

function constraintsOf(options: WebcamOptions): MediaTrackConstraints {
  const c: MediaTrackConstraints = {};
  if (options.deviceId) c.deviceId = { exact: options.deviceId };
  if (options.facingMode) c.facingMode = { ideal: options.facingMode };
  if (options.width) c.width = { ideal: options.width };
  if (options.height) c.height = { ideal: options.height };
  if (options.frameRate) c.frameRate = { ideal: options.frameRate };
  return c;
}

async function getStream(options: WebcamOptions): Promise<MediaStream> {
  throwIfAborted(options.signal, 'opening the camera');
  const video = constraintsOf(options);
  let stream: MediaStream;
  try {
    stream = await mediaDevices().getUserMedia({ video, audio: false });
  } catch (error) {
    throw cameraError(error, video);
  }
  if (options.signal?.aborted) {
    for (const track of stream.getTracks()) track.stop();
    throwIfAborted(options.signal, 'opening the camera');
  }
  return stream;
}

/**
 * A webcam: opens it with `getUserMedia`, lists and switches devices, and gives frame
 * sources that follow device switches. Failures are `VisionError`s a UI can act on:
 * `PERMISSION_DENIED`, `DEVICE_NOT_FOUND`, `CONSTRAINTS_NOT_SATISFIED`, and `DEVICE_LOST` (a
 * camera unplugged while in use: running loops end with it). `stop()` ends every track.
 *
 * @example
 * ```ts
 * const webcam = await Webcam.open({ width: 640, height: 480 });
 * video.srcObject = webcam.stream;
 * const loop = runLoop(webcam.frames(), detector, { onResult: draw });
 * // later
 * loop.stop();
 * webcam.stop();
 * ```
 */
export class Webcam {
  private readonly sources = new Map<PushFrameSource, { options: StreamSourceOptions; detach: () => void }>();
  /** The frames this camera's readers hold, shared by its sources. */
  private readonly captureGroup = new CaptureGroup();
  private stopped = false;

  private constructor(
    private current: MediaStream,
    private options: WebcamOptions,
  ) {}

  /** Asks for camera access and starts the camera; bad options reject with `INVALID_OPTION` before the camera is asked. */
  static async open(options: WebcamOptions = {}): Promise<Webcam> {
    const checked = webcamOptions(options);
    return new Webcam(await getStream(checked), checked);
  }

  /** The video input devices (labels need a granted permission). */
  static async listDevices(): Promise<CameraDevice[]> {
    const all = await mediaDevices().enumerateDevices();
    return all.filter((d) => d.kind === 'videoinput').map(({ deviceId, label, groupId }) => ({ deviceId, label, groupId }));
  }

  /** The live stream (e.g. for `video.srcObject`); changes on {@link switchTo}. */
  get stream(): MediaStream {
    return this.current;
  }

  /** The video track in use. */
  get track(): MediaStreamTrack {
    return this.current.getVideoTracks()[0];
  }

  /** What the camera actually delivers (size, frame rate, deviceId). */
  get settings(): MediaTrackSettings {
    return this.track?.getSettings() ?? {};
  }

  /** Whether the camera is running (not stopped, track not ended). */
  get active(): boolean {
    return !this.stopped && this.track?.readyState === 'live';
  }

  /**
   * A frame source over this camera; it keeps delivering across {@link switchTo}, ends on
   * {@link stop}, and fails with `DEVICE_LOST` when the camera goes away. Sources of one camera
   * never hold each other up: one nobody reads keeps only its newest frame, and none with its
   * capture buffer while a reader holds an older one (see {@link PushFrameSource}); close
   * sources you no longer read all the same.
   */
  frames(options: StreamSourceOptions = {}): FrameSource {
    if (this.stopped) throw new VisionError('DISPOSED', 'this webcam was stopped; open it again with Webcam.open()');
    videoSourceOptions(options, 'webcam.frames() options');
    const source: PushFrameSource = new PushFrameSource({
      maxBuffered: options.maxBuffered,
      captureGroup: this.captureGroup,
      onClose: () => {
        this.sources.get(source)?.detach();
        this.sources.delete(source);
      },
    });
    this.sources.set(source, { options, detach: pumpTrack(this.current, source, options) });
    source.closeOnAbort(options.signal);
    return source;
  }

  /** Moves to another camera (same size and rate wishes); frame sources follow. The old camera stops once the new one runs; a {@link stop} while the new one opens stops it too (`DISPOSED`). */
  async switchTo(deviceId: string): Promise<void> {
    if (this.stopped) throw new VisionError('DISPOSED', 'this webcam was stopped; open it again with Webcam.open()');
    checkDeviceId(deviceId, false);
    const options = { ...this.options, deviceId, facingMode: undefined, signal: undefined };
    const next = await getStream(options);
    if (this.stopped) {
      // stop() came while the new camera was opening: it must not stay on
      for (const track of next.getTracks()) track.stop();
      throw new VisionError('DISPOSED', 'this webcam was stopped while switching cameras; open it again with Webcam.open()');
    }
    const previous = this.current;
    this.current = next;
    this.options = options;
    for (const [source, entry] of this.sources) {
      entry.detach();
      entry.detach = pumpTrack(next, source, entry.options);
    }
    for (const track of previous.getTracks()) track.stop();
  }

  /** Stops the camera (every track ends) and closes its frame sources (frames they buffer are released; frames you took stay yours). Safe to call twice. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    // closed (which detaches them), not just ended: frames they buffer give their capture buffers back now
    for (const source of [...this.sources.keys()]) source.close();
    for (const track of this.current.getTracks()) track.stop();
  }
}
