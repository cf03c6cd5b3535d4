import { describe, expect, it } from 'vitest';
import { VisionError } from '../../src/core/errors';
import type { Keypoint } from '../../src/core/types';
import { BLAZEPOSE_SKELETON, COCO_SKELETON } from '../../src/postprocess/pose/keypoint-sets';
import { type DrawableFace, type DrawableHand, PALETTE, drawFaceMesh, drawHands, drawKeypoints } from '../../src/render/index';
import { BLAZEPOSE_EDGES, COCO_EDGES, HAND_EDGES, defaultEdges } from '../../src/render/skeletons';
import { blank, diff, expectRefusal, inked, rgba } from './helpers';

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

describe('drawKeypoints refusals', () => {
  it('refuses null poses, non-string colours and non-numeric options, naming them; nothing is drawn', () => {
    const { ctx } = blank(200, 200);
    expectRefusal(() => drawKeypoints(ctx, [body, null as unknown as Keypoint[]]), 'INVALID_INPUT', 'poses[1] is null; it must be { keypoints: [...] } or a keypoint array');
    expectRefusal(() => drawKeypoints(ctx, [{ keypoints: 5 as unknown as Keypoint[] }]), 'INVALID_INPUT', 'poses[0].keypoints is 5');
    expectRefusal(() => drawKeypoints(ctx, [body], { color: 5 as unknown as string }), 'INVALID_OPTION', 'color is 5; it must be a CSS colour string');
    expectRefusal(() => drawKeypoints(ctx, [body], { pointColor: {} as string }), 'INVALID_OPTION', 'pointColor is an object');
    expectRefusal(() => drawKeypoints(ctx, [body], { color: () => 7 as unknown as string }), 'INVALID_OPTION', 'options.color(poses[0]) is 7');
    expectRefusal(() => drawKeypoints(ctx, [{ keypoints: body, color: 3 as unknown as string }]), 'INVALID_OPTION', 'poses[0].color is 3');
    expectRefusal(() => drawKeypoints(ctx, [body], { radius: Number.POSITIVE_INFINITY }), 'INVALID_OPTION', 'radius is Infinity; it must be a finite number > 0');
    expectRefusal(() => drawKeypoints(ctx, [body], { threshold: '0.5' as unknown as number }), 'INVALID_OPTION', 'threshold is "0.5"; it must be between 0 and 1');
    expect(inked(ctx, 200, 200)).toBe(0);
  });
});

/** A 21-point hand on a 5-column grid, wrist at (40, 190), its top row at y = 70. */
const hand = (): Keypoint[] => Array.from({ length: 21 }, (_, i) => ({ x: 40 + (i % 5) * 30, y: 190 - Math.floor(i / 5) * 30 }));
const handStyle = { radius: 3, lineWidth: 2, fontSize: 12 };

