#!/usr/bin/python3
"""Reference outputs of torchvision's SSD family for the TypeScript SSD decoders.

Two modes (run from the repository root; needs python3-torch and python3-torchvision):

  /usr/bin/python3 scripts/export_torchvision_ssd.py [OUT_DIR]
      Format test of a real architecture: builds
      torchvision.models.detection.ssdlite320_mobilenet_v3_large(weights=None,
      weights_backbone=None) with a fixed seed, in eval mode, and writes to OUT_DIR
      (default .cache/torchvision/, git-ignored; test/helpers/torchvision-cache.ts runs this):
        ssdlite320-heads.onnx   backbone + heads only: input `images` [1,3,320,320] (already
                                normalised to [-1, 1]) -> `bbox_regression` [1,3234,4],
                                `cls_logits` [1,3234,91]. No anchors, decoding or NMS inside.
        ssdlite320-input.bin    that normalised input, raw little-endian float32, NCHW.
        ssdlite320-full.onnx    the whole model (transform, anchors, decoding, NMS inside):
                                input `image` [3,320,320] in 0..1 -> boxes, scores, labels.
        ssdlite320-image.bin    the 0..1 image (HWC float32) behind that input.
        ssdlite320-expected.json  the model's postprocess settings, its anchors (xyxy pixels)
                                and the detections of torchvision's own full forward
                                (model([image])) on the same image.

  /usr/bin/python3 scripts/export_torchvision_ssd.py --fixtures
      Writes the small committed golden fixture test/fixtures/ssd/default-boxes.json:
      DefaultBoxGenerator anchors (every 13th row plus the last) for a few configurations;
      and test/fixtures/ssd/postprocess.json: SSD.postprocess_detections on small random heads.
"""
import json
import os
import sys

try:
    import torch
    import torchvision
    from torchvision.models.detection import ssdlite320_mobilenet_v3_large
    from torchvision.models.detection.anchor_utils import DefaultBoxGenerator
    from torchvision.models.detection.image_list import ImageList
except ImportError:  # e.g. a pyenv python3 first on PATH: use the system one (Debian packages)
    if os.path.exists('/usr/bin/python3') and os.path.realpath(sys.executable) != '/usr/bin/python3':
        os.execv('/usr/bin/python3', ['/usr/bin/python3', *sys.argv])
    raise

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
SEED = 20240607
SIZE = 320
# torchvision's defaults for this model, except score_thresh (0.001 would keep ~27k random
# candidates): a higher one keeps a few dozen boxes spread over many classes.
SETTINGS = {
    'score_thresh': 0.13,
    'nms_thresh': 0.55,
    'detections_per_img': 300,
    'topk_candidates': 300,
}


def rows(t):
    return [[round(float(v), 6) for v in r] for r in t.tolist()]


class RawHeads(torch.nn.Module):
    """Backbone + SSD head, exactly as SSD.forward computes `head_outputs` (no transform)."""

    def __init__(self, model):
        super().__init__()
        self.backbone = model.backbone
        self.head = model.head

    def forward(self, images):
        features = list(self.backbone(images).values())
        out = self.head(features)
        return out['bbox_regression'], out['cls_logits']


def smooth_image(generator):
    """A deterministic smooth 0-1 RGB image (low-frequency noise, upsampled): more varied
    head outputs than white noise."""
    low = torch.rand(1, 3, 10, 10, generator=generator)
    return torch.nn.functional.interpolate(low, size=(SIZE, SIZE), mode='bicubic', align_corners=False).clamp(0, 1)[0]


def calibrate_batch_norm(model, generator):
    """With random weights and fresh BatchNorm statistics (mean 0, var 1) the activations
    vanish layer by layer (head outputs ~1e-15, every score 1/91). Estimate the BatchNorm
    statistics from a batch of images instead, as training would: outputs then vary."""
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.reset_running_stats()
            module.momentum = None  # cumulative average
    model.backbone.train()
    model.head.train()
    with torch.no_grad():
        batch = torch.stack([smooth_image(generator) for _ in range(8)]) * 2 - 1
        model.head(list(model.backbone(batch).values()))
    model.eval()


