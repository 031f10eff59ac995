"""``gluon.nn``: layers (MXNet 1.9.1's names and arguments)."""
from .activations import Activation, LeakyReLU, PReLU, ELU, SELU, GELU, Swish  # noqa: F401
from .basic_layers import (Sequential, HybridSequential, Dense, Dropout, Flatten,  # noqa: F401
                           Lambda, HybridLambda, Identity, Embedding)
from .norm_layers import (BatchNorm, BatchNormReLU, LayerNorm, InstanceNorm,  # noqa: F401
                          GroupNorm)
from .padding import ReflectionPad2D  # noqa: F401
from .conv_layers import (Conv1D, Conv2D, Conv3D, Conv1DTranspose, Conv2DTranspose,  # noqa: F401
                          Conv3DTranspose, MaxPool1D, MaxPool2D, MaxPool3D, AvgPool1D,
                          AvgPool2D, AvgPool3D, GlobalMaxPool1D, GlobalMaxPool2D,
                          GlobalMaxPool3D, GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D)
from ..block import Block  # noqa: F401
from ..hybrid import HybridBlock  # noqa: F401
from ..symbol_block import SymbolBlock  # noqa: F401
