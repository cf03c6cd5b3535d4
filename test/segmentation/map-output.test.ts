/**
 * Which output a segmentation model's class map is read from when the card names none: a
 * torchvision DeepLabV3 / FCN export has `out` and `aux`, in either order; reading the first
 * by position took `aux` when it came first (95 % of labels wrong on a real DeepLabV3, no
 * warning). Real ONNX models built here (onnxruntime-node): `out` says "red", `aux` says
 * "green".
 */
import { describe, expect, it } from 'vitest';
import { type ModelSpec, type RawImage, pipeline } from '../../src/node/index';
import { buildOnnxModel } from '../helpers/onnx-builder';

/** NHWC [1, 8, 8, 3] pixels → two [1, 8, 8, 2] maps: the first named output scores [G, R], the second [R, G]. */
function twoMapModel(names: [string, string]): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: 'image', dims: [1, 8, 8, 3] }],
    outputs: names.map((name) => ({ name, dims: [1, 8, 8, 2] })),
    initializers: [
      { name: 'redWins', dims: [3, 2], values: [0, 0.1, 0.1, 0, 0, 0] },
      { name: 'greenWins', dims: [3, 2], values: [0.1, 0, 0, 0.1, 0, 0] },
    ],
    nodes: [
      { op: 'MatMul', inputs: ['image', 'redWins'], outputs: [names[0]] },
      { op: 'MatMul', inputs: ['image', 'greenWins'], outputs: [names[1]] },
    ],
  });
}

const card = (outputs?: string[]): ModelSpec =>
  ({
    id: 'two-maps', task: 'image-segmentation', family: 'semantic', format: 'onnx', location: { url: 'two-maps.onnx' },
    input: { width: 8, height: 8, fit: 'stretch', normalization: 'none', layout: 'nhwc' },
    labels: ['background', 'red'], segmentation: { activation: 'softmax' }, ...(outputs ? { outputs } : {}),
  }) as ModelSpec;

/** Left half red, right half green. */
const halves: RawImage = {
  data: Uint8Array.from({ length: 8 * 8 * 3 }, (_, i) => { const x = Math.floor(i / 3) % 8; const c = i % 3; return x < 4 ? (c === 0 ? 255 : 0) : c === 1 ? 255 : 0; }),
  width: 8, height: 8, channels: 3,
};

/** The category of the top-left and top-right pixel. */
async function corners(names: [string, string], outputs?: string[]): Promise<[number, number]> {
  const segmenter = await pipeline('image-segmentation', { model: card(outputs), modelSource: twoMapModel(names) });
  const { categoryMask, confidenceMasks } = await segmenter.run(halves);
  const labels = categoryMask!.toUint8Array();
  const answer: [number, number] = [labels[0], labels[7]];
  categoryMask!.close();
  for (const m of confidenceMasks!) m.close();
  segmenter.dispose();
  return answer;
}

describe('a segmentation model with several outputs', () => {
  it.each([
    [['out', 'aux'] as [string, string]],
    [['aux', 'out'] as [string, string]],
  ])('reads torchvision\'s `out` whatever the order (%j)', async (order) => {
    // the output named first gives the red left half the foreground class, the second the green right half
    const outIsRed = order[0] === 'out';
    expect(await corners(order)).toEqual(outIsRed ? [1, 0] : [0, 1]);
  });

  it('reads Hugging Face\'s `logits` beside another output', async () => {
    expect(await corners(['hidden', 'logits'])).toEqual([0, 1]);
  });

  it('reads the output the card names, even `aux`', async () => {
    expect(await corners(['out', 'aux'], ['aux'])).toEqual([0, 1]);
  });

  it('refuses at creation, listing the outputs, when no name says which is the map', async () => {
    await expect(pipeline('image-segmentation', { model: card(), modelSource: twoMapModel(['first', 'second']) })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(/has 2 outputs \(first, second\) and its card names none; image-segmentation reads one class map: name it in the card's outputs/),
    });
    await expect(pipeline('video-matting', { model: card(), modelSource: twoMapModel(['first', 'second']) })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/video matting reads one class map/) });
  });

  it('video matting reads `out` too: the matte is the half `out` calls the person', async () => {
    const matting = await pipeline('video-matting', { model: card(), modelSource: twoMapModel(['aux', 'out']), refine: false });
    const { alpha } = await matting.run(halves);
    const values = alpha.toFloat32Array();
    // `out` (second here) gives the green right half the foreground class; `aux` would give the left
    expect(values[7]).toBeGreaterThan(0.9);
    expect(values[0]).toBeLessThan(0.1);
    alpha.close();
    matting.dispose();
  });
});
