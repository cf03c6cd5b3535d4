// One fixed scene that uses every drawing function — drawn in Node (@napi-rs/canvas) and, from
// a bundle of this module, in Chromium (OffscreenCanvas and a page canvas), then compared.
// It imports the render API from src; the browser test bundles it either with src/render
// inlined or with that import pointed at the built `visionpipe` (dist/index.js).
import type { Keypoint } from '../../src/core/types';
import {
  type Canvas2D,
  type CreateScratchCanvas,
  type DrawableDetection,
  type MaskLike,
  type OverlayRect,
  detectionLabel,
  drawCaption,
  drawDetections,
  drawKeypoints,
  drawMasks,
  drawStats,
  labelRect,
  mapBox,
  resolveStyle,
  resolveTransform,
} from '../../src/render/index';

export const SCENE_WIDTH = 320;
export const SCENE_HEIGHT = 240;

function disc(size: number, cx: number, cy: number, r: number): MaskLike {
  const data = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) data[y * size + x] = Math.hypot(x + 0.5 - cx, y + 0.5 - cy) < r ? 255 : 0;
  }
  return { width: size, height: size, toUint8Array: () => data };
}

const pose: Keypoint[] = Array.from({ length: 17 }, (_, i) => {
  const xs = [440, 430, 450, 420, 460, 400, 480, 385, 495, 375, 505, 410, 470, 405, 475, 400, 480];
  const ys = [150, 142, 142, 148, 148, 190, 190, 240, 240, 285, 285, 290, 290, 350, 350, 420, 420];
  return { x: xs[i], y: ys[i], score: i === 9 ? 0.1 : 0.9 };
});

const detections: DrawableDetection[] = [
  { box: { x1: 60, y1: 120, x2: 260, y2: 300 }, label: 'cup', classId: 41, score: 0.91 },
  { box: { x1: 360, y1: 120, x2: 530, y2: 450 }, label: 'person', classId: 0, score: 0.87, trackId: 12, keypoints: [{ x: 430, y: 142 }, { x: 450, y: 142 }] },
];

/**
 * Draws the scene on `ctx` (320×240), results given in 640×480 source pixels, and returns
 * the rectangles that hold text (fonts rasterise differently between canvas engines).
 * `composite` picks the mask path; the default lets drawMasks choose.
 */
export function drawScene(ctx: Canvas2D, createCanvas?: CreateScratchCanvas, composite?: 'pixels' | 'canvas'): OverlayRect[] {
  ctx.fillStyle = '#404040';
  ctx.fillRect(0, 0, SCENE_WIDTH, SCENE_HEIGHT);
  const imageSize = { width: 640, height: 480 };
  drawMasks(ctx, [{ mask: disc(16, 8, 8, 6), box: { x1: 60, y1: 120, x2: 260, y2: 300 }, classId: 9 }, disc(8, 7, 1.5, 1)], {
    imageSize,
    opacity: 0.5,
    createCanvas,
    composite,
  });
  drawDetections(ctx, detections, { imageSize });
  drawKeypoints(ctx, [{ keypoints: pose, trackId: 3 }], { imageSize });
  const text: OverlayRect[] = [];
  const stats = drawStats(ctx, { fps: 29.7, latencyP50: 41, latencyP95: 58, droppedFrames: 2, backend: 'webgpu' }, { corner: 'bottom-left' });
  const caption = drawCaption(ctx, 'a person next to a cup', { position: 'top' });
  if (stats) text.push(stats);
  if (caption) text.push(caption);
  const t = resolveTransform({ imageSize }, ctx.canvas);
  const style = resolveStyle({}, ctx.canvas);
  for (const d of detections) {
    const box = mapBox(t, d.box);
    text.push(labelRect(ctx, detectionLabel(d), box.x1 - style.lineWidth / 2, box.y1 - style.lineWidth / 2, style, 'above'));
  }
  return text;
}
