"""``gluon.model_zoo.vision``: MXNet 1.9.1's predefined image-classification networks.

    from autodiff.gluon.model_zoo import vision
    net = vision.resnet18_v1(classes=10)          # random weights (initialize() them)
    net = vision.get_model('resnet50_v2', pretrained=True, root='~/.mxnet/models')

AlexNet, DenseNet 121/161/169/201, Inception V3, ResNet V1/V2 18/34/50/101/152, SqueezeNet
1.0/1.1, VGG 11/13/16/19 (and ``_bn``), MobileNet and MobileNetV2 (1.0/0.75/0.5/0.25),
built on ``gluon.nn`` with MXNet's blocks and parameter names (``resnetv10_conv0_weight``;
structural keys ``features.0.weight``), so MXNet's ``.params`` files load.  Each
constructor takes ``classes``, ``pretrained``, ``ctx`` and ``root``; ``pretrained=True``
reads ``{root}/{name}-{hash}.params`` (``model_store.get_model_file``: no download here).
Pretrained nets expect RGB images in [0, 1] normalised with mean (0.485, 0.456, 0.406)
and std (0.229, 0.224, 0.225), at least 224x224 (299 for Inception V3).
"""
from .alexnet import *  # noqa: F401,F403
from .densenet import *  # noqa: F401,F403
from .inception import *  # noqa: F401,F403
from .resnet import *  # noqa: F401,F403
from .squeezenet import *  # noqa: F401,F403
from .vgg import *  # noqa: F401,F403
from .mobilenet import *  # noqa: F401,F403

_MODELS = {'resnet18_v1': resnet18_v1,  # noqa: F405
           'resnet34_v1': resnet34_v1,  # noqa: F405
           'resnet50_v1': resnet50_v1,  # noqa: F405
           'resnet101_v1': resnet101_v1,  # noqa: F405
           'resnet152_v1': resnet152_v1,  # noqa: F405
           'resnet18_v2': resnet18_v2,  # noqa: F405
           'resnet34_v2': resnet34_v2,  # noqa: F405
           'resnet50_v2': resnet50_v2,  # noqa: F405
           'resnet101_v2': resnet101_v2,  # noqa: F405
           'resnet152_v2': resnet152_v2,  # noqa: F405
           'vgg11': vgg11,  # noqa: F405
           'vgg13': vgg13,  # noqa: F405
           'vgg16': vgg16,  # noqa: F405
           'vgg19': vgg19,  # noqa: F405
           'vgg11_bn': vgg11_bn,  # noqa: F405
           'vgg13_bn': vgg13_bn,  # noqa: F405
           'vgg16_bn': vgg16_bn,  # noqa: F405
           'vgg19_bn': vgg19_bn,  # noqa: F405
           'alexnet': alexnet,  # noqa: F405
           'densenet121': densenet121,  # noqa: F405
           'densenet161': densenet161,  # noqa: F405
           'densenet169': densenet169,  # noqa: F405
           'densenet201': densenet201,  # noqa: F405
           'squeezenet1.0': squeezenet1_0,  # noqa: F405
           'squeezenet1.1': squeezenet1_1,  # noqa: F405
           'inceptionv3': inception_v3,  # noqa: F405
           'mobilenet1.0': mobilenet1_0,  # noqa: F405
           'mobilenet0.75': mobilenet0_75,  # noqa: F405
           'mobilenet0.5': mobilenet0_5,  # noqa: F405
           'mobilenet0.25': mobilenet0_25,  # noqa: F405
           'mobilenetv2_1.0': mobilenet_v2_1_0,  # noqa: F405
           'mobilenetv2_0.75': mobilenet_v2_0_75,  # noqa: F405
           'mobilenetv2_0.5': mobilenet_v2_0_5,  # noqa: F405
           'mobilenetv2_0.25': mobilenet_v2_0_25}  # noqa: F405


def get_model(name, **kwargs):
    """The network called ``name`` (MXNet's names: ``'resnet18_v1'``, ``'vgg16_bn'``,
    ``'squeezenet1.1'``, ``'inceptionv3'``, ``'mobilenetv2_0.25'``..., case-insensitive),
    built with ``kwargs`` (``classes``, ``pretrained``, ``ctx``, ``root``...).  An unknown
    name raises MXNet's ValueError listing the options."""
    name = name.lower()
    if name not in _MODELS:
        raise ValueError('Model %s is not supported. Available options are\n\t%s' % (
            name, '\n\t'.join(sorted(_MODELS.keys()))))
    return _MODELS[name](**kwargs)
