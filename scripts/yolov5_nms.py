#!/usr/bin/python3
"""A numpy transcription of YOLOv5's `utils/general.py::non_max_suppression` (single image,
no labels, no merge, nm=0), the reference the YOLOv5s tests compare visionpipe's decoder with.

Usage: yolov5_nms.py <raw.f32> <rows> <cols> <input_size> <out.json> [conf_thres iou_thres max_det]

<raw.f32> holds the model's own raw output [rows, cols] as little-endian float32: cx, cy, w, h
(fractions of the input, as the TF.js export gives them), objectness, class probabilities.
Boxes are first scaled to input pixels (the export's Detect layer divided them by the input
size). The result is [[x1, y1, x2, y2, conf, cls], ...] in YOLOv5's output order.

Steps, as YOLOv5 does them:
  xc = prediction[..., 4] > conf_thres                 # candidates by objectness
  x = x[xc]; x[:, 5:] *= x[:, 4:5]                     # conf = obj_conf * cls_conf
  box = xywh2xyxy(x[:, :4])
  conf, j = x[:, 5:].max(1); keep conf > conf_thres    # best class only (multi_label=False)
  x = x[x[:, 4].argsort(descending=True)[:max_nms]]    # sort by confidence
  c = x[:, 5:6] * max_wh                               # class offsets (agnostic=False)
  i = torchvision.ops.nms(boxes + c, scores, iou_thres)[:max_det]
torchvision.ops.nms is greedy: highest score first, drop every later box whose IoU with a kept
box is > iou_thres.
"""
import json
import sys

import numpy as np

MAX_WH = 7680  # YOLOv5: (pixels) maximum box width and height, the class offset
MAX_NMS = 30000  # YOLOv5: maximum number of boxes into torchvision.ops.nms()


def xywh2xyxy(x):
    y = np.copy(x)
    y[:, 0] = x[:, 0] - x[:, 2] / 2  # top left x
    y[:, 1] = x[:, 1] - x[:, 3] / 2  # top left y
    y[:, 2] = x[:, 0] + x[:, 2] / 2  # bottom right x
    y[:, 3] = x[:, 1] + x[:, 3] / 2  # bottom right y
    return y


def box_area(b):
    return (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])


def greedy_nms(boxes, scores, iou_thres):
    """torchvision.ops.nms: indices kept, by decreasing score."""
    order = np.argsort(-scores, kind='stable')
    areas = box_area(boxes)
    suppressed = np.zeros(len(boxes), dtype=bool)
    keep = []
    for a, i in enumerate(order):
        if suppressed[i]:
            continue
        keep.append(i)
        rest = order[a + 1:]
        xx1 = np.maximum(boxes[i, 0], boxes[rest, 0])
        yy1 = np.maximum(boxes[i, 1], boxes[rest, 1])
        xx2 = np.minimum(boxes[i, 2], boxes[rest, 2])
        yy2 = np.minimum(boxes[i, 3], boxes[rest, 3])
        inter = np.clip(xx2 - xx1, 0, None) * np.clip(yy2 - yy1, 0, None)
        iou = inter / (areas[i] + areas[rest] - inter)
        suppressed[rest[iou > iou_thres]] = True
    return np.array(keep, dtype=np.int64)


def non_max_suppression(prediction, conf_thres=0.25, iou_thres=0.45, max_det=300):
    x = prediction[prediction[:, 4] > conf_thres]  # candidates
    if not x.shape[0]:
        return np.zeros((0, 6), dtype=np.float32)
    x = x.copy()
    x[:, 5:] *= x[:, 4:5]  # conf = obj_conf * cls_conf
    box = xywh2xyxy(x[:, :4])
    j = x[:, 5:].argmax(1)  # first maximum, as torch.max
    conf = x[np.arange(len(x)), 5 + j]
    keep = conf > conf_thres
    x = np.concatenate((box, conf[:, None], j[:, None].astype(np.float32)), 1)[keep]
    if not x.shape[0]:
        return x
    x = x[np.argsort(-x[:, 4], kind='stable')[:MAX_NMS]]  # sort by confidence
    c = x[:, 5:6] * MAX_WH  # classes
    boxes, scores = x[:, :4] + c, x[:, 4]  # boxes (offset by class), scores
    i = greedy_nms(boxes, scores, iou_thres)[:max_det]
    return x[i]


def main():
    raw_path, rows, cols, size, out_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    conf_thres, iou_thres, max_det = (float(sys.argv[6]), float(sys.argv[7]), int(sys.argv[8])) if len(sys.argv) > 8 else (0.25, 0.45, 300)
    prediction = np.fromfile(raw_path, dtype='<f4').reshape(rows, cols).copy()
    prediction[:, :4] *= np.float32(size)  # fractions of the input -> input pixels
    out = non_max_suppression(prediction, conf_thres, iou_thres, max_det)
    with open(out_path, 'w') as f:
        json.dump([[float(v) for v in row[:5]] + [int(row[5])] for row in out], f)


if __name__ == '__main__':
    main()
