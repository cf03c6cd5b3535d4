import { it } from 'vitest';
import { decodeImageFile } from '../../src/node/index';
import { createFaceLandmarksPipeline } from '../../src/pipelines/face/face-pipeline';
import { RIGHT_EYE_IRIS_MESH, LEFT_EYE_IRIS_MESH } from '../../src/postprocess/face/face-mesh-data';
import { facePhoto } from '../helpers/photos';
import { humanFaces } from './human-peer';
it('scratch', async () => {
  const p = await createFaceLandmarksPipeline({ detectorFit: 'stretch', maxFaces: 10, iris: true });
  const peer = humanFaces('short', true, [1, 2, 3, 4, 5, 6].map((n) => facePhoto(n as 1)));
  const img = await decodeImageFile(facePhoto(1));
  const { faces } = await p.run(img);
  const f = faces[0];
  const h = peer[facePhoto(1)].find((q) => Math.abs(q.mesh[1][0] - f.points[1].x) < 20)!;
  const bad: string[] = [];
  for (let i = 0; i < 478; i++) {
    const j = i < 468 ? i : i < 473 ? i + 5 : i - 5;
    const d = Math.max(Math.abs(Math.trunc(f.points[i].x) - h.mesh[j][0]), Math.abs(Math.trunc(f.points[i].y) - h.mesh[j][1]));
    if (d > 1) bad.push(`${i}${RIGHT_EYE_IRIS_MESH.includes(i) ? 'R' : LEFT_EYE_IRIS_MESH.includes(i) ? 'L' : ''}:${d}`);
  }
  console.log('BAD', bad.length, bad.join(' '));
  console.log('ours 468', f.points.slice(468).map((p) => `${p.x.toFixed(0)},${p.y.toFixed(0)}`).join(' '));
  console.log('human468', h.mesh.slice(468).map((p) => `${p[0]},${p[1]}`).join(' '));
  console.log('corners ours', [33, 133, 263, 362].map((i) => `${f.points[i].x.toFixed(0)},${f.points[i].y.toFixed(0)}`).join(' '), 'human', [33, 133, 263, 362].map((i) => `${h.mesh[i][0]},${h.mesh[i][1]}`).join(' '));
});