describe('drawHands', () => {
  it("takes the gesture API's bare handedness ('Left', as generateHandPoses makes) and one without a score: coloured and labelled", () => {
    const { ctx, px } = blank(220, 220);
    expect(drawHands(ctx, [{ keypoints: hand(), handedness: 'Left' }], handStyle)).toEqual({ points: 21, edges: 21 });
    expectRefusal(() => drawHands(ctx, [], { labels: 'no' as never }), 'INVALID_OPTION', 'labels is "no"; it must be true or false');
    expect(px(40, 190)).toEqual(rgba(PALETTE[0])); // a left hand's colour, whatever the case of its label
    const unlabelled = blank(220, 220);
    drawHands(unlabelled.ctx, [{ keypoints: hand(), handedness: 'Left' }], { ...handStyle, labels: false });
    expect(inked(ctx, 220, 220)).toBeGreaterThan(inked(unlabelled.ctx, 220, 220)); // the label was drawn
    const right = blank(220, 220);
    expect(drawHands(right.ctx, [{ keypoints: hand(), handedness: { label: 'Right' } }], handStyle)).toEqual({ points: 21, edges: 21 });
    expect(right.px(40, 190)).toEqual(rgba(PALETTE[1]));
  });

  it('skips null keypoints (and the edges that end at them) like NaN ones', () => {
    const { ctx } = blank(220, 220);
    const holes = hand().map((k, i) => (i % 3 === 0 ? (null as unknown as Keypoint) : k));
    const edges = HAND_EDGES.filter(([a, b]) => a % 3 !== 0 && b % 3 !== 0).length;
    expect(drawHands(ctx, [{ keypoints: holes, handedness: { label: 'left', score: 0.9 } }], handStyle)).toEqual({ points: 14, edges });
  });

  it('refuses null hands, bad handedness and non-string colours, naming them; nothing is drawn', () => {
    const { ctx } = blank(220, 220);
    const good: DrawableHand = { keypoints: hand(), handedness: 'Right' };
    expectRefusal(() => drawHands(ctx, [good, null as unknown as DrawableHand]), 'INVALID_INPUT', 'hands[1] is null; it must be { keypoints');
    expectRefusal(() => drawHands(ctx, [{ keypoints: 'x' as unknown as Keypoint[] }]), 'INVALID_INPUT', 'hands[0].keypoints is "x"');
    expectRefusal(() => drawHands(ctx, [{ ...good, handedness: 5 as unknown as string }]), 'INVALID_INPUT', "hands[0].handedness is 5; allowed: a label such as 'Left' or 'Right'");
    expectRefusal(() => drawHands(ctx, [{ ...good, handedness: { score: 0.9 } as unknown as string }]), 'INVALID_INPUT', 'hands[0].handedness is an object');
    expectRefusal(() => drawHands(ctx, [good], { color: 5 as unknown as string }), 'INVALID_OPTION', 'color is 5; it must be a CSS colour string');
    expectRefusal(() => drawHands(ctx, 'hands' as unknown as DrawableHand[]), 'INVALID_INPUT', 'hands must be an array');
    expect(inked(ctx, 220, 220)).toBe(0);
  });
});

/** 478 face points on a 30-column grid 6 px apart (irises: 468 with its ring 469–472, 473 with 474–477). */
const facePoints = (): Keypoint[] => Array.from({ length: 478 }, (_, i) => ({ x: 10 + (i % 30) * 6, y: 10 + Math.floor(i / 30) * 6 }));
const connections = { lips: [[0, 1], [1, 2]], tesselation: [[2, 3]] } as const satisfies Record<string, ReadonlyArray<readonly [number, number]>>;

describe('drawFaceMesh', () => {
  it('draws partial meshes: a null point drops its edges, a null or NaN iris-ring point its iris', () => {
    const { ctx } = blank(200, 120);
    expect(drawFaceMesh(ctx, [{ points: facePoints() }], connections)).toEqual({ lines: 3, irises: 2 });
    const points = facePoints();
    points[1] = null as unknown as Keypoint;
    points[470] = null as unknown as Keypoint;
    expect(drawFaceMesh(ctx, [{ points }], connections)).toEqual({ lines: 1, irises: 1 });
    points[475] = { x: Number.NaN, y: 5 };
    expect(drawFaceMesh(ctx, [{ points }], connections)).toEqual({ lines: 1, irises: 0 });
  });

  it('refuses null faces and non-string colours, naming them; nothing is drawn', () => {
    const { ctx } = blank(200, 120);
    const face: DrawableFace = { points: facePoints() };
    expectRefusal(() => drawFaceMesh(ctx, [face, null as unknown as DrawableFace], connections), 'INVALID_INPUT', 'faces[1] is null; it must be { points');
    expectRefusal(() => drawFaceMesh(ctx, [{ points: 5 as unknown as Keypoint[] }], connections), 'INVALID_INPUT', 'faces[0].points is 5');
    expectRefusal(() => drawFaceMesh(ctx, [face], connections, { color: 5 as unknown as string }), 'INVALID_OPTION', 'color is 5; it must be a CSS colour string');
    expectRefusal(() => drawFaceMesh(ctx, [face], connections, { tesselationColor: [] as unknown as string }), 'INVALID_OPTION', 'tesselationColor is an array');
    expectRefusal(() => drawFaceMesh(ctx, [{ ...face, color: 5 as unknown as string }], connections), 'INVALID_OPTION', 'faces[0].color is 5');
    // 0, 'no' and null drew the circles: only false turned them off
    for (const irisCircles of [0, 'no', null]) expectRefusal(() => drawFaceMesh(ctx, [face], connections, { irisCircles: irisCircles as never }), 'INVALID_OPTION', 'irisCircles is');
    expect(inked(ctx, 200, 120)).toBe(0);
  });
});
