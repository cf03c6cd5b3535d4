#!/usr/bin/env python3
"""Golden COCO mAP values for src/eval/map.ts.

pycocotools is not installable here, so this is a numpy transcription of
pycocotools.cocoeval.COCOeval (iouType='bbox', areaRng 'all', iscrowd=0) following its code
path: evaluateImg (score sort with mergesort, maxDets cut, greedy match to the unmatched
ground truth of highest IoU >= min(t, 1-1e-10)) and accumulate (mergesort of scores over
images, cumsum tp/fp, precision envelope, np.searchsorted(rc, recThrs, side='left'), mean of
precision > -1). Boxes are xyxy here and converted to COCO's xywh before IoU.

Run: /usr/bin/python3 scripts/make_map_fixtures.py  (writes test/fixtures/map/map.json)
"""
import json
import os

import numpy as np

IOU_THRS = np.linspace(.5, 0.95, int(np.round((0.95 - .5) / .05)) + 1, endpoint=True)
REC_THRS = np.linspace(.0, 1.00, int(np.round((1.00 - .0) / .01)) + 1, endpoint=True)


def bbox_iou(dt, gt):
    """maskUtils.iou for boxes (xywh, iscrowd=0): intersection over union."""
    ious = np.zeros((len(dt), len(gt)))
    for i, d in enumerate(dt):
        for j, g in enumerate(gt):
            w = min(d[0] + d[2], g[0] + g[2]) - max(d[0], g[0])
            h = min(d[1] + d[3], g[1] + g[3]) - max(d[1], g[1])
            if w <= 0 or h <= 0:
                continue
            inter = w * h
            ious[i, j] = inter / (d[2] * d[3] + g[2] * g[3] - inter)
    return ious


def evaluate_img(gt, dt, max_det):
    if len(gt) == 0 and len(dt) == 0:
        return None
    dtind = np.argsort([-d['score'] for d in dt], kind='mergesort')
    dt = [dt[i] for i in dtind[0:max_det]]
    ious = bbox_iou([d['bbox'] for d in dt], [g['bbox'] for g in gt]) if len(dt) and len(gt) else []
    T, G, D = len(IOU_THRS), len(gt), len(dt)
    gtm = np.zeros((T, G))
    dtm = np.zeros((T, D))
    if len(ious):
        for tind, t in enumerate(IOU_THRS):
            for dind, d in enumerate(dt):
                iou = min([t, 1 - 1e-10])
                m = -1
                for gind, g in enumerate(gt):
                    if gtm[tind, gind] > 0:
                        continue
                    if ious[dind, gind] < iou:
                        continue
                    iou = ious[dind, gind]
                    m = gind
                if m == -1:
                    continue
                dtm[tind, dind] = 1
                gtm[tind, m] = 1
    return {'dtMatches': dtm, 'dtScores': [d['score'] for d in dt], 'numGt': G}


def accumulate(evals, max_det):
    T, R = len(IOU_THRS), len(REC_THRS)
    precision = -np.ones((T, R))
    recall = -np.ones((T,))
    E = [e for e in evals if e is not None]
    if len(E) == 0:
        return precision, recall
    dt_scores = np.concatenate([e['dtScores'][0:max_det] for e in E])
    inds = np.argsort(-dt_scores, kind='mergesort')
    dtm = np.concatenate([e['dtMatches'][:, 0:max_det] for e in E], axis=1)[:, inds]
    npig = sum(e['numGt'] for e in E)
    if npig == 0:
        return precision, recall
    tps = dtm.astype(bool)
    fps = np.logical_not(dtm)
    tp_sum = np.cumsum(tps, axis=1).astype(dtype=float)
    fp_sum = np.cumsum(fps, axis=1).astype(dtype=float)
    for t, (tp, fp) in enumerate(zip(tp_sum, fp_sum)):
        tp = np.array(tp)
        fp = np.array(fp)
        nd = len(tp)
        rc = tp / npig
        pr = tp / (fp + tp + np.spacing(1))
        q = np.zeros((R,))
        recall[t] = rc[-1] if nd else 0
        pr = pr.tolist()
        q = q.tolist()
        for i in range(nd - 1, 0, -1):
            if pr[i] > pr[i - 1]:
                pr[i - 1] = pr[i]
        inds_r = np.searchsorted(rc, REC_THRS, side='left')
        try:
            for ri, pi in enumerate(inds_r):
                q[ri] = pr[pi]
        except IndexError:
            pass
        precision[t, :] = np.array(q)
    return precision, recall


def coco_map(images, max_det=100):
    classes = sorted({g['classId'] for im in images for g in im['groundTruth']} | {d['classId'] for im in images for d in im['detections']})
    xywh = lambda b: [b['x1'], b['y1'], b['x2'] - b['x1'], b['y2'] - b['y1']]
    precisions, recalls, per_class = [], [], []
    for c in classes:
        evals = []
        for im in images:
            gt = [{'bbox': xywh(g['box'])} for g in im['groundTruth'] if g['classId'] == c]
            dt = [{'bbox': xywh(d['box']), 'score': d['score']} for d in im['detections'] if d['classId'] == c]
            evals.append(evaluate_img(gt, dt, max_det))
        p, r = accumulate(evals, max_det)
        precisions.append(p)
        recalls.append(r)
        if (p > -1).any():
            per_class.append({'classId': c, 'ap': float(np.mean(p)), 'ap50': float(np.mean(p[0]))})
    P = np.stack(precisions, axis=-1) if precisions else -np.ones((10, 101, 0))
    Rc = np.stack(recalls, axis=-1) if recalls else -np.ones((10, 0))
    mean = lambda s: float(np.mean(s[s > -1])) if len(s[s > -1]) else -1.0
    return {'map': mean(P), 'map50': mean(P[0]), 'map75': mean(P[5]), 'recall50': mean(Rc[0]), 'perClass': per_class}


