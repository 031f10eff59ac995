"""Regenerate metric_oracle.json with MXNet 1.9.1 (run with ~/mxref/bin/python)."""
import mxnet as mx, numpy as onp, json
rng = onp.random.RandomState(0)
p1 = rng.uniform(size=(6, 3)).astype('float32'); l1 = onp.array([0, 2, 1, 1, 0, 2], 'float32')
p2 = rng.uniform(size=(4, 3)).astype('float32'); l2 = onp.array([2, 2, 0, 1], 'float32')
out = {}
def run(m):
    m.update([mx.nd.array(l1)], [mx.nd.array(p1)]); m.update([mx.nd.array(l2)], [mx.nd.array(p2)]); return m.get()
out['acc'] = run(mx.metric.Accuracy())
out['top2'] = run(mx.metric.TopKAccuracy(top_k=2))
out['ce'] = run(mx.metric.CrossEntropy())
out['ppl'] = run(mx.metric.Perplexity(ignore_label=None))
out['ppl_ign'] = run(mx.metric.Perplexity(ignore_label=1))
b1 = onp.array([0, 1, 1, 0, 1, 1], 'float32'); b2 = onp.array([1, 0, 0, 1], 'float32')
q1 = rng.uniform(size=(6, 2)).astype('float32'); q2 = rng.uniform(size=(4, 2)).astype('float32')
for avg in ('macro', 'micro'):
    m = mx.metric.F1(average=avg)
    m.update([mx.nd.array(b1)], [mx.nd.array(q1)]); m.update([mx.nd.array(b2)], [mx.nd.array(q2)])
    out['f1_' + avg] = m.get()
r1 = rng.uniform(size=(5,)).astype('float32'); s1 = rng.uniform(size=(5,)).astype('float32')
r2 = rng.uniform(size=(3, 2)).astype('float32'); s2 = rng.uniform(size=(3, 2)).astype('float32')
for name in ('mae', 'mse', 'rmse'):
    m = mx.metric.create(name)
    m.update([mx.nd.array(r1)], [mx.nd.array(s1)]); m.update([mx.nd.array(r2)], [mx.nd.array(s2)])
    out[name] = m.get()
c = mx.metric.CompositeEvalMetric(); c.add('acc'); c.add(mx.metric.CrossEntropy())
c.update([mx.nd.array(l1)], [mx.nd.array(p1)]); out['comp'] = c.get()
out['data'] = {k: v.tolist() for k, v in dict(p1=p1, l1=l1, p2=p2, l2=l2, b1=b1, b2=b2, q1=q1, q2=q2, r1=r1, s1=s1, r2=r2, s2=s2).items()}
json.dump(out, open(__file__.replace('make_metric_oracle.py', 'metric_oracle.json'), 'w'), indent=0)
print({k: v for k, v in out.items() if k != 'data'})
