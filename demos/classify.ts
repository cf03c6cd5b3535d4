// Webcam → image classification (the offline default, nsfwjs MobileNetV2) → top classes.
import { type ClassificationResult, drawCaption, pipeline } from 'visionpipe';
import { SDK_OPTIONS, drawFrame, drawLoopStats, mountNav, openCamera, progress, run, showStatus, start } from './shared/common';
import { showClassTable } from './shared/class-table';

mountNav('Classification');

run(async () => {
  const camera = openCamera();
  showStatus('Loading the classifier…');
  const classifier = await pipeline('image-classification', { ...SDK_OPTIONS, topK: 3, onProgress: progress('MobileNetV2') });
  const backend = classifier.runner.backend;
  addEventListener('pagehide', () => classifier.dispose());
  const output = document.getElementById('output')!;

  await start<ClassificationResult>(
    {
      processor: classifier,
      backend,
      runImage: (image) => classifier.run(image),
      render(image, width, height, result, loop) {
        const ctx = drawFrame(image, width, height);
        const top = result.classes[0];
        if (top) drawCaption(ctx, `${top.label} ${(top.score * 100).toFixed(0)}%`, { position: 'bottom' });
        if (loop) drawLoopStats(ctx, loop.stats(), backend);
        showClassTable(output, result.classes);
        return result.classes.map(({ label, score }) => ({ label, score }));
      },
    },
    camera,
  );
});
