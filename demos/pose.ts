// Webcam → pose estimation → skeleton overlay. MoveNet Lightning (17 keypoints, tracked crop in
// video mode) by default; `?model=blazepose` runs BlazePose full (33 keypoints, each person's
// mask, people followed and smoothed as MediaPipe does) and tints the people.
import { type PoseResult, drawKeypoints, drawMasks, pipeline } from 'visionpipe';
import { SDK_OPTIONS, drawFrame, drawLoopStats, mountNav, mountQueryPicker, openCamera, progress, run, showStatus, start } from './shared/common';

const THRESHOLD = 0.3;
/** The models the page offers (the `#model` selector, `?model=`): their names and keypoint counts. */
const MODELS = { movenet: { name: 'MoveNet', keypoints: 17 }, blazepose: { name: 'BlazePose', keypoints: 33 } } as const;
mountNav('Pose');

run(async () => {
  const camera = openCamera();
  const model = mountQueryPicker('model', ['movenet', 'blazepose']);
  const { name, keypoints } = MODELS[model];
  showStatus(`Loading ${name}…`);
  const blazePose = model === 'blazepose';
  const options = blazePose ? { model: 'blazepose-full', maxPoses: 2, segmentation: true } : {};
  const estimator = await pipeline('pose-estimation', { ...SDK_OPTIONS, ...options, onProgress: progress(name) });
  const backend = estimator.runner.backend;
  addEventListener('pagehide', () => estimator.dispose());
  const output = document.getElementById('output')!;

  await start<PoseResult>(
    {
      processor: estimator,
      backend,
      runImage: (image) => estimator.run(image),
      render(image, width, height, result, loop) {
        const masks = result.poses.flatMap((pose) => (pose.segmentation ? [pose.segmentation] : []));
        try {
          const ctx = drawFrame(image, width, height);
          drawMasks(ctx, masks, { opacity: 0.35 });
          drawKeypoints(ctx, result.poses, { threshold: THRESHOLD });
          if (loop) drawLoopStats(ctx, loop.stats(), backend);
          const visible = result.poses.map((pose) => pose.keypoints.filter((k) => k.score >= THRESHOLD).length);
          output.textContent = result.poses.length ? visible.map((n, i) => `pose ${i + 1}: ${n}/${keypoints} keypoints`).join(' · ') : 'no pose found';
          return result.poses.map((pose, i) => ({
            score: pose.score,
            keypoints: pose.keypoints.length,
            visibleKeypoints: visible[i],
            trackId: pose.trackId ?? null,
            personFraction: pose.segmentation ? pose.segmentation.area(0.5) / (width * height) : null,
          }));
        } finally {
          for (const mask of masks) mask.close();
        }
      },
    },
    camera,
  );
});
