"""Golden fixture for src/postprocess/masks/guided-filter.ts.

References: OpenCV's cv2.ximgproc.guidedFilter (Debian python3-opencv with contrib) and
cv2.boxFilter(..., BORDER_REFLECT). Inputs are generated here from a fixed seed and stored
with the outputs, rounded to 7 decimals. Run: /usr/bin/python3 scripts/make_guided_filter_fixture.py
"""
import json
import os

import cv2
import numpy as np

rng = np.random.default_rng(14)


def case(width, height, radius, epsilon, kind):
    if kind == 'noise':
        guide = rng.random((height, width)).astype(np.float32)
        src = rng.random((height, width)).astype(np.float32)
    else:  # a bright disc on a dark ground, and a blocky, noisy matte of it
        yy, xx = np.mgrid[0:height, 0:width]
        inside = (xx - width * 0.45) ** 2 + (yy - height * 0.5) ** 2 < (min(width, height) * 0.3) ** 2
        guide = (0.2 + 0.6 * inside + 0.05 * rng.random((height, width))).astype(np.float32)
        blocky = cv2.resize(cv2.resize(inside.astype(np.float32), (width // 4, height // 4), interpolation=cv2.INTER_AREA), (width, height), interpolation=cv2.INTER_LINEAR)
        src = np.clip(blocky + 0.1 * (rng.random((height, width)) - 0.5), 0, 1).astype(np.float32)
    out = cv2.ximgproc.guidedFilter(guide, src, radius, epsilon)
    box = cv2.boxFilter(src.astype(np.float64), -1, (2 * radius + 1, 2 * radius + 1), normalize=True, borderType=cv2.BORDER_REFLECT)
    r = lambda a: [round(float(v), 7) for v in a.ravel()]
    return {'width': width, 'height': height, 'radius': radius, 'epsilon': epsilon, 'guide': r(guide), 'input': r(src), 'boxMean': r(box), 'output': r(out)}


def resize_case(width, height, out_width, out_height):
    src = rng.random((height, width)).astype(np.float32)
    out = cv2.resize(src, (out_width, out_height), interpolation=cv2.INTER_LINEAR)
    return {'width': width, 'height': height, 'outWidth': out_width, 'outHeight': out_height, 'input': [round(float(v), 7) for v in src.ravel()], 'output': [round(float(v), 7) for v in out.ravel()]}


resizes = [resize_case(7, 5, 19, 11), resize_case(4, 6, 4, 13), resize_case(1, 1, 3, 2)]
cases = [case(29, 17, 2, 1e-2, 'noise'), case(9, 5, 4, 1e-3, 'noise'), case(40, 32, 3, 1e-4, 'disc')]
path = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'masks', 'guided-filter.json')
with open(path, 'w') as f:
    json.dump({'reference': f'OpenCV {cv2.__version__} cv2.ximgproc.guidedFilter, cv2.boxFilter BORDER_REFLECT', 'cases': cases, 'resize': resizes, 'resizeReference': 'cv2.resize INTER_LINEAR'}, f)
print('wrote', path)
