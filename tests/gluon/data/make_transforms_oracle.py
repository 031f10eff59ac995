"""Regenerate transforms_oracle.json with MXNet 1.9.1 (run with ~/mxref/bin/python).

The random colour transforms draw their factor from MXNet's generator; with the range
collapsed to one value (``random_brightness(x, a, a)``) the operators are deterministic,
which pins down each formula.  Lighting uses ``adjust_lighting`` with a fixed alpha;
rotation uses ``mx.image.imrotate`` (CHW float32, BilinearSampler); CropResize uses the
``image.crop`` / ``image.resize`` operators.
"""
import json

import mxnet as mx
import numpy as onp
from mxnet import np, npx

npx.set_np()
rng = onp.random.RandomState(0)
img = rng.uniform(0, 1, (5, 6, 3)).astype('float32')          # HWC float
img8 = rng.randint(0, 256, (5, 6, 3)).astype('uint8')         # HWC uint8
out = {'img': img.tolist(), 'img8': img8.tolist()}
for name in ('brightness', 'contrast', 'saturation', 'hue'):
    op = getattr(npx.image, 'random_' + name)
    for a in (0.6, 1.3):
        out[f'{name}_{a}'] = op(np.array(img), a, a).asnumpy().tolist()
        out[f'{name}_{a}_u8'] = op(np.array(img8), a, a).asnumpy().tolist()
alpha = [0.05, -0.1, 0.2]
out['lighting'] = npx.image.adjust_lighting(np.array(img), alpha=alpha).asnumpy().tolist()
out['lighting_alpha'] = alpha
out['crop_resize'] = npx.image.resize(npx.image.crop(np.array(img8), 1, 0, 4, 3), (3, 5)
                                      ).asnumpy().tolist()
npx.reset_np()
chw = rng.uniform(0, 1, (2, 5, 7)).astype('float32')
out['chw'] = chw.tolist()
for deg, zi, zo in ((30, False, False), (-75, False, False), (40, True, False),
                    (40, False, True), (90, False, False)):
    out[f'rot_{deg}_{int(zi)}{int(zo)}'] = mx.image.imrotate(
        mx.nd.array(chw), deg, zoom_in=zi, zoom_out=zo).asnumpy().tolist()
with open(__file__.replace('make_transforms_oracle.py', 'transforms_oracle.json'), 'w') as f:
    json.dump(out, f)
print(sorted(out))
