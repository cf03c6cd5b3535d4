#!/usr/bin/python3
"""Golden fixtures for src/postprocess, computed by independent implementations.

Run from the repository root:  npm run fixtures  (or /usr/bin/python3 scripts/make_fixtures.py;
needs numpy, python3-opencv, python3-torch, python3-torchvision)
Writes test/fixtures/postprocess/{nms,iou,soft-nms,activations}.json.

References:
  * torchvision.ops.nms / batched_nms / box_iou  (run in float64 so that the arithmetic
    is bit-identical to the TypeScript implementation, which computes in doubles)
  * cv2.dnn.NMSBoxes (takes x, y, w, h boxes as Rect2d, float32 scores, `score > thr`,
    stable sort, `top_k` is a pre-filter on candidates)
  * a numpy re-implementation of soft-NMS (Bodla et al. 2017), cross-checked against
    cv2.dnn.softNMSBoxes on integer boxes (printed only, not stored)
  * torch.softmax / torch.sigmoid / torch.topk

All inputs are float32-representable and short in decimal: box coordinates are multiples
of 1/8, scores multiples of 1/1024 (which also produces many exact score ties).
"""
import json
import math
import os
import sys

try:
    import cv2
    import numpy as np
    import torch
    import torchvision
except ImportError:  # e.g. a pyenv python3 first on PATH: use the system one (Debian packages)
    if os.path.exists('/usr/bin/python3') and os.path.realpath(sys.executable) != '/usr/bin/python3':
        os.execv('/usr/bin/python3', ['/usr/bin/python3', *sys.argv])
    raise

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'postprocess')


# ---------------------------------------------------------------------------- helpers

def rnd(x, digits=9):
    """Round a float for storage; None for NaN (JSON has no NaN)."""
    x = float(x)
    if math.isnan(x):
        return None
    return float(f'{x:.{digits}g}')


def exact(a):
    """A list of exactly representable numbers (inputs), ints where integral."""
    out = []
    for v in np.asarray(a, dtype=np.float64).ravel().tolist():
        out.append(int(v) if float(v).is_integer() else v)
    return out


def random_boxes(rng, n, extent=640.0, min_size=1.0, max_size=160.0):
    """n xyxy boxes, coordinates multiples of 1/8, non-negative (required by
    torchvision's batched_nms coordinate trick)."""
    xy = rng.uniform(0, extent, (n, 2))
    wh = rng.uniform(min_size, max_size, (n, 2))
    b = np.concatenate([xy, xy + wh], axis=1)
    return np.round(b * 8) / 8


def random_scores(rng, n):
    return np.round(rng.uniform(0, 1, n) * 1024) / 1024


def tv_nms(boxes, scores, thr):
    if len(scores) == 0:
        return []
    return torchvision.ops.nms(torch.tensor(boxes, dtype=torch.float64).reshape(-1, 4),
                               torch.tensor(scores, dtype=torch.float64), float(thr)).tolist()


def tv_batched(boxes, scores, classes, thr):
    if len(scores) == 0:
        return []
    assert len(scores) * 4 <= 4000, 'keep N <= 1000: larger N takes the vanilla path whose final sort is not stable'
    return torchvision.ops.batched_nms(torch.tensor(boxes, dtype=torch.float64).reshape(-1, 4),
                                       torch.tensor(scores, dtype=torch.float64),
                                       torch.tensor(classes, dtype=torch.int64), float(thr)).tolist()


def cv_nms(boxes, scores, score_thr, thr, top_k=0):
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    if len(b) == 0:
        return []
    xywh = np.concatenate([b[:, :2], b[:, 2:] - b[:, :2]], axis=1)
    r = cv2.dnn.NMSBoxes(xywh.tolist(), [float(s) for s in scores], float(score_thr), float(thr), top_k=top_k)
    return np.asarray(r, dtype=np.int64).ravel().tolist()


# ---------------------------------------------------------------------------- NMS

