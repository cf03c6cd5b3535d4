// Webcam → image classification (the offline default, nsfwjs MobileNetV2) → top classes.
import { type ClassificationResult, drawCaption, pipeline } from 'visionpipe';
import { SDK_OPTIONS, drawFrame, drawLoopStats, mountNav, openCamera, progress, run, showStatus, start } from './shared/common';

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
        output.innerHTML = '';
        const table = document.createElement('table');
        for (const { label, score } of result.classes) {
          const row = table.insertRow();
          row.insertCell().textContent = label;
          row.insertCell().textContent = `${(score * 100).toFixed(1)}%`;
          const bar = document.createElement('span');
          bar.className = 'bar';
          bar.style.width = `${Math.round(score * 200)}px`;
          row.insertCell().append(bar);
        }
        output.append(table);
        return result.classes.map(({ label, score }) => ({ label, score }));
      },
    },
    camera,
  );
});
