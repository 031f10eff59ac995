"""``autodiff.image``: MXNet 1.9.1's ``mxnet.image`` in numpy mode — decoding
(``imread``, ``imdecode``), OpenCV-exact resizing (``imresize``, ``resize_short``), crops,
colour and detection augmenters, and the ``ImageIter`` / ``ImageDetIter`` batch iterators
over RecordIO (``.rec`` / ``.idx``) and ``.lst`` files.

    import autodiff as mx
    img = mx.image.imread('cat.jpg')            # uint8 (H, W, 3) RGB
    small = mx.image.imresize(img, 64, 48)      # width 64, height 48, bilinear
    it = mx.image.ImageDetIter(batch_size=32, data_shape=(3, 256, 256),
                               path_imgrec='train.rec', path_imgidx='train.idx', shuffle=True)

``image.image``, ``image.detection`` (alias ``image.det``) are the two modules, as MXNet's.
"""
from . import image, detection
from . import detection as det  # noqa: F401
from .image import *  # noqa: F401,F403
from .detection import *  # noqa: F401,F403
from .image import __all__ as _image_all
from .detection import __all__ as _det_all

__all__ = [n for n in _image_all if n not in ('EIGVAL', 'EIGVEC')] + _det_all + \
    ['image', 'detection', 'det']
del EIGVAL, EIGVEC  # noqa: F821 (image.image's PCA constants; MXNet's mx.image has neither)


def __dir__():
    return __all__
