#!/usr/bin/python3
"""Golden fixtures for src/postprocess/yolo*.ts (decodeYoloV8 / V5 / End2End, postprocessYolo).

Run from the repository root:  /usr/bin/python3 scripts/make_yolo_fixtures.py
(needs numpy, torch, torchvision: the Debian python3-torch / python3-torchvision packages).
Writes test/fixtures/yolo/yolo.json.

Reference: near line-by-line transcriptions, on torch tensors, of
  * ultralytics.utils.ops.non_max_suppression (8.3.x) for anchor-free outputs [1, 4+C(+M), N]
    with return_idxs=True (the kept rows), and its end-to-end branch for [1, K, 6]
    (`pred[pred[:, 4] > conf][:max_det]`, then the `classes` filter);
  * YOLOv5's utils/general.py non_max_suppression for [1, N, 5+C(+M)] (obj filter, then
    `x[:, 5:] *= x[:, 4:5]`, which also scales the mask columns, best class or multi_label,
    classes, argsort[:max_nms], class offset c * 7680, torchvision.ops.nms, [:max_det]).
The NMS runs exactly as Ultralytics does (float32, boxes offset by class * 7680). Each case is
also run with the NMS in float64, which with our float32-exact coordinates (multiples of 1/8,
below 2**20 after the offset) is exactly per-class NMS in doubles, what the TypeScript does;
the script asserts both agree, so the fixture is not sensitive to float32 IoU rounding.

Synthetic raw outputs: ground-truth objects rendered as clusters of overlapping candidate rows
(jittered boxes, decaying scores, an ambiguous second class on some), plus background rows with
low scores, a few isolated false positives and edge rows (score exactly 0.25, 0.5 and
float32(0.3), a zero-size box). All scores are distinct float32 values, and the script asserts
that the candidates of every case have distinct scores: ties would make Ultralytics' unstable
argsort, and so the expected order, implementation-defined.

Storage (compact, < 1 MB): per tensor the logical N x D matrix as
  dense   base64 float32, the first `head` columns (box, objectness; all 6 for end2end)
  scoreIdx/scoreVal  base64 int32 / float32: the non-zero class scores (row * C + class)
  extras  base64 int8, value = q / 16 (mask coefficients)
The TypeScript test rebuilds the tensor in the export layout (`dims`).
"""
import base64
import json
import os
import sys

try:
    import numpy as np
    import torch
    import torchvision
except ImportError:  # a python3 without torch first on PATH: use the system one (Debian packages)
    if os.path.exists('/usr/bin/python3') and os.path.realpath(sys.executable) != '/usr/bin/python3':
        os.execv('/usr/bin/python3', ['/usr/bin/python3', *sys.argv])
    raise

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'yolo', 'yolo.json')
MAX_WH = 7680
EXTRAS_SCALE = 1 / 16


# ------------------------------------------------------------------ reference (torch)

def xywh2xyxy(x):
    y = torch.empty_like(x)
    xy = x[..., :2]
    wh = x[..., 2:] / 2
    y[..., :2] = xy - wh
    y[..., 2:] = xy + wh
    return y


def run_nms(x, iou_thres, agnostic, float64):
    c = x[:, 5:6] * (0 if agnostic else MAX_WH)
    if float64:
        return torchvision.ops.nms(x[:, :4].double() + c.double(), x[:, 4].double(), iou_thres)
    return torchvision.ops.nms(x[:, :4] + c, x[:, 4], iou_thres)


