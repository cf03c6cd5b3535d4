#!/usr/bin/python3
"""Golden fixtures for src/preprocess, computed with OpenCV and numpy.

Run from the repository root:  /usr/bin/python3 scripts/make_preprocess_fixtures.py
(needs numpy, python3-opencv and python3-torch). Writes test/fixtures/preprocess/preprocess.json.

Source images are small deterministic random uint8 RGB images (numpy's PCG64, seed 20240611),
including a 1-pixel-wide one and sizes chosen to hit rounding corner cases. Pixel arrays are
stored as base64 of their raw bytes (uint8, or little-endian float32), row-major HWC (or CHW
where `layout` says so).

References:
  * cv2.resize INTER_LINEAR on the uint8 image (what OpenCV users get; fixed-point, rounded to
    uint8) and on the same image as float32 (no rounding: the exact half-pixel bilinear values);
  * torch.nn.functional.interpolate(mode='nearest-exact') (half-pixel centres: source index
    floor((x + 0.5) * in / out), like PIL NEAREST). cv2.resize INTER_NEAREST_EXACT agrees with it
    except for integer reduction factors (2×, 3×…), where OpenCV 4.6 samples floor(x * in / out)
    (checked and printed below); cv2 INTER_NEAREST (OpenCV's classic floor(x * in / out)
    sampling) is stored for two cases to document the difference;
  * `ultralytics_letterbox` below: a line-by-line copy of the geometry of Ultralytics'
    `LetterBox.__call__` (auto=False, scale_fill=False, center=True), with cv2.resize INTER_LINEAR
    and cv2.copyMakeBorder(BORDER_CONSTANT, 114);
  * `ultralytics_center_crop`: Ultralytics' classify `CenterCrop` (largest centred square,
    offsets (size - m) // 2, then cv2.resize INTER_LINEAR), generalised to a non-square target
    by cropping the largest centred region with the target's aspect ratio;
  * numpy normalisation (x * scale - mean) / std in float64, channel order and NCHW transpose.
"""
import base64
import json
import os
import sys

try:
    import cv2
    import numpy as np
    import torch
except ImportError:  # e.g. a pyenv python3 first on PATH: use the system one (Debian packages)
    if os.path.exists('/usr/bin/python3') and os.path.realpath(sys.executable) != '/usr/bin/python3':
        os.execv('/usr/bin/python3', ['/usr/bin/python3', *sys.argv])
    raise

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'preprocess')


def b64(array, dtype):
    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).astype(np.dtype(dtype).newbyteorder('<')).tobytes()).decode('ascii')


def u8(array):
    return b64(array, np.uint8)


def f32(array):
    return b64(array, np.float32)


# ---------------------------------------------------------------------------- sources

def make_images():
    rng = np.random.default_rng(20240611)
    sizes = {  # name: (width, height)
        'a37x23': (37, 23),
        'b48x36': (48, 36),
        'c17x31': (17, 31),
        'd1x9': (1, 9),
        # 7×14 into 29×29: w * r = 14.500000000000002 in doubles, so Python's round() gives 15
        # (an implementation that treats "nearly .5" as a tie would give 14).
        'e7x14': (7, 14),
        # 11×22 into 15×15: w * r = 7.499999999999999 -> 7 (a "nearly .5 is a tie" rounding
        # gives 8); into 25×25: 12.500000000000002 -> 13 (the tie rounding gives 12).
        'f11x22': (11, 22),
        'g11x7': (11, 7),  # for the normalisation cases
    }
    return {name: rng.integers(0, 256, (h, w, 3), dtype=np.uint8) for name, (w, h) in sizes.items()}


# ---------------------------------------------------------------------------- references

def ultralytics_letterbox(img, new_shape, scaleup=True, pad_value=114, dtype=None):
    """Ultralytics `LetterBox.__call__` geometry (auto=False, scale_fill=False, center=True).
    new_shape is (height, width) as in Ultralytics. Returns the image and the geometry."""
    shape = img.shape[:2]  # current shape [height, width]
    r = min(new_shape[0] / shape[0], new_shape[1] / shape[1])
    if not scaleup:  # only scale down, do not scale up (for better val mAP)
        r = min(r, 1.0)
    new_unpad = int(round(shape[1] * r)), int(round(shape[0] * r))
    dw, dh = new_shape[1] - new_unpad[0], new_shape[0] - new_unpad[1]  # wh padding
    dw /= 2  # divide padding into 2 sides
    dh /= 2
    if dtype is not None:
        img = img.astype(dtype)
    if shape[::-1] != new_unpad:  # resize
        img = cv2.resize(img, new_unpad, interpolation=cv2.INTER_LINEAR)
    top, bottom = int(round(dh - 0.1)), int(round(dh + 0.1))
    left, right = int(round(dw - 0.1)), int(round(dw + 0.1))
    img = cv2.copyMakeBorder(img, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(pad_value,) * 3)
    return img, {'ratio': r, 'newUnpad': list(new_unpad), 'top': top, 'bottom': bottom, 'left': left, 'right': right}


