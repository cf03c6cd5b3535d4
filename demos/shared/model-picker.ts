// The detection page's model picker: CenterNet, NanoDet, COCO-SSD or YOLOv5s, chosen with
// `?model=<id>` (the select reloads the page with it), each shown with its licence and source.
import { MODEL_CATALOG, type ModelSpec } from 'visionpipe';

/** The detectors the page offers, in the picker's order; the first is the default. */
export const PICKER_MODELS = ['centernet-coco', 'nanodet-coco', 'coco-ssd', 'yolov5s-coco'] as const;

/** A short name for the picker and status lines. */
const NAMES: Record<(typeof PICKER_MODELS)[number], string> = {
  'centernet-coco': 'CenterNet',
  'nanodet-coco': 'NanoDet',
  'coco-ssd': 'COCO-SSD',
  'yolov5s-coco': 'YOLOv5s',
};

/** The model chosen by `?model=` (unknown values fall back to the default) and its short name. */
export function pickedModel(): { spec: ModelSpec; name: string } {
  const wanted = new URLSearchParams(location.search).get('model');
  const id = PICKER_MODELS.find((m) => m === wanted) ?? PICKER_MODELS[0];
  return { spec: MODEL_CATALOG[id], name: NAMES[id] };
}

/** Fills `#model` with the choices and `#license` with the chosen model's licence; a change reloads the page with `?model=`. */
export function mountModelPicker(spec: ModelSpec): void {
  const select = document.getElementById('model') as HTMLSelectElement;
  for (const id of PICKER_MODELS) {
    const card = MODEL_CATALOG[id];
    select.add(new Option(`${NAMES[id]} (${card.license})`, id, false, id === spec.id));
  }
  select.addEventListener('change', () => {
    const url = new URL(location.href);
    url.searchParams.set('model', select.value);
    location.assign(url);
  });
  const license = document.getElementById('license')!;
  const copyleft = /GPL/.test(spec.license ?? '') ? ' — copyleft: an app or service using it must share its source under the same licence' : '';
  license.textContent = `Licence: ${spec.license ?? 'unknown'}${copyleft}. Source: ${spec.source ?? 'unknown'}`;
  if (copyleft) license.classList.add('warning');
}
