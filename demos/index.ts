// Default page: webcam → object detection (CenterNet, or the model picked with ?model=) in a
// Web Worker, WebGPU first with automatic fallback → boxes with track IDs and a live stats overlay.
import { type DetectionResult, type WorkerPipeline, drawDetections, pipeline } from 'visionpipe';
import { SDK_OPTIONS, drawFrame, drawLoopStats, mountNav, openCamera, progress, run, showStatus, start } from './shared/common';
import { mountModelPicker, pickedModel } from './shared/model-picker';

mountNav('Detection');
const picked = pickedModel();
mountModelPicker(picked.spec);

run(async () => {
  const camera = openCamera();
  showStatus(`Starting the worker and loading ${picked.name}…`);
  const detector: WorkerPipeline<'object-detection'> = await pipeline('object-detection', {
    ...SDK_OPTIONS,
    worker: true,
    workerUrl: new URL('./worker.js', import.meta.url), // demos/dist/worker.js, bundled next to this script
    timeoutMs: 120_000, // first WebGPU runs compile shaders (slow on software adapters)
    model: picked.spec.id,
    // CenterNet at 0.35 (measured on the group photos); the others at their cards' defaults
    ...(picked.spec.id === 'centernet-coco' ? { threshold: 0.35 } : {}),
    // COCO-SSD suppresses across classes, as @tensorflow-models/coco-ssd does
    ...(picked.spec.id === 'coco-ssd' ? { agnostic: true } : {}),
    onProgress: progress(picked.name),
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
