"""Golden fixture for src/postprocess/masks/fast-guided-filter.ts.

An independent numpy implementation of the fast guided filter (He and Sun, "Fast Guided
Filter", arXiv:1505.00996, Algorithm 2), written from the paper's pseudo-code:

    I' = f_subsample(I, s); p' = f_subsample(p, s); r' = r / s
    mean_I = f_mean(I', r'); mean_p = f_mean(p', r'); corr_I = f_mean(I'.*I', r'); corr_Ip = f_mean(I'.*p', r')
    var_I = corr_I - mean_I.*mean_I; cov_Ip = corr_Ip - mean_I.*mean_p
    a = cov_Ip ./ (var_I + eps); b = mean_p - a.*mean_I
    mean_a = f_mean(a, r'); mean_b = f_mean(b, r')
    mean_a = f_upsample(mean_a, s); mean_b = f_upsample(mean_b, s)
    q = mean_a.*I + mean_b

with f_subsample / f_upsample bilinear at half-pixel centres, edges clamped (numpy, not
OpenCV), the grid `round(side / s)`, r' = max(1, round(r / s))
(rounding half up), f_mean a (2r'+1)² box mean
over mirrored borders (numpy cumulative sums on np.pad 'symmetric'). Guides are real photos
(the repository's astronaut and coffee, face-api's sample1.jpg) shrunk with OpenCV and stored
as 8-bit RGB; inputs are soft, blocky mattes made from each photo (blurred luma thresholded at
its mean, shrunk 8× and enlarged again) stored as 8-bit. The guide is the BT.601 luma / 255.
Run: /usr/bin/python3 scripts/make_fast_guided_filter_fixture.py
"""
import base64
import json
import math
import os
import sys

import cv2
import numpy as np

ROOT = os.path.join(os.path.dirname(__file__), '..')


def bilinear(plane, out_w, out_h):
    """Resize with half-pixel centres, positions clamped at 0 and neighbours at the last index."""
    h, w = plane.shape

    def taps(n_in, n_out):
        src = np.maximum((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0)
        lo = np.minimum(np.floor(src).astype(int), n_in - 1)
        hi = np.minimum(lo + 1, n_in - 1)
        return lo, hi, src - lo

    x0, x1, wx = taps(w, out_w)
    y0, y1, wy = taps(h, out_h)
    across = plane[:, x0] + (plane[:, x1] - plane[:, x0]) * wx[None, :]
    return across[y0, :] + (across[y1, :] - across[y0, :]) * wy[:, None]


def box_mean(x, r):
    padded = np.pad(x, r, mode='symmetric')
    c = np.cumsum(np.pad(padded, ((1, 0), (1, 0))), axis=0).cumsum(axis=1)
    k = 2 * r + 1
    s = c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k]
    return s / (k * k)


def js_round(x):
    """Rounding half up, as JavaScript's Math.round (Python's round() rounds half to even)."""
    return int(math.floor(x + 0.5))


def fast_guided_filter(I, p, r, eps, s):
    h, w = I.shape
    lw, lh = max(1, js_round(w / s)), max(1, js_round(h / s))
    rl = max(1, js_round(r / s))
    Il, pl = bilinear(I, lw, lh), bilinear(p, lw, lh)
    mean_I, mean_p = box_mean(Il, rl), box_mean(pl, rl)
    corr_I, corr_Ip = box_mean(Il * Il, rl), box_mean(Il * pl, rl)
    a = (corr_Ip - mean_I * mean_p) / (corr_I - mean_I * mean_I + eps)
    b = mean_p - a * mean_I
    return bilinear(box_mean(a, rl), w, h) * I + bilinear(box_mean(b, rl), w, h)


def photo(path, w, h):
    bgr = cv2.resize(cv2.imread(path, cv2.IMREAD_COLOR), (w, h), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def luma(rgb):
    x = rgb.astype(np.float64)
    return (0.299 * x[..., 0] + 0.587 * x[..., 1] + 0.114 * x[..., 2]) / 255


def blocky_matte(rgb):
    h, w = rgb.shape[:2]
    blurred = cv2.GaussianBlur(luma(rgb), (0, 0), 3)
    inside = (blurred > blurred.mean()).astype(np.float32)
    small = cv2.resize(inside, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_AREA)
    return np.clip(np.round(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR) * 255), 0, 255).astype(np.uint8)


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode('ascii')


def case(name, path, w, h, r, eps, s):
    rgb = photo(path, w, h)
    p8 = blocky_matte(rgb)
    q = fast_guided_filter(luma(rgb), p8.astype(np.float64) / 255, r, eps, s)
    return {'name': name, 'width': w, 'height': h, 'radius': r, 'epsilon': eps, 'subsample': s,
            'rgb': b64(rgb.astype(np.uint8)), 'input': b64(p8), 'output': b64(q.astype(np.float32))}


face_api = os.path.join(ROOT, 'node_modules', '@vladmandic', 'face-api', 'demo', 'sample1.jpg')
images = os.path.join(ROOT, 'test', 'fixtures', 'images')
if '--explore' in sys.argv:
    # how far the fast filter strays from the full one (s = 1) at 320×240, r = 3, ε = 1e-3
    for name, path in [('sample1', face_api), ('astronaut', os.path.join(images, 'astronaut.jpg'))]:
        rgb = photo(path, 320, 240)
        I, p = luma(rgb), blocky_matte(rgb) / 255
        full = fast_guided_filter(I, p, 3, 1e-3, 1)
        for s in [1.25, 2, 2.5, 3, 4, 5]:
            d = np.abs(np.clip(fast_guided_filter(I, p, 3, 1e-3, s), 0, 1) - np.clip(full, 0, 1))
            print(name, s, 'mean', round(d.mean() * 255, 3), '/255  p99', round(np.percentile(d, 99) * 255, 2), 'max', round(d.max() * 255, 1))
    sys.exit(0)
cases = [
    case('face-api sample1, 120×90, r 3, s 2.5', face_api, 120, 90, 3, 1e-3, 2.5),
    case('astronaut, 96×96, r 4, s 4', os.path.join(images, 'astronaut.jpg'), 96, 96, 4, 1e-3, 4),
    case('coffee, 90×60, r 6, ε 1e-2, s 2', os.path.join(images, 'coffee.jpg'), 90, 60, 6, 1e-2, 2),
]
out = os.path.join(ROOT, 'test', 'fixtures', 'masks', 'fast-guided-filter.json')
with open(out, 'w') as f:
    json.dump({'reference': 'numpy fast guided filter (He & Sun 2015, Algorithm 2), scripts/make_fast_guided_filter_fixture.py; rgb and input uint8, output float32, base64', 'cases': cases}, f)
print('wrote', out, os.path.getsize(out), 'bytes')
