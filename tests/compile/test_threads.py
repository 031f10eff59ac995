"""A compiled function called from several threads at once: its buffers are shared, so
calls take turns; every call still gets its own value and gradients."""
import threading

import numpy as onp

from autodiff import np, npx, autograd
from .helpers import marked, assert_close


def test_concurrent_calls_give_each_caller_its_own_results():
    @autograd.compile
    def f(x, w):
        return npx.log_softmax(np.tanh(x @ w) * 2.0, axis=-1).sum()

    rng = onp.random.default_rng(11)
    w_data = rng.uniform(-1, 1, (5, 3))
    f(marked(rng.uniform(-1, 1, (4, 5))), marked(w_data))        # record and compile
    errors = []

    def worker(seed):
        r = onp.random.default_rng(seed)
        try:
            for _ in range(30):
                xd = r.uniform(-1, 1, (4, 5))
                x, w = marked(xd), marked(w_data)
                v = f(x, w)
                x2, w2 = marked(xd), marked(w_data)
                with autograd.record():
                    e = npx.log_softmax(np.tanh(x2 @ w2) * 2.0, axis=-1).sum()
                e.backward()
                assert_close(v.asnumpy(), e.asnumpy())
                assert_close(x.grad.asnumpy(), x2.grad.asnumpy())
                assert_close(w.grad.asnumpy(), w2.grad.asnumpy())
        except Exception as err:      # (reported by the main thread)
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
    assert f.compiled and f.signatures == 1