def export(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(SEED)
    model = ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None)
    calibrate_batch_norm(model, torch.Generator().manual_seed(SEED + 1))
    for key, value in SETTINGS.items():
        setattr(model, key, value)

    image = smooth_image(torch.Generator().manual_seed(SEED))
    with torch.no_grad():
        # What the head sees: the model's own transform (fixed 320x320 resize = identity here,
        # then (x - 0.5) / 0.5).
        transformed, _ = model.transform([image])
        assert tuple(transformed.tensors.shape) == (1, 3, SIZE, SIZE), transformed.tensors.shape
        assert transformed.image_sizes == [(SIZE, SIZE)], transformed.image_sizes
        normalised = transformed.tensors
        assert torch.allclose(normalised, (image[None] - 0.5) / 0.5, atol=1e-6)

        detections = model([image])[0]  # torchvision's full forward + postprocess

        heads = RawHeads(model).eval()
        bbox_regression, cls_logits = heads(normalised)
        features = list(model.backbone(normalised).values())
        anchors = model.anchor_generator(ImageList(normalised, [(SIZE, SIZE)]), features)[0]
        # The raw-heads path reproduces the full forward exactly.
        again = model.postprocess_detections({'bbox_regression': bbox_regression, 'cls_logits': cls_logits}, [anchors], [(SIZE, SIZE)])[0]
        for key in ('boxes', 'scores', 'labels'):
            assert torch.equal(again[key], detections[key]), key

    onnx_path = os.path.join(out_dir, 'ssdlite320-heads.onnx')
    torch.onnx.export(
        heads, (normalised,), onnx_path, input_names=['images'],
        output_names=['bbox_regression', 'cls_logits'], opset_version=13, do_constant_folding=True,
    )
    normalised.numpy().astype('<f4').tofile(os.path.join(out_dir, 'ssdlite320-input.bin'))
    # The whole model as users export it (transform, anchors, decoding and NMS inside): input
    # one CHW image in 0..1, outputs boxes/scores/labels; and that image, HWC float32 0..1.
    torch.onnx.export(
        model, ([image],), os.path.join(out_dir, 'ssdlite320-full.onnx'), input_names=['image'],
        output_names=['boxes', 'scores', 'labels'], opset_version=11,
    )
    image.permute(1, 2, 0).numpy().astype('<f4').tofile(os.path.join(out_dir, 'ssdlite320-image.bin'))

    grids = [list(f.shape[-2:]) for f in features]
    expected = {
        'torchvision': torchvision.__version__,
        'seed': SEED,
        'imageSize': [SIZE, SIZE],
        'numClasses': int(cls_logits.shape[-1]),
        'settings': SETTINGS,
        'boxCoder': {'weights': list(model.box_coder.weights), 'bboxXformClip': model.box_coder.bbox_xform_clip},
        'defaultBoxes': {
            'aspectRatios': model.anchor_generator.aspect_ratios,
            'scales': model.anchor_generator.scales,
            'steps': model.anchor_generator.steps,
            'clip': model.anchor_generator.clip,
            'gridSizes': grids,
        },
        # candidates that pass score_thresh (before top-k and NMS): shows that NMS has work to do
        'candidatesBeforeNms': int((torch.softmax(cls_logits[0], -1)[:, 1:] > SETTINGS['score_thresh']).sum()),
        'anchors': rows(anchors),
        'detections': {
            'boxes': rows(detections['boxes']),
            'scores': [float(s) for s in detections['scores'].tolist()],
            'labels': [int(v) for v in detections['labels'].tolist()],
        },
    }
    with open(os.path.join(out_dir, 'ssdlite320-expected.json'), 'w') as f:
        json.dump(expected, f)
    print(f'{len(expected["detections"]["labels"])} detections, {len(expected["anchors"])} anchors -> {out_dir}')


