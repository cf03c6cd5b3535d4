// Webcam → face landmarks (BlazeFace → FaceMesh 468 points → Iris, followed in video mode)
// → the mesh drawn faint, the contours and irises in each face's colour.
import { FACE_MESH_CONNECTIONS, type FaceLandmarksResult, drawFaceMesh, pipeline } from 'visionpipe';
import { SDK_OPTIONS, drawFrame, drawLoopStats, mountNav, openCamera, progress, run, showStatus, start } from './shared/common';

mountNav('Face');

run(async () => {
  const camera = openCamera();
  showStatus('Loading BlazeFace, FaceMesh and Iris…');
  const landmarker = await pipeline('face-landmarks', { ...SDK_OPTIONS, iris: true, onProgress: progress('FaceMesh') });
  const backend = landmarker.runner.backend;
  addEventListener('pagehide', () => landmarker.dispose());
  const output = document.getElementById('output')!;

  await start<FaceLandmarksResult>(
    {
      processor: landmarker,
      backend,
      runImage: (image) => landmarker.run(image),
      render(image, width, height, result, loop) {
        const ctx = drawFrame(image, width, height);
        const drawn = drawFaceMesh(ctx, result.faces, FACE_MESH_CONNECTIONS, { tesselationColor: 'rgba(224, 224, 224, 0.25)' });
        if (loop) drawLoopStats(ctx, loop.stats(), backend);
        const { faces } = result;
        const scores = faces.map((face, i) => `face ${i + 1}: ${face.score.toFixed(2)} (detector ${face.detectorScore.toFixed(2)})`).join(' · ');
        output.textContent = faces.length ? `${faces.length} face${faces.length === 1 ? '' : 's'} · ${scores}` : 'no face found';
        return {
          faces: faces.map((face) => ({ score: face.score, detectorScore: face.detectorScore, points: face.points.length, box: face.box, trackId: face.trackId ?? null })),
          drawn,
        };
      },
    },
    camera,
  );
});
