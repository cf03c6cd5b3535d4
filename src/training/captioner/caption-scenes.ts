/**
 * Generated scenes with compositional captions, for training and testing captioners: a 32×32 image
 * on a 4×4 grid of 8 px cells holds a subject group of 1–3 identical shapes and one reference
 * shape, captioned e.g. "two red circles left of a blue square". Layouts keep every caption
 * determined by its image: horizontal relations put all shapes in the middle rows (subject in
 * two columns, the reference alone in the far column); vertical ones in the middle columns.
 * A single subject is always the left/top one ("left of", "above").
 */
import type { RawImage } from '../../core/image-input';
import { seededRandom } from '../random';

/** The colours of scene shapes (RGB). @example `const [r, g, b] = SCENE_COLOURS.red;` */
export const SCENE_COLOURS = { red: [220, 50, 40], green: [40, 190, 60], blue: [50, 90, 235], yellow: [235, 215, 40] } as const;
/** A colour name of {@link SCENE_COLOURS}. @example `const c: SceneColour = 'blue';` */
export type SceneColour = keyof typeof SCENE_COLOURS;
/** A shape of a scene. @example `const s: SceneShape = 'triangle';` */
export type SceneShape = 'circle' | 'square' | 'triangle';
/** Where the subject is relative to the reference shape. @example `const r: SceneRelation = 'left of';` */
export type SceneRelation = 'left of' | 'right of' | 'above' | 'below';
/** All scene shapes. @example `SCENE_SHAPES.length; // 3` */
export const SCENE_SHAPES: readonly SceneShape[] = ['circle', 'square', 'triangle'];
/** All scene relations. @example `SCENE_RELATIONS.includes('above'); // true` */
export const SCENE_RELATIONS: readonly SceneRelation[] = ['left of', 'right of', 'above', 'below'];
const COUNT_WORDS = ['', 'a', 'two', 'three'];
/** Width and height of a scene in pixels. @example `new ImageData(CAPTION_SCENE_SIZE, CAPTION_SCENE_SIZE)` */
export const CAPTION_SCENE_SIZE = 32;
const CELL = 8;

/** The subject of a caption: how many, what colour, what shape. @example `const s: SceneSubject = { count: 2, colour: 'red', shape: 'circle' };` */
export interface SceneSubject {
  count: 1 | 2 | 3;
  colour: SceneColour;
  shape: SceneShape;
}

/**
 * One generated scene: the RGB image, its caption and what it shows.
 *
 * @example
 * ```ts
 * const [{ image, caption }] = captionScenes(1, 7, 'train'); // caption: "two red circles left of a blue square"
 * ```
 */
export interface CaptionScene {
  image: RawImage;
  caption: string;
  subject: SceneSubject;
  object: { colour: SceneColour; shape: SceneShape };
  relation: SceneRelation;
}

/** Subject combinations never shown in training; test scenes use only these. @example `HELD_OUT_SUBJECTS.length; // 8` */
export const HELD_OUT_SUBJECTS: readonly SceneSubject[] = [
  { count: 2, colour: 'red', shape: 'triangle' },
  { count: 3, colour: 'blue', shape: 'circle' },
  { count: 1, colour: 'green', shape: 'square' },
  { count: 2, colour: 'yellow', shape: 'circle' },
  { count: 3, colour: 'red', shape: 'square' },
  { count: 1, colour: 'yellow', shape: 'triangle' },
  { count: 2, colour: 'blue', shape: 'square' },
  { count: 3, colour: 'green', shape: 'triangle' },
];

const same = (a: SceneSubject, b: SceneSubject): boolean => a.count === b.count && a.colour === b.colour && a.shape === b.shape;

/** Whether a subject is one of {@link HELD_OUT_SUBJECTS}. @example `isHeldOutSubject({ count: 2, colour: 'red', shape: 'triangle' }); // true` */
export function isHeldOutSubject(subject: SceneSubject): boolean {
  return HELD_OUT_SUBJECTS.some((h) => same(h, subject));
}

/**
 * The caption of a scene description.
 *
 * @example
 * ```ts
 * sceneCaption({ count: 2, colour: 'red', shape: 'circle' }, 'left of', { colour: 'blue', shape: 'square' }); // "two red circles left of a blue square"
 * ```
 */
export function sceneCaption(subject: SceneSubject, relation: SceneRelation, object: { colour: SceneColour; shape: SceneShape }): string {
  const noun = subject.count > 1 ? `${subject.shape}s` : subject.shape;
  return `${COUNT_WORDS[subject.count]} ${subject.colour} ${noun} ${relation} a ${object.colour} ${object.shape}`;
}

