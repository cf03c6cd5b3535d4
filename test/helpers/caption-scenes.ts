/**
 * Generated scenes with compositional captions for captioner training tests: a 32×32 image
 * on a 4×4 grid of 8 px cells holds a subject group of 1–3 identical shapes and one reference
 * shape, captioned e.g. "two red circles left of a blue square". Layouts keep every caption
 * determined by its image: horizontal relations put all shapes in the middle rows (subject in
 * two columns, the reference alone in the far column); vertical ones in the middle columns.
 * A single subject is always the left/top one ("left of", "above").
 */
import type { RawImage } from '../../src/core/image-input';
import { seededRandom } from '../../src/training/random';

export const COLOURS = { red: [220, 50, 40], green: [40, 190, 60], blue: [50, 90, 235], yellow: [235, 215, 40] } as const;
export type Colour = keyof typeof COLOURS;
export type Shape = 'circle' | 'square' | 'triangle';
export type Relation = 'left of' | 'right of' | 'above' | 'below';
export const SHAPES: readonly Shape[] = ['circle', 'square', 'triangle'];
export const RELATIONS: readonly Relation[] = ['left of', 'right of', 'above', 'below'];
const COUNT_WORDS = ['', 'a', 'two', 'three'];
export const SCENE_SIZE = 32;
const CELL = 8;

/** The subject of a caption: how many, what colour, what shape. */
export interface Combo {
  count: 1 | 2 | 3;
  colour: Colour;
  shape: Shape;
}

export interface CaptionScene {
  image: RawImage;
  caption: string;
  subject: Combo;
  object: { colour: Colour; shape: Shape };
  relation: Relation;
}

/** Subject combinations never shown in training; test scenes use only these. */
export const HELD_OUT: readonly Combo[] = [
  { count: 2, colour: 'red', shape: 'triangle' },
  { count: 3, colour: 'blue', shape: 'circle' },
  { count: 1, colour: 'green', shape: 'square' },
  { count: 2, colour: 'yellow', shape: 'circle' },
  { count: 3, colour: 'red', shape: 'square' },
  { count: 1, colour: 'yellow', shape: 'triangle' },
  { count: 2, colour: 'blue', shape: 'square' },
  { count: 3, colour: 'green', shape: 'triangle' },
];

const same = (a: Combo, b: Combo): boolean => a.count === b.count && a.colour === b.colour && a.shape === b.shape;
export const isHeldOut = (c: Combo): boolean => HELD_OUT.some((h) => same(h, c));

/** The caption of a scene description. */
export function captionOf(subject: Combo, relation: Relation, object: { colour: Colour; shape: Shape }): string {
  const noun = subject.count > 1 ? `${subject.shape}s` : subject.shape;
  return `${COUNT_WORDS[subject.count]} ${subject.colour} ${noun} ${relation} a ${object.colour} ${object.shape}`;
}

function drawShape(data: Uint8Array, shape: Shape, colour: Colour, x0: number, y0: number, size: number): void {
  const rgb = COLOURS[colour];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const cx = x + 0.5 - size / 2;
      const cy = y + 0.5 - size / 2;
      let inside = true;
      if (shape === 'circle') inside = cx * cx + cy * cy <= (size / 2) * (size / 2);
      if (shape === 'triangle') inside = Math.abs(cx) <= ((y + 1) / size) * (size / 2);
      if (!inside) continue;
      const p = ((y0 + y) * SCENE_SIZE + x0 + x) * 3;
      data[p] = rgb[0];
      data[p + 1] = rgb[1];
      data[p + 2] = rgb[2];
    }
  }
}

/** Cells (col, row) where subject and reference may go for a relation. */
function layout(relation: Relation): { subject: [number, number][]; object: [number, number][] } {
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

/** Renders one scene (seeded `random`). */
export function renderScene(subject: Combo, relation: Relation, object: { colour: Colour; shape: Shape }, random: () => number): CaptionScene {
  const data = new Uint8Array(SCENE_SIZE * SCENE_SIZE * 3);
  for (let i = 0; i < data.length; i++) data[i] = 20 + Math.floor(random() * 25);
  const { subject: subjectCells, object: objectCells } = layout(relation);
  const pick = <T>(items: T[]): T => items.splice(Math.floor(random() * items.length), 1)[0];
  const place = (cell: [number, number], shape: Shape, colour: Colour): void => {
    const size = 6 + Math.floor(random() * 2);
    const jitter = CELL - size;
    drawShape(data, shape, colour, cell[0] * CELL + Math.floor(random() * (jitter + 1)), cell[1] * CELL + Math.floor(random() * (jitter + 1)), size);
  };
  const free = [...subjectCells];
  for (let k = 0; k < subject.count; k++) place(pick(free), subject.shape, subject.colour);
  place(pick([...objectCells]), object.shape, object.colour);
  return { image: { data, width: SCENE_SIZE, height: SCENE_SIZE, channels: 3 }, caption: captionOf(subject, relation, object), subject, object, relation };
}

/**
 * `n` seeded scenes. `split: 'train'` never uses a held-out subject combination;
 * `split: 'test'` uses only held-out ones.
 */
export function captionScenes(n: number, seed: number, split: 'train' | 'test'): CaptionScene[] {
  const random = seededRandom(seed);
  const colours = Object.keys(COLOURS) as Colour[];
  const choose = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const out: CaptionScene[] = [];
  while (out.length < n) {
    const subject: Combo = split === 'test' ? choose(HELD_OUT) : { count: (1 + Math.floor(random() * 3)) as 1 | 2 | 3, colour: choose(colours), shape: choose(SHAPES) };
    if (split === 'train' && isHeldOut(subject)) continue;
    const object = { colour: choose(colours), shape: choose(SHAPES) };
    if (object.colour === subject.colour && object.shape === subject.shape) continue;
    const relation = subject.count === 1 ? choose(['left of', 'above'] as const) : choose(RELATIONS);
    out.push(renderScene(subject, relation, object, random));
  }
  return out;
}