def rand_box(rng, size=100, lo=4, hi=40):
    x, y = rng.uniform(0, size - hi, 2)
    w, h = rng.uniform(lo, hi, 2)
    return {'x1': float(x), 'y1': float(y), 'x2': float(x + w), 'y2': float(y + h)}


def jitter(rng, b, s):
    d = rng.normal(0, s, 4)
    return {'x1': b['x1'] + d[0], 'y1': b['y1'] + d[1], 'x2': max(b['x1'] + d[0] + 1, b['x2'] + d[2]), 'y2': max(b['y1'] + d[1] + 1, b['y2'] + d[3])}


def random_case(rng, n_images, n_classes, noise, fp_rate, miss_rate, rounded=False):
    images = []
    for _ in range(n_images):
        gts = [{'box': rand_box(rng), 'classId': int(rng.integers(n_classes))} for _ in range(int(rng.integers(0, 6)))]
        dets = []
        for g in gts:
            if rng.uniform() < miss_rate:
                continue
            dets.append({'box': jitter(rng, g['box'], noise), 'classId': g['classId'] if rng.uniform() > 0.1 else int(rng.integers(n_classes)), 'score': float(rng.uniform(0.2, 1))})
        for _ in range(int(rng.poisson(fp_rate))):
            dets.append({'box': rand_box(rng), 'classId': int(rng.integers(n_classes)), 'score': float(rng.uniform(0, 0.8))})
        if rounded:  # ties in scores
            for d in dets:
                d['score'] = round(d['score'], 1)
        images.append({'groundTruth': gts, 'detections': dets})
    return images


def main():
    rng = np.random.default_rng(20240611)
    B = lambda x1, y1, x2, y2: {'x1': x1, 'y1': y1, 'x2': x2, 'y2': y2}
    cases = []
    for k in range(6):
        cases.append({'name': f'random {k}', 'images': random_case(rng, 12, 3, [1, 2, 4][k % 3], [0.5, 2][k % 2], 0.15)})
    cases.append({'name': 'random tied scores', 'images': random_case(rng, 15, 2, 2, 1.5, 0.1, rounded=True)})
    cases.append({'name': 'no ground truth', 'images': [{'groundTruth': [], 'detections': [{'box': B(0, 0, 10, 10), 'classId': 0, 'score': 0.9}]}]})
    cases.append({'name': 'no detections', 'images': [{'groundTruth': [{'box': B(0, 0, 10, 10), 'classId': 0}], 'detections': []}]})
    cases.append({'name': 'empty', 'images': [{'groundTruth': [], 'detections': []}]})
    cases.append({'name': 'perfect', 'images': [{'groundTruth': [{'box': B(0, 0, 10, 10), 'classId': 1}, {'box': B(20, 20, 40, 35), 'classId': 0}], 'detections': [{'box': B(0, 0, 10, 10), 'classId': 1, 'score': 0.5}, {'box': B(20, 20, 40, 35), 'classId': 0, 'score': 0.6}]}]})
    dup = [{'box': B(1, 1, 11, 11), 'classId': 0, 'score': s} for s in (0.9, 0.8, 0.95)]
    cases.append({'name': 'duplicate detections', 'images': [{'groundTruth': [{'box': B(0, 0, 10, 10), 'classId': 0}], 'detections': dup}]})
    crowd_gt = [{'box': B(10 + 3 * i, 10, 30 + 3 * i, 30), 'classId': 0} for i in range(5)]
    crowd_dt = [{'box': B(11 + 3 * i + (i % 2), 10, 31 + 3 * i, 31), 'classId': 0, 'score': 0.5 + 0.1 * ((i * 3) % 5)} for i in range(6)]
    cases.append({'name': 'crowded overlaps', 'images': [{'groundTruth': crowd_gt, 'detections': crowd_dt}]})
    cases.append({'name': 'detections of a class without ground truth', 'images': [{'groundTruth': [{'box': B(0, 0, 10, 10), 'classId': 0}], 'detections': [{'box': B(0, 0, 10, 10), 'classId': 0, 'score': 0.4}, {'box': B(0, 0, 10, 10), 'classId': 2, 'score': 0.9}]}]})
    many = [{'box': rand_box(rng), 'classId': 0, 'score': float(rng.uniform())} for _ in range(130)]
    cases.append({'name': 'more than maxDets per image', 'maxDetections': 100, 'images': [{'groundTruth': [{'box': d['box'], 'classId': 0} for d in many[::3]], 'detections': many}]})
    cases.append({'name': 'maxDetections 1', 'maxDetections': 1, 'images': random_case(rng, 8, 2, 1, 1, 0.1)})
    for c in cases:
        c['expected'] = coco_map(c['images'], c.get('maxDetections', 100))
    out = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'map', 'map.json')
    with open(out, 'w') as f:
        json.dump({'generator': 'scripts/make_map_fixtures.py (numpy transcription of pycocotools COCOeval, bbox, area all)', 'cases': cases}, f)
    print('wrote', len(cases), 'cases')


if __name__ == '__main__':
    main()
