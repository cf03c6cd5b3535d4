/**
 * What is in the repository's real photos, listed by looking at each one (COCO class → count).
 * Only objects a person would name without doubt are listed: partly visible or ambiguous
 * things (a bicycle wheel at the edge, a watch, a bag strap, the table under a cup) are not.
 */

/** A photo of the zoo bench and its objects. */
export interface TruthPhoto {
  name: string;
  /** `face-api:<n>` (@vladmandic/face-api demo/sample<n>.jpg) or `skimage:<file>` (Debian python3-skimage data). */
  file: string;
  objects: Readonly<Record<string, number>>;
}

/** The hand-made truth list of the zoo bench. */
export const ZOO_TRUTH: readonly TruthPhoto[] = [
  // three women at a table; a glass of red wine bottom left, a bottle bottom centre, a chair back bottom right
  { name: 'sample1', file: 'face-api:1', objects: { person: 3, 'wine glass': 1, bottle: 1, chair: 1 } },
  // three women on a black leather sofa, a phone lying on it bottom left
  { name: 'sample2', file: 'face-api:2', objects: { person: 3, 'cell phone': 1, couch: 1 } },
  // three women on a sofa; a drink with a straw in hand, a plastic cup bottom centre, a green phone
  { name: 'sample3', file: 'face-api:3', objects: { person: 3, cup: 2, 'cell phone': 1, couch: 1 } },
  // four women standing, hugging; a white phone in a hand
  { name: 'sample4', file: 'face-api:4', objects: { person: 4, 'cell phone': 1 } },
  // five women on a staircase
  { name: 'sample5', file: 'face-api:5', objects: { person: 5 } },
  // four women standing in front of a window
  { name: 'sample6', file: 'face-api:6', objects: { person: 4 } },
  // Eileen Collins in her flight suit
  { name: 'astronaut', file: 'skimage:astronaut.png', objects: { person: 1 } },
  // a tabby cat
  { name: 'chelsea', file: 'skimage:chelsea.png', objects: { cat: 1 } },
  // an espresso cup on a saucer with a spoon
  { name: 'coffee', file: 'skimage:coffee.png', objects: { cup: 1, spoon: 1 } },
  // a red motorcycle in a garage, a wooden bench behind it
  { name: 'motorcycle', file: 'skimage:motorcycle_left.png', objects: { motorcycle: 1, bench: 1 } },
  // the cameraman (greyscale)
  { name: 'camera', file: 'skimage:camera.png', objects: { person: 1 } },
];

/**
 * Objects found, counted per class: `min(detected, truth)` summed over the truth list, and
 * `extra`: detections beyond the truth counts (wrong classes, duplicates, unlisted objects).
 */
export function scoreDetections(labels: readonly string[], objects: Readonly<Record<string, number>>): { found: number; extra: number } {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  let found = 0;
  let extra = 0;
  for (const [label, n] of counts) {
    const truth = objects[label] ?? 0;
    found += Math.min(n, truth);
    extra += Math.max(0, n - truth);
  }
  return { found, extra };
}