def nms_cases():
    cases = []

    def add(name, source, boxes, scores, expected, options, classes=None, note=None):
        c = {'name': name, 'source': source, 'boxes': exact(boxes), 'scores': exact(scores),
             'options': options, 'expected': [int(i) for i in expected]}
        if classes is not None:
            c['classIds'] = [int(v) for v in classes]
        if note:
            c['note'] = note
        cases.append(c)

    disagreements = 0
    # random: torchvision nms (+ cv2 cross-check with score_threshold below every score)
    for seed in (0, 1, 2):
        rng = np.random.default_rng(seed)
        for n in (0, 1, 2, 10, 50, 150 if seed else 200, 500 if seed == 0 else 100):
            boxes = random_boxes(rng, n, extent=640 if n < 200 else 400)
            scores = random_scores(rng, n)
            scores = np.maximum(scores, 1 / 1024)  # strictly > 0 so cv2 with score_threshold 0 sees all
            thr = [0.5, 0.3, 0.7][seed]
            tv = tv_nms(boxes, scores, thr)
            cv = cv_nms(boxes, scores, 0.0, thr)
            if tv != cv:
                disagreements += 1
                print(f'  note: cv2 and torchvision disagree on random seed={seed} n={n}', file=sys.stderr)
            add(f'random seed={seed} n={n} iou={thr}', 'torchvision.ops.nms', boxes, scores, tv,
                {'iouThreshold': thr})
            if n >= 10:
                classes = rng.integers(0, 4, n)
                add(f'random batched seed={seed} n={n} iou={thr}', 'torchvision.ops.batched_nms', boxes, scores,
                    tv_batched(boxes, scores, classes, thr), {'iouThreshold': thr}, classes=classes)
    # random: cv2 with a score threshold and top_k
    for seed in (3, 4):
        rng = np.random.default_rng(seed)
        for n, st, tk in ((60, 0.25, 0), (120, 0.5, 0), (120, 0.0, 20), (200, 0.375, 40)):
            boxes = random_boxes(rng, n, extent=300)
            scores = random_scores(rng, n)
            opts = {'iouThreshold': 0.45 if seed == 3 else 0.625}
            if st > 0 or seed == 4:
                opts['scoreThreshold'] = st
            if tk:
                opts['topK'] = tk
            add(f'cv2 seed={seed} n={n} score>{st} topK={tk}', 'cv2.dnn.NMSBoxes', boxes, scores,
                cv_nms(boxes, scores, st, opts['iouThreshold'], tk), opts)

    # adversarial
    sq = np.array([[10, 10, 20, 20]], dtype=np.float64)
    add('empty', 'torchvision.ops.nms', np.zeros((0, 4)), [], [], {'iouThreshold': 0.5})
    add('one box', 'torchvision.ops.nms', sq, [0.5], tv_nms(sq, [0.5], 0.5), {'iouThreshold': 0.5})
    ident = np.repeat(sq, 6, axis=0)
    add('identical boxes, equal scores (lowest index wins)', 'torchvision.ops.nms', ident, [0.5] * 6,
        tv_nms(ident, [0.5] * 6, 0.5), {'iouThreshold': 0.5})
    s = [0.1, 0.9, 0.3, 0.9, 0.2, 0.8]
    add('identical boxes, mixed scores', 'torchvision.ops.nms', ident, s, tv_nms(ident, s, 0.5),
        {'iouThreshold': 0.5})
    add('identical boxes, threshold 1 keeps all', 'torchvision.ops.nms', ident, s, tv_nms(ident, s, 1.0),
        {'iouThreshold': 1})
    assert cv_nms(ident, s, 0, 1.0) == tv_nms(ident, s, 1.0)
    # a chain: 0-1 overlap, 1-2 overlap, 0-2 touch (inter 0)
    chain = np.array([[0, 0, 10, 10], [5, 0, 15, 10], [10, 0, 20, 10], [20, 0, 30, 10]], dtype=np.float64)
    for thr in (0.0, 1 / 3, 0.5, 1.0):
        cs = [0.9, 0.8, 0.7, 0.6]
        tv = tv_nms(chain, cs, thr)
        assert tv == cv_nms(chain, cs, 0, thr), 'cv2 and torchvision agree on chains'
        add(f'chain threshold={thr:.4g} (touching boxes never suppress)', 'torchvision.ops.nms', chain, cs, tv,
            {'iouThreshold': thr})
    # IoU exactly equal to the threshold is kept (suppression needs IoU > threshold)
    half = np.array([[0, 0, 2, 1], [0, 0, 1, 1], [1, 0, 3, 1]], dtype=np.float64)  # iou(0,1)=0.5, iou(0,2)=1/3
    add('IoU exactly at threshold is kept', 'torchvision.ops.nms', half, [0.9, 0.8, 0.7],
        tv_nms(half, [0.9, 0.8, 0.7], 0.5), {'iouThreshold': 0.5})
    assert cv_nms(half, [0.9, 0.8, 0.7], 0, 0.5) == tv_nms(half, [0.9, 0.8, 0.7], 0.5)
    # exact score ties in overlapping clusters
    rng = np.random.default_rng(7)
    base = random_boxes(rng, 8, extent=200, min_size=20, max_size=60)
    jit = np.round((np.repeat(base, 10, axis=0) + rng.uniform(-6, 6, (80, 4))) * 8) / 8
    jit[:, 2:] = np.maximum(jit[:, 2:], jit[:, :2] + 1)
    ts = np.round(rng.integers(1, 4, 80)) / 4
    tv = tv_nms(jit, ts, 0.4)
    assert tv == cv_nms(jit, ts, 0, 0.4), 'both are stable: ties resolved by lower index'
    add('exact score ties in clusters', 'torchvision.ops.nms', jit, ts, tv, {'iouThreshold': 0.4})
    cl = rng.integers(0, 3, 80)
    add('exact score ties in clusters, batched', 'torchvision.ops.batched_nms', jit, ts,
        tv_batched(jit, ts, cl, 0.4), {'iouThreshold': 0.4}, classes=cl)
    # zero-area boxes: torchvision's IoU is 0/0 = NaN, never > threshold, so none suppress;
    # cv2's jaccardDistance treats two empty boxes as identical (IoU 1) and suppresses.
    zero = np.array([[5, 5, 5, 5], [5, 5, 5, 5], [0, 0, 10, 0], [0, 0, 10, 0], [4, 4, 6, 6], [5, 5, 5, 5]],
                    dtype=np.float64)
    zs = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
    tv = tv_nms(zero, zs, 0.5)
    cv = cv_nms(zero, zs, 0, 0.5)
    assert tv != cv
    add('zero-area boxes (torchvision keeps them all)', 'torchvision.ops.nms', zero, zs, tv, {'iouThreshold': 0.5},
        note=f'cv2.dnn.NMSBoxes returns {cv}: it treats two empty boxes as IoU 1')
    # negative and zero scores: torchvision keeps them (no score filter); cv2 asserts score_threshold >= 0
    neg = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60], [52, 50, 62, 60]], dtype=np.float64)
    ns = [-1.0, 0.0, -0.5, -0.25]
    add('negative and zero scores, no score threshold', 'torchvision.ops.nms', neg, ns, tv_nms(neg, ns, 0.5),
        {'iouThreshold': 0.5})
    add('score threshold 0 drops zero and negative scores', 'cv2.dnn.NMSBoxes', neg, [0.0, 0.5, -0.5, 0.25],
        cv_nms(neg, [0.0, 0.5, -0.5, 0.25], 0.0, 0.5), {'iouThreshold': 0.5, 'scoreThreshold': 0})
    add('score threshold 1 drops everything', 'cv2.dnn.NMSBoxes', neg, [1.0, 0.5, 0.75, 0.25],
        cv_nms(neg, [1.0, 0.5, 0.75, 0.25], 1.0, 0.5), {'iouThreshold': 0.5, 'scoreThreshold': 1})
    add('score equal to threshold is dropped (score > threshold)', 'cv2.dnn.NMSBoxes', neg,
        [0.5, 0.5, 0.75, 0.25], cv_nms(neg, [0.5, 0.5, 0.75, 0.25], 0.5, 0.5),
        {'iouThreshold': 0.5, 'scoreThreshold': 0.5})
    add('topK is a pre-filter, not a cap on kept boxes', 'cv2.dnn.NMSBoxes', neg, [0.9, 0.8, 0.7, 0.6],
        cv_nms(neg, [0.9, 0.8, 0.7, 0.6], 0.0, 0.5, 2), {'iouThreshold': 0.5, 'scoreThreshold': 0, 'topK': 2})
    return cases, disagreements


