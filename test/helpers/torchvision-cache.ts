/**
 * Generated torchvision references for format tests, kept in the git-ignored
 * `.cache/torchvision/`. The first test that needs them runs the export script (Debian's
 * python3-torchvision); later runs reuse the files. The folder name carries a hash of the
 * script, so editing the script regenerates them.
 */
import { readFileSync } from 'node:fs';
import { scriptOutputs } from './python-cache';

/** What `scripts/export_torchvision_ssd.py` writes to `ssdlite320-expected.json`. */
export interface SsdliteExpected {
  torchvision: string;
  imageSize: [number, number];
  numClasses: number;
  settings: { score_thresh: number; nms_thresh: number; detections_per_img: number; topk_candidates: number };
  boxCoder: { weights: [number, number, number, number]; bboxXformClip: number };
  defaultBoxes: { aspectRatios: number[][]; scales: number[]; steps: number[] | null; clip: boolean; gridSizes: [number, number][] };
  candidatesBeforeNms: number;
  anchors: number[][];
  detections: { boxes: number[][]; scores: number[]; labels: number[] };
}

/** The ssdlite320 raw-heads model, its input and torchvision's reference results. */
export interface SsdliteReference {
  onnxPath: string;
  /** The normalised input `[1, 3, 320, 320]` (NCHW float32) that torchvision's head saw. */
  input: Float32Array;
  /** The whole model exported as users do (`image` [3,320,320] 0..1 → boxes, scores, labels). */
  fullOnnxPath: string;
  /** The 0..1 image behind `input`, HWC float32 (320×320×3). */
  image: Float32Array;
  expected: SsdliteExpected;
}

const TORCHVISION = { imports: 'torch, torchvision', aptPackage: 'python3-torchvision' };

/**
 * torchvision `ssdlite320_mobilenet_v3_large` (random weights, fixed seed): the raw-heads
 * ONNX export, the normalised input and torchvision's own detections on it. Generates them
 * on first use (~10 s).
 */
export function ssdliteReference(): SsdliteReference {
  const { paths: files } = scriptOutputs({
    script: 'scripts/export_torchvision_ssd.py',
    cacheDir: 'torchvision',
    prefix: 'ssdlite320',
    files: ['ssdlite320-heads.onnx', 'ssdlite320-input.bin', 'ssdlite320-expected.json', 'ssdlite320-full.onnx', 'ssdlite320-image.bin'],
    requires: TORCHVISION,
  });
  const expected = JSON.parse(readFileSync(files[2], 'utf8')) as SsdliteExpected;
  return { onnxPath: files[0], input: floats(files[1]), expected, fullOnnxPath: files[3], image: floats(files[4]) };
}

/** What `scripts/export_torchvision_maskrcnn.py` writes to `maskrcnn-expected.json`. */
export interface MaskRcnnExpected {
  torchvision: string;
  imageSize: [number, number];
  count: number;
  boxes: number[][];
  labels: number[];
  scores: number[];
  /** Pixels > 0.5 in each pasted mask. */
  maskArea: number[];
  timings: { torchvisionForwardS: number; onnxExportOpset11S: number; onnxExportOpset17S: number };
}

/** torchvision's Mask R-CNN export, its input image and its own results. */
export interface MaskRcnnReference {
  /** Full model, ONNX opset 11: [1,3,320,320] RGB 0–1 → boxes, labels, scores, masks [N,1,320,320]. */
  onnxPath: string;
  /** The same model and signature exported at opset 17. */
  onnxPathOpset17: string;
  /** The 320×320 RGB photo the reference ran on (row-major uint8). */
  image: Uint8Array;
  /** The RoI head's pre-paste masks [N,1,28,28]. */
  masks28: Float32Array;
  /** torchvision's `paste_masks_in_image` of `masks28`: [N,320,320] probabilities. */
  pasted: Float32Array;
  expected: MaskRcnnExpected;
  /** Seconds the export took when it ran in this call (0 when cached). */
  generatedInS: number;
}

function floats(path: string): Float32Array {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/**
 * torchvision `maskrcnn_resnet50_fpn` (random weights, fixed seed, 320×320): the full ONNX
 * exports at opset 11 and 17 (~170 MB each), its input photo, the pre-paste and pasted masks
 * and torchvision's own result. Generates them on first use (~50 s here).
 */
export function maskRcnnReference(): MaskRcnnReference {
  const { paths: files, generatedInS } = scriptOutputs({
    script: 'scripts/export_torchvision_maskrcnn.py',
    cacheDir: 'torchvision',
    prefix: 'maskrcnn',
    files: ['maskrcnn.onnx', 'maskrcnn-image.bin', 'maskrcnn-masks28.bin', 'maskrcnn-pasted.bin', 'maskrcnn-expected.json', 'maskrcnn-opset17.onnx'],
    requires: TORCHVISION,
  });
  return {
    onnxPath: files[0],
    onnxPathOpset17: files[5],
    image: new Uint8Array(readFileSync(files[1])),
    masks28: floats(files[2]),
    pasted: floats(files[3]),
    expected: JSON.parse(readFileSync(files[4], 'utf8')) as MaskRcnnExpected,
    generatedInS,
  };
}
