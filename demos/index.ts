// Default page: webcam → object detection (CenterNet) in a Web Worker, WebGPU first with
// automatic fallback → boxes with track IDs and a live stats overlay.
import { type DetectionResult, type WorkerPipeline, drawDetections, pipeline } from 'visionpipe';
import { SDK_OPTIONS, drawFrame, drawLoopStats, mountNav, openCamera, progress, run, showStatus, start } from './shared/common';

mountNav('Detection');

run(async () => {
  const camera = openCamera();
  showStatus('Starting the worker and loading CenterNet…');
  const detector: WorkerPipeline<'object-detection'> = await pipeline('object-detection', {
    ...SDK_OPTIONS,
    worker: true,
    workerUrl: new URL('./worker.js', import.meta.url), // demos/dist/worker.js, bundled next to this script
    timeoutMs: 120_000, // first WebGPU runs compile shaders (slow on software adapters)
    threshold: 0.35,
    onProgress: progress('CenterNet'),
  });
  addEventListener('pagehide', () => detector.dispose());
  const output = document.getElementById('output')!;

  await start<DetectionResult>(
    {
      processor: detector,
      backend: detector.runner.backend,
      runImage: (image) => detector.run(image),
      render(image, width, height, result, loop) {
        const ctx = drawFrame(image, width, height);
        drawDetections(ctx, result.detections, { showTrackIds: true });
        if (loop) drawLoopStats(ctx, loop.stats(), detector.runner.backend);
        output.textContent = result.detections.map((d) => `${d.label}${d.trackId !== undefined ? ` #${d.trackId}` : ''} ${(d.score * 100).toFixed(0)}%`).join(' · ') || 'nothing found';
        return result.detections.map(({ label, score, box, trackId }) => ({ label, score, box, trackId: trackId ?? null }));
      },
    },
    camera,
  );
});
