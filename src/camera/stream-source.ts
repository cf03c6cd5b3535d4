import { VisionError, describeError } from '../core/errors';
import { shownValue } from '../core/shown-value';
import { trackEndedError } from './camera-errors';
import type { FrameSource } from './frame';
import { videoSourceOptions } from './option-checks';
import { PushFrameSource } from './push-source';
import { type VideoSourceOptions, pumpVideoElement } from './video-source';

/** Chromium's MediaStreamTrackProcessor (not in TypeScript's DOM library). */
type TrackProcessorConstructor = new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => { readable: ReadableStream<VideoFrame> };

function trackProcessor(): TrackProcessorConstructor | null {
  const ctor = (globalThis as { MediaStreamTrackProcessor?: TrackProcessorConstructor }).MediaStreamTrackProcessor;
  return typeof ctor === 'function' ? ctor : null;
}

/**
 * Options of {@link fromMediaStream}.
 *
 * @example
 * ```ts
 * fromMediaStream(stream, { via: 'video' });
 * ```
 */
export interface StreamSourceOptions extends VideoSourceOptions {
  /**
   * `'processor'` reads `VideoFrame`s with `MediaStreamTrackProcessor` (default where the
   * browser has it: exact capture timestamps, no `<video>` needed); `'video'` plays the stream
   * in a hidden `<video>` and takes frames with `requestVideoFrameCallback`.
   */
  via?: 'processor' | 'video';
}

/** How often a pumped track's state is checked for a stop() that fired no 'ended' event (ms). */
const ENDED_CHECK_MS = 250;

/** How long a closed source's last read may wait for a frame before the reader is cancelled anyway (a camera that sends nothing more). */
const LAST_READ_MS = 1000;

function pumpProcessor(track: MediaStreamTrack, source: PushFrameSource, Processor: TrackProcessorConstructor): () => void {
  const reader = new Processor({ track, maxBufferSize: 1 }).readable.getReader();
  let active = true;
  let cancelled = false;
  const cancel = (): void => {
    if (cancelled) return;
    cancelled = true;
    reader.cancel().catch(() => undefined);
  };
  void (async () => {
    try {
      while (active) {
        const { value, done } = await reader.read();
        if (done) {
          // the track stopped (by this page or the device) while the source was open
          if (active) source.fail(trackEndedError(track));
          break;
        }
        if (active) source.push(value, value.timestamp / 1000, performance.now());
        else value.close();
      }
    } catch (error) {
      if (active) source.fail(new VisionError('DEVICE_LOST', `reading camera frames failed: ${describeError(error)}`, { cause: error }));
    } finally {
      cancel(); // no read is waiting now: nothing is on its way to be dropped
    }
  })();
  return () => {
    active = false;
    // Not cancelled while a read waits: Chromium makes the frame for a waiting read a task before
    // it hands it over, and a cancel in between drops that frame unclosed — it holds one of the
    // camera's few capture buffers until garbage collection ("A VideoFrame was garbage collected
    // without being closed"), and after a few stop/start cycles a new loop got no frames at all.
    // The read ends with the camera's next frame (closed above); a camera that sends none is
    // cancelled after LAST_READ_MS.
    setTimeout(cancel, LAST_READ_MS);
  };
}

function pumpHiddenVideo(stream: MediaStream, source: PushFrameSource, options: VideoSourceOptions): () => void {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  let detach = () => {};
  let active = true;
  video.play().then(
    () => {
      if (!active) return;
      try {
        detach = pumpVideoElement(video, source, options);
      } catch (error) {
        // e.g. no requestVideoFrameCallback in this browser: the source's next() says so (it waited forever)
        source.fail(error instanceof VisionError ? error : new VisionError('DEVICE_LOST', `the camera's frames could not be read: ${describeError(error)}`, { cause: error }));
      }
    },
    (error: unknown) => source.fail(new VisionError('DEVICE_LOST', `the camera stream could not be played: ${describeError(error)}`, { cause: error })),
  );
  return () => {
    active = false;
    detach();
    video.pause();
    video.srcObject = null;
  };
}

/**
 * Feeds the frames of a video track into `source` and fails it with `DEVICE_LOST` when the
 * track ends (an unplugged camera, or `track.stop()` — which fires no `'ended'` event, so the
 * track's state is checked every 250 ms too); returns the function that detaches it. Used by
 * {@link fromMediaStream} and `Webcam.frames()` (which re-attaches on `switchTo`).
 *
 * @example
 * ```ts
 * const detach = pumpTrack(stream, source, {});
 * ```
 */
export function pumpTrack(stream: MediaStream, source: PushFrameSource, options: StreamSourceOptions): () => void {
  const track = stream.getVideoTracks()[0];
  if (!track) throw new VisionError('INVALID_INPUT', 'the MediaStream has no video track');
  if (track.readyState === 'ended') throw trackEndedError(track);
  const onEnded = () => source.fail(trackEndedError(track));
  track.addEventListener('ended', onEnded);
  // track.stop() fires no 'ended' event (only a device that goes away does): the state is watched too
  const watch = setInterval(() => {
    if (track.readyState === 'ended') onEnded();
  }, ENDED_CHECK_MS);
  const Processor = options.via === 'video' ? null : trackProcessor();
  const detach = Processor && options.frameType !== 'bitmap' ? pumpProcessor(track, source, Processor) : pumpHiddenVideo(stream, source, options);
  return () => {
    clearInterval(watch);
    track.removeEventListener('ended', onEnded);
    detach();
  };
}

/**
 * A {@link FrameSource} over the video track of a `MediaStream` (a webcam, a screen capture,
 * WebRTC). The stream stays yours: closing the source does not stop its tracks. When the track
 * ends while the source is open (the camera goes away, or you stop the track), reading fails
 * with `VisionError('DEVICE_LOST')`.
 *
 * @example
 * ```ts
 * const stream = await navigator.mediaDevices.getUserMedia({ video: true });
 * const loop = runLoop(fromMediaStream(stream), detector, { onResult: draw });
 * ```
 */
export function fromMediaStream(stream: MediaStream, options: StreamSourceOptions = {}): FrameSource {
  if (typeof (stream as Partial<MediaStream> | null)?.getVideoTracks !== 'function') {
    throw new VisionError('INVALID_INPUT', `fromMediaStream needs a MediaStream (getUserMedia, getDisplayMedia, WebRTC); got ${shownValue(stream)}`);
  }
  videoSourceOptions(options, 'fromMediaStream options');
  let detach = () => {};
  const source = new PushFrameSource({ maxBuffered: options.maxBuffered, onClose: () => detach() });
  detach = pumpTrack(stream, source, options);
  source.closeOnAbort(options.signal);
  return source;
}