# ---------------------------------------------------------------------------- IoU

def iou_cases():
    cases = []

    def add(name, a, b):
        a = np.asarray(a, dtype=np.float64).reshape(-1, 4)
        b = np.asarray(b, dtype=np.float64).reshape(-1, 4)
        m = torchvision.ops.box_iou(torch.tensor(a), torch.tensor(b)).numpy()
        cases.append({'name': name, 'a': exact(a), 'b': exact(b),
                      'expected': [rnd(v) for v in m.ravel()]})

    rng = np.random.default_rng(11)
    add('random 12x17', random_boxes(rng, 12, 100, 5, 60), random_boxes(rng, 17, 100, 5, 60))
    add('random 30x30', random_boxes(rng, 30, 200, 5, 90), random_boxes(rng, 30, 200, 5, 90))
    add('empty x 3', np.zeros((0, 4)), random_boxes(rng, 3))
    add('3 x empty', random_boxes(rng, 3), np.zeros((0, 4)))
    add('adversarial', [[0, 0, 10, 10], [0, 0, 0, 0], [5, 5, 5, 5], [10, 0, 20, 10], [0, 0, 10, 10]],
        [[0, 0, 10, 10], [5, 5, 5, 5], [0, 0, 0, 0], [2.5, 2.5, 7.5, 7.5], [-5, -5, 0.125, 0.125]])
    return cases