def ultralytics_nms(prediction, conf_thres, iou_thres, classes=None, agnostic=False, multi_label=False,
                    max_det=300, nc=0, max_nms=30000, float64=False):
    """ultralytics.utils.ops.non_max_suppression, anchor-free branch, image 0, return_idxs=True.
    Returns (detections [n, 6+extra], kept row indices, candidate count before NMS)."""
    if classes is not None:
        classes = torch.tensor(classes)
    bs = prediction.shape[0]
    nc = nc or (prediction.shape[1] - 4)
    extra = prediction.shape[1] - nc - 4
    mi = 4 + nc
    xc = prediction[:, 4:mi].amax(1) > conf_thres
    xinds = torch.arange(prediction.shape[-1]).expand(bs, -1)[..., None]
    multi_label &= nc > 1
    prediction = prediction.transpose(-1, -2).clone()
    prediction[..., :4] = xywh2xyxy(prediction[..., :4])
    x, xk = prediction[0], xinds[0]
    filt = xc[0]
    x, xk = x[filt], xk[filt]
    if not x.shape[0]:
        return x[:0], xk[:0].view(-1), 0, x[:0, 4]
    box, cls, mask = x.split((4, nc, extra), 1)
    if multi_label:
        i, j = torch.where(cls > conf_thres)
        x = torch.cat((box[i], x[i, 4 + j, None], j[:, None].float(), mask[i]), 1)
        xk = xk[i]
    else:
        conf, j = cls.max(1, keepdim=True)
        filt = conf.view(-1) > conf_thres
        x = torch.cat((box, conf, j.float(), mask), 1)[filt]
        xk = xk[filt]
    if classes is not None:
        filt = (x[:, 5:6] == classes).any(1)
        x, xk = x[filt], xk[filt]
    n = x.shape[0]
    if not n:
        return x, xk.view(-1), 0, x[:, 4]
    all_scores = x[:, 4].clone()
    if n > max_nms:
        filt = x[:, 4].argsort(descending=True)[:max_nms]
        x, xk = x[filt], xk[filt]
    i = run_nms(x, iou_thres, agnostic, float64)[:max_det]
    return x[i], xk[i].view(-1), x.shape[0], all_scores


def yolov5_nms(prediction, conf_thres, iou_thres, classes=None, agnostic=False, multi_label=False,
               max_det=300, nm=0, max_nms=30000, float64=False):
    """YOLOv5 utils/general.py non_max_suppression, image 0, plus the kept row indices."""
    nc = prediction.shape[2] - nm - 5
    xc = prediction[..., 4] > conf_thres
    multi_label &= nc > 1
    mi = 5 + nc
    x = prediction[0].clone()
    xk = torch.arange(x.shape[0])
    x, xk = x[xc[0]], xk[xc[0]]
    if not x.shape[0]:
        return x[:0, :6 + nm], xk, 0, x[:0, 4]
    x[:, 5:] *= x[:, 4:5]  # conf = obj_conf * cls_conf (scales the mask columns too, as YOLOv5 does)
    box = xywh2xyxy(x[:, :4])
    mask = x[:, mi:]
    if multi_label:
        i, j = (x[:, 5:mi] > conf_thres).nonzero(as_tuple=False).T
        x = torch.cat((box[i], x[i, 5 + j, None], j[:, None].float(), mask[i]), 1)
        xk = xk[i]
    else:
        conf, j = x[:, 5:mi].max(1, keepdim=True)
        filt = conf.view(-1) > conf_thres
        x = torch.cat((box, conf, j.float(), mask), 1)[filt]
        xk = xk[filt]
    if classes is not None:
        filt = (x[:, 5:6] == torch.tensor(classes)).any(1)
        x, xk = x[filt], xk[filt]
    n = x.shape[0]
    if not n:
        return x, xk, 0, x[:, 4]
    all_scores = x[:, 4].clone()
    filt = x[:, 4].argsort(descending=True)[:max_nms]
    x, xk = x[filt], xk[filt]
    i = run_nms(x, iou_thres, agnostic, float64)[:max_det]
    return x[i], xk[i], x.shape[0], all_scores


def end2end_filter(prediction, conf_thres, classes=None, max_det=300):
    """The end-to-end branch: pred[pred[:, 4] > conf_thres][:max_det], then classes."""
    p = prediction[0]
    keep = torch.nonzero(p[:, 4] > conf_thres).view(-1)[:max_det]
    out = p[keep]
    if classes is not None:
        filt = (out[:, 5:6] == torch.tensor(classes)).any(1)
        out, keep = out[filt], keep[filt]
    return out, keep


