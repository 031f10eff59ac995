"""What the model-zoo constructors share: ``HybridConcurrent`` and pretrained loading.

``HybridConcurrent`` is MXNet 1.9.1's ``gluon.contrib.nn.HybridConcurrent`` (the
children run on the same input and their outputs are concatenated along ``axis``): the
DenseNet, SqueezeNet and Inception blocks are built from it.  MXNet 1.9.1 concatenates
with the legacy ``F.concat``, which refuses numpy arrays (so these nets do not run in its
numpy mode); here it is ``np.concatenate``, the same math.
"""
from ... import nn
from .... import np
from ..model_store import get_model_file

__all__ = ['HybridConcurrent', 'load_pretrained']


class HybridConcurrent(nn.HybridSequential):
    """Run every child on the input and concatenate their outputs along ``axis``
    (MXNet's ``gluon.contrib.nn.HybridConcurrent``; named ``hybridconcurrent0``...)."""

    def __init__(self, axis=-1, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def forward(self, x):
        """The children's outputs on ``x``, concatenated along ``axis``."""
        return np.concatenate([block(x) for block in self._children.values()], axis=self.axis)


def load_pretrained(net, name, ctx=None, root=None):
    """Load ``name``'s pretrained parameters (``model_store.get_model_file``) into ``net``."""
    net.load_parameters(get_model_file(name, root=root), ctx=ctx)
    return net
