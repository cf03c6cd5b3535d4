// Webcam → person segmentation (MediaPipe Selfie) → the person mask tinted over the frame.
import { type ImageSegmentationResult, drawMasks, pipeline } from 'visionpipe';
import { SDK_OPTIONS, drawFrame, drawLoopStats, mountNav, openCamera, progress, run, showStatus, start } from './shared/common';

mountNav('Segmentation');

run(async () => {
  const camera = openCamera();
  showStatus('Loading Selfie segmentation…');
  const segmenter = await pipeline('image-segmentation', { ...SDK_OPTIONS, outputCategoryMask: false, onProgress: progress('Selfie segmentation') });
  const backend = segmenter.runner.backend;
  addEventListener('pagehide', () => segmenter.dispose());
  const output = document.getElementById('output')!;

  await start<ImageSegmentationResult>(
    {
      processor: segmenter,
      backend,
      runImage: (image) => segmenter.run(image),
      render(image, width, height, result, loop) {
        const masks = result.confidenceMasks ?? [];
        const person = masks[result.labels.indexOf('person')];
        try {
          const ctx = drawFrame(image, width, height);
          if (person) drawMasks(ctx, [{ mask: person, color: '#2f7bf5' }], { opacity: 0.55, threshold: 0.5 });
          if (loop) drawLoopStats(ctx, loop.stats(), backend);
          const fraction = person ? person.area(0.5) / (person.width * person.height) : 0;
          output.textContent = `person covers ${(fraction * 100).toFixed(1)}% of the frame`;
          return { personFraction: fraction, maskSize: person ? [person.width, person.height] : null };
        } finally {
          for (const mask of masks) mask.close();
          result.categoryMask?.close();
        }
      },
    },
    camera,
  );
});
