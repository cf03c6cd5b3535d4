#!/usr/bin/python3
"""Golden fixtures for mask assembly, from independent reference implementations (run from the
repository root; needs python3-torch, python3-torchvision, python3-opencv):

  /usr/bin/python3 scripts/make_mask_fixtures.py

writes (small, committed):
  test/fixtures/masks/paste.json     torchvision 0.14 `paste_masks_in_image` on random 28x28
                                     masks and boxes (partly outside the image, tiny, larger
                                     than the image; one image itself 28x28): binary masks (> 0.5) as COCO RLE and the
                                     pasted probabilities at every 17th pixel.
  test/fixtures/masks/yolo-seg.json  YOLO-seg masks by Ultralytics' ops (transcribed below from
                                     ultralytics/utils/ops.py: crop_mask, process_mask,
                                     process_mask_native, scale_masks, scale_boxes) on random
                                     quantised prototypes and coefficients, in both forms:
                                     'sigmoid' (releases before mid-2024: sigmoid first, > 0.5,
                                     int() pads) and 'logits' (since May 2026: logits upsampled,
                                     cropped at the input's resolution, > 0, pads rounded as
                                     LetterBox adds them).
  test/fixtures/masks/contours.json  cv2.findContours(RETR_EXTERNAL, CHAIN_APPROX_NONE / SIMPLE)
                                     on small binary shapes.

RLE: uncompressed COCO run-length encoding, column-major, starting with a run of zeros.
"""
import json
import os
import sys

try:
    import cv2
    import numpy as np
    import torch
    import torch.nn.functional as F
    import torchvision
    from torchvision.models.detection.roi_heads import paste_masks_in_image
except ImportError:  # e.g. a pyenv python3 first on PATH: use the system one (Debian packages)
    if os.path.exists('/usr/bin/python3') and os.path.realpath(sys.executable) != '/usr/bin/python3':
        os.execv('/usr/bin/python3', ['/usr/bin/python3', *sys.argv])
    raise

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'masks')
SEED = 20240612


def rle(binary):
    """COCO uncompressed RLE of a 2-D 0/1 array (column-major, first run = zeros)."""
    flat = np.asarray(binary, dtype=np.uint8).flatten(order='F')
    counts, current, run = [], 0, 0
    for v in flat:
        if v != current:
            counts.append(run)
            current, run = v, 0
        run += 1
    counts.append(run)
    return {'size': [int(binary.shape[0]), int(binary.shape[1])], 'counts': [int(c) for c in counts]}


def write(name, data):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(data, f, separators=(',', ':'))
    print('wrote', os.path.join(OUT, name))