# ------------------------------------------------------------------ synthetic outputs

def q8(v):
    return np.round(np.asarray(v, dtype=np.float64) * 8) / 8


def q4(v):
    return np.round(np.asarray(v, dtype=np.float64) * 4) / 4


class Scores:
    """Draws distinct float32 scores."""

    def __init__(self, rng):
        self.rng = rng
        self.used = set()

    def take(self, value):
        v = float(np.float32(value))
        assert v not in self.used, v
        self.used.add(v)
        return v

    def draw(self, lo, hi):
        while True:
            v = float(np.float32(self.rng.uniform(lo, hi)))
            if v not in self.used and lo <= v < hi:
                self.used.add(v)
                return v


def anchor_centers(size, strides=(8, 16, 32), per_cell=1):
    """Centres of the rows, in Ultralytics order (stride 8 first, row-major; YOLOv5: 3 anchors
    per cell, anchor-major within a level)."""
    out = []
    for s in strides:
        n = size // s
        ys, xs = np.meshgrid(np.arange(n), np.arange(n), indexing='ij')
        cells = np.stack([(xs.ravel() + 0.5) * s, (ys.ravel() + 0.5) * s, np.full(n * n, s)], 1)
        out.extend([cells] * per_cell)
    return np.concatenate(out)


def synth(rng, size, nc, objects, per_cell=1, objectness=False, n_extras=0, edges=()):
    """A logical N x (head + nc + extras) output. objects: (cx, cy, w, h, cls, peak[, alt_cls, alt_peak])."""
    scores = Scores(rng)
    centers = anchor_centers(size, per_cell=per_cell)
    n = len(centers)
    box = np.zeros((n, 4))
    cls = np.zeros((n, nc), dtype=np.float32)
    obj = np.zeros(n)
    used = np.zeros(n, dtype=bool)
    for o in objects:
        cx, cy, w, h, c, peak = o[:6]
        inside = (np.abs(centers[:, 0] - cx) < w * 0.4 + 4) & (np.abs(centers[:, 1] - cy) < h * 0.4 + 4) & ~used
        idx = np.flatnonzero(inside)
        dist = np.hypot((centers[idx, 0] - cx) / w, (centers[idx, 1] - cy) / h) + centers[idx, 2] / 64 * rng.uniform(0, 0.3, len(idx))
        idx = idx[np.argsort(dist)][: int(rng.integers(10, 22))]
        k = len(idx)
        for r, j in enumerate(idx):
            used[j] = True
            sig = 0.03 + 0.07 * r / max(k, 1)
            box[j] = [q8(cx + rng.normal(0, sig * w)), q8(cy + rng.normal(0, sig * h)),
                      q4(w * (1 + rng.normal(0, sig))), q4(h * (1 + rng.normal(0, sig)))]
            decay = (1 - 0.45 * r / max(k, 1)) * rng.uniform(0.95, 1.0)
            if objectness:
                obj[j] = scores.draw(0.5, 1.0) if r < k // 2 else scores.draw(0.2, 0.7)
                cls[j, c] = scores.draw(0.6 * decay, 0.99 * decay)
            else:
                cls[j, c] = scores.draw(peak * decay * 0.97, peak * decay)
            if len(o) > 6:
                cls[j, o[6]] = scores.draw(o[7] * decay * 0.9, o[7] * decay)
            for other in rng.choice(nc, 2, replace=False):
                if cls[j, other] == 0:
                    cls[j, other] = scores.draw(0.001, 0.12)
    for j in np.flatnonzero(~used):
        cx, cy, s = centers[j]
        box[j] = [q8(cx + rng.uniform(-s, s)), q8(cy + rng.uniform(-s, s)), q4(rng.uniform(1.5, 6) * s), q4(rng.uniform(1.5, 6) * s)]
        if objectness:
            obj[j] = scores.draw(0.0, 0.15) if rng.random() > 0.06 else scores.draw(0.26, 0.9)
        for other in rng.choice(nc, int(rng.integers(1, 3)), replace=False):
            cls[j, other] = scores.draw(0.001, 0.2)
        if rng.random() < 0.03:  # isolated false positive
            cls[j, rng.integers(nc)] = scores.draw(0.26, 0.6)
    free = list(np.flatnonzero(~used))
    for value, c, zero_size in edges:  # edge rows: exact scores, a zero-size box
        j = free.pop(int(rng.integers(len(free))))
        cls[j] = 0
        cls[j, c] = scores.take(value)
        if objectness:
            obj[j] = scores.draw(0.9, 1.0)
        if zero_size:
            box[j, 2:] = 0
    head = [box, obj[:, None]] if objectness else [box]
    mat = np.concatenate(head + [cls], 1).astype(np.float32)
    extras = rng.integers(-64, 64, (n, n_extras)).astype(np.int8)
    return mat, extras


