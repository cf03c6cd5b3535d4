import { it } from 'vitest';
import { pipeline } from '../../src/node/index';
import { YOLOV5S_COCO } from '../../src/models/zoo-cards';
import { fetchForTest } from './zoo-cache';
import { facePhoto, fixturePhoto } from '../helpers/photos';
it('try', async () => {
  await fetchForTest(YOLOV5S_COCO);
  const variants = {
    stretchUnit: YOLOV5S_COCO,
    letterboxUnit: { ...YOLOV5S_COCO, input: { ...YOLOV5S_COCO.input, fit: 'letterbox' as const, padValue: 114 } },
    stretchBgr: { ...YOLOV5S_COCO, input: { ...YOLOV5S_COCO.input, channelOrder: 'bgr' as const } },
    stretchRaw: { ...YOLOV5S_COCO, input: { ...YOLOV5S_COCO.input, normalization: 'none' as const } },
  };
  for (const [name, card] of Object.entries(variants)) {
    const det = await pipeline('object-detection', { model: card });
    for (const p of [facePhoto(2), fixturePhoto('chelsea'), fixturePhoto('coffee')]) {
      const r = await det.run(p, { threshold: 0.1 });
      console.log(name, p.split('/').pop(), r.detections.slice(0, 8).map((d) => `${d.label}:${d.score.toFixed(2)}`).join(' '));
    }
    det.dispose();
  }
}, 600000);
