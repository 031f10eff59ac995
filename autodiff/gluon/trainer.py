"""``gluon.Trainer``: applies an optimizer to a set of Parameters (MXNet 1.9.1).

``step(batch_size)`` sets the optimizer's ``rescale_grad`` to ``scale / batch_size``
(``scale``: the optimizer's own ``rescale_grad`` at creation), then updates each
parameter whose ``grad_req`` is not 'null'.  Parameters are indexed in sorted name order,
as MXNet.  A stale gradient — a parameter not used in any ``autograd.record()`` forward
pass since the last step (this library's proxy for MXNet's "fresh gradient" flag: its
data was read while recording) — is MXNet's ``UserWarning`` error unless
``ignore_stale_grad=True``, which skips it.  There is one device, so
``allreduce_grads()`` has nothing to reduce.
"""
from .. import optimizer as opt
from .parameter import Parameter
from .parameter_dict import ParameterDict

__all__ = ['Trainer']


class Trainer:
    """``Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})``."""

    def __init__(self, params, optimizer, optimizer_params=None, kvstore='device',
                 compression_params=None, update_on_kvstore=None):
        if isinstance(params, (dict, ParameterDict)):
            params = [params[k] for k in sorted(params.keys())]
        if not isinstance(params, (list, tuple)):
            raise ValueError(f"First argument must be a list or dict of Parameters, got "
                             f"{type(params)}.")
        self._params = []
        self._param2idx = {}
        for i, p in enumerate(params):
            if not isinstance(p, Parameter):
                raise ValueError(f"First argument must be a list or dict of Parameters, got "
                                 f"list of {type(p)}.")
            self._param2idx[p.name] = i
            self._params.append(p)
            p._trainer = self
        optimizer_params = optimizer_params or {}
        param_dict = {i: p for i, p in enumerate(self._params)}
        if isinstance(optimizer, opt.Optimizer):
            if optimizer_params:
                raise ValueError("optimizer_params must be None if optimizer is an instance "
                                 "of Optimizer instead of str")
            self._optimizer = optimizer
            optimizer.param_dict = param_dict
        else:
            self._optimizer = opt.create(optimizer, param_dict=param_dict, **optimizer_params)
        self._updater = opt.get_updater(self._optimizer)
        self._scale = self._optimizer.rescale_grad

    @property
    def optimizer(self):
        """The optimizer instance."""
        return self._optimizer

    @property
    def learning_rate(self):
        """The optimizer's current learning rate."""
        return self._optimizer.learning_rate

    def set_learning_rate(self, lr):
        """Set the optimizer's learning rate."""
        self._optimizer.set_learning_rate(lr)

    def step(self, batch_size, ignore_stale_grad=False):
        """One update with gradients rescaled by ``1 / batch_size``."""
        self._optimizer.rescale_grad = self._scale / batch_size
        self.allreduce_grads()
        self._update(ignore_stale_grad)

    def allreduce_grads(self):
        """Nothing to reduce: one device."""

    def update(self, batch_size, ignore_stale_grad=False):
        """``step`` without ``allreduce_grads`` (for manual reduction)."""
        self._optimizer.rescale_grad = self._scale / batch_size
        self._update(ignore_stale_grad)

    def _update(self, ignore_stale_grad):
        """Update every parameter with a fresh gradient in one call of the updater (lists of
        indices, gradients and weights, as MXNet 1.9.1's ``Trainer._update``: SGD then
        updates them in fused groups).  A stale gradient raises before anything is updated
        (unless ``ignore_stale_grad``, which skips it)."""
        indices, grads, weights, taken = [], [], [], []
        for i, p in enumerate(self._params):
            if p.grad_req == 'null':
                continue
            arr = p._data
            if arr is None:
                arr = p._check_and_get()                  # (raises: not initialised)
            if not p._fresh_grad:
                if not ignore_stale_grad:
                    raise UserWarning(
                        f"Gradient of Parameter `{p.name}` on context cpu(0) has not been "
                        "updated by backward since last `step`. This could mean a bug in your "
                        "model that made it only use a subset of the Parameters (Blocks) for "
                        "this iteration. If you are intentionally only using a subset, call "
                        "step with ignore_stale_grad=True to suppress this warning and skip "
                        "updating of Parameters with stale gradient")
                continue
            indices.append(i)
            grads.append(arr.grad)
            weights.append(arr)
            taken.append(p)
        for p in taken:
            p._fresh_grad = False
        if indices:
            self._updater(indices, grads, weights)

    def save_states(self, fname):
        """Write the optimizer and its per-parameter states (a pickle)."""
        with open(fname, 'wb') as f:
            f.write(self._updater.get_states(dump_optimizer=True))

    def load_states(self, fname):
        """Read states written by ``save_states`` (the optimizer comes back too)."""
        with open(fname, 'rb') as f:
            self._updater.set_states(f.read())
        self._optimizer = self._updater.optimizer
        self._optimizer.param_dict = {i: p for i, p in enumerate(self._params)}
