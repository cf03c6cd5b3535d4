// Webcam → video matting (MediaPipe Selfie, refined with a guided filter, smoothed over frames)
// → the background blurred, replaced by a colour, or a green screen, chosen live.
import { type VideoMattingResult, drawBackgroundBlur, drawBackgroundReplace, drawGreenScreen, pipeline } from 'visionpipe';
import { SDK_OPTIONS, drawFrame, drawLoopStats, mountNav, openCamera, progress, redrawImage, run, showStatus, start } from './shared/common';

mountNav('Background');
// the compositors read the canvas back every frame: a context made for that keeps its pixels in memory
(document.getElementById('view') as HTMLCanvasElement).getContext('2d', { willReadFrequently: true });

type Mode = 'blur' | 'replace' | 'green';

run(async () => {
  const camera = openCamera();
  showStatus('Loading Selfie segmentation for matting…');
  const matting = await pipeline('video-matting', { ...SDK_OPTIONS, onProgress: progress('Selfie segmentation') });
  const backend = matting.runner.backend;
  addEventListener('pagehide', () => matting.dispose());
  const output = document.getElementById('output')!;
  const picker = document.getElementById('mode') as HTMLSelectElement;
  const initial = new URLSearchParams(location.search).get('mode');
  if (initial === 'blur' || initial === 'replace' || initial === 'green') picker.value = initial;
  // live frames read the mode as they come; an uploaded photo is drawn again in the new mode
  picker.addEventListener('change', redrawImage);

  /** The uploaded photo's matte, kept to draw it again when the mode changes (closed once another takes its place). */
  let photoMatte: VideoMattingResult['alpha'] | null = null;

  await start<VideoMattingResult>(
    {
      processor: matting,
      backend,
      runImage: (image) => matting.run(image),
      render(image, width, height, result, loop) {
        const { alpha } = result;
        try {
          const ctx = drawFrame(image, width, height);
          const mode = picker.value as Mode;
          if (mode === 'blur') drawBackgroundBlur(ctx, alpha, { radius: 12 });
          else if (mode === 'replace') drawBackgroundReplace(ctx, alpha, '#2b3a55');
          else drawGreenScreen(ctx, alpha);
          if (loop) drawLoopStats(ctx, loop.stats(), backend);
          const person = alpha.area(0.5) / Math.max(1, alpha.width * alpha.height);
          output.textContent = `${mode}: person covers ${(person * 100).toFixed(1)}% of the frame`;
          return { mode, personFraction: person, matteSize: [alpha.width, alpha.height] };
        } finally {
          const kept = loop ? null : alpha;
          if (photoMatte !== kept) photoMatte?.close();
          photoMatte = kept;
          if (loop) alpha.close();
        }
      },
    },
    camera,
  );
});
