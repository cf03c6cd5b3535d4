import { describe, expect, it } from 'vitest';
import { INSTANCE_DECODERS } from '../../src/pipelines/segmentation/instance-decoders';
import { maskRcnnModel } from '../../src/models/segmentation-cards';
import { pasteMasks } from '../../src/postprocess/masks/paste';
import type { InputTransform } from '../../src/core/types';

describe('Mask R-CNN decoder', () => {
  it('pastes per-box 28×28 masks into their boxes on a 28×28 photo (not read as masks already at its size)', () => {
    const spec = maskRcnnModel({ url: 'maskrcnn.onnx', width: 320, height: 320 });
    const scale = 320 / 28;
    const transform: InputTransform = { sourceWidth: 28, sourceHeight: 28, inputWidth: 320, inputHeight: 320, scaleX: scale, scaleY: scale, padX: 0, padY: 0, cropX: 0, cropY: 0 };
    const mask = new Float32Array(784).fill(0.9); // the whole 28×28 mask on: pasted, only its box is
    const sourceBox = [4, 6, 12, 20];
    const outputs = {
      boxes: { dtype: 'float32' as const, dims: [1, 4], data: Float32Array.from(sourceBox, (v) => v * scale) },
      labels: { dtype: 'int64' as const, dims: [1], data: BigInt64Array.from([1n]) },
      scores: { dtype: 'float32' as const, dims: [1], data: new Float32Array([0.95]) },
      masks: { dtype: 'float32' as const, dims: [1, 1, 28, 28], data: mask },
    };
    const { masks } = INSTANCE_DECODERS.maskrcnn(outputs, { spec, transform, threshold: 0.5, iouThreshold: 0.5, maxDetections: 10, maskThreshold: 0.5, options: {} });
    const [expected] = pasteMasks({ dims: [1, 1, 28, 28], data: mask }, sourceBox, 28, 28, { layout: 'per-box' });
    expect(masks).toHaveLength(1);
    expect(masks[0].toRle()).toEqual(expected.toRle());
    expect(masks[0].area()).toBeLessThan(784 / 2);
    masks[0].close();
    expected.close();
    // labels and scores swapped (an export written with the other torchvision models' output order): refused, not class ids read as scores
    const swapped = { ...outputs, scores: outputs.labels, labels: outputs.scores };
    expect(() => INSTANCE_DECODERS.maskrcnn(swapped, { spec, transform, threshold: 0.5, iouThreshold: 0.5, maxDetections: 10, maskThreshold: 0.5, options: {} })).toThrow(/output 'scores', read as the scores, is int64/);
  });
});
