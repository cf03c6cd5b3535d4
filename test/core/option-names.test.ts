/** Public functions outside the pipelines refuse option names they do not take (a misspelt name ran with the default). */
import { describe, expect, it } from 'vitest';
import { refusal } from '../helpers/refusal';
import '../../src/node/index';
import { meanAveragePrecision } from '../../src/eval/map';
import { prepareInput } from '../../src/preprocess/prepare-input';
import { prepareRotatedInput } from '../../src/preprocess/prepare-rotated';
import { fitScatter } from '../../src/render/scatter-layout';
import { KeypointSmoother, OneEuroBank, OneEuroFilter } from '../../src/track/one-euro';
import { createHandLandmarkPipeline } from '../../src/pipelines/hands/hand-pipeline';

const grey = { data: new Uint8Array(8 * 8 * 3).fill(128), width: 8, height: 8, channels: 3 as const };
const spec = { width: 4, height: 4, fit: 'stretch' as const, normalization: 'unit' as const };

describe('option names', () => {
  it.each([
    ['meanAveragePrecision options has unknown option(s) maxDets', () => meanAveragePrecision([], { maxDets: 10 } as never)],
    ['prepareInput options has unknown option(s) resizeOnCaptue', () => prepareInput(grey, spec, { resizeOnCaptue: true } as never)],
    ['prepareRotatedInput options has unknown option(s) gpu', () => prepareRotatedInput(grey, { centerX: 4, centerY: 4, width: 4, height: 4, rotation: 0 }, spec, { gpu: false } as never)],
    ['fitScatter options has unknown option(s) padding', () => fitScatter([{ x: 0, y: 0 }], { width: 100, height: 100 }, { padding: 4 } as never)],
    ['flipY is "no"; it must be true or false', () => fitScatter([{ x: 0, y: 0 }], { width: 100, height: 100 }, { flipY: 'no' as never })],
    ['OneEuroFilter (One-Euro settings) has unknown option(s) mincutoff', () => new OneEuroFilter({ mincutoff: 2 } as never)],
    ['(One-Euro settings) has unknown option(s) min_cutoff', () => new OneEuroBank(4, { min_cutoff: 2 } as never)],
    ['(One-Euro settings) has unknown option(s) d_cutoff', () => new KeypointSmoother({ d_cutoff: 2 } as never)],
    // a pipeline's smoothing settings are One-Euro settings: the misspelt cutoff was ignored
    ['smoothing (One-Euro settings) has unknown option(s) mincutoff', () => createHandLandmarkPipeline({ smoothing: { mincutoff: 2 } as never })],
    // loading options of the wrong type were raw TypeErrors (path.slice is not a function) or silently taken
    ['modelRoot is 5; it must be a string', () => createHandLandmarkPipeline({ modelRoot: 5 as never })],
    ['onProgress is 5; it must be a function', () => createHandLandmarkPipeline({ onProgress: 5 as never })],
    ['fuseConvolutions is "no"; it must be true or false', () => createHandLandmarkPipeline({ fuseConvolutions: 'no' as never })],
    ['cache is 5; it must be true, false or the name of a cache', () => createHandLandmarkPipeline({ cache: 5 as never })],
  ])('%s', async (message, call) => {
    const error = await refusal(call);
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain(message);
  });

  it('the right names still work', async () => {
    const { input } = await prepareInput(grey, spec, { resizeOnCapture: false, gpuSampling: false });
    expect(input.shape).toEqual([1, 4, 4, 3]);
    input.dispose();
    expect(new OneEuroFilter({ minCutoff: 2, beta: 0.1, dCutoff: 1 }).filter(1, 0)).toBe(1);
    expect(meanAveragePrecision([], { maxDetections: 10 }).map).toBeTypeOf('number');
  });
});
