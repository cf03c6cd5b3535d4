/**
 * What crosses to a worker when the browser cannot copy a picture: `createImageBitmap` refuses
 * an OffscreenCanvas with no drawing context (or one past its size limits) with a bare
 * DOMException "could not be allocated". `toTransferable` must turn that into a VisionError
 * `INVALID_INPUT` that says what the picture must be. Node has neither OffscreenCanvas nor
 * createImageBitmap, so this control-flow test stands them in (the browser path itself is
 * exercised by the Chromium worker tests). Raw pixels and image bytes that view part of a
 * larger buffer must cross as a copy of their own bytes: posting the view would copy the whole
 * buffer, and transferring it (a handed-over image) would detach the caller's other data in it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ImageInput } from '../../src/core/image-input';
import type { RawImage } from '../../src/core/raw-image';
import { handOver } from '../../src/core/frame-ownership';
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

describe('toTransferable with pixels or bytes viewing part of a larger buffer', () => {
  /** A 2×2 RGB image whose pixels sit at byte 16 of a 64-byte buffer holding the caller's other data. */
  function imageInLargerBuffer(): { image: RawImage; heap: Uint8Array } {
    const heap = new Uint8Array(64).map((_, i) => i);
    return { image: { data: heap.subarray(16, 28), width: 2, height: 2, channels: 3 }, heap };
  }

  it.each([false, true])('a raw image (handed over: %s) is posted as a copy of its own pixels; the caller\'s buffer stays whole', async (given) => {
    const { image, heap } = imageInLargerBuffer();
    const { value, transfer } = await toTransferable(given ? handOver(image) : image);
    const sent = value as RawImage;
    expect({ width: sent.width, height: sent.height, channels: sent.channels }).toEqual({ width: 2, height: 2, channels: 3 });
    expect(sent.data.buffer.byteLength).toBe(12); // only the pixels, not the 64-byte buffer
    expect(transfer).toEqual([sent.data.buffer]);
    const received = structuredClone(value, { transfer }) as RawImage;
    expect([...received.data]).toEqual([...heap.subarray(16, 28)]);
    expect(heap.byteLength).toBe(64); // not detached
    expect([...heap.subarray(0, 4)]).toEqual([0, 1, 2, 3]);
  });

  it('an ImageData-like buffer keeps its kind (no channels) and image bytes are copied the same way', async () => {
    const heap = new Uint8ClampedArray(40).fill(7);
    const rgba = { data: heap.subarray(8, 24), width: 2, height: 2 };
    const { value: sentPixels, transfer: pixelTransfer } = await toTransferable(handOver(rgba) as unknown as ImageInput);
    expect(sentPixels).not.toHaveProperty('channels');
    expect((sentPixels as RawImage).data).toBeInstanceOf(Uint8ClampedArray);
    expect(pixelTransfer).toEqual([(sentPixels as RawImage).data.buffer]);
    expect((sentPixels as RawImage).data.byteLength).toBe(16);

    const file = new Uint8Array(100);
    const bytes = file.subarray(10, 30);
    const { value: sentBytes, transfer: byteTransfer } = await toTransferable(bytes);
    expect((sentBytes as Uint8Array).buffer.byteLength).toBe(20);
    structuredClone(sentBytes, { transfer: byteTransfer });
    expect(file.byteLength).toBe(100);
    // a small Node Buffer views the shared 8 KB pool, and its slice() is a view of that pool too
    const pooled = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    expect(pooled.buffer.byteLength).toBeGreaterThan(4);
    const { value: sentBuffer, transfer: bufferTransfer } = await toTransferable(pooled);
    expect((sentBuffer as Uint8Array).buffer).not.toBe(pooled.buffer);
    expect(bufferTransfer).toEqual([(sentBuffer as Uint8Array).buffer]);
    expect([...(sentBuffer as Uint8Array)]).toEqual([0xff, 0xd8, 0xff, 0xe0]);
  });

  it('a view over its whole buffer is posted as it is: transferred only when handed over', async () => {
    const image: RawImage = { data: new Uint8Array(12), width: 2, height: 2, channels: 3 };
    const kept = await toTransferable(image);
    expect(kept.value).toBe(image);
    expect(kept.transfer).toEqual([]);
    const given = await toTransferable(handOver(image));
    expect(given.value).toBe(image);
    expect(given.transfer).toEqual([image.data.buffer]);
    const bytes = new Uint8Array([0xff, 0xd8, 0xff]);
    expect((await toTransferable(bytes)).transfer).toEqual([]);
    expect((await toTransferable(handOver(bytes))).transfer).toEqual([bytes.buffer]);
  });
});
