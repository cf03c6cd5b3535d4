import { describe, expect, it } from 'vitest';
import { VisionError } from '../../src/core/errors';
import type { Keypoint } from '../../src/core/types';
import { BLAZEPOSE_SKELETON, COCO_SKELETON } from '../../src/postprocess/pose/keypoint-sets';
import { PALETTE, drawKeypoints } from '../../src/render/index';
import { BLAZEPOSE_EDGES, COCO_EDGES, defaultEdges } from '../../src/render/skeletons';
import { blank, diff, inked, rgba } from './helpers';

const TRANSPARENT = [0, 0, 0, 0];

/** A COCO-17 pose with only some points placed; the rest are NaN (missing). */
function pose(points: Record<number, [number, number, number?]>): Keypoint[] {
  return Array.from({ length: 17 }, (_, i) => {
    const p = points[i];
    return p ? { x: p[0], y: p[1], score: p[2] ?? 0.9 } : { x: Number.NaN, y: Number.NaN, score: 0.9 };
  });
}

// shoulders (5, 6), a low-score left elbow (7), hips (11, 12)
const body = pose({ 5: [60, 60], 6: [140, 60], 7: [50, 120, 0.1], 11: [70, 150], 12: [130, 150] });

describe('drawKeypoints', () => {
  it("draws postprocess/pose's skeletons by default (render keeps its own copy: it may import only core)", () => {
    const key = (edges: ReadonlyArray<readonly [number, number]>) => edges.map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`).sort();
    expect(key(COCO_EDGES)).toEqual(key(COCO_SKELETON));
    expect(key(BLAZEPOSE_EDGES)).toEqual(key(BLAZEPOSE_SKELETON));
    expect(COCO_EDGES).toHaveLength(16);
    expect(defaultEdges(17)).toBe(COCO_EDGES);
    expect(defaultEdges(33)).toBe(BLAZEPOSE_EDGES);
    expect(defaultEdges(5)).toEqual([]);
  });

  it('draws dots at visible keypoints and COCO skeleton lines between them, skipping low-score points and their edges', () => {
    const { ctx, px } = blank(200, 200);
    const count = drawKeypoints(ctx, [{ keypoints: body }], { lineWidth: 2, radius: 4 });
    expect(count).toEqual({ points: 4, edges: 4 }); // 5-6, 5-11, 6-12, 11-12
    const color = rgba(PALETTE[0]);
    for (const [x, y] of [[60, 60], [140, 60], [70, 150], [130, 150]]) expect(px(x, y), `dot (${x}, ${y})`).toEqual(color);
    // edge midpoints (diagonal edges are anti-aliased: colour within a few levels, nearly opaque)
    for (const [x, y] of [[100, 60], [65, 105], [135, 105], [100, 150]]) {
      const [r, g, b, a] = px(x, y);
      expect(diff([r, g, b], color.slice(0, 3)), `edge (${x}, ${y})`).toBeLessThanOrEqual(4);
      expect(a, `edge (${x}, ${y})`).toBeGreaterThan(200);
    }
    // the elbow (score 0.1 < 0.3) has no dot and no edge to the shoulder
    expect(px(50, 120)).toEqual(TRANSPARENT);
    expect(px(55, 90)).toEqual(TRANSPARENT);
    // nothing in between the lines
    expect(px(100, 105)).toEqual(TRANSPARENT);
  });

  it('honours the threshold option', () => {
    const { ctx, px } = blank(200, 200);
    expect(drawKeypoints(ctx, [body], { threshold: 0.05, radius: 4 })).toEqual({ points: 5, edges: 5 });
    expect(px(50, 120)).toEqual(rgba(PALETTE[0]));
  });

  it('colours poses by track ID, takes custom edges as data and a separate dot colour', () => {
    const { ctx, px } = blank(200, 100);
    const points: Keypoint[] = [{ x: 20, y: 50 }, { x: 100, y: 20 }, { x: 180, y: 50 }];
    const count = drawKeypoints(ctx, [{ keypoints: points, trackId: 4 }], { edges: [[0, 2], [1, 9]], pointColor: '#ffffff', radius: 3, lineWidth: 2 });
    expect(count).toEqual({ points: 3, edges: 1 }); // [1, 9] has no end point: skipped
    expect(px(100, 50)).toEqual(rgba(PALETTE[4]));
    expect(px(20, 50)).toEqual([255, 255, 255, 255]);
    expect(px(100, 20)).toEqual([255, 255, 255, 255]);
    expect(px(60, 35)).toEqual(TRANSPARENT); // no default skeleton for a 3-point pose
  });

  it('maps source coordinates onto a smaller canvas', () => {
    const { ctx, px } = blank(200, 200);
    drawKeypoints(ctx, [[{ x: 100, y: 300 }]], { imageSize: { width: 400, height: 400 }, radius: 3 });
    expect(px(50, 150)).toEqual(rgba(PALETTE[0]));
    expect(px(100, 300 / 2 + 20)).toEqual(TRANSPARENT);
  });

  it('is NaN-safe: NaN and missing keypoints draw nothing and do not throw', () => {
    const { ctx } = blank(100, 100);
    const nan = pose({});
    const count = drawKeypoints(ctx, [{ keypoints: nan }, [], [{ x: 10, y: Number.NaN }], { keypoints: [{ x: 5, y: 5, score: Number.NaN }] }]);
    expect(count).toEqual({ points: 0, edges: 0 });
    expect(inked(ctx, 100, 100)).toBe(0);
  });

  it('rejects bad edges, thresholds and input with VisionError', () => {
    const { ctx } = blank(10, 10);
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(VisionError);
        return (e as VisionError).code;
      }
      return 'no error';
    };
    expect(code(() => drawKeypoints(ctx, [body], { edges: [[0, 1.5]] as unknown as [number, number][] }))).toBe('INVALID_OPTION');
    expect(code(() => drawKeypoints(ctx, [body], { threshold: 2 }))).toBe('INVALID_OPTION');
    expect(code(() => drawKeypoints(ctx, [body], { radius: 0 }))).toBe('INVALID_OPTION');
    expect(code(() => drawKeypoints(ctx, 'pose' as unknown as Keypoint[][]))).toBe('INVALID_INPUT');
  });
});