def synth_end2end(rng, k=300, nc=80, size=640):
    scores = Scores(rng)
    s = sorted([scores.draw(0.3, 0.97) for _ in range(24)] + [scores.draw(0.001, 0.3) for _ in range(k - 27)]
               + [scores.take(0.25), scores.take(0.5), scores.take(np.float32(0.3))], reverse=True)
    x1 = q8(rng.uniform(0, size - 40, k))
    y1 = q8(rng.uniform(0, size - 40, k))
    x2 = x1 + q8(rng.uniform(4, 200, k))
    y2 = y1 + q8(rng.uniform(4, 200, k))
    cls = rng.choice([0, 0, 0, 2, 2, 16, 15, 79, *range(nc)], k)
    return np.stack([x1, y1, x2, y2, np.array(s), cls], 1).astype(np.float32)


# ------------------------------------------------------------------ storage

def b64(a):
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode('ascii')


def store_tensor(fmt, mat, nc, head, extras, dims):
    out = {'format': fmt, 'dims': dims, 'rows': int(mat.shape[0]), 'head': head, 'numClasses': nc,
           'numExtras': int(extras.shape[1]), 'dense': b64(mat[:, :head].astype('<f4'))}
    if nc and fmt != 'end2end':
        sc = mat[:, head:head + nc]
        idx = np.flatnonzero(sc)
        out['scoreIdx'] = b64(idx.astype('<i4'))
        out['scoreVal'] = b64(sc.ravel()[idx].astype('<f4'))
    if extras.shape[1]:
        out['extras'] = b64(extras)
        out['extrasScale'] = EXTRAS_SCALE
    return out


def full_tensor(mat, extras):
    return np.concatenate([mat, extras.astype(np.float32) * np.float32(EXTRAS_SCALE)], 1).astype(np.float32)


def pyfloat(a):
    return [float(v) for v in np.asarray(a, dtype=np.float32).ravel()]


def assert_distinct(scores, name):
    s = scores.numpy()
    assert len(np.unique(s)) == len(s), f'{name}: tied candidate scores'


def anchor_case(name, tensor, fmt, full, nc, ne, options):
    o = dict(options)
    conf, iou = o.get('threshold', 0.25), o.get('iouThreshold', 0.7 if fmt == 'v8' else 0.45)
    kw = dict(classes=o.get('classes'), agnostic=o.get('agnostic', False), multi_label=o.get('multiLabel', False),
              max_det=o.get('maxDetections', 300), max_nms=o.get('maxCandidates', 30000))
    if fmt == 'v8':
        pred = torch.from_numpy(full.T.copy())[None]  # [1, 4+C+M, N], the export layout
        ref = lambda f64: ultralytics_nms(pred, conf, iou, nc=nc, float64=f64, **kw)
    else:
        pred = torch.from_numpy(full)[None]  # [1, N, 5+C+M]
        ref = lambda f64: yolov5_nms(pred, conf, iou, nm=ne, float64=f64, **kw)
    det, rows, ncand, cand_scores = ref(False)
    det64, rows64, _, _ = ref(True)
    assert torch.equal(rows, rows64), f'{name}: float32 and float64 NMS disagree'
    assert torch.equal(det, det64)
    assert_distinct(cand_scores, name)
    expected = {'boxes': pyfloat(det[:, :4]), 'scores': pyfloat(det[:, 4]),
                'classIds': [int(c) for c in det[:, 5]], 'rowIndices': [int(r) for r in rows],
                'numCandidates': int(ncand)}
    if ne:
        expected['extras'] = pyfloat(det[:, 6:])
    print(f'{name:48s} candidates {ncand:5d}  kept {len(rows):3d}')
    return {'name': name, 'tensor': tensor, 'format': fmt, 'options': options, 'expected': expected}


