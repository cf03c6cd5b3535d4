import { it } from 'vitest';
import { decodeImageFile } from '../../src/node/index';
import { createFaceLandmarksPipeline } from '../../src/pipelines/face/face-pipeline';
import { facePhoto } from '../helpers/photos';
import { humanFaces } from './human-peer';
it('scratch', async () => {
  const p = await createFaceLandmarksPipeline({ detectorFit: 'stretch', maxFaces: 10 });
  const peer = humanFaces('short', false, [1, 2, 3, 4, 5, 6].map((n) => facePhoto(n as 1)));
  for (const n of [1, 2, 3, 4, 5, 6] as const) {
    const img = await decodeImageFile(facePhoto(n));
    const { faces } = await p.run(img);
    console.log(n, img.width, img.height, 'ours', faces.map((f) => [f.detectorScore.toFixed(3), f.score.toFixed(3), f.points[1].x.toFixed(1), f.points[1].y.toFixed(1)].join(' ')).join(' | '));
    console.log(n, 'human', peer[facePhoto(n)].map((f) => [f.boxScore, f.faceScore, f.mesh[1][0], f.mesh[1][1]].join(' ')).join(' | '));
  }
});
