/**
 * Cards that do not fit a segmentation task are refused instead of giving wrong masks (from an
 * outside check): a centre-cropped input (its masks were spread over the whole frame: IoU 0.74
 * with the right ones), labels that are not one per output class (the person plane came out
 * labelled as the background), an unknown activation or foreground channel, a card without
 * `labels` (a TypeError).
 */
import { describe, expect, it } from 'vitest';
import { type ModelRunner, type RawImage, pipeline } from '../../src/node/index';
import { SELFIE_SEGMENTATION } from '../../src/models/segmentation-cards';
import type { SegmentationModelSpec } from '../../src/models/segmentation-cards';

const frame: RawImage = { data: new Uint8Array(64 * 48 * 3).fill(120), width: 64, height: 48, channels: 3 };
const refused = (fragment: string, code = 'INVALID_OPTION') => expect.objectContaining({ code, message: expect.stringContaining(fragment) });
const selfie = (change: Partial<SegmentationModelSpec>): SegmentationModelSpec => ({ ...SELFIE_SEGMENTATION, id: 'selfie-edited', ...change });

describe('segmentation cards that do not fit', () => {
  it('a centre-cropped input is refused by the tasks that map masks onto the whole image', async () => {
    const centreCrop = selfie({ input: { ...SELFIE_SEGMENTATION.input, fit: 'center-crop' } });
    const message = "model 'selfie-edited': image-segmentation maps its masks onto the whole image, so input.fit must be 'stretch' or 'letterbox', not 'center-crop'";
    await expect(pipeline('image-segmentation', { model: centreCrop, backend: 'wasm' })).rejects.toEqual(refused(message));
    await expect(pipeline('video-matting', { model: centreCrop, backend: 'wasm' })).rejects.toEqual(refused("video-matting maps its masks onto the whole image"));
    const letterboxed = await pipeline('image-segmentation', { model: selfie({ input: { ...SELFIE_SEGMENTATION.input, fit: 'letterbox' } }), backend: 'wasm' });
    const { confidenceMasks } = await letterboxed.run(frame);
    expect(confidenceMasks).toHaveLength(2);
    confidenceMasks?.forEach((m) => m.close());
    letterboxed.dispose();
  });

  it('labels must be one per output class; the head names a known activation and foreground channel', async () => {
    // the model states its output's size: refused at creation (it was at the first run)
    await expect(pipeline('image-segmentation', { model: selfie({ labels: ['person'] }), backend: 'wasm' })).rejects.toEqual(refused("model 'selfie-edited' gives 2 classes (output '", 'MODEL_FORMAT'));
    await expect(pipeline('image-segmentation', { model: selfie({ labels: ['person'] }), backend: 'wasm' })).rejects.toEqual(refused("[1,256,256,1]) but its card has 1 labels", 'MODEL_FORMAT'));
    await expect(pipeline('image-segmentation', { model: selfie({ labels: ['background', 'person', 'dog'] }), backend: 'wasm' })).rejects.toEqual(refused('gives 2 classes', 'MODEL_FORMAT'));
    // a model that does not state it: refused at the run
    const unstated: ModelRunner = {
      runtime: 'onnxruntime', backend: 'wasm', metadata: {},
      inputs: [{ name: 'x', shape: [1, 256, 256, 3], dtype: 'float32' }],
      outputs: [{ name: 'map', shape: [-1, -1, -1, -1], dtype: 'float32' }],
      run: async () => ({ map: { dtype: 'float32', dims: [1, 4, 4, 3], data: new Float32Array(48) } }),
      dispose: () => {},
    };
    const later = await pipeline('image-segmentation', { model: unstated, spec: selfie({ labels: ['background', 'person'] }) });
    await expect(later.run(frame)).rejects.toEqual(refused("model 'selfie-edited' gives 3 classes (output [1,4,4,3]) but its card has 2 labels: give the card one label per class (the output is read in the card's input.layout, 'nhwc': [1, height, width, classes])", 'MODEL_FORMAT'));
    later.dispose();
    await expect(pipeline('image-segmentation', { model: selfie({ segmentation: { activation: 'bogus' as 'none' } }), backend: 'wasm' })).rejects.toEqual(refused('segmentation.activation is "bogus"; allowed: none, sigmoid, softmax'));
    await expect(pipeline('image-segmentation', { model: selfie({ segmentation: { foregroundChannel: 5 } }), backend: 'wasm' })).rejects.toEqual(refused('segmentation.foregroundChannel is 5; it must be 0 or 1'));
    // a misspelt field was passed over: logits were clamped as probabilities (10 % of a class map wrong)
    await expect(pipeline('image-segmentation', { model: selfie({ segmentation: { activaton: 'softmax' } as never }), backend: 'wasm' })).rejects.toEqual(refused('segmentation has unknown field(s) activaton; allowed: activation, foregroundChannel, maskRcnnOutputs, yoloOutputs, protoLayout'));
    // an array was taken as an empty head
    await expect(pipeline('image-segmentation', { model: selfie({ segmentation: [] as never }), backend: 'wasm' })).rejects.toEqual(refused('segmentation is an array'));
  });

  it('a card without labels takes none (then the file\'s names, or a request for labels); labels that are no strings are refused', async () => {
    const { labels: _labels, ...bare } = SELFIE_SEGMENTATION;
    await expect(pipeline('image-segmentation', { model: bare as SegmentationModelSpec, backend: 'wasm' })).rejects.toEqual(refused("has no labels in its card and no 'names' metadata in the file; pass labels"));
    await expect(pipeline('image-segmentation', { model: selfie({ labels: 'person' as unknown as string[] }), backend: 'wasm' })).rejects.toEqual(refused('labels are "person"; they must be a list of class names'));
  });

});