def end2end_case(name, tensor, mat, options):
    out, keep = end2end_filter(torch.from_numpy(mat)[None], options.get('threshold', 0.25), options.get('classes'),
                               options.get('maxDetections', 300))
    print(f'{name:48s} kept {len(keep):3d}')
    return {'name': name, 'tensor': tensor, 'format': 'end2end', 'options': options,
            'expected': {'boxes': pyfloat(out[:, :4]), 'scores': pyfloat(out[:, 4]),
                         'classIds': [int(c) for c in out[:, 5]], 'rowIndices': [int(r) for r in keep]}}


def main():
    rng = np.random.default_rng(20240611)
    tensors, cases = {}, []

    # v8 detection, 320 input: N = 40^2 + 20^2 + 10^2 = 2100, C = 80
    objs = [(100, 160, 60, 180, 0, 0.92), (118, 165, 60, 180, 0, 0.85),  # two persons, IoU ~0.52
            (120, 220, 110, 80, 1, 0.8), (240, 240, 90, 70, 16, 0.88, 15, 0.55),  # bicycle; dog, also cat
            (250, 80, 120, 60, 2, 0.88), (30, 30, 12, 24, 9, 0.6), (200, 150, 30, 20, 14, 0.42),
            (160, 160, 300, 280, 62, 0.56), (300, 300, 20, 20, 79, 0.7)]
    edges = [(0.25, 5, False), (0.5, 7, False), (np.float32(0.3), 11, False), (0.7, 3, True)]
    mat, ex = synth(rng, 320, 80, objs, edges=edges)
    tensors['v8det'] = store_tensor('v8', mat, 80, 4, ex, [1, 84, mat.shape[0]])
    full = full_tensor(mat, ex)
    for name, opt in [
        ('default conf 0.25 iou 0.7', {}),
        ('conf 0.5 iou 0.45', {'threshold': 0.5, 'iouThreshold': 0.45}),
        ('conf 0.25 iou 0.45', {'iouThreshold': 0.45}),
        ('conf 0.3 (float32 compare)', {'threshold': 0.3}),
        ('agnostic', {'agnostic': True}),
        ('agnostic iou 0.45', {'agnostic': True, 'iouThreshold': 0.45}),
        ('multiLabel', {'multiLabel': True}),
        ('multiLabel agnostic iou 0.45', {'multiLabel': True, 'agnostic': True, 'iouThreshold': 0.45}),
        ('multiLabel conf 0.5', {'multiLabel': True, 'threshold': 0.5}),
        ('classes [0, 2, 15]', {'classes': [0, 2, 15], 'iouThreshold': 0.45}),
        ('multiLabel classes [15]', {'multiLabel': True, 'classes': [15]}),
        ('conf 0.01 maxCandidates 500 maxDetections 50', {'threshold': 0.01, 'maxCandidates': 500, 'maxDetections': 50}),
        ('multiLabel conf 0.01 maxCandidates 1000', {'threshold': 0.01, 'multiLabel': True, 'maxCandidates': 1000}),
        ('maxDetections 3', {'maxDetections': 3}),
    ]:
        cases.append(anchor_case(f'v8 {name}', 'v8det', 'v8', full, 80, 0, opt))

    # v8 segmentation, 160 input: N = 400 + 100 + 25 = 525, C = 80, 32 mask coefficients
    objs = [(50, 80, 30, 90, 0, 0.9), (60, 82, 30, 90, 0, 0.8), (120, 120, 45, 35, 16, 0.85, 15, 0.6),
            (120, 40, 60, 30, 2, 0.75)]
    mat, ex = synth(rng, 160, 80, objs, n_extras=32)
    tensors['v8seg'] = store_tensor('v8', mat, 80, 4, ex, [1, 116, mat.shape[0]])
    full = full_tensor(mat, ex)
    for name, opt in [('default', {}), ('multiLabel conf 0.5 iou 0.45', {'multiLabel': True, 'threshold': 0.5, 'iouThreshold': 0.45}),
                      ('agnostic multiLabel', {'agnostic': True, 'multiLabel': True})]:
        cases.append(anchor_case(f'v8-seg {name}', 'v8seg', 'v8', full, 80, 32, opt))

    # v5, 160 input: N = 3 * 525 = 1575 rows of 85
    objs = [(50, 80, 30, 90, 0, 0.9), (58, 84, 30, 90, 0, 0.8), (110, 120, 50, 40, 16, 0.85, 15, 0.7),
            (120, 40, 60, 30, 2, 0.75), (20, 140, 10, 14, 79, 0.7)]
    mat, ex = synth(rng, 160, 80, objs, per_cell=3, objectness=True, edges=[(0.5, 7, False), (0.7, 3, True)])
    tensors['v5det'] = store_tensor('v5', mat, 80, 5, ex, [1, mat.shape[0], 85])
    full = full_tensor(mat, ex)
    for name, opt in [
        ('default conf 0.25 iou 0.45', {}),
        ('conf 0.5 iou 0.7', {'threshold': 0.5, 'iouThreshold': 0.7}),
        ('multiLabel', {'multiLabel': True}),
        ('agnostic', {'agnostic': True}),
        ('multiLabel agnostic iou 0.7', {'multiLabel': True, 'agnostic': True, 'iouThreshold': 0.7}),
        ('classes [2, 15, 79]', {'classes': [2, 15, 79]}),
        ('conf 0.01 maxCandidates 300', {'threshold': 0.01, 'maxCandidates': 300}),
    ]:
        cases.append(anchor_case(f'v5 {name}', 'v5det', 'v5', full, 80, 0, opt))

    # v5-seg, 3 classes, 32 mask coefficients: rows of 5 + 3 + 32
    objs = [(50, 80, 30, 90, 0, 0.9), (58, 84, 30, 90, 0, 0.8), (110, 120, 50, 40, 2, 0.85, 1, 0.7)]
    mat, ex = synth(rng, 160, 3, objs, per_cell=3, objectness=True, n_extras=32)
    tensors['v5seg'] = store_tensor('v5', mat, 3, 5, ex, [1, mat.shape[0], 40])
    full = full_tensor(mat, ex)
    for name, opt in [('default', {}), ('multiLabel conf 0.5 iou 0.7', {'multiLabel': True, 'threshold': 0.5, 'iouThreshold': 0.7})]:
        cases.append(anchor_case(f'v5-seg {name}', 'v5seg', 'v5', full, 3, 32, opt))

    # end-to-end [1, 300, 6]
    mat = synth_end2end(rng)
    tensors['e2e'] = store_tensor('end2end', mat, 0, 6, np.zeros((300, 0), np.int8), [1, 300, 6])
    for name, opt in [('conf 0.25', {}), ('conf 0.5', {'threshold': 0.5}), ('conf 0.3 (float32 compare)', {'threshold': 0.3}),
                      ('maxDetections 5', {'maxDetections': 5}),
                      ('classes [0, 2] after maxDetections 10', {'classes': [0, 2], 'maxDetections': 10}),
                      ('classes [79]', {'classes': [79]})]:
        cases.append(end2end_case(f'end2end {name}', 'e2e', mat, opt))

    versions = {'torch': torch.__version__, 'torchvision': torchvision.__version__, 'numpy': np.__version__}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump({'versions': versions, 'tensors': tensors, 'cases': cases}, f, separators=(',', ':'))
    print(f'wrote {OUT}: {os.path.getsize(OUT)} bytes, {len(cases)} cases')


if __name__ == '__main__':
    main()