def fixtures():
    """Small committed golden fixture: DefaultBoxGenerator in several configurations."""
    configs = [
        # ssdlite320_mobilenet_v3_large
        {'name': 'ssdlite320', 'aspectRatios': [[2, 3]] * 6, 'minRatio': 0.2, 'maxRatio': 0.95,
         'gridSizes': [[20, 20], [10, 10], [5, 5], [3, 3], [2, 2], [1, 1]], 'imageSize': [320, 320]},
        # ssd300_vgg16: explicit scales and steps
        {'name': 'ssd300', 'aspectRatios': [[2], [2, 3], [2, 3], [2, 3], [2], [2]],
         'scales': [0.07, 0.15, 0.33, 0.51, 0.69, 0.87, 1.05], 'steps': [8, 16, 32, 64, 100, 300],
         'gridSizes': [[38, 38], [19, 19], [10, 10], [5, 5], [3, 3], [1, 1]], 'imageSize': [300, 300]},
        # a non-square image, no clipping, a single level
        {'name': 'single-level-noclip', 'aspectRatios': [[2]], 'minRatio': 0.3, 'maxRatio': 1.2, 'clip': False,
         'gridSizes': [[3, 5]], 'imageSize': [120, 200]},
    ]
    out = []
    for c in configs:
        gen = DefaultBoxGenerator(
            c['aspectRatios'], min_ratio=c.get('minRatio', 0.15), max_ratio=c.get('maxRatio', 0.9),
            scales=c.get('scales'), steps=c.get('steps'), clip=c.get('clip', True),
        )
        h, w = c['imageSize']
        features = [torch.zeros(1, 1, gh, gw) for gh, gw in c['gridSizes']]
        anchors = gen(ImageList(torch.zeros(1, 3, h, w), [(h, w)]), features)[0]
        picked = list(range(0, anchors.shape[0], 13))
        if picked[-1] != anchors.shape[0] - 1:
            picked.append(anchors.shape[0] - 1)
        out.append({**c, 'count': int(anchors.shape[0]), 'rows': picked, 'xyxy': rows(anchors[picked])})
    path = os.path.join(ROOT, 'test', 'fixtures', 'ssd', 'default-boxes.json')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump({'torchvision': torchvision.__version__, 'configs': out}, f)
    print(f'wrote {path}')
    postprocess_fixture()


def postprocess_fixture():
    """torchvision's own SSD.postprocess_detections (called unbound with the attributes it
    reads) on small random head outputs: several classes, clipping, top-k and NMS at work."""
    from types import SimpleNamespace
    from torchvision.models.detection import _utils as det_utils
    from torchvision.models.detection.ssd import SSD

    g = torch.Generator().manual_seed(SEED)
    cases = []
    for name, n, classes, settings in [
        ('softmax-5-classes', 80, 5, {'score_thresh': 0.2, 'nms_thresh': 0.45, 'detections_per_img': 200, 'topk_candidates': 400}),
        ('topk-and-max-detections', 120, 4, {'score_thresh': 0.05, 'nms_thresh': 0.5, 'detections_per_img': 25, 'topk_candidates': 10}),
    ]:
        # anchors: random xyxy boxes in a 100 x 80 image, some reaching outside (to exercise clipping)
        xy = torch.rand(n, 2, generator=g) * torch.tensor([100.0, 80.0])
        wh = 5 + torch.rand(n, 2, generator=g) * 40
        anchors = torch.cat([xy - wh / 2, xy + wh / 2], 1)
        regression = torch.randn(n, 4, generator=g)
        logits = torch.randn(n, classes, generator=g) * 2
        me = SimpleNamespace(box_coder=det_utils.BoxCoder(weights=(10.0, 10.0, 5.0, 5.0)), **settings)
        det = SSD.postprocess_detections(me, {'bbox_regression': regression[None], 'cls_logits': logits[None]}, [anchors], [(80, 100)])[0]
        cases.append({
            'name': name, 'imageWidth': 100, 'imageHeight': 80, 'settings': settings,
            # inputs at full float32 precision (exactly what torchvision saw)
            'anchors': anchors.tolist(), 'bboxRegression': regression.tolist(), 'clsLogits': logits.tolist(),
            'expected': {'boxes': rows(det['boxes']), 'scores': [float(s) for s in det['scores'].tolist()], 'labels': [int(v) for v in det['labels'].tolist()]},
        })
        print(name, len(cases[-1]['expected']['labels']), 'detections')
    path = os.path.join(ROOT, 'test', 'fixtures', 'ssd', 'postprocess.json')
    with open(path, 'w') as f:
        json.dump({'torchvision': torchvision.__version__, 'cases': cases}, f)
    print(f'wrote {path}')


if __name__ == '__main__':
    if sys.argv[1:] == ['--fixtures']:
        fixtures()
    else:
        export(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, '.cache', 'torchvision'))