def ultralytics_center_crop(img, width, height, dtype=None):
    """Ultralytics classify `CenterCrop` for square targets; for other targets the largest centred
    region with the target's aspect ratio (sizes rounded, offsets floored)."""
    imh, imw = img.shape[:2]
    if width == height:
        crop_w = crop_h = min(imh, imw)
    else:
        aspect = width / height
        crop_w = min(imw, int(round(imh * aspect)))
        crop_h = min(imh, int(round(imw / aspect)))
    top, left = (imh - crop_h) // 2, (imw - crop_w) // 2
    crop = img[top:top + crop_h, left:left + crop_w]
    if dtype is not None:
        crop = crop.astype(dtype)
    out = cv2.resize(crop, (width, height), interpolation=cv2.INTER_LINEAR)
    return out, {'cropX': left, 'cropY': top, 'cropWidth': crop_w, 'cropHeight': crop_h}


def nearest_exact(img, width, height):
    t = torch.from_numpy(np.ascontiguousarray(img)).permute(2, 0, 1)[None].float()
    out = torch.nn.functional.interpolate(t, size=(height, width), mode='nearest-exact')
    return out[0].permute(1, 2, 0).numpy().astype(np.uint8)


IMAGENET = {'scale': 1 / 255, 'mean': [0.485, 0.456, 0.406], 'std': [0.229, 0.224, 0.225]}
NORMALIZATIONS = {
    'none': {'scale': 1, 'mean': [0, 0, 0], 'std': [1, 1, 1]},
    'unit': {'scale': 1 / 255, 'mean': [0, 0, 0], 'std': [1, 1, 1]},
    'symmetric': {'scale': 1 / 127.5, 'mean': [1, 1, 1], 'std': [1, 1, 1]},
    'imagenet': IMAGENET,
}
NANODET = {'mean': [103.53, 116.28, 123.675], 'std': [57.375, 57.12, 58.395]}


def normalise(img, norm, channel_order='rgb', layout='nhwc'):
    x = img.astype(np.float64)
    if channel_order == 'bgr':
        x = x[..., ::-1]
    scale = norm.get('scale', 1)
    x = (x * scale - np.array(norm.get('mean', [0, 0, 0]))) / np.array(norm.get('std', [1, 1, 1]))
    if layout == 'nchw':
        x = x.transpose(2, 0, 1)
    return x


# ---------------------------------------------------------------------------- cases

RESIZES = [  # image, width, height
    ('a37x23', 41, 27),    # up
    ('a37x23', 20, 12),    # down (non-integer factor)
    ('a37x23', 37, 11),    # one axis only
    ('b48x36', 24, 18),    # exact 2× down (OpenCV switches INTER_LINEAR to INTER_AREA: same values)
    ('b48x36', 16, 10),    # strong down (about 3×): bilinear samples, no area averaging
    ('c17x31', 24, 24),    # up, aspect change
    ('d1x9', 3, 20),       # 1 pixel wide
    ('d1x9', 1, 4),
]

# Cases for which OpenCV's classic INTER_NEAREST is stored too (to document how it differs).
NEAREST_CLASSIC = {('a37x23', 20, 12), ('c17x31', 24, 24)}

LETTERBOXES = [  # image, width, height, scaleup
    ('a37x23', 40, 40, True),
    ('a37x23', 32, 32, True),
    ('a37x23', 40, 24, True),
    ('b48x36', 24, 24, True),
    ('b48x36', 18, 15, True),
    ('c17x31', 36, 36, True),
    ('c17x31', 36, 36, False),
    ('d1x9', 16, 16, True),
    ('e7x14', 29, 29, True),
    ('f11x22', 15, 15, True),
    ('f11x22', 25, 25, True),
]

