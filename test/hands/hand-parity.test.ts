/**
 * Hand landmarks on real photos, against the peer on the same weights: @vladmandic/human's
 * HandTrack + MediaPipe hand landmark path (Node wasm build, smoothing and caching off). The
 * face-api group photos have hands both find: sample2's left part (900×1100 from (0, 200): a
 * hand at a lip and a fist on a knee), sample4 (a hand holding a phone) and sample5.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawImage, decodeImageFile } from '../../src/node/index';
import { type HandLandmarkPipeline, createHandLandmarkPipeline } from '../../src/pipelines/hands/hand-pipeline';
import type { Hand } from '../../src/pipelines/hands/hand-types';
import { HAND_KEYPOINT_NAMES } from '../../src/postprocess/hands/hand-keypoints';
import { facePhoto } from '../helpers/photos';
import { cropped } from '../pose/helpers';
import { type PeerHand, createHumanPeer } from './human-peer';

const MAX_HANDS = 4;

/** @vladmandic/human's `fingerScore` of a presence value: a sigmoid of it, truncated to 2 decimals as human does. */
const humanFingerScore = (presence: number): number => (100 - Math.trunc(100 / (1 + Math.exp(presence)))) / 100;

/** Largest x or y difference (pixels) between our hand and the peer's. */
function maxDifference(ours: Hand, peer: PeerHand): number {
  return Math.max(...ours.keypoints.flatMap((k, i) => [Math.abs(k.x - peer.keypoints[i][0]), Math.abs(k.y - peer.keypoints[i][1])]));
}

describe('hand landmarks equal @vladmandic/human on the same weights', () => {
  let hands: HandLandmarkPipeline;
  let peer: Awaited<ReturnType<typeof createHumanPeer>>;
  const photos = new Map<string, RawImage>();
  beforeAll(async () => {
    // human keeps every hand its detector finds (it passes the presence, already a probability,
    // through a second sigmoid, which is always ≥ 0.5): presenceThreshold 0 compares the same set
    hands = await createHandLandmarkPipeline({ maxHands: MAX_HANDS, backend: 'wasm', presenceThreshold: 0 });
    peer = await createHumanPeer('handlandmark-full', MAX_HANDS);
    photos.set('sample2 left part', await cropped(facePhoto(2), 0, 200, 900, 1100));
    for (const n of [4, 5] as const) photos.set(`sample${n}`, await decodeImageFile(facePhoto(n)));
  }, 60_000);
  afterAll(() => hands?.dispose());

  it.each(['sample2 left part', 'sample4', 'sample5'])('face-api %s: the same hands, every keypoint within 1 px', async (name) => {
    const photo = photos.get(name)!;
    const ours = (await hands.run(photo)).hands;
    const theirs = (await peer.detect(photo)).filter((h) => h.keypoints.length === 21);
    expect(theirs.length).toBeGreaterThan(0);
    expect(ours).toHaveLength(theirs.length);
    for (const p of theirs) {
      const match = ours.reduce((best, h) => (maxDifference(h, p) < maxDifference(best, p) ? h : best));
      const worst = maxDifference(match, p);
      console.log(`${name}: ${match.label} ${match.handedness.label} ${match.handedness.score.toFixed(2)} wrist ${match.keypoints[0].x.toFixed(0)},${match.keypoints[0].y.toFixed(0)} score ${match.score.toFixed(3)} vs ${p.fingerScore}, max |Δ| ${worst.toFixed(4)} px`);
      expect(worst).toBeLessThanOrEqual(1);
      expect(match.label).toBe(p.label);
      // our score is the presence the graph's Sigmoid gives; human passes it through a second sigmoid (2 decimals)
      expect(Math.abs(humanFingerScore(match.score) - p.fingerScore)).toBeLessThanOrEqual(0.011);
      expect(match.keypoints.map((k) => k.name)).toEqual(HAND_KEYPOINT_NAMES);
    }
    // with the default presence threshold (0.5, MediaPipe's) the hands the model is unsure of go
    const kept = (await hands.run(photo, { presenceThreshold: 0.5 })).hands;
    expect(kept.map((h) => h.score)).toEqual(ours.filter((h) => h.score >= 0.5).map((h) => h.score));
  });
});
