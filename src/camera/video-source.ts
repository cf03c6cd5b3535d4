import { VisionError, describeError } from '../core/errors';
import { shownValue } from '../core/shown-value';
import type { FrameSource } from './frame';
import { videoSourceOptions } from './option-checks';
import { PushFrameSource } from './push-source';

/**
 * How camera and video sources deliver pictures, and how many they keep for a slow reader.
 *
 * @example
 * ```ts
 * fromVideoElement(video, { frameType: 'bitmap', maxBuffered: 1 });
 * ```
 */
export interface VideoSourceOptions {
  /** `'videoframe'` (default where `VideoFrame` exists: no pixel copy) or `'bitmap'` (`createImageBitmap`). */
  frameType?: 'videoframe' | 'bitmap';
  /** Frames kept while nobody reads; older ones are dropped. Default 1 (the newest; see {@link PushFrameSource} on capture buffers). */
  maxBuffered?: number;
  /** Stops the source. */
  signal?: AbortSignal;
}

function preferredType(options: VideoSourceOptions): 'videoframe' | 'bitmap' {
  return options.frameType ?? (typeof VideoFrame === 'function' ? 'videoframe' : 'bitmap');
}

/**
 * Feeds the frames a `<video>` presents into `source`, timestamped with the media time of
 * `requestVideoFrameCallback`, until the returned function is called.
 *
 * @example
 * ```ts
 * const detach = pumpVideoElement(video, source, {});
 * ```
 */
export function pumpVideoElement(video: HTMLVideoElement, source: PushFrameSource, options: VideoSourceOptions): () => void {
  if (typeof video.requestVideoFrameCallback !== 'function') {
    throw new VisionError('INVALID_INPUT', 'this browser has no HTMLVideoElement.requestVideoFrameCallback; use fromMediaStream (MediaStreamTrackProcessor) or fromImages');
  }
  const type = preferredType(options);
  let handle = 0;
  let active = true;
  // the media time goes back when a looping file restarts, on a seek, and in a new <video>
  // (a switched camera): the source's timeline keeps increasing, a frame interval on
  const timeline = { offset: 0, last: Number.NEGATIVE_INFINITY, media: Number.NaN, step: 1000 / 30 };
  const onFrame = (now: number, metadata: VideoFrameCallbackMetadata) => {
    if (!active) return;
    handle = video.requestVideoFrameCallback(onFrame);
    const media = metadata.mediaTime * 1000;
    if (media > timeline.media) timeline.step = media - timeline.media;
    timeline.media = media;
    const floor = Math.max(timeline.last, source.latestTimestamp);
    if (!(media + timeline.offset > floor)) timeline.offset = floor + timeline.step - media;
    const timestamp = media + timeline.offset;
    timeline.last = timestamp;
    const capturedAt = metadata.captureTime ?? now;
    if (type === 'videoframe') {
      try {
        source.push(new VideoFrame(video, { timestamp: Math.round(timestamp * 1000) }), timestamp, capturedAt);
      } catch (error) {
        source.fail(new VisionError('INVALID_INPUT', `could not take a VideoFrame from the <video>: ${describeError(error)}`, { cause: error }));
      }
      return;
    }
    createImageBitmap(video).then(
      (bitmap) => (active ? source.push(bitmap, timestamp, capturedAt) : bitmap.close()),
      (error: unknown) => source.fail(new VisionError('INVALID_INPUT', `could not take an ImageBitmap from the <video>: ${describeError(error)}`, { cause: error })),
    );
  };
  handle = video.requestVideoFrameCallback(onFrame);
  return () => {
    active = false;
    video.cancelVideoFrameCallback(handle);
  };
}

/**
 * A {@link FrameSource} over the frames a playing `<video>` presents (a camera stream, a file,
 * WebRTC). The video stays yours: closing the source only stops taking frames. Timestamps
 * are the frames' media time (`requestVideoFrameCallback` metadata).
 *
 * @example
 * ```ts
 * const source = fromVideoElement(document.querySelector('video')!);
 * runLoop(source, detector, { onResult: draw });
 * ```
 */
export function fromVideoElement(video: HTMLVideoElement, options: VideoSourceOptions = {}): FrameSource {
  if (!(typeof HTMLVideoElement === 'function' && video instanceof HTMLVideoElement)) {
    throw new VisionError('INVALID_INPUT', `fromVideoElement needs an HTMLVideoElement; got ${shownValue(video)}`);
  }
  videoSourceOptions(options, 'fromVideoElement options');
  return videoElementSource(video, options, () => {});
}

function videoElementSource(video: HTMLVideoElement, options: VideoSourceOptions, onClose: () => void): FrameSource {
  let detach = () => {};
  const onEnded = () => source.end();
  const source = new PushFrameSource({
    maxBuffered: options.maxBuffered,
    onClose: () => {
      detach();
      video.removeEventListener('ended', onEnded);
      onClose();
    },
  });
  detach = pumpVideoElement(video, source, options);
  video.addEventListener('ended', onEnded);
  source.closeOnAbort(options.signal);
  return source;
}

/**
 * Options of {@link fromVideoFile}.
 *
 * @example
 * ```ts
 * fromVideoFile('/clip.mp4', { loop: true, playbackRate: 0.5 });
 * ```
 */
export interface VideoFileOptions extends VideoSourceOptions {
  /** Start again at the end (the source never ends). Default false. */
  loop?: boolean;
  /** Default 1. */
  playbackRate?: number;
}

/**
 * Plays a video file (URL or `Blob`) in a detached, muted `<video>` and yields its frames;
 * the source ends with the video (unless `loop`). Closing the source stops and unloads it.
 * Load failures reject with `INVALID_INPUT`.
 *
 * @example
 * ```ts
 * const source = await fromVideoFile('/media/street.mp4');
 * await runLoop(source, detector, { policy: 'every', onResult: save }).done;
 * ```
 */
export async function fromVideoFile(url: string | Blob, options: VideoFileOptions = {}): Promise<FrameSource> {
  if (typeof url !== 'string' && !(typeof Blob === 'function' && url instanceof Blob)) {
    throw new VisionError('INVALID_INPUT', `fromVideoFile needs a URL string or a Blob; got ${shownValue(url)}`);
  }
  videoSourceOptions(options, 'fromVideoFile options', true);
  if (typeof document === 'undefined') {
    throw new VisionError('INVALID_INPUT', 'fromVideoFile plays the file in a <video> element, which only a page has; in Node, run a video through the CLI (visionpipe detect clip.mp4) or decode its frames (ffmpeg) and read them with fromImages');
  }
  const video = document.createElement('video');
  const objectUrl = typeof url === 'string' ? null : URL.createObjectURL(url);
  video.muted = true;
  video.playsInline = true;
  video.loop = options.loop ?? false;
  video.crossOrigin = 'anonymous';
  video.src = objectUrl ?? (url as string);
  const unload = () => {
    video.pause();
    video.removeAttribute('src');
    video.load();
    if (objectUrl) URL.revokeObjectURL(objectUrl);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      video.addEventListener('loadeddata', () => resolve(), { once: true });
      video.addEventListener('error', () => reject(new Error(video.error?.message || `media error ${video.error?.code ?? '?'}`)), { once: true });
    });
    video.playbackRate = options.playbackRate ?? 1;
    const source = videoElementSource(video, options, unload);
    await video.play().catch((error: unknown) => {
      source.close();
      throw error;
    });
    return source;
  } catch (error) {
    unload();
    throw new VisionError('INVALID_INPUT', `could not play the video ${typeof url === 'string' ? `'${url}'` : 'blob'}: ${describeError(error)}`, { cause: error });
  }
}
