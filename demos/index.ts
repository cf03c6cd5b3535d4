// Default page: webcam → object detection (CenterNet, or the model picked with ?model=) in a
// Web Worker, WebGPU first with automatic fallback → boxes with track IDs and a live stats overlay.
// The live video shows at once; by default (or with ?backend=a,b) the pipeline starts
// progressively: wasm serves while WebGPU compiles and warms up in a second worker, then WebGPU
// takes over if timed runs show it faster. A software WebGPU adapter (SwiftShader) is not used
// unless ?allowSoftwareGpu (then timed like a real one); ?switchWhen=ready switches once warm.
import { type DetectionResult, ProgressivePipeline, type WorkerPipeline, drawDetections, pipeline } from 'visionpipe';
import { SDK_OPTIONS, drawFrame, drawLoopStats, mountNav, openCamera, previewCamera, progress, run, showStatus, start } from './shared/common';
import { mountModelPicker, pickedModel } from './shared/model-picker';

mountNav('Detection');
const picked = pickedModel();
mountModelPicker(picked.spec);

run(async () => {
  const camera = openCamera();
  const stopPreview = previewCamera(camera);
  const backends = SDK_OPTIONS.backend ?? ['webgpu', 'wasm'];
  const progressive = backends.length > 1;
  const query = new URLSearchParams(location.search);
  showStatus(`Starting ${progressive ? `workers on ${backends.join(' and ')}` : 'the worker'} and loading ${picked.name}…`);
  const options = {
    ...SDK_OPTIONS,
    backend: backends,
    worker: true as const,
    workerUrl: new URL('./worker.js', import.meta.url), // demos/dist/worker.js, bundled next to this script
    // first WebGPU runs compile shaders: CenterNet's warm-up took 178–187 s on SwiftShader with 2 busy
    // cores (bench/webgpu-warmup.ts), and a 120 s limit made the page give up on WebGPU there
    timeoutMs: 300_000,
    model: picked.spec.id,
    // CenterNet at 0.35 (measured on the group photos); the others at their cards' defaults
    ...(picked.spec.id === 'centernet-coco' ? { threshold: 0.35 } : {}),
    // COCO-SSD suppresses across classes, as @tensorflow-models/coco-ssd does
    ...(picked.spec.id === 'coco-ssd' ? { agnostic: true } : {}),
    onProgress: progress(picked.name),
    ...(query.has('allowSoftwareGpu') ? { allowSoftwareGpu: true } : {}),
    ...(query.get('switchWhen') === 'ready' ? { switchWhen: 'ready' as const } : {}),
  };
  const detector: WorkerPipeline<'object-detection'> | ProgressivePipeline<'object-detection'> = progressive
    ? await pipeline('object-detection', { ...options, progressive: true })
    : await pipeline('object-detection', options);
  addEventListener('pagehide', () => detector.dispose());
  const output = document.getElementById('output')!;

  const liveStatus = (): { backend: string; text: string } => {
    if (!(detector instanceof ProgressivePipeline)) return { backend: detector.runner.backend, text: `Live on ${detector.runner.backend}.` };
    const stats = detector.stats();
    const measured = stats.switch?.preferredMs != null ? `: ${stats.switch.preferredMs.toFixed(0)} ms vs ${stats.switch.fallbackMs!.toFixed(0)} ms per frame` : '';
    const preferred = stats.preferredFailure
      ? ` (${stats.preferred} failed: ${stats.preferredFailure})`
      : stats.switch?.decision === 'kept'
        ? ` (${stats.preferred} not used: ${stats.switch.reason})`
        : stats.switchedAtFrame === null
          ? ` while ${stats.preferred} warms up (its shaders compile), to be timed against ${stats.fallback}`
          : ` (switched at frame ${stats.switchedAtFrame}, ${(stats.switchedAtMs! / 1000).toFixed(1)} s after start${measured})`;
    return { backend: stats.serving, text: `Live on ${stats.serving}${preferred}.` };
  };
  await start<DetectionResult>(
    {
      liveStatus,
      processor: detector,
      backend: detector.runner.backend,
      runImage: (image) => detector.run(image),
      render(image, width, height, result, loop) {
        const ctx = drawFrame(image, width, height);
        drawDetections(ctx, result.detections, { showTrackIds: true });
        if (loop) drawLoopStats(ctx, loop.stats(), liveStatus().backend);
        output.textContent = result.detections.map((d) => `${d.label}${d.trackId !== undefined ? ` #${d.trackId}` : ''} ${(d.score * 100).toFixed(0)}%`).join(' · ') || 'nothing found';
        return result.detections.map(({ label, score, box, trackId }) => ({ label, score, box, trackId: trackId ?? null }));
      },
    },
    camera,
    stopPreview,
  );
});
