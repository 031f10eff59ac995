"""``Block.summary(x)``: one forward pass with hooks, printed as MXNet 1.9.1's layer table."""
from collections import OrderedDict

from ..ndarray import ndarray
from .hybrid import HybridBlock
from .nn.basic_layers import Sequential, HybridSequential


def _shape_str(args):
    """The shapes of a (nested) output as MXNet prints them: ``(1, 2)`` or ``(1, 2), (3,)``."""
    def shapes(a):
        if isinstance(a, (list, tuple)):
            return [shapes(i) for i in a]
        return a.shape if isinstance(a, ndarray) else a
    s = shapes(args)
    return str(s)[1:-1] if isinstance(s, list) else str(s)


def print_summary(block, inputs):
    """Run ``block(*inputs)`` with a forward hook on every non-container layer; print."""
    summary = OrderedDict()
    seen = set()
    hooks = []

    def on_forward(blk, _inputs, outputs):
        key = f'{blk.__class__.__name__}-{len(summary)}'
        row = summary[key] = {'output_shape': _shape_str(outputs), 'n_params': 0,
                              'trainable': 0, 'shared': 0}
        for p in blk.params.values():
            n = p.data().size
            row['n_params'] += n
            row['trainable'] += 0 if p.grad_req == 'null' else n
            if p in seen:
                row['shared'] += n
            else:
                seen.add(p)

    def register(blk):
        if isinstance(blk, HybridBlock) and blk._active:
            raise AssertionError(f'"{blk.name}" must not be hybridized to print summary.')
        if not isinstance(blk, (Sequential, HybridSequential)):
            hooks.append(blk.register_forward_hook(on_forward))

    summary['Input'] = {'output_shape': _shape_str(inputs if len(inputs) > 1 else inputs[0]),
                        'n_params': 0, 'trainable': 0, 'shared': 0}
    try:
        block.apply(register)
        block(*inputs)
        fmt = '{:>20}  {:>42} {:>15}'
        print('-' * 80)
        print(fmt.format('Layer (type)', 'Output Shape', 'Param #'))
        print('=' * 80)
        total = trainable = shared = 0
        for name, row in summary.items():
            print(fmt.format(name, str(row['output_shape']), row['n_params']))
            total += row['n_params']
            trainable += row['trainable']
            shared += row['shared']
        print('=' * 80)
        print('Parameters in forward computation graph, duplicate included')
        print('   Total params: ' + str(total))
        print('   Trainable params: ' + str(trainable))
        print('   Non-trainable params: ' + str(total - trainable))
        print('Shared params in forward computation graph: ' + str(shared))
        print('Unique parameters in model: ' + str(total - shared))
        print('-' * 80)
    finally:
        for h in hooks:
            h.detach()