function drawShape(data: Uint8Array, shape: SceneShape, colour: SceneColour, x0: number, y0: number, size: number): void {
  const rgb = SCENE_COLOURS[colour];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const cx = x + 0.5 - size / 2;
      const cy = y + 0.5 - size / 2;
      let inside = true;
      if (shape === 'circle') inside = cx * cx + cy * cy <= (size / 2) * (size / 2);
      if (shape === 'triangle') inside = Math.abs(cx) <= ((y + 1) / size) * (size / 2);
      if (!inside) continue;
      const p = ((y0 + y) * CAPTION_SCENE_SIZE + x0 + x) * 3;
      data[p] = rgb[0];
      data[p + 1] = rgb[1];
      data[p + 2] = rgb[2];
    }
  }
}

/** Cells (col, row) where subject and reference may go for a relation. */
function layout(relation: SceneRelation): { subject: [number, number][]; object: [number, number][] } {
  const cells = (cols: number[], rows: number[]): [number, number][] => cols.flatMap((c) => rows.map((r) => [c, r] as [number, number]));
  switch (relation) {
    case 'left of':
      return { subject: cells([0, 1], [1, 2]), object: cells([3], [1, 2]) };
    case 'right of':
      return { subject: cells([2, 3], [1, 2]), object: cells([0], [1, 2]) };
    case 'above':
      return { subject: cells([1, 2], [0, 1]), object: cells([1, 2], [3]) };
    default:
      return { subject: cells([1, 2], [2, 3]), object: cells([1, 2], [0]) };
  }
}

/**
 * Renders one scene (positions, sizes and background noise from `random`).
 *
 * @example
 * ```ts
 * const scene = renderCaptionScene({ count: 1, colour: 'green', shape: 'square' }, 'above', { colour: 'red', shape: 'circle' }, Math.random);
 * ```
 */
export function renderCaptionScene(subject: SceneSubject, relation: SceneRelation, object: { colour: SceneColour; shape: SceneShape }, random: () => number): CaptionScene {
  const data = new Uint8Array(CAPTION_SCENE_SIZE * CAPTION_SCENE_SIZE * 3);
  for (let i = 0; i < data.length; i++) data[i] = 20 + Math.floor(random() * 25);
  const { subject: subjectCells, object: objectCells } = layout(relation);
  const pick = <T>(items: T[]): T => items.splice(Math.floor(random() * items.length), 1)[0];
  const place = (cell: [number, number], shape: SceneShape, colour: SceneColour): void => {
    const size = 6 + Math.floor(random() * 2);
    const jitter = CELL - size;
    drawShape(data, shape, colour, cell[0] * CELL + Math.floor(random() * (jitter + 1)), cell[1] * CELL + Math.floor(random() * (jitter + 1)), size);
  };
  const free = [...subjectCells];
  for (let k = 0; k < subject.count; k++) place(pick(free), subject.shape, subject.colour);
  place(pick([...objectCells]), object.shape, object.colour);
  return { image: { data, width: CAPTION_SCENE_SIZE, height: CAPTION_SCENE_SIZE, channels: 3 }, caption: sceneCaption(subject, relation, object), subject, object, relation };
}

/**
 * `n` seeded scenes. `split: 'train'` never uses a held-out subject combination;
 * `split: 'test'` uses only held-out ones (so a test measures unseen combinations).
 *
 * @example
 * ```ts
 * const train = captionScenes(600, 1, 'train');
 * const { captioner } = await trainCaptioner(train.map((s) => ({ image: s.image, caption: s.caption })), { config });
 * ```
 */
export function captionScenes(n: number, seed: number, split: 'train' | 'test'): CaptionScene[] {
  const random = seededRandom(seed);
  const colours = Object.keys(SCENE_COLOURS) as SceneColour[];
  const choose = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const out: CaptionScene[] = [];
  while (out.length < n) {
    const subject: SceneSubject = split === 'test' ? choose(HELD_OUT_SUBJECTS) : { count: (1 + Math.floor(random() * 3)) as 1 | 2 | 3, colour: choose(colours), shape: choose(SCENE_SHAPES) };
    if (split === 'train' && isHeldOutSubject(subject)) continue;
    const object = { colour: choose(colours), shape: choose(SCENE_SHAPES) };
    if (object.colour === subject.colour && object.shape === subject.shape) continue;
    const relation = subject.count === 1 ? choose(['left of', 'above'] as const) : choose(SCENE_RELATIONS);
    out.push(renderCaptionScene(subject, relation, object, random));
  }
  return out;
}
