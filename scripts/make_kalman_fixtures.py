#!/usr/bin/env python3
"""Golden values for KalmanBoxFilter (src/track/kalman-box.ts): an independent numpy
transcription of ByteTrack's Kalman filter (yolox/tracker/kalman_filter.py, also Ultralytics'
KalmanFilterXYAH): state (cx, cy, a, h, vx, vy, va, vh), constant velocity, noise weights 1/20
(position) and 1/160 (velocity) scaled by the height, measurement noise 1e-1 on the aspect.
ByteTrack solves the update with a Cholesky factor (scipy.linalg.cho_solve); np.linalg.solve
gives the same gain up to rounding.

Writes test/fixtures/track/kalman.json. Run: /usr/bin/python3 scripts/make_kalman_fixtures.py
"""
import json
import os

import numpy as np

W_POS, W_VEL = 1.0 / 20, 1.0 / 160
MOTION = np.eye(8)
for i in range(4):
    MOTION[i, 4 + i] = 1.0
UPDATE = np.eye(4, 8)


def xyah(box):
    x1, y1, x2, y2 = box
    w, h = x2 - x1, y2 - y1
    return np.array([x1 + w / 2, y1 + h / 2, w / h, h], dtype=np.float64)


def initiate(measurement):
    h = measurement[3]
    mean = np.r_[measurement, np.zeros(4)]
    std = [2 * W_POS * h, 2 * W_POS * h, 1e-2, 2 * W_POS * h, 10 * W_VEL * h, 10 * W_VEL * h, 1e-5, 10 * W_VEL * h]
    return mean, np.diag(np.square(std))


def predict(mean, covariance):
    h = mean[3]
    std = [W_POS * h, W_POS * h, 1e-2, W_POS * h, W_VEL * h, W_VEL * h, 1e-5, W_VEL * h]
    mean = MOTION @ mean
    covariance = MOTION @ covariance @ MOTION.T + np.diag(np.square(std))
    return mean, covariance


def project(mean, covariance):
    h = mean[3]
    std = [W_POS * h, W_POS * h, 1e-1, W_POS * h]
    return UPDATE @ mean, UPDATE @ covariance @ UPDATE.T + np.diag(np.square(std))


def update(mean, covariance, measurement):
    projected_mean, projected_cov = project(mean, covariance)
    gain = np.linalg.solve(projected_cov, (covariance @ UPDATE.T).T).T
    new_mean = mean + (measurement - projected_mean) @ gain.T
    new_cov = covariance - gain @ projected_cov @ gain.T
    return new_mean, new_cov


def run(boxes):
    """initiate(boxes[0]), then predict + update for every later box; the states after each step."""
    mean, cov = initiate(xyah(boxes[0]))
    steps = []
    for box in boxes[1:]:
        p_mean, p_cov = predict(mean, cov)
        mean, cov = update(p_mean, p_cov, xyah(box))
        steps.append({"predicted": {"mean": p_mean.tolist(), "covariance": p_cov.ravel().tolist()}, "updated": {"mean": mean.tolist(), "covariance": cov.ravel().tolist()}})
    return steps


def main():
    # The sequence of test/track/kalman-box.test.ts (a box drifting right and down, with jitter).
    drift = [[100 + 5 * t, 50 + 2 * t + (t % 3), 180 + 5 * t + (t % 2), 250 + 2 * t] for t in range(6)]
    # A longer noisy walk with changing size (seeded).
    rng = np.random.default_rng(12)
    walk = []
    cx, cy, w, h = 320.0, 240.0, 60.0, 150.0
    for _ in range(25):
        cx += 4 + rng.normal(0, 2)
        cy += -1 + rng.normal(0, 2)
        w = max(10.0, w + rng.normal(0, 1.5))
        h = max(20.0, h + rng.normal(0, 2))
        walk.append([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
    cases = [{"name": "drift", "boxes": drift, "steps": run(drift)}, {"name": "noisy walk", "boxes": walk, "steps": run(walk)}]
    out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "track", "kalman.json")
    with open(out, "w") as f:
        json.dump({"source": "scripts/make_kalman_fixtures.py (numpy transcription of ByteTrack's KalmanFilter)", "cases": cases}, f)
    final = cases[0]["steps"][-1]["updated"]["mean"]
    print("drift, final mean:", final)


if __name__ == "__main__":
    main()