# ---------------------------------------------------------------------------- soft-NMS

def soft_nms_ref(boxes, scores, method, sigma, iou_thr, score_thr, max_det):
    """Soft-NMS, Bodla et al. 2017, vectorised numpy: repeatedly take the highest current
    score (ties: lowest index), keep it, decay the rest by a weight of their IoU with it,
    drop those that fall below score_thr. IoU as torchvision (no +1; 0/0 -> 0)."""
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    s = np.asarray(scores, dtype=np.float64).copy()
    alive = s >= score_thr
    area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    keep, kept_scores = [], []
    while alive.any() and len(keep) < max_det:
        cand = np.where(alive)[0]
        i = cand[np.argmax(s[cand])]  # argmax returns the first maximum -> lowest index
        keep.append(int(i))
        kept_scores.append(float(s[i]))
        alive[i] = False
        rest = np.where(alive)[0]
        if len(rest) == 0:
            break
        w = np.maximum(0.0, np.minimum(b[i, 2], b[rest, 2]) - np.maximum(b[i, 0], b[rest, 0]))
        h = np.maximum(0.0, np.minimum(b[i, 3], b[rest, 3]) - np.maximum(b[i, 1], b[rest, 1]))
        inter = w * h
        union = area[i] + area[rest] - inter
        iou = np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)
        if method == 'linear':
            wgt = np.where(iou > iou_thr, 1 - iou, 1.0)
        else:
            wgt = np.exp(-(iou * iou) / sigma)
        s[rest] = s[rest] * wgt
        alive[rest] = s[rest] >= score_thr
    return keep, kept_scores


