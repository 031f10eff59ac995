"""Regenerate breadth_oracle.json with MXNet 1.9.1 (run with ~/mxref/bin/python): the
optimizers DCASGD, FTML, LARS, LBSGD, ccSGD (three updates of a (3, 4) float32 weight with
fixed gradients) and the metrics MCC, PCC, PearsonCorrelation, NegativeLogLikelihood
(two updates each).  SGLD adds Gaussian noise, so its test checks the noise's statistics
instead of values."""
import json

import mxnet as mx
import numpy as onp

OPT = {
    'dcasgd': ('dcasgd', {'learning_rate': 0.1, 'wd': 0.01, 'lamda': 0.5, 'rescale_grad': 0.5,
                          'clip_gradient': 0.4}),
    'ftml': ('ftml', {'learning_rate': 0.05, 'wd': 0.01, 'rescale_grad': 0.5}),
    'ftml_clip': ('ftml', {'learning_rate': 0.05, 'beta1': 0.5, 'clip_gradient': 0.3}),
    'lars': ('lars', {'learning_rate': 0.1, 'wd': 0.01, 'eta': 0.01, 'rescale_grad': 0.5}),
    'lars_mom': ('lars', {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01, 'eta': 0.01,
                          'eps': 1e-3, 'clip_gradient': 0.4}),
    'lbsgd': ('lbsgd', {'learning_rate': 0.1, 'wd': 0.01, 'rescale_grad': 0.5}),
    'lbsgd_scale2_mom': ('lbsgd', {'learning_rate': 0.1, 'momentum': 0.9, 'batch_scale': 2,
                                   'warmup_epochs': 1, 'updates_per_epoch': 4}),
    'lbsgd_lars': ('lbsgd', {'learning_rate': 0.1, 'wd': 0.01, 'warmup_strategy': 'lars'}),
    'lbsgd_sqrt': ('lbsgd', {'learning_rate': 0.1, 'batch_scale': 3, 'warmup_strategy': 'sqrt',
                             'warmup_epochs': 1, 'updates_per_epoch': 8}),
}


def optimizers(rng):
    w0 = rng.uniform(-1, 1, (3, 4)).astype('float32')
    grads = [rng.uniform(-1, 1, (3, 4)).astype('float32') for _ in range(3)]
    out = {'w0': w0.tolist(), 'grads': [g.tolist() for g in grads], 'cases': {}}
    for key, (name, kw) in OPT.items():
        opt = mx.optimizer.create(name, **kw)
        w = mx.nd.array(w0)
        state = opt.create_state(0, w)
        steps = []
        for g in grads:
            opt.update(0, w, mx.nd.array(g), state)
            steps.append(w.asnumpy().tolist())
        out['cases'][key] = {'name': name, 'kwargs': kw, 'steps': steps}
    opt = mx.optimizer.ccSGD(learning_rate=0.1, momentum=0.9)
    w = mx.nd.array(w0)
    state = opt.create_state(0, w)
    steps = []
    for g in grads:
        opt.update(0, w, mx.nd.array(g), state)
        steps.append(w.asnumpy().tolist())
    out['cases']['ccsgd'] = {'name': 'ccSGD', 'kwargs': {'learning_rate': 0.1,
                                                         'momentum': 0.9}, 'steps': steps}
    return out