# ---------------------------------------------------------------- Mask R-CNN paste
def paste_fixture():
    g = torch.Generator().manual_seed(SEED)
    cases = []
    # the last case: an image as small as the masks (28×28), where shape alone cannot tell per-box masks from pasted ones
    for name, (h, w), n in [('landscape-120x90', (90, 120), 10), ('portrait-64x100', (100, 64), 6), ('square-28x28', (28, 28), 4)]:
        masks = torch.rand(n, 1, 28, 28, generator=g)
        # smooth some masks (blobs) so the 0.5 contour is long, not speckle
        masks[: n // 2] = F.avg_pool2d(masks[: n // 2], 5, stride=1, padding=2) * 1.6 - 0.3
        masks = (masks * 1024).round() / 1024  # multiples of 1/1024: exact in float32 and short in JSON
        xy = torch.rand(n, 2, generator=g) * torch.tensor([w, h]) * 1.2 - torch.tensor([w, h]) * 0.1
        wh = torch.rand(n, 2, generator=g) * torch.tensor([w, h]) * 0.8 + 0.3
        boxes = torch.cat([xy - wh / 2, xy + wh / 2], 1)
        boxes[0] = torch.tensor([-15.3, -8.7, 40.2, 30.9])           # partly outside, top-left
        boxes[1] = torch.tensor([w - 20.6, h - 10.2, w + 25.5, h + 7.1])  # partly outside, bottom-right
        boxes[2] = torch.tensor([10.4, 12.2, 10.9, 12.6])             # tiny (< 1 px)
        boxes[3] = torch.tensor([-30.0, -20.0, w + 30.0, h + 20.0])   # larger than the image
        # keep boxes that overlap the image (torchvision's indexing fails for boxes wholly outside)
        pasted = paste_masks_in_image(masks, boxes, (h, w), padding=1)[:, 0]
        idx = np.arange(0, h * w, 17)
        cases.append({
            'name': name, 'imageWidth': w, 'imageHeight': h,
            'masks': masks.flatten().tolist(), 'boxes': boxes.tolist(),
            'binary': [rle((p > 0.5).numpy()) for p in pasted],
            'sampleEvery': 17,
            'samples': [[round(float(v), 7) for v in p.flatten()[idx].tolist()] for p in pasted],
            'nearThreshold': int(((pasted - 0.5).abs() < 1e-6).sum()),
        })
    write('paste.json', {'torchvision': torchvision.__version__, 'cases': cases})


# ---------------------------------------------------------------- YOLO-seg (Ultralytics ops)
def crop_mask(masks, boxes):
    n, h, w = masks.shape
    x1, y1, x2, y2 = torch.chunk(boxes[:, :, None], 4, 1)
    r = torch.arange(w, device=masks.device, dtype=x1.dtype)[None, None, :]
    c = torch.arange(h, device=masks.device, dtype=x1.dtype)[None, :, None]
    return masks * ((r >= x1) * (r < x2) * (c >= y1) * (c < y2))


def process_mask(protos, masks_in, bboxes, shape, form):
    """ops.process_mask(..., upsample=True) with the cut (> 0.5 / > 0) deferred to the original size.
    sigmoid form (before mid-2024): sigmoid, crop on the prototype grid, upsample. logits form
    (since May 2026, PR 24463): the logits upsampled to the input, then cropped with the box there."""
    c, mh, mw = protos.shape
    ih, iw = shape
    masks = (masks_in @ protos.float().view(c, -1)).view(-1, mh, mw)
    if form == 'logits':
        return crop_mask(F.interpolate(masks[None], shape, mode='bilinear', align_corners=False)[0], bboxes)
    masks = masks.sigmoid()
    down = bboxes.clone()
    down[:, 0] *= mw / iw
    down[:, 2] *= mw / iw
    down[:, 3] *= mh / ih
    down[:, 1] *= mh / ih
    masks = crop_mask(masks, down)
    return F.interpolate(masks[None], shape, mode='bilinear', align_corners=False)[0]


def scale_masks_rounded(masks, shape):
    """8.4's scale_masks: the pads LetterBox added (half of size - round(side * gain), round(pad -+ 0.1))."""
    im1_h, im1_w = masks.shape[2:]
    im0_h, im0_w = shape[:2]
    if im1_h == im0_h and im1_w == im0_w:
        return masks
    gain = min(im1_h / im0_h, im1_w / im0_w)
    pad_w = (im1_w - round(im0_w * gain)) / 2
    pad_h = (im1_h - round(im0_h * gain)) / 2
    top, left = round(pad_h - 0.1), round(pad_w - 0.1)
    bottom, right = im1_h - round(pad_h + 0.1), im1_w - round(pad_w + 0.1)
    return F.interpolate(masks[..., top:bottom, left:right].float(), shape, mode='bilinear')


def scale_masks(masks, shape, padding=True):
    """scale_masks before 8.3.152: int() of the pads."""
    mh, mw = masks.shape[2:]
    gain = min(mh / shape[0], mw / shape[1])
    pad = [mw - shape[1] * gain, mh - shape[0] * gain]
    if padding:
        pad[0] /= 2
        pad[1] /= 2
    top, left = (int(pad[1]), int(pad[0])) if padding else (0, 0)
    bottom, right = (int(mh - pad[1]), int(mw - pad[0]))
    masks = masks[..., top:bottom, left:right]
    return F.interpolate(masks, shape, mode='bilinear', align_corners=False)


def scale_boxes(img1_shape, boxes, img0_shape):
    gain = min(img1_shape[0] / img0_shape[0], img1_shape[1] / img0_shape[1])
    pad = (round((img1_shape[1] - img0_shape[1] * gain) / 2 - 0.1), round((img1_shape[0] - img0_shape[0] * gain) / 2 - 0.1))
    boxes = boxes.clone()
    boxes[..., [0, 2]] -= pad[0]
    boxes[..., [1, 3]] -= pad[1]
    boxes[..., :4] /= gain
    boxes[..., [0, 2]] = boxes[..., [0, 2]].clamp(0, img0_shape[1])
    boxes[..., [1, 3]] = boxes[..., [1, 3]].clamp(0, img0_shape[0])
    return boxes


def process_mask_native(protos, masks_in, bboxes, shape, form):
    c, mh, mw = protos.shape
    masks = (masks_in @ protos.float().view(c, -1)).view(-1, mh, mw)
    if form == 'sigmoid':
        masks = scale_masks(masks.sigmoid()[None], shape)[0]
    else:
        masks = scale_masks_rounded(masks[None], shape)[0]
    return crop_mask(masks, bboxes)


def yolo_fixture():
    g = torch.Generator().manual_seed(SEED + 1)
    size, nm = 128, 32
    mh = mw = size // 4
    # low-frequency prototypes (as real ones are), quantised to multiples of 1/16 so JSON stays exact and short
    low = torch.randn(1, nm, 6, 6, generator=g) * 3
    protos = (F.interpolate(low, (mh, mw), mode='bilinear', align_corners=False)[0] * 16).round() / 16
    cases = []
    # the sigmoid cases first (their random draws predate the logits form); 90x62 and 61x97 have
    # pads where int() and LetterBox's rounding part (at 128 and at the 32-cell grid)
    for name, (h0, w0), mode, form in [('landscape-120x90', (90, 120), 'upsample', 'sigmoid'), ('portrait-100x150', (150, 100), 'upsample', 'sigmoid'),
                                        ('landscape-120x90-native', (90, 120), 'native', 'sigmoid'), ('square-50x50', (50, 50), 'upsample', 'sigmoid'),
                                        ('landscape-120x90-logits', (90, 120), 'upsample', 'logits'), ('portrait-100x150-logits', (150, 100), 'upsample', 'logits'),
                                        ('landscape-120x90-native-logits', (90, 120), 'native', 'logits'), ('square-50x50-logits', (50, 50), 'upsample', 'logits'),
                                        ('odd-pads-90x62-logits', (62, 90), 'upsample', 'logits'), ('odd-pads-61x97-native-logits', (97, 61), 'native', 'logits'),
                                        ('odd-pads-90x62', (62, 90), 'upsample', 'sigmoid'), ('odd-pads-61x97-native', (97, 61), 'native', 'sigmoid')]:
        n = 6
        coef = (torch.randn(n, nm, generator=g) * 16).round() / 64
        xy = torch.rand(n, 2, generator=g) * size
        wh = torch.rand(n, 2, generator=g) * 60 + 2
        boxes = ((torch.cat([xy - wh / 2, xy + wh / 2], 1)) * 4).round() / 4
        boxes[0] = torch.tensor([-6.0, 20.5, 50.25, 70.0])   # reaches outside the input
        boxes[1] = torch.tensor([40.0, 2.0, 90.0, 30.0])     # partly in the letterbox bar
        boxes[2] = torch.tensor([64.0, 64.0, 65.5, 66.0])    # tiny
        boxes = boxes.clamp(-8, size + 8)
        gain = min(size / h0, size / w0)
        ref = {'name': name, 'mode': mode, 'form': form, 'inputSize': size, 'sourceWidth': w0, 'sourceHeight': h0,
               'coefficients': coef.flatten().tolist(), 'boxes': boxes.tolist()}
        if mode == 'upsample':
            rescale = scale_masks if form == 'sigmoid' else scale_masks_rounded
            masks = rescale(process_mask(protos, coef, boxes, (size, size), form)[None], (h0, w0))[0]
        else:
            src = scale_boxes((size, size), boxes, (h0, w0))
            ref['sourceBoxes'] = src.tolist()
            masks = process_mask_native(protos, coef, src, (h0, w0), form)
        cut = 0.5 if form == 'sigmoid' else 0.0
        ref['binary'] = [rle((m > cut).numpy()) for m in masks]
        ref['nearThreshold'] = int((((masks - cut).abs() < 1e-5) & (masks != 0)).sum())  # 0: outside every crop
        ref['gain'] = gain
        cases.append(ref)
    write('yolo-seg.json', {'protoDims': [1, nm, mh, mw], 'protos': protos.flatten().tolist(), 'cases': cases})


# ---------------------------------------------------------------- contours (OpenCV)
def shapes():
    out = {}
    a = np.zeros((12, 16), np.uint8); a[2:8, 3:11] = 1; out['rectangle'] = a
    a = np.zeros((14, 14), np.uint8); a[2:12, 2:12] = 1; a[5:9, 5:9] = 0; a[6:8, 6:8] = 1; out['ring-with-island'] = a
    a = np.zeros((10, 10), np.uint8); a[1:9, 1:3] = 1; a[7:9, 1:8] = 1; out['l-shape'] = a
    a = np.zeros((9, 9), np.uint8); np.fill_diagonal(a, 1); out['diagonal-line'] = a
    a = np.zeros((8, 12), np.uint8); a[1:4, 1:4] = 1; a[4:7, 7:11] = 1; a[6, 5] = 1; out['two-blobs-and-pixel'] = a
    a = np.ones((6, 7), np.uint8); out['touches-every-border'] = a
    a = np.zeros((5, 9), np.uint8); a[2, 1:8] = 1; out['horizontal-line'] = a
    g = np.random.default_rng(SEED)
    noise = cv2.resize(g.random((5, 6)).astype(np.float32), (30, 24), interpolation=cv2.INTER_CUBIC)
    out['blobs'] = (noise > 0.55).astype(np.uint8)
    a = np.zeros((11, 11), np.uint8); cv2.circle(a, (5, 5), 4, 1, -1); a[5, 5] = 0; out['disc-with-pinhole'] = a
    return out


def contours_fixture():
    cases = []
    for name, img in shapes().items():
        entry = {'name': name, 'rows': [''.join(str(int(v)) for v in row) for row in img]}
        for approx, key in [(cv2.CHAIN_APPROX_NONE, 'none'), (cv2.CHAIN_APPROX_SIMPLE, 'simple')]:
            contours, _ = cv2.findContours(img.copy(), cv2.RETR_EXTERNAL, approx)
            entry[key] = [c[:, 0, :].tolist() for c in contours]
        cases.append(entry)
    write('contours.json', {'opencv': cv2.__version__, 'cases': cases})


if __name__ == '__main__':
    paste_fixture()
    yolo_fixture()
    contours_fixture()