def soft_nms_cases():
    cases = []
    rng = np.random.default_rng(21)
    for n, method, sigma, it, st, md in ((0, 'gaussian', 0.5, 0.3, 0.001, None), (1, 'linear', 0.5, 0.3, 0.001, None),
                                         (40, 'gaussian', 0.5, 0.3, 0.001, None), (40, 'linear', 0.5, 0.3, 0.001, None),
                                         (120, 'gaussian', 0.25, 0.3, 0.05, 30), (120, 'linear', 0.5, 0.5, 0.1, None)):
        boxes = random_boxes(rng, n, extent=150, min_size=10, max_size=70)
        scores = random_scores(rng, n)
        keep, ks = soft_nms_ref(boxes, scores, method, sigma, it, st, md if md else 10**9)
        opts = {'method': method, 'sigma': sigma, 'iouThreshold': it, 'scoreThreshold': st}
        if md:
            opts['maxDetections'] = md
        cases.append({'name': f'{method} n={n} sigma={sigma} iou={it} score>={st}', 'boxes': exact(boxes),
                      'scores': exact(scores), 'options': opts,
                      'expected': {'indices': keep, 'scores': [rnd(v, 12) for v in ks]}})
    # cross-check against cv2.dnn.softNMSBoxes (int Rect boxes, float32 math): print only
    for method, cvm in (('linear', cv2.dnn.SoftNMSMethod_SOFTNMS_LINEAR), ('gaussian', cv2.dnn.SoftNMSMethod_SOFTNMS_GAUSSIAN)):
        b = np.round(random_boxes(rng, 60, extent=100, min_size=10, max_size=50))
        sc = random_scores(rng, 60)
        xywh = np.concatenate([b[:, :2], b[:, 2:] - b[:, :2]], 1).astype(int).tolist()
        cs, ci = cv2.dnn.softNMSBoxes(xywh, sc.tolist(), 0.001, 0.3, sigma=0.5, method=cvm)
        keep, ks = soft_nms_ref(b, sc, method, 0.5, 0.3, 0.001, 10**9)
        ci = np.asarray(ci).ravel().tolist()
        same = ci == keep and np.allclose(np.asarray(cs).ravel(), ks, atol=1e-5)
        print(f'  soft-NMS {method}: numpy reference {"agrees" if same else "DISAGREES"} with cv2.dnn.softNMSBoxes',
              file=sys.stderr)
    return cases


# ---------------------------------------------------------------------------- activations

def activation_cases():
    rng = np.random.default_rng(31)
    logits = np.round(rng.normal(0, 4, (5, 7)) * 64) / 64
    logits[1, 3] = 80.0  # large values: needs the max-subtraction
    logits[2, :] = -60.0
    big = np.round(rng.normal(0, 3, 1000) * 64) / 64
    x = np.concatenate([np.round(rng.normal(0, 6, 40) * 64) / 64, [0, -100, 100, 20, -20]])
    tk_scores = np.round(rng.uniform(0, 1, 300) * 16) / 16  # many ties
    order = sorted(range(len(tk_scores)), key=lambda i: (-tk_scores[i], i))[:25]
    tv = torch.topk(torch.tensor(big), 10)
    top = np.sort(big)[::-1][:11]
    assert len(set(top.tolist())) == 11, 'torch.topk order is only defined without ties: keep the top 11 distinct'
    return {
        'softmax': {'logits': exact(logits), 'axisLength': 7,
                    'expected': [rnd(v) for v in torch.softmax(torch.tensor(logits), dim=1).numpy().ravel()]},
        'softmax1d': {'logits': exact(big),
                      'expected': [rnd(v) for v in torch.softmax(torch.tensor(big), dim=0).numpy().ravel()]},
        'sigmoid': {'x': exact(x), 'expected': [rnd(v) for v in torch.sigmoid(torch.tensor(x)).numpy()]},
        'topk': {'scores': exact(big), 'k': 10, 'indices': tv.indices.tolist(),
                 'values': exact(tv.values.numpy())},
        'topkTies': {'scores': exact(tk_scores), 'k': 25, 'indices': order,
                     'values': exact(tk_scores[order])},
    }


def write(name, data):
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump(data, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {os.path.relpath(path)} ({os.path.getsize(path) // 1024} KB)', file=sys.stderr)


def main():
    os.makedirs(OUT, exist_ok=True)
    versions = {'torch': torch.__version__, 'torchvision': torchvision.__version__, 'opencv': cv2.__version__,
                'numpy': np.__version__}
    nms, dis = nms_cases()
    write('nms.json', {'generator': 'scripts/make_fixtures.py', 'versions': versions,
                       'cv2TorchvisionRandomDisagreements': dis, 'cases': nms})
    write('iou.json', {'generator': 'scripts/make_fixtures.py', 'versions': versions, 'cases': iou_cases()})
    write('soft-nms.json', {'generator': 'scripts/make_fixtures.py', 'versions': versions,
                            'cases': soft_nms_cases()})
    write('activations.json', {'generator': 'scripts/make_fixtures.py', 'versions': versions,
                               **activation_cases()})


if __name__ == '__main__':
    main()
