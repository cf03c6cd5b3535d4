#!/usr/bin/python3
"""Golden fixtures for weighted boxes fusion (test/postprocess/wbf.test.ts).

An independent numpy transcription of Weighted Boxes Fusion as published by Solovyev, Wang and
Gabruseva ("Weighted boxes fusion: combining predictions of object detection models", Image and
Vision Computing 2021, arXiv:1910.13302) and as the authors' reference implementation
(`ensemble_boxes.weighted_boxes_fusion`) documents its options:

  1. every box scoring below skip_box_thr is dropped; the others are clipped to [0, 1], reversed
     corners are swapped and zero-area boxes dropped; each score is multiplied by its model's
     weight;
  2. per label, boxes are visited in descending weighted score; a box joins the fused box F it
     overlaps most if that IoU is strictly greater than iou_thr (else it starts a new cluster);
     F's corners are the weighted-score-weighted mean of its cluster's corners (eq. 1-2);
  3. the fused confidence (conf_type): 'avg' = mean weighted score * min(T, n) / sum(weights)
     (n / sum(weights) with allows_overflow), 'max' = max weighted score / max(weights),
     'box_and_model_avg' = mean * n / sum(cluster box weights) * sum(weights of the distinct
     models present) / sum(weights), 'absent_model_aware_avg' = mean * n / (sum(cluster box
     weights) + sum(weights of absent models));
  4. all fused boxes, best score first.

Run: /usr/bin/python3 scripts/make_wbf_fixtures.py  (writes test/fixtures/postprocess/wbf.json).
Scores are continuous random draws, so no two fused scores tie and the output order is defined.
"""
import json
import os

import numpy as np

CONF_TYPES = ['avg', 'max', 'box_and_model_avg', 'absent_model_aware_avg']


def pair_iou(a, b):
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def fuse(models, weights, iou_thr, skip_box_thr, conf_type, allows_overflow=False):
    weights = np.asarray(weights, dtype=np.float64)
    # step 1: filter, clip, weight; rows are (weighted score, weight, model, x1, y1, x2, y2)
    per_label = {}
    for t, (boxes, scores, labels) in enumerate(models):
        for box, score, label in zip(boxes, scores, labels):
            if score < skip_box_thr:
                continue
            x1, x2 = sorted((box[0], box[2]))
            y1, y2 = sorted((box[1], box[3]))
            x1, y1, x2, y2 = np.clip([x1, y1, x2, y2], 0.0, 1.0)
            if (x2 - x1) * (y2 - y1) == 0:
                continue
            per_label.setdefault(int(label), []).append((score * weights[t], weights[t], t, x1, y1, x2, y2))
    fused = []
    for label, rows in per_label.items():
        rows = np.array(rows, dtype=np.float64)
        rows = rows[np.argsort(-rows[:, 0], kind='stable')]
        clusters = []  # list of member-row lists
        centres = []   # fused corners of each cluster
        # step 2: cluster against the fused boxes
        for row in rows:
            ious = [pair_iou(c, row[3:]) for c in centres]
            best = int(np.argmax(ious)) if ious else -1
            if best >= 0 and ious[best] > iou_thr:
                clusters[best].append(row)
                members = np.array(clusters[best])
                centres[best] = (members[:, 0:1] * members[:, 3:]).sum(axis=0) / members[:, 0].sum()
            else:
                clusters.append([row])
                centres.append(row[3:].copy())
        # step 3: confidence
        for members, centre in zip(clusters, centres):
            members = np.array(members)
            n = len(members)
            mean = members[:, 0].mean()
            models_in = np.unique(members[:, 2].astype(int))
            if conf_type == 'avg':
                score = mean * (n if allows_overflow else min(len(weights), n)) / weights.sum()
            elif conf_type == 'max':
                score = members[:, 0].max() / weights.max()
            elif conf_type == 'box_and_model_avg':
                score = mean * n / members[:, 1].sum() * weights[models_in].sum() / weights.sum()
            else:
                absent = np.ones(len(weights), dtype=bool)
                absent[models_in] = False
                score = mean * n / (members[:, 1].sum() + weights[absent].sum())
            fused.append((score, label, centre, n))
    # step 4: best first
    fused.sort(key=lambda f: -f[0])
    return {
        'boxes': [float(v) for f in fused for v in f[2]],
        'scores': [float(f[0]) for f in fused],
        'labels': [f[1] for f in fused],
        'counts': [f[3] for f in fused],
    }


def random_case(rng, num_models, num_objects, num_labels):
    """Objects with jittered copies per model (overlapping clusters), plus false positives."""
    centres = rng.uniform(0.05, 0.95, size=(num_objects, 2))
    sizes = rng.uniform(0.05, 0.4, size=(num_objects, 2))
    object_labels = rng.integers(0, num_labels, size=num_objects)
    models = []
    for _ in range(num_models):
        boxes, scores, labels = [], [], []
        for k in range(num_objects):
            for _copy in range(rng.integers(0, 3)):  # missed, found once or found twice
                jitter = rng.normal(0, 0.03, size=4) * np.r_[sizes[k], sizes[k]] * 3
                c, s = centres[k], sizes[k]
                box = np.r_[c - s / 2, c + s / 2] + jitter
                boxes.append(box.tolist())
                scores.append(float(rng.uniform(0.01, 1.0)))
                # now and then a box with the wrong label
                labels.append(int(object_labels[k] if rng.uniform() > 0.1 else rng.integers(0, num_labels)))
        for _fp in range(rng.integers(0, 4)):
            c = rng.uniform(0, 1, size=2)
            s = rng.uniform(0.02, 0.3, size=2)
            boxes.append(np.r_[c - s / 2, c + s / 2].tolist())  # may cross the border: clipped
            scores.append(float(rng.uniform(0.01, 0.6)))
            labels.append(int(rng.integers(0, num_labels)))
        models.append((boxes, scores, labels))
    return models


def main():
    rng = np.random.default_rng(20240615)
    cases = []
    for i in range(24):
        num_models = int(rng.integers(1, 6))
        models = random_case(rng, num_models, int(rng.integers(1, 12)), int(rng.integers(1, 4)))
        weights = [float(w) for w in rng.uniform(0.5, 3.0, size=num_models).round(2)]
        conf_type = CONF_TYPES[i % len(CONF_TYPES)]
        iou_thr = float(rng.choice([0.4, 0.55, 0.7]))
        skip = float(rng.choice([0.0, 0.1, 0.3]))
        overflow = bool(conf_type == 'avg' and i % 8 == 4)
        cases.append({
            'models': [{'boxes': [v for b in m[0] for v in b], 'scores': m[1], 'labels': m[2]} for m in models],
            'options': {'weights': weights, 'iouThreshold': iou_thr, 'skipBoxThreshold': skip, 'confType': conf_type, 'allowsOverflow': overflow},
            'expected': fuse(models, weights, iou_thr, skip, conf_type, overflow),
        })
    out = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'postprocess', 'wbf.json')
    with open(out, 'w') as f:
        json.dump({'source': 'scripts/make_wbf_fixtures.py (numpy transcription of Solovyev et al. WBF)', 'cases': cases}, f)
    print(f'wrote {len(cases)} cases, {sum(len(c["expected"]["scores"]) for c in cases)} fused boxes, {sum(c["expected"]["counts"].count(1) < len(c["expected"]["counts"]) for c in cases)} cases with merges')


if __name__ == '__main__':
    main()
