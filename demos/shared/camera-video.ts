// The webcam as a playing (detached, muted) <video> element, for pages that grab frames
// themselves (teach, caption); without a camera it says so on the status line and returns null.
import { type Webcam, isVisionError } from 'visionpipe';
import { demo, showStatus } from './common';

/**
 * Waits for the camera that `openCamera()` started; `fallback` tells the user what to do instead.
 *
 * @example
 * ```ts
 * const video = await cameraVideo(openCamera(), 'upload an image instead.');
 * if (video) frames.push(await createImageBitmap(video));
 * ```
 */
export async function cameraVideo(camera: Promise<Webcam>, fallback: string): Promise<HTMLVideoElement | null> {
  let cam: Webcam;
  try {
    cam = await camera;
  } catch (error) {
    const code = isVisionError(error) ? error.code : 'CAMERA';
    showStatus(`No camera (${code}): ${error instanceof Error ? error.message : String(error)} — ${fallback}`);
    for (const b of document.querySelectorAll<HTMLButtonElement>('.camera-only')) b.disabled = true;
    document.getElementById('upload-panel')?.classList.add('highlight');
    return null;
  }
  addEventListener('pagehide', () => cam.stop());
  const video = document.createElement('video');
  Object.assign(video, { muted: true, playsInline: true, srcObject: cam.stream });
  await video.play();
  demo.source = 'camera';
  return video;
}