CROPS = [  # image, width, height
    ('a37x23', 16, 16),
    ('a37x23', 26, 26),
    ('b48x36', 20, 20),
    ('c17x31', 20, 20),
    ('b48x36', 24, 16),  # non-square target
    ('c17x31', 12, 16),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    images = make_images()
    out = {
        'generator': 'scripts/make_preprocess_fixtures.py',
        'versions': {'opencv': cv2.__version__, 'numpy': np.__version__, 'torch': torch.__version__},
        'images': {name: {'width': im.shape[1], 'height': im.shape[0], 'data': u8(im)} for name, im in images.items()},
        'resize': [],
        'letterbox': [],
        'centerCrop': [],
        'normalize': [],
        'prepare': [],
    }
    for name, w, h in RESIZES:
        im = images[name]
        case = {
            'image': name, 'width': w, 'height': h,
            'linearU8': u8(cv2.resize(im, (w, h), interpolation=cv2.INTER_LINEAR)),
            'nearestExact': u8(nearest_exact(im, w, h)),
        }
        cv_exact = cv2.resize(im, (w, h), interpolation=cv2.INTER_NEAREST_EXACT)
        integer_factor = im.shape[1] % w == 0 and im.shape[0] % h == 0 and (im.shape[1] > w or im.shape[0] > h)
        same = bool((cv_exact == nearest_exact(im, w, h)).all())
        print(f'{name} -> {w}x{h}: cv2 INTER_NEAREST_EXACT == torch nearest-exact: {same}')
        assert same or integer_factor, (name, w, h)
        if w * h <= 32 * 24:  # float references cost 4 bytes a value: only for the smaller cases
            case['linearFloat'] = f32(cv2.resize(im.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR))
        if (name, w, h) in NEAREST_CLASSIC:
            case['nearest'] = u8(cv2.resize(im, (w, h), interpolation=cv2.INTER_NEAREST))
        out['resize'].append(case)
    for name, w, h, scaleup in LETTERBOXES:
        im = images[name]
        boxed, geo = ultralytics_letterbox(im, (h, w), scaleup=scaleup)
        boxed_f, geo_f = ultralytics_letterbox(im, (h, w), scaleup=scaleup, dtype=np.float32)
        assert geo == geo_f and boxed.shape == (h, w, 3), (name, w, h, boxed.shape)
        case = {'image': name, 'width': w, 'height': h, 'scaleUp': scaleup, **geo, 'u8': u8(boxed)}
        if w * h <= 24 * 24:  # float references cost 4 bytes a value
            case['float'] = f32(boxed_f)
        out['letterbox'].append(case)
    for name, w, h in CROPS:
        im = images[name]
        crop, geo = ultralytics_center_crop(im, w, h)
        crop_f, _ = ultralytics_center_crop(im, w, h, dtype=np.float32)
        case = {'image': name, 'width': w, 'height': h, **geo, 'u8': u8(crop)}
        if w * h <= 20 * 20:
            case['float'] = f32(crop_f)
        out['centerCrop'].append(case)
    for preset, norm in NORMALIZATIONS.items():
        out['normalize'].append({'image': 'g11x7', 'normalization': preset, 'channelOrder': 'rgb', 'layout': 'nhwc',
                                 'expected': f32(normalise(images['g11x7'], norm))})
    out['normalize'].append({'image': 'g11x7', 'normalization': NANODET, 'channelOrder': 'bgr', 'layout': 'nchw',
                             'expected': f32(normalise(images['g11x7'], NANODET, 'bgr', 'nchw'))})
    out['normalize'].append({'image': 'g11x7', 'normalization': 'imagenet', 'channelOrder': 'rgb', 'layout': 'nchw',
                             'expected': f32(normalise(images['g11x7'], IMAGENET, 'rgb', 'nchw'))})
    # Whole preprocessing chains (float32 OpenCV geometry, then numpy normalisation).
    prepares = [
        ({'width': 24, 'height': 24, 'fit': 'letterbox', 'normalization': 'unit', 'layout': 'nchw'}, 'a37x23'),
        ({'width': 20, 'height': 16, 'fit': 'letterbox', 'normalization': NANODET, 'channelOrder': 'bgr', 'layout': 'nchw'}, 'c17x31'),
        ({'width': 16, 'height': 16, 'fit': 'center-crop', 'normalization': 'imagenet', 'layout': 'nhwc'}, 'b48x36'),
        ({'width': 15, 'height': 9, 'fit': 'stretch', 'normalization': 'symmetric', 'layout': 'nhwc'}, 'a37x23'),
    ]
    for spec, name in prepares:
        im = images[name]
        w, h = spec['width'], spec['height']
        if spec['fit'] == 'letterbox':
            geo_img, geo = ultralytics_letterbox(im, (h, w), dtype=np.float32)
            transform = {'scaleX': geo['ratio'], 'scaleY': geo['ratio'], 'padX': geo['left'], 'padY': geo['top'], 'cropX': 0, 'cropY': 0}
        elif spec['fit'] == 'center-crop':
            geo_img, geo = ultralytics_center_crop(im, w, h, dtype=np.float32)
            transform = {'scaleX': w / geo['cropWidth'], 'scaleY': h / geo['cropHeight'], 'padX': 0, 'padY': 0,
                         'cropX': geo['cropX'], 'cropY': geo['cropY']}
        else:
            geo_img = cv2.resize(im.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
            transform = {'scaleX': w / im.shape[1], 'scaleY': h / im.shape[0], 'padX': 0, 'padY': 0, 'cropX': 0, 'cropY': 0}
        norm = spec['normalization'] if isinstance(spec['normalization'], dict) else NORMALIZATIONS[spec['normalization']]
        x = normalise(geo_img, norm, spec.get('channelOrder', 'rgb'), spec['layout'])
        transform.update({'sourceWidth': im.shape[1], 'sourceHeight': im.shape[0], 'inputWidth': w, 'inputHeight': h})
        out['prepare'].append({'image': name, 'spec': spec, 'transform': transform, 'expected': f32(x)})
    path = os.path.join(OUT, 'preprocess.json')
    with open(path, 'w') as f:
        json.dump(out, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {path} ({os.path.getsize(path)} bytes)')


if __name__ == '__main__':
    main()
