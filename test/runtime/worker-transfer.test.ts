/**
 * What crosses to a worker when the browser cannot copy a picture: `createImageBitmap` refuses
 * an OffscreenCanvas with no drawing context (or one past its size limits) with a bare
 * DOMException "could not be allocated". `toTransferable` must turn that into a VisionError
 * `INVALID_INPUT` that says what the picture must be. Node has neither OffscreenCanvas nor
 * createImageBitmap, so this control-flow test stands them in (the browser path itself is
 * exercised by the Chromium worker tests).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ImageInput } from '../../src/core/image-input';
import { toTransferable } from '../../src/runtime/worker-transfer';

const globals = globalThis as Record<string, unknown>;

describe('toTransferable when the browser cannot copy the picture', () => {
  afterEach(() => {
    delete globals.OffscreenCanvas;
    delete globals.createImageBitmap;
  });

  it('a DOMException from createImageBitmap is INVALID_INPUT saying what the picture must be', async () => {
    class OffscreenCanvas {
      width = 160;
      height = 120;
    }
    globals.OffscreenCanvas = OffscreenCanvas;
    globals.createImageBitmap = async (): Promise<never> => {
      throw new DOMException('The ImageBitmap could not be allocated.', 'InvalidStateError');
    };
    const failure = await toTransferable(new OffscreenCanvas() as unknown as ImageInput).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'INVALID_INPUT' });
    expect(String((failure as Error).message)).toMatch(/could not be copied for the worker.*could not be allocated.*drawing context/);
  });
});
