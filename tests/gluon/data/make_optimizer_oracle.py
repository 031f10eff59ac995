"""Regenerate ``optimizer_oracle.json`` with MXNet 1.9.1 (run with ``~/mxref/bin/python``).

Three updates of a (3, 4) float32 weight by each optimizer, with fixed gradients; the test
``test_optimizers.py`` replays them on autodiff.optimizer and compares.
"""
import json

import mxnet as mx
import numpy as onp

CASES = {
    'sgd': {'learning_rate': 0.1},
    'sgd_mom_wd_clip': ('sgd', {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01,
                                'rescale_grad': 0.5, 'clip_gradient': 0.3}),
    'sgd_wd': ('sgd', {'learning_rate': 0.1, 'wd': 0.05, 'rescale_grad': 0.5}),
    # NAG with wd: MXNet 1.9.1 reads the already-updated weight (a defect; see sgd.py)
    'nag': ('nag', {'learning_rate': 0.1, 'momentum': 0.9, 'rescale_grad': 0.5,
                    'clip_gradient': 0.3}),
    'nag_nomom': ('nag', {'learning_rate': 0.1, 'wd': 0.01}),
    'signum': ('signum', {'learning_rate': 0.01, 'momentum': 0.9, 'wd': 0.01, 'wd_lh': 0.001}),
    'signum_nomom': ('signum', {'learning_rate': 0.01, 'momentum': 0.0, 'wd': 0.01}),
    'adam': ('adam', {'learning_rate': 0.01, 'wd': 0.01, 'rescale_grad': 0.5,
                      'clip_gradient': 0.4}),
    'adagrad': ('adagrad', {'learning_rate': 0.1, 'wd': 0.01, 'rescale_grad': 0.5,
                            'clip_gradient': 0.4}),
    'rmsprop': ('rmsprop', {'learning_rate': 0.01, 'wd': 0.01, 'rescale_grad': 0.5}),
    'rmsprop_centered': ('rmsprop', {'learning_rate': 0.01, 'wd': 0.01, 'centered': True,
                                     'clip_weights': 0.45}),
    'adadelta': ('adadelta', {'wd': 0.01, 'rescale_grad': 0.5}),
    'adamax': ('adamax', {'learning_rate': 0.01, 'wd': 0.01, 'rescale_grad': 0.5}),
    'nadam': ('nadam', {'learning_rate': 0.01, 'wd': 0.01, 'rescale_grad': 0.5}),
    'ftrl': ('ftrl', {'learning_rate': 0.1, 'wd': 0.01, 'lamda1': 0.01, 'rescale_grad': 0.5}),
    'lamb': ('lamb', {'learning_rate': 0.01, 'wd': 0.01, 'rescale_grad': 0.5}),
    'lamb_bounds': ('lamb', {'learning_rate': 0.01, 'wd': 0.01, 'lower_bound': 0.1,
                             'upper_bound': 0.5, 'bias_correction': False}),
}


def main():
    rng = onp.random.RandomState(0)
    w0 = rng.uniform(-1, 1, (3, 4)).astype('float32')
    grads = [rng.uniform(-1, 1, (3, 4)).astype('float32') for _ in range(3)]
    out = {'w0': w0.tolist(), 'grads': [g.tolist() for g in grads], 'cases': {}}
    for key, spec in CASES.items():
        name, kw = spec if isinstance(spec, tuple) else (key, spec)
        opt = mx.optimizer.create(name, **kw)
        w = mx.nd.array(w0)
        state = opt.create_state(0, w)
        steps = []
        for g in grads:
            opt.update(0, w, mx.nd.array(g), state)
            steps.append(w.asnumpy().tolist())
        out['cases'][key] = {'name': name, 'kwargs': kw, 'steps': steps}
    with open(__file__.replace('make_optimizer_oracle.py', 'optimizer_oracle.json'), 'w') as f:
        json.dump(out, f, indent=1)


if __name__ == '__main__':
    main()
