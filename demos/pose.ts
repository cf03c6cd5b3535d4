// Webcam → pose estimation (MoveNet Lightning, tracked crop in video mode) → skeleton overlay.
import { type PoseResult, drawKeypoints, pipeline } from 'visionpipe';
import { SDK_OPTIONS, drawFrame, drawLoopStats, mountNav, openCamera, progress, run, showStatus, start } from './shared/common';

const THRESHOLD = 0.3;
mountNav('Pose');

run(async () => {
  const camera = openCamera();
  showStatus('Loading MoveNet…');
  const estimator = await pipeline('pose-estimation', { ...SDK_OPTIONS, onProgress: progress('MoveNet') });
  const backend = estimator.runner.backend;
  addEventListener('pagehide', () => estimator.dispose());
  const output = document.getElementById('output')!;

  await start<PoseResult>(
    {
      processor: estimator,
      backend,
      runImage: (image) => estimator.run(image),
      render(image, width, height, result, loop) {
        const ctx = drawFrame(image, width, height);
        drawKeypoints(ctx, result.poses, { threshold: THRESHOLD });
        if (loop) drawLoopStats(ctx, loop.stats(), backend);
        const visible = result.poses.map((pose) => pose.keypoints.filter((k) => k.score >= THRESHOLD).length);
        output.textContent = result.poses.length ? visible.map((n, i) => `pose ${i + 1}: ${n}/17 keypoints`).join(' · ') : 'no pose found';
        return result.poses.map((pose) => ({ score: pose.score, visibleKeypoints: pose.keypoints.filter((k) => k.score >= THRESHOLD).length }));
      },
    },
    camera,
  );
});