def metrics(rng):
    b1 = onp.array([0, 1, 1, 0, 1, 1], 'float32')
    b2 = onp.array([1, 0, 0, 1, 0], 'float32')
    q1 = rng.uniform(size=(6, 2)).astype('float32')
    q2 = rng.uniform(size=(5, 2)).astype('float32')
    m1 = onp.array([0, 2, 1, 3, 2, 0], 'float32')
    m2 = onp.array([1, 1, 2, 0, 3], 'float32')
    p1 = rng.uniform(size=(6, 4)).astype('float32')
    p2 = rng.uniform(size=(5, 4)).astype('float32')
    r1 = rng.uniform(size=(7,)).astype('float32')
    s1 = (r1 + rng.uniform(-0.3, 0.3, 7)).astype('float32')
    r2 = rng.uniform(size=(2, 3)).astype('float32')
    s2 = rng.uniform(size=(2, 3)).astype('float32')
    out = {'data': {k: v.tolist() for k, v in dict(b1=b1, b2=b2, q1=q1, q2=q2, m1=m1, m2=m2,
                                                   p1=p1, p2=p2, r1=r1, s1=s1, r2=r2,
                                                   s2=s2).items()}}

    def run(m, la, pa, lb, pb):
        m.update([mx.nd.array(la)], [mx.nd.array(pa)])
        first = m.get()
        m.update([mx.nd.array(lb)], [mx.nd.array(pb)])
        return [first, m.get(), m.get_global()]
    out['mcc_macro'] = run(mx.metric.MCC(), b1, q1, b2, q2)
    out['mcc_micro'] = run(mx.metric.MCC(average='micro'), b1, q1, b2, q2)
    out['pcc_probs'] = run(mx.metric.PCC(), m1, p1, m2, p2)
    out['pcc_labels'] = run(mx.metric.PCC(), m1, p1.argmax(1).astype('float32'), m2,
                            p2.argmax(1).astype('float32'))
    out['pcc_binary'] = run(mx.metric.PCC(), b1, q1, b2, q2)
    out['pearson_macro'] = run(mx.metric.PearsonCorrelation(), r1, s1, r2, s2)
    out['pearson_micro'] = run(mx.metric.PearsonCorrelation(average='micro'), r1, s1, r2, s2)
    out['nll'] = run(mx.metric.NegativeLogLikelihood(), m1, p1, m2, p2)
    out['nll_by_name'] = run(mx.metric.create('nll_loss'), m1, p1, m2, p2)
    return out


def layers(rng):
    """SDMLLoss (values and input gradients), ReflectionPad2D, BatchNormReLU (training
    step), in legacy ndarray mode: in numpy mode 1.9.1's SDMLLoss calls expand_dims on
    numpy arrays and ReflectionPad2D the legacy pad operator, both of which fail."""
    from mxnet import autograd, gluon
    a = rng.uniform(-1, 1, (4, 3)).astype('float32')
    b = rng.uniform(-1, 1, (4, 3)).astype('float32')
    xa, xb = mx.nd.array(a), mx.nd.array(b)
    xa.attach_grad()
    xb.attach_grad()
    with autograd.record():
        loss = gluon.loss.SDMLLoss(smoothing_parameter=0.2)(xa, xb)
    loss.backward()
    out = {'sdml': dict(x1=a.tolist(), x2=b.tolist(), loss=loss.asnumpy().tolist(),
                        dx1=xa.grad.asnumpy().tolist(), dx2=xb.grad.asnumpy().tolist())}
    x = rng.uniform(-1, 1, (2, 2, 4, 5)).astype('float32')
    out['pad'] = dict(x=x.tolist(), padding=[0, 0, 0, 0, 1, 3, 2, 0],
                      y=gluon.nn.ReflectionPad2D((0, 0, 0, 0, 1, 3, 2, 0))(
                          mx.nd.array(x)).asnumpy().tolist())
    bn = gluon.nn.BatchNormReLU(in_channels=2)
    bn.initialize()
    bn.gamma.set_data(mx.nd.array([1.5, -0.5]))
    bn.beta.set_data(mx.nd.array([0.1, 0.2]))
    with autograd.record():
        y = bn(mx.nd.array(x))
    y.backward()                # 1.9.1 updates the running statistics in backward
    out['bnrelu'] = dict(x=x.tolist(), y=y.asnumpy().tolist(),
                         running_mean=bn.running_mean.data().asnumpy().tolist(),
                         running_var=bn.running_var.data().asnumpy().tolist())
    return out


def main():
    rng = onp.random.RandomState(0)
    out = {'optimizers': optimizers(rng), 'metrics': metrics(rng), 'layers': layers(rng)}
    with open(__file__.replace('make_breadth_oracle.py', 'breadth_oracle.json'), 'w') as f:
        json.dump(out, f, indent=1)
    print({k: v for k, v in out['metrics'].items() if k != 'data'})


if __name__ == '__main__':
    main()
