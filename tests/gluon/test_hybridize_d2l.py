"""hybridize() on networks of d2l's MXNet chapters runs compiled, with eager mode's values
and gradients on the same weights: a sequence-to-sequence encoder (Embedding, a two-layer
GRU with its begin state; it returns ``(output, [state])``, a nested result) and a
Transformer encoder block (multi-head attention with ``batch_dot``, the masked softmax
written with ``sequence_mask``, ``Dense(flatten=False)``, LayerNorm; dropout 0)."""
import numpy as onp

from autodiff import np, npx, autograd
from autodiff.gluon import nn, rnn


class Seq2SeqEncoder(nn.HybridBlock):
    def __init__(self, vocab, embed, hiddens, layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.rnn = rnn.GRU(hiddens, layers)

    def forward(self, X):
        X = self.embedding(X).swapaxes(0, 1)
        state = self.rnn.begin_state(batch_size=X.shape[1], ctx=X.ctx)
        return self.rnn(X, state)


def _masked_softmax(X, valid_lens):
    shape = X.shape
    valid_lens = valid_lens.repeat(shape[1])
    X = npx.sequence_mask(X.reshape(-1, shape[-1]), valid_lens, True, value=-1e6, axis=1)
    return npx.softmax(X).reshape(shape)


class EncoderBlock(nn.HybridBlock):
    def __init__(self, hiddens, ffn, heads):
        super().__init__()
        self.heads = heads
        self.W_q, self.W_k, self.W_v, self.W_o = (
            nn.Dense(hiddens, use_bias=False, flatten=False) for _ in range(4))
        self.ln1, self.ln2 = nn.LayerNorm(), nn.LayerNorm()
        self.ffn1 = nn.Dense(ffn, flatten=False, activation='relu')
        self.ffn2 = nn.Dense(hiddens, flatten=False)

    def _split(self, X):
        X = X.reshape(X.shape[0], X.shape[1], self.heads, -1).transpose(0, 2, 1, 3)
        return X.reshape(-1, X.shape[2], X.shape[3])

    def forward(self, X, valid_lens):
        q, k, v = self._split(self.W_q(X)), self._split(self.W_k(X)), self._split(self.W_v(X))
        scores = npx.batch_dot(q, k, transpose_b=True) / (q.shape[-1] ** 0.5)
        att = npx.batch_dot(_masked_softmax(scores, valid_lens.repeat(self.heads, axis=0)), v)
        att = att.reshape(-1, self.heads, att.shape[1], att.shape[2]).transpose(0, 2, 1, 3)
        Y = self.ln1(self.W_o(att.reshape(att.shape[0], att.shape[1], -1)) + X)
        return self.ln2(self.ffn2(self.ffn1(Y)) + Y)


def _run(net, *xs):
    with autograd.record():
        out = net(*xs)
        flat = [out[0], *out[1]] if isinstance(out, tuple) else [out]
        loss = sum((o * o).sum() for o in flat)
    loss.backward()
    return ([o.asnumpy() for o in flat],
            {k: p.grad().asnumpy().copy() for k, p in net.collect_params().items()}, out)


def _check(net, *xs):
    want = _run(net, *xs)
    net.hybridize()
    for _ in range(2):
        got = _run(net, *xs)
    assert net.compiled_fallback_reason is None
    assert net.compiled_program is not None and net.compiled_program.compiled
    for a, b in zip(got[0], want[0]):
        onp.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for k in want[1]:
        onp.testing.assert_allclose(got[1][k], want[1][k], rtol=1e-4, atol=1e-6, err_msg=k)
    return got[2], want[2]


def test_seq2seq_encoder_hybridizes_with_its_nested_result():
    net = Seq2SeqEncoder(10, 6, 5, 2)
    net.initialize()
    got, want = _check(net, np.array([[1, 2, 3, 4], [0, 5, 6, 7]]))
    assert type(got) is type(want) and type(got[1]) is type(want[1])
    assert len(got[1]) == len(want[1]) == 1


def test_seq2seq_encoder_hybridizes_with_integer_tokens():
    # d2l builds token batches with dtype='int32' in places; the indices go to the opaque
    # embedding step as they are
    net = Seq2SeqEncoder(10, 6, 5, 2)
    net.initialize()
    _check(net, np.array([[1, 2, 3, 4], [0, 5, 6, 9]], dtype='int32'))


def test_transformer_encoder_block_hybridizes():
    net = EncoderBlock(8, 16, 2)
    net.initialize()
    X = np.array(onp.random.default_rng(0).uniform(-1, 1, (2, 4, 8)).astype('float32'))
    _check(net, X, np.array([3, 2]))
