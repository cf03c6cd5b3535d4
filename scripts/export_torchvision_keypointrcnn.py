#!/usr/bin/python3
"""Format test of Keypoint R-CNN for the pose-estimation pipeline (family 'keypoint-rcnn').

  /usr/bin/python3 scripts/export_torchvision_keypointrcnn.py OUT_DIR

Builds torchvision.models.detection.keypointrcnn_resnet50_fpn(weights=None,
weights_backbone=None) with a fixed seed (random weights: no pretrained Keypoint R-CNN is
available offline), estimates its batch-norm statistics on smooth random images (as training
would, so activations stay in range), lowers the detection threshold so that there are
detections, and writes to OUT_DIR (test/pose/keypoint-rcnn-cache.ts runs this into the git-ignored
.cache/torchvision/):

  keypointrcnn.onnx        the whole model (transform, RPN, heads, post-processing inside) with
                           a batched input `images` [1, 3, 480, 640] RGB 0..1 and outputs
                           `boxes` [N,4], `labels` [N], `scores` [N], `keypoints` [N,17,3],
                           `keypoints_scores` [N,17]  (torchvision's ONNX signature). ~237 MB.
  keypointrcnn-image.bin   the 640x480 RGB uint8 image (a real photo: scikit-image's
                           astronaut, resized) whose /255 is the input.
  keypointrcnn-expected.json  torchvision's own outputs (eager model, same input).

Takes ~60 s on 2 cores. Needs Debian's python3-torch and python3-torchvision.
"""
import json
import os
import sys
import time

try:
    import torch
    import torchvision
    from torchvision.models.detection import keypointrcnn_resnet50_fpn
except ImportError:
    if os.path.exists('/usr/bin/python3') and os.path.realpath(sys.executable) != '/usr/bin/python3':
        os.execv('/usr/bin/python3', ['/usr/bin/python3', *sys.argv])
    sys.exit('torchvision is missing: apt-get install -y python3-torchvision')

SEED = 20240611
WIDTH, HEIGHT = 640, 480
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')


def photo():
    """The astronaut (512x512, committed as test/fixtures/images/astronaut.jpg; read here from
    scikit-image's copy of the same photo) resized to 640x480, as uint8 HWC."""
    try:
        from skimage import data
        image = torch.from_numpy(data.astronaut().copy()).permute(2, 0, 1).float()[None]
    except Exception:  # no scikit-image: a smooth random image
        image = torch.nn.functional.interpolate(torch.rand(1, 3, 12, 16, generator=torch.Generator().manual_seed(SEED)) * 255, size=(64, 64))
    resized = torch.nn.functional.interpolate(image, size=(HEIGHT, WIDTH), mode='bilinear', align_corners=False)
    return resized[0].round().clamp(0, 255).to(torch.uint8).permute(1, 2, 0).contiguous()


def smooth_image(generator):
    low = torch.rand(1, 3, 6, 8, generator=generator)
    return torch.nn.functional.interpolate(low, size=(HEIGHT, WIDTH), mode='bilinear', align_corners=False)[0]


def calibrate_batch_norm(model, generator):
    """Random-init BatchNorm layers have running mean 0 / var 1, which blows activations up
    through 50 layers; estimate the statistics from images instead (cumulative average)."""
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.reset_running_stats()
            module.momentum = None
    model.backbone.train()
    with torch.no_grad():
        for _ in range(3):
            batch = torch.stack([smooth_image(generator) for _ in range(2)])
            batch = (batch - torch.tensor([0.485, 0.456, 0.406])[:, None, None]) / torch.tensor([0.229, 0.224, 0.225])[:, None, None]
            model.backbone(batch)
    model.backbone.eval()


class Batched(torch.nn.Module):
    """[1, 3, H, W] in, the first image's detections out (the pipeline feeds batched tensors)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, images):
        out = self.model([images[0]])[0]
        return out['boxes'], out['labels'], out['scores'], out['keypoints'], out['keypoints_scores']


def rows(t):
    return [[round(float(v), 5) for v in r] for r in t.reshape(t.shape[0], -1).tolist()]


def main(out_dir):
    started = time.time()
    torch.manual_seed(SEED)
    model = keypointrcnn_resnet50_fpn(weights=None, weights_backbone=None, min_size=HEIGHT, max_size=WIDTH,
                                      box_score_thresh=0.02, box_detections_per_img=20)
    model.eval()
    calibrate_batch_norm(model, torch.Generator().manual_seed(SEED + 1))
    wrapped = Batched(model).eval()
    image = photo()
    x = image.permute(2, 0, 1).float()[None] / 255
    with torch.no_grad():
        boxes, labels, scores, keypoints, keypoint_scores = wrapped(x)
    os.makedirs(out_dir, exist_ok=True)
    torch.onnx.export(wrapped, (x,), os.path.join(out_dir, 'keypointrcnn.onnx'), opset_version=11,
                      input_names=['images'], output_names=['boxes', 'labels', 'scores', 'keypoints', 'keypoints_scores'])
    image.numpy().tofile(os.path.join(out_dir, 'keypointrcnn-image.bin'))
    expected = {
        'torchvision': torchvision.__version__,
        'imageSize': [HEIGHT, WIDTH],
        'boxes': rows(boxes), 'labels': labels.tolist(), 'scores': [round(float(s), 6) for s in scores],
        'keypoints': rows(keypoints), 'keypointsScores': rows(keypoint_scores),
        'seconds': round(time.time() - started, 1),
    }
    with open(os.path.join(out_dir, 'keypointrcnn-expected.json'), 'w') as f:
        json.dump(expected, f)
    print(f'{len(scores)} detections, {expected["seconds"]} s')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, '.cache', 'torchvision', 'keypointrcnn'))
