import { describe, expect, it } from 'vitest';
import '../../src/node/index';
import { Mask } from '../../src/core/mask';
import { TORCHVISION_COCO_LABELS } from '../../src/models/coco-labels';
import { maskRcnnModel } from '../../src/models/segmentation-cards';
import { pasteMasks } from '../../src/postprocess/masks/paste';
import { createInstanceSegmentationPipeline } from '../../src/pipelines/segmentation/instance-segmentation-pipeline';
import { type MaskRcnnReference, maskRcnnReference } from '../helpers/torchvision-cache';

/**
 * Format test on a real Mask R-CNN: torchvision's maskrcnn_resnet50_fpn (random weights,
 * 320×320) exported to ONNX (opset 11 and 17) by scripts/export_torchvision_maskrcnn.py into
 * .cache/. The pipeline runs the exports in onnxruntime-node (both) and -web (opset 11) and
 * must give torchvision's own instances; and our paste of the model's real 28×28 masks must
 * equal torchvision's.
 */
let cached: MaskRcnnReference | undefined;
function reference(): MaskRcnnReference {
  if (!cached) {
    cached = maskRcnnReference();
    if (cached.generatedInS > 0) console.log(`exported Mask R-CNN in ${cached.generatedInS.toFixed(1)} s (torchvision timings ${JSON.stringify(cached.expected.timings)})`);
  }
  return cached;
}

const SIZE = 320;

/** Pixels where our binary mask and torchvision's `probabilities > 0.5` differ, and their union. */
function compare(mask: Mask, probabilities: Float32Array): { differ: number; union: number } {
  const ours = mask.toUint8Array();
  let differ = 0;
  let union = 0;
  for (let p = 0; p < ours.length; p++) {
    const a = ours[p] > 0;
    const b = probabilities[p] > 0.5;
    if (a !== b) differ++;
    if (a || b) union++;
  }
  return { differ, union };
}

describe('Mask R-CNN (torchvision export, random weights)', () => {
  it("pasting the model's real 28×28 masks equals torchvision's paste_masks_in_image exactly", () => {
    const { masks28, pasted, expected } = reference();
    const n = expected.count;
    const masks = pasteMasks({ dims: [n, 1, 28, 28], data: masks28 }, expected.boxes.flat(), SIZE, SIZE);
    masks.forEach((m, i) => {
      const want = pasted.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE);
      const got = m.toUint8Array();
      let differ = 0;
      for (let p = 0; p < got.length; p++) if (got[p] > 0 !== want[p] > 0.5) differ++;
      expect(differ).toBe(0);
      expect(m.area()).toBe(expected.maskArea[i]);
      m.close();
    });
  });

  it.each([
    ['onnxruntime-node', 11, undefined],
    ['onnxruntime-web (wasm)', 11, 'web'],
    ['onnxruntime-node', 17, undefined],
  ] as const)('the pipeline on %s, opset %i export, gives torchvision\'s instances and masks', async (_name, opset, which) => {
    const { onnxPath: opset11, onnxPathOpset17, image, pasted, expected } = reference();
    const onnxPath = opset === 17 ? onnxPathOpset17 : opset11;
    const ort = which === 'web' ? await import('onnxruntime-web') : undefined;
    if (ort) ort.env.wasm.numThreads = 1;
    const segmenter = await createInstanceSegmentationPipeline({ model: maskRcnnModel({ url: onnxPath, width: SIZE, height: SIZE }), threshold: 0.05, ort });
    expect(segmenter.runner.backend).toBe(which === 'web' ? 'wasm' : 'cpu');
    const t0 = performance.now();
    const { instances, imageSize, timing } = await segmenter.run({ data: image, width: SIZE, height: SIZE, channels: 3 });
    console.log(`Mask R-CNN 320×320 (opset ${opset}) on ${_name}: ${(performance.now() - t0).toFixed(0)} ms (inference ${timing.inference.toFixed(0)} ms, postprocess ${timing.postprocess.toFixed(1)} ms), ${instances.length} instances`);
    expect(imageSize).toEqual({ width: SIZE, height: SIZE });
    expect(instances).toHaveLength(expected.count);
    instances.forEach((inst, i) => {
      expect(inst.classId).toBe(expected.labels[i]);
      expect(inst.label).toBe(TORCHVISION_COCO_LABELS[expected.labels[i]]);
      expect(inst.score).toBeCloseTo(expected.scores[i], 3);
      const [x1, y1, x2, y2] = expected.boxes[i];
      for (const [got, want] of [[inst.box.x1, x1], [inst.box.y1, y1], [inst.box.x2, x2], [inst.box.y2, y2]]) expect(Math.abs(got - want)).toBeLessThan(0.05);
      // The export pastes in the graph (torchvision's ONNX-traced paste, run by onnxruntime in
      // its own float arithmetic); the pipeline only thresholds it. Same masks up to a pixel
      // or 1% of the mask at the 0.5 boundary.
      const { differ, union } = compare(inst.mask, pasted.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE));
      expect(differ).toBeLessThanOrEqual(Math.max(2, 0.01 * union));
      inst.mask.close();
    });
    segmenter.dispose();
  });
});
