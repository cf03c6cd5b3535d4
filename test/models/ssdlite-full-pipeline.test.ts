/**
 * The whole torchvision ssdlite320 exported as users export it (transform, anchors, decoding
 * and NMS inside the ONNX; one unbatched CHW image in) runs through the object-detection
 * pipeline with a model card of family 'torchvision', and gives torchvision's own detections.
 */
import { describe, expect, it } from 'vitest';
import { type ModelSpec, SSDLITE320_DEFAULT_BOXES, TORCHVISION_COCO_LABELS, pipeline } from '../../src/node/index';
import { ssdliteReference } from '../helpers/torchvision-cache';

describe('torchvision ssdlite320 full export through pipeline("object-detection")', () => {
  it('reproduces torchvision’s detections on the same image', async () => {
    const ref = ssdliteReference();
    const spec: ModelSpec = {
      id: 'ssdlite320-random',
      task: 'object-detection',
      family: 'torchvision',
      format: 'onnx',
      location: { url: ref.fullOnnxPath },
      input: { width: 320, height: 320, fit: 'stretch', normalization: 'unit', layout: 'nchw' },
      outputs: ['boxes', 'scores', 'labels'],
      labels: TORCHVISION_COCO_LABELS,
      defaults: { threshold: 0, maxDetections: 300 },
    };
    const detector = await pipeline('object-detection', { model: spec });
    expect(detector.runner.inputs[0].shape).toEqual([3, 320, 320]);
    // the 0..1 image as 0..255 floats; 'unit' scales it back by 1/255
    const data = Float32Array.from(ref.image, (v) => v * 255);
    const { detections } = await detector.run({ data, width: 320, height: 320, channels: 3 });
    const want = ref.expected.detections;
    expect(detections.length).toBe(want.labels.length);
    expect(detections.map((d) => d.classId)).toEqual(want.labels);
    expect(detections.map((d) => d.label)).toEqual(want.labels.map((l) => TORCHVISION_COCO_LABELS[l]));
    detections.forEach((d, i) => {
      expect(Math.abs(d.score - want.scores[i])).toBeLessThan(1e-4);
      const [x1, y1, x2, y2] = want.boxes[i];
      for (const [got, exp] of [[d.box.x1, x1], [d.box.y1, y1], [d.box.x2, x2], [d.box.y2, y2]]) expect(Math.abs(got - exp)).toBeLessThan(1e-2);
    });
    detector.dispose();
  });
});

describe('torchvision ssdlite320 raw heads through pipeline("object-detection") (family torchvision-ssd)', () => {
  it('reproduces torchvision’s detections from a declarative card', async () => {
    const ref = ssdliteReference();
    const { settings, boxCoder, detections: want } = ref.expected;
    const spec: ModelSpec = {
      id: 'ssdlite320-heads',
      task: 'object-detection',
      family: 'torchvision-ssd',
      format: 'onnx',
      location: { url: ref.onnxPath },
      input: { width: 320, height: 320, fit: 'stretch', normalization: 'symmetric', layout: 'nchw' },
      labels: TORCHVISION_COCO_LABELS,
      head: {
        torchvisionSsd: {
          defaultBoxes: SSDLITE320_DEFAULT_BOXES,
          outputs: ['bbox_regression', 'cls_logits'],
          boxCoder: { weights: boxCoder.weights, bboxXformClip: boxCoder.bboxXformClip },
          topkCandidates: settings.topk_candidates,
        },
      },
      defaults: { threshold: settings.score_thresh, iouThreshold: settings.nms_thresh, maxDetections: settings.detections_per_img },
    };
    const detector = await pipeline('object-detection', { model: spec });
    const data = Float32Array.from(ref.image, (v) => v * 255); // symmetric: x / 127.5 - 1 = (x/255 - 0.5) / 0.5
    const { detections } = await detector.run({ data, width: 320, height: 320, channels: 3 });
    expect(detections.map((d) => d.classId)).toEqual(want.labels);
    detections.forEach((d, i) => {
      expect(Math.abs(d.score - want.scores[i])).toBeLessThan(1e-4);
      const [x1, y1, x2, y2] = want.boxes[i];
      for (const [got, exp] of [[d.box.x1, x1], [d.box.y1, y1], [d.box.x2, x2], [d.box.y2, y2]]) expect(Math.abs(got - exp)).toBeLessThan(1e-2);
    });
    detector.dispose();
  });
});
