/**
 * Video mode with a score threshold under ByteTrack's 0.5: objects scoring between the
 * threshold and 0.3 are tracked (score fusion, IoU × score, kept them from ever being confirmed).
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import '../../src/node/index';
import type { Detection, RawImage } from '../../src/node/index';
import { createPoseEstimationPipeline } from '../../src/pipelines/pose/pose-pipeline';
import { adaptedTracker } from '../../src/pipelines/shared/adapted-tracker';
import { fixturePhoto } from '../helpers/photos';

const detection = (x: number, score: number): Detection => ({
  box: { x1: x, y1: 100, x2: x + 100, y2: 300 },
  boxNormalized: { x1: x / 640, y1: 100 / 480, x2: (x + 100) / 640, y2: 300 / 480 },
  score,
  classId: 0,
  label: 'person',
});

describe('the tracker adapted to a low threshold', () => {
  it('confirms a new object of score 0.28 on its second frame, and keeps its ID while it moves (IoU 0.6 a frame)', () => {
    const tracker = adaptedTracker(0.25, {});
    expect(tracker.update([], 0)).toEqual([]);
    const ids: number[][] = [];
    for (let i = 0; i < 8; i++) ids.push(tracker.update([detection(100 + 25 * i, 0.28)], 33 * (i + 1)).map((d) => d.trackId));
    expect(ids[0]).toEqual([]); // a new track: confirmed when seen again, as in ByteTrack
    expect(ids.slice(1)).toEqual(Array.from({ length: 7 }, () => [1]));
  });

  it('tracker settings set to undefined keep the adapted values (they fell back to ByteTrack\'s 0.5 and 0.6)', () => {
    const tracker = adaptedTracker(0.25, { highThreshold: undefined, newTrackThreshold: undefined, fuseScore: undefined });
    expect(tracker.options).toMatchObject(adaptedTracker(0.25, {}).options);
    tracker.update([], 0);
    tracker.update([detection(100, 0.28)], 33);
    expect(tracker.update([detection(100, 0.28)], 66).map((d) => d.trackId)).toEqual([1]);
  });

  it('at 0.5 and up scores are fused, as ByteTrack does; the tracker option still decides', () => {
    const fused = adaptedTracker(0.5, {});
    fused.update([detection(100, 0.55)], 0);
    // IoU 1 × 0.55 passes the tentative match (distance 0.45 < 0.7)
    expect(fused.update([detection(100, 0.55)], 33).map((d) => d.trackId)).toEqual([1]);
    const forced = adaptedTracker(0.25, { fuseScore: true });
    forced.update([], 0);
    forced.update([detection(100, 0.28)], 33);
    expect(forced.update([detection(100, 0.28)], 66)).toEqual([]);
  });
});

describe('MoveNet MultiPose video mode (threshold 0.25)', () => {
  it('reports a person scoring under 0.3 who walks in after the first frame, from their second frame on', async () => {
    const subject = await sharp(fixturePhoto('astronaut')).resize(400, 400).toBuffer(); // a JPEG, as the photo is
    const canvas = async (withPerson: boolean): Promise<RawImage> => {
      const base = sharp({ create: { width: 1200, height: 400, channels: 3, background: { r: 128, g: 128, b: 128 } } });
      const { data, info } = await (withPerson ? base.composite([{ input: subject, left: 800, top: 0 }]) : base).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
    };
    const [empty, person] = [await canvas(false), await canvas(true)];
    const estimator = await createPoseEstimationPipeline({ model: 'movenet-multipose' });
    const [still] = (await estimator.run(person)).poses;
    expect(still.score).toBeGreaterThanOrEqual(0.25);
    expect(still.score).toBeLessThan(0.3); // the case: under 1 − tentativeMatchThreshold
    const found: number[][] = [];
    for (let i = 0; i < 7; i++) found.push((await estimator.runForVideo(i < 2 ? empty : person, i * 33)).poses.map((p) => p.trackId!));
    // 0 of 28 frames before
    expect(found).toEqual([[], [], [], [1], [1], [1], [1]]);
    estimator.dispose();
  });
});
