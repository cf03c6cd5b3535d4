/**
 * Format test on a real architecture: torchvision's ssdlite320_mobilenet_v3_large (random
 * weights, fixed seed), exported to ONNX with only its raw heads. Our default boxes, box
 * decoding and post-processing must reproduce torchvision's own detections on the same input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelRunner, loadModel } from '../../src/node/index';
import { SSDLITE320_DEFAULT_BOXES, torchvisionDefaultBoxes } from '../../src/postprocess/detection/torchvision-ssd-boxes';
import { postprocessTorchvisionSsd } from '../../src/postprocess/detection/torchvision-ssd';
import { type SsdliteReference, ssdliteReference } from '../helpers/torchvision-cache';

describe('torchvision ssdlite320_mobilenet_v3_large, raw heads in onnxruntime + our SSD post-processing', () => {
  let ref: SsdliteReference;
  let runner: ModelRunner;
  beforeAll(async () => {
    ref = ssdliteReference();
    runner = await loadModel(ref.onnxPath);
  });
  afterAll(() => runner?.dispose());

  it('exports the raw heads as documented', () => {
    expect(runner.runtime).toBe('onnxruntime');
    expect(runner.inputs.map((i) => [i.name, i.shape])).toEqual([['images', [1, 3, 320, 320]]]);
    expect(Object.fromEntries(runner.outputs.map((o) => [o.name, o.shape]))).toEqual({
      bbox_regression: [1, 3234, 4],
      cls_logits: [1, 3234, 91],
    });
  });

  it('generates the same default boxes as torchvision (all 3234)', () => {
    const { defaultBoxes, imageSize } = ref.expected;
    const ours = torchvisionDefaultBoxes(SSDLITE320_DEFAULT_BOXES);
    // the preset is what the model uses
    expect(SSDLITE320_DEFAULT_BOXES.gridSizes).toEqual(defaultBoxes.gridSizes);
    expect(SSDLITE320_DEFAULT_BOXES.aspectRatios).toEqual(defaultBoxes.aspectRatios);
    expect([SSDLITE320_DEFAULT_BOXES.imageHeight, SSDLITE320_DEFAULT_BOXES.imageWidth]).toEqual(imageSize);
    expect(ours.length).toBe(ref.expected.anchors.length * 4);
    let maxDiff = 0;
    ref.expected.anchors.forEach((row, i) => row.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - ours[i * 4 + j])))));
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('reproduces torchvision SSD.postprocess_detections: labels, order, boxes (1e-3) and scores (1e-4)', async () => {
    const { settings, boxCoder, detections, numClasses } = ref.expected;
    const out = await runner.run({ images: { dtype: 'float32', dims: [1, 3, 320, 320], data: ref.input } });
    expect(out.cls_logits.dims).toEqual([1, 3234, numClasses]);
    const anchors = torchvisionDefaultBoxes(SSDLITE320_DEFAULT_BOXES);
    const result = postprocessTorchvisionSsd({ bboxRegression: out.bbox_regression.data as Float32Array, clsLogits: out.cls_logits.data as Float32Array }, anchors, {
      imageWidth: 320,
      imageHeight: 320,
      scoreThresh: settings.score_thresh,
      nmsThresh: settings.nms_thresh,
      detectionsPerImg: settings.detections_per_img,
      topkCandidates: settings.topk_candidates,
      weights: boxCoder.weights,
      bboxXformClip: boxCoder.bboxXformClip,
    });
    // enough detections, several classes, and NMS had boxes to suppress
    expect(detections.labels.length).toBeGreaterThanOrEqual(20);
    expect(new Set(detections.labels).size).toBeGreaterThan(5);
    expect(ref.expected.candidatesBeforeNms).toBeGreaterThan(detections.labels.length);

    expect(Array.from(result.classIds)).toEqual(detections.labels);
    detections.scores.forEach((s, i) => expect(Math.abs(result.scores[i] - s), `score ${i}`).toBeLessThan(1e-4));
    let maxBoxDiff = 0;
    detections.boxes.forEach((box, i) => box.forEach((v, j) => (maxBoxDiff = Math.max(maxBoxDiff, Math.abs(v - result.boxes[i * 4 + j])))));
    expect(maxBoxDiff).toBeLessThan(1e-3);
    for (let i = 0; i < result.boxes.length; i++) {
      expect(result.boxes[i]).toBeGreaterThanOrEqual(0);
      expect(result.boxes[i]).toBeLessThanOrEqual(320);
    }
  });
});
