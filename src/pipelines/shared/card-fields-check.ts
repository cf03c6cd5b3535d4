import { VisionError } from '../../core/errors';
import { optionNames, unknownNames } from '../../core/known-options';
import { isOptionsObject, shownValue } from '../../core/shown-value';
import type { FaceDetectorSpec, FaceMeshModelSpec } from '../../models/face-cards';
import type { FaceEmbeddingModelSpec } from '../../models/face-embedding-cards';
import type { HandModelSpec } from '../../models/hand-cards';
import type { RecurrentMattingSpec } from '../../models/matting-cards';
import type { ModelSpec } from '../../models/model-spec';
import type { PoseModelSpec } from '../../models/pose-cards';
import type { SegmentationModelSpec } from '../../models/segmentation-cards';

/** A card of any task: {@link ModelSpec} plus each task's own section. */
type AnyCard = ModelSpec &
  Partial<
    Pick<FaceDetectorSpec, 'anchors'> &
      Pick<FaceMeshModelSpec, 'face'> &
      Pick<FaceEmbeddingModelSpec, 'faceEmbedding'> &
      Pick<HandModelSpec, 'hand'> &
      Pick<RecurrentMattingSpec, 'matting'> &
      Pick<PoseModelSpec, 'pose'> &
      Pick<SegmentationModelSpec, 'segmentation'>
  >;

/** Every top-level field a card may have (the type checker keeps the list complete). */
const CARD_FIELDS = /* @__PURE__ */ optionNames<AnyCard>()([
  'id', 'task', 'family', 'format', 'location', 'input', 'outputs', 'labels', 'head', 'defaults', 'license', 'source', 'description', 'unsupportedBackends', 'stage',
  'anchors', 'face', 'faceEmbedding', 'hand', 'matting', 'pose', 'segmentation',
]);

/** Every field of a card's `defaults`. */
const DEFAULT_FIELDS = /* @__PURE__ */ optionNames<NonNullable<ModelSpec['defaults']>>()(['threshold', 'iouThreshold', 'maxDetections', 'topK']);

/**
 * Checks a model card's own field names before anything is loaded: a misspelt one (`famliy`,
 * `defaults.topk`) was passed over, and the model ran with the default it meant to change.
 * `INVALID_OPTION` naming the model, the field(s) and the fields allowed; `defaults` must be an
 * object where given.
 *
 * @example
 * ```ts
 * checkCardFields({ ...card, defaults: { topk: 3 } }); // INVALID_OPTION: defaults has unknown field(s) topk
 * ```
 */
export function checkCardFields(card: ModelSpec): void {
  const where = `model '${card.id}'`;
  const unknown = unknownNames(card, CARD_FIELDS);
  if (unknown.length > 0) throw new VisionError('INVALID_OPTION', `${where}: its card has unknown field(s) ${unknown.join(', ')}; a card's fields are ${CARD_FIELDS.join(', ')}`);
  const defaults: unknown = card.defaults;
  if (defaults === undefined) return;
  if (!isOptionsObject(defaults)) throw new VisionError('INVALID_OPTION', `${where}: defaults is ${shownValue(defaults)}; it must be an object { ${DEFAULT_FIELDS.join(', ')} }`);
  const unknownDefaults = unknownNames(defaults, DEFAULT_FIELDS);
  if (unknownDefaults.length > 0) throw new VisionError('INVALID_OPTION', `${where}: defaults has unknown field(s) ${unknownDefaults.join(', ')}; allowed: ${DEFAULT_FIELDS.join(', ')}`);
}
