"""Shared by W7 and W8: an epoch of minibatch SGD with momentum, three ways.

* ``reference_epochs``: float64 NumPy, the parameters after the epochs (the check).
* ``gluon_step``: autodiff.gluon (a Block, ``SoftmaxCrossEntropyLoss``, ``Trainer('sgd',
  momentum=...)``), eager or hybridized.
* ``torch_step``: ``torch.nn`` + ``torch.nn.CrossEntropyLoss`` + ``torch.optim.SGD``.

Each ``*_step`` returns a callable that trains the given number of epochs over the fixed
batches (no shuffling: every implementation sees the same order) from where the previous
call stopped, and returns ``{"loss": last batch's mean loss, name: parameter}``. Only the
first call is compared with the reference; later calls are the timed ones.

MXNet's SGD keeps ``mom = momentum * mom - lr * grad; w += mom`` and torch's
``buf = momentum * buf + grad; w -= lr * buf``: with a constant learning rate and no weight
decay they are the same sequence of weights (``mom = -lr * buf``).
"""
import numpy


def batches(x, labels, batch):
    """``[(x[i:i+batch], labels[i:i+batch])]`` over whole batches."""
    n = (len(x) // batch) * batch
    return [(x[i:i + batch], labels[i:i + batch]) for i in range(0, n, batch)]


def reference_epochs(params, data_batches, grads_of, lr, momentum, epochs):
    """float64 SGD with momentum; ``grads_of(params, x, labels) -> (loss, {name: grad})``
    with the loss the batch mean. Returns ``{"loss": last loss, name: final value}``."""
    p = {k: v.astype(numpy.float64) for k, v in params.items()}
    mom = {k: numpy.zeros_like(v) for k, v in p.items()}
    loss = None
    for _ in range(epochs):
        for x, labels in data_batches:
            loss, g = grads_of(p, x.astype(numpy.float64), labels)
            for k in p:
                mom[k] = momentum * mom[k] - lr * g[k]
                p[k] = p[k] + mom[k]
    return {"loss": loss, **p}


def gluon_step(make_net, params, data_batches, lr, momentum, epochs, hybridize):
    """autodiff.gluon training: ``make_net(nn)`` builds the Block (its input sizes given, so
    shapes are known at ``initialize``), ``params`` maps each of our names to
    ``(gluon attribute path, array in Gluon's layout)``."""
    from autodiff import autograd, gluon, np
    from autodiff.gluon import nn

    net = make_net(nn)
    net.initialize()
    for path, value in params.values():
        obj = net
        for part in path.split("."):
            obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
        obj.set_data(np.array(value))
    if hybridize:
        net.hybridize()
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "sgd",
                            {"learning_rate": lr, "momentum": momentum})
    arrays = [(np.array(x), np.array(labels)) for x, labels in data_batches]

    def lookup(path):
        obj = net
        for part in path.split("."):
            obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
        return obj

    handles = {name: lookup(path) for name, (path, _) in params.items()}

    def step():
        loss = None
        for _ in range(epochs):
            for x, labels in arrays:
                with autograd.record():
                    loss = loss_fn(net(x), labels)
                loss.backward()
                trainer.step(x.shape[0])
        return {"loss": loss.mean(), **{k: h.data() for k, h in handles.items()}}

    return step


def torch_step(make_module, params, data_batches, lr, momentum, epochs):
    """torch.nn training; ``params`` maps our names to ``(module attribute path, array in
    torch's layout)``."""
    import torch

    module = make_module(torch.nn)
    with torch.no_grad():
        for path, value in params.values():
            module.get_parameter(path).copy_(torch.tensor(value))
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(module.parameters(), lr=lr, momentum=momentum)
    tensors = [(torch.tensor(x), torch.tensor(labels, dtype=torch.int64))
               for x, labels in data_batches]
    handles = {name: module.get_parameter(path) for name, (path, _) in params.items()}

    def step():
        loss = None
        for _ in range(epochs):
            for x, labels in tensors:
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(module(x), labels)
                loss.backward()
                opt.step()
        return {"loss": loss.detach(), **{k: h.detach() for k, h in handles.items()}}

    return step
