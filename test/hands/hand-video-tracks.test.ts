/**
 * Track IDs in the hand-landmark pipeline's video mode with its defaults (HandTrack boxes,
 * rotated crops, two hands): a detection of a hand already followed is the same hand, although
 * HandTrack's box and the followed hand's turned crop are regions of other shapes (their IoU is
 * about 0.3).
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawImage } from '../../src/node/index';
import { type HandLandmarkPipeline, createHandLandmarkPipeline } from '../../src/pipelines/hands/hand-pipeline';
import { facePhoto } from '../helpers/photos';
import { cropped } from '../pose/helpers';

function pasted(frame: RawImage, patch: RawImage, left: number, top: number): RawImage {
  const out = { ...frame, data: frame.data.slice() };
  for (let y = 0; y < patch.height; y++) out.data.set(patch.data.subarray(y * patch.width * 3, (y + 1) * patch.width * 3), ((top + y) * out.width + left) * 3);
  return out;
}

describe('hand landmarks: track IDs in video mode with the default detector and crops', () => {
  let hands: HandLandmarkPipeline;
  beforeAll(async () => {
    hands = await createHandLandmarkPipeline({ maxHands: 2, backend: 'wasm' });
  }, 60_000);
  afterAll(() => hands?.dispose());

  it('a still hand keeps its ID when the detector looks again; a second hand that comes is reported; when the first leaves the second keeps its own ID', async () => {
    // sample2's lip hand (A) on sample3's corner; then its mirror image, slightly blurred (B), joins it; then A leaves
    const hand = await cropped(facePhoto(2), 210, 300, 220, 170, 300, 230);
    const background = await cropped(facePhoto(3), 0, 0, 640, 480);
    const blurredMirror = await sharp(hand.data, { raw: { width: hand.width, height: hand.height, channels: 3 } }).flop().blur(5).raw().toBuffer();
    const other: RawImage = { ...hand, data: new Uint8Array(blurredMirror) };
    const a = pasted(background, hand, 20, 20);
    const ab = pasted(a, other, 330, 240);
    const b = pasted(background, other, 330, 240);
    expect((await hands.run(ab)).hands).toHaveLength(2);
    const frames = [...Array<RawImage>(2).fill(a), ...Array<RawImage>(12).fill(ab), ...Array<RawImage>(4).fill(b)];
    const seen: { id: number; left: boolean }[][] = [];
    for (const [i, frame] of frames.entries()) {
      seen.push((await hands.runForVideo(frame, i * 33)).hands.map((h) => ({ id: h.trackId ?? -1, left: h.keypoints[0].x < 320 })));
    }
    const shown = seen.map((s) => s.map((h) => `${h.left ? 'A' : 'B'}#${h.id}`).join(',')).join(' ');
    // A: one ID through the detector's runs at frames 0 and 10 (it became a new track each time: #1, #2, …)
    const aIds = seen.slice(0, 14).map((s) => s.find((h) => h.left)?.id);
    expect(aIds, shown).toEqual(Array(14).fill(1));
    // B: found by the detector's next look (frame 10) and kept (it was cut by A's duplicate under maxHands and never reported)
    const bIds = seen.slice(10).map((s) => s.find((h) => !h.left)?.id);
    expect(bIds[0], shown).toBeGreaterThan(1);
    expect(bIds, shown).toEqual(Array(8).fill(bIds[0]));
    // after A left, B is the only hand, under its own ID (it took the departed A's)
    expect(seen.slice(14).every((s) => s.length === 1), shown).toBe(true);
  });

  it('a hand that jumps out of its crop on a frame the detector runs anyway (its interval) keeps its ID (it got a new one)', async () => {
    hands.reset();
    const hand = await cropped(facePhoto(2), 210, 300, 220, 170, 300, 230);
    const background = await cropped(facePhoto(3), 0, 0, 640, 480);
    const frames = [...Array<RawImage>(10).fill(pasted(background, hand, 20, 20)), ...Array<RawImage>(2).fill(pasted(background, hand, 330, 240))];
    const ids: string[] = [];
    for (const [i, frame] of frames.entries()) ids.push((await hands.runForVideo(frame, i * 33)).hands.map((h) => `${h.trackId}@${h.keypoints[0].x > 320 ? 'right' : 'left'}`).join(','));
    expect(ids).toEqual([...Array(10).fill('1@left'), '1@right', '1@right']);
  });
});
