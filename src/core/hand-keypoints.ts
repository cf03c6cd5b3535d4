/**
 * The 21 hand landmarks of MediaPipe Hands, by name, in the order the hand landmark models
 * output them: shared by the hand pipeline's results, its drawing and the gesture features.
 */

/**
 * The 21 MediaPipe hand landmark names, in the order the hand landmark models output them
 * (wrist, then four joints per finger from the thumb to the pinky, base to tip).
 *
 * @example
 * ```ts
 * HAND_KEYPOINT_NAMES.indexOf('index_finger_tip'); // 8
 * ```
 */
export const HAND_KEYPOINT_NAMES: readonly string[] = /* @__PURE__ */ Object.freeze([
  'wrist',
  'thumb_cmc', 'thumb_mcp', 'thumb_ip', 'thumb_tip',
  'index_finger_mcp', 'index_finger_pip', 'index_finger_dip', 'index_finger_tip',
  'middle_finger_mcp', 'middle_finger_pip', 'middle_finger_dip', 'middle_finger_tip',
  'ring_finger_mcp', 'ring_finger_pip', 'ring_finger_dip', 'ring_finger_tip',
  'pinky_mcp', 'pinky_pip', 'pinky_dip', 'pinky_tip',
]);
