// What the webcam and runLoop are given is checked at the boundary, before a device or a frame
// is touched (so this runs in Node): bad values are VisionErrors whose message names the value
// and what is allowed.
import { describe, expect, it } from 'vitest';
import { PushFrameSource, Webcam, runLoop } from '../../src/camera/index';
import { VisionError } from '../../src/core/errors';

async function failure(work: () => unknown): Promise<VisionError> {
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(VisionError);
    return error as VisionError;
  }
  throw new Error('expected a VisionError, but it did not fail');
}

describe('Webcam options', () => {
  it('Webcam.open(null) and non-object options are INVALID_OPTION (not a TypeError)', async () => {
    for (const options of [null, 'x', 5, []]) {
      const error = await failure(() => Webcam.open(options as never));
      expect(error.code).toBe('INVALID_OPTION');
      expect(error.message).toMatch(/Webcam\.open options must be an object \(\{ deviceId, facingMode, width, height, frameRate, signal \}\)/);
    }
  });
});

describe('runLoop arguments', () => {
  it('a null or shapeless processor is INVALID_INPUT at the call (no TypeError, no error later), and the source is closed', async () => {
    for (const processor of [null, {}, { run: 5 }, 'detector']) {
      const source = new PushFrameSource();
      const error = await failure(() => runLoop(source, processor as never));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toMatch(/pass a pipeline \(an object with run\(\) and optionally runForVideo\(\)\) or an async function/);
      expect(source.closed).toBe(true);
    }
    for (const source of [null, {}, 'camera']) {
      const error = await failure(() => runLoop(source as never, async () => 0));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toMatch(/pass a FrameSource/);
    }
  });
});
