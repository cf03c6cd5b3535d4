import { expect } from 'vitest';
import { VisionError } from '../../src/core/errors';

/** The VisionError `call` throws or rejects with (the test fails when it does neither, or throws something else). */
export async function refusal(call: () => unknown): Promise<VisionError> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(VisionError);
    return error as VisionError;
  }
  throw new Error('expected a VisionError');
}
