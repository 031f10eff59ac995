"""gluon.data: datasets, samplers, DataLoader orders and last_batch modes, batchify,
workers; gluon.utils.split_and_load / clip_global_norm."""
import numpy as onp
import pytest

from autodiff import np
from autodiff.gluon import data as gdata, utils


def _ids(loader):
    out = []
    for batch in loader:
        x = batch[0] if isinstance(batch, list) else batch
        out.append([int(v) for v in x.asnumpy().reshape(len(x), -1)[:, 0]])
    return out


def test_array_dataset_and_simple_dataset():
    x = onp.arange(10).reshape(5, 2)
    y = onp.arange(5) * 10
    ds = gdata.ArrayDataset(x, y)
    assert len(ds) == 5
    a, b = ds[3]
    assert list(a) == [6, 7] and b == 30
    assert gdata.ArrayDataset(x)[1].tolist() == [2, 3]
    with pytest.raises(ValueError, match='same length'):
        gdata.ArrayDataset(x, y[:3])
    s = gdata.SimpleDataset([1, 2, 3])
    assert s[2] == 3 and len(s) == 3


def test_transform_first_filter_shard_take():
    ds = gdata.ArrayDataset(onp.arange(6), onp.arange(6) * 2)
    t = ds.transform_first(lambda v: v + 100)
    assert t[1] == (101, 2)
    assert ds.transform(lambda a, b: a + b, lazy=False)[2] == 6
    assert [s[0] for s in ds.filter(lambda s: s[0] % 2 == 0)] == [0, 2, 4]
    shards = [[s[0] for s in ds.shard(4, i)] for i in range(4)]
    assert shards == [[0, 1], [2, 3], [4], [5]]
    assert len(ds.take(2)) == 2


def test_sequential_order_and_keep_discard():
    ds = gdata.ArrayDataset(onp.arange(10).astype('float32'))
    assert _ids(gdata.DataLoader(ds, batch_size=4)) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    loader = gdata.DataLoader(ds, batch_size=4, last_batch='discard')
    assert _ids(loader) == [[0, 1, 2, 3], [4, 5, 6, 7]] and len(loader) == 2


def test_rollover_carries_samples_into_the_next_epoch():
    ds = gdata.ArrayDataset(onp.arange(10).astype('float32'))
    loader = gdata.DataLoader(ds, batch_size=4, last_batch='rollover')
    # MXNet 1.9.1 printed these batches and lengths for the same loader
    assert _ids(loader) == [[0, 1, 2, 3], [4, 5, 6, 7]] and len(loader) == 3
    assert _ids(loader) == [[8, 9, 0, 1], [2, 3, 4, 5], [6, 7, 8, 9]] and len(loader) == 2
    assert _ids(loader) == [[0, 1, 2, 3], [4, 5, 6, 7]] and len(loader) == 3


def test_shuffle_is_a_permutation_and_seeded():
    ds = gdata.ArrayDataset(onp.arange(20).astype('float32'))
    onp.random.seed(3)
    a = sum(_ids(gdata.DataLoader(ds, batch_size=6, shuffle=True)), [])
    onp.random.seed(3)
    b = sum(_ids(gdata.DataLoader(ds, batch_size=6, shuffle=True)), [])
    assert sorted(a) == list(range(20)) and a == b and a != list(range(20))


def test_batchify_dtypes_and_tuples():
    ds = gdata.ArrayDataset(onp.ones((5, 2), dtype='float32'), onp.arange(5))
    x, y = next(iter(gdata.DataLoader(ds, batch_size=5)))
    assert x.shape == (5, 2) and x.dtype == onp.float32
    assert y.dtype == onp.int64 and y.asnumpy().tolist() == [0, 1, 2, 3, 4]
    arrays = gdata.SimpleDataset([np.ones(3) * i for i in range(4)])
    b = next(iter(gdata.DataLoader(arrays, batch_size=4)))
    assert b.shape == (4, 3) and b.asnumpy()[:, 0].tolist() == [0, 1, 2, 3]
    custom = gdata.DataLoader(arrays, batch_size=2, batchify_fn=lambda items: len(items))
    assert list(custom) == [2, 2]


def test_sampler_and_batch_sampler_arguments():
    ds = gdata.ArrayDataset(onp.arange(6).astype('float32'))
    sampler = gdata.SequentialSampler(3, start=2)
    assert _ids(gdata.DataLoader(ds, batch_size=2, sampler=sampler)) == [[2, 3], [4]]
    bs = gdata.BatchSampler(gdata.SequentialSampler(6), 4, 'keep')
    assert _ids(gdata.DataLoader(ds, batch_sampler=bs)) == [[0, 1, 2, 3], [4, 5]]
    with pytest.raises(ValueError, match='batch_size must be specified'):
        gdata.DataLoader(ds)
    with pytest.raises(ValueError, match='must not be specified if batch_sampler'):
        gdata.DataLoader(ds, batch_size=2, batch_sampler=bs)
    with pytest.raises(ValueError, match='shuffle must not be specified if sampler'):
        gdata.DataLoader(ds, batch_size=2, shuffle=True, sampler=sampler)
    with pytest.raises(ValueError, match="last_batch must be one of"):
        gdata.BatchSampler(sampler, 2, 'sometimes')
    assert list(gdata.IntervalSampler(6, 3)) == [0, 3, 1, 4, 2, 5]


def test_workers_keep_the_order():
    ds = gdata.ArrayDataset(onp.arange(23).astype('float32'))
    plain = _ids(gdata.DataLoader(ds, batch_size=5))
    assert _ids(gdata.DataLoader(ds, batch_size=5, num_workers=2)) == plain
    assert _ids(gdata.DataLoader(ds, batch_size=5, num_workers=2, prefetch=1)) == plain


def test_split_and_load_and_clip_global_norm():
    x = np.array(onp.arange(12).reshape(6, 2).astype('float32'))
    parts = utils.split_and_load(x, [0, 1, 2])
    assert [p.shape for p in parts] == [(2, 2)] * 3
    assert utils.split_and_load(x, ['cpu'])[0] is x
    with pytest.raises(ValueError, match='cannot be evenly split'):
        utils.split_data(x, 4)
    assert [p.shape[0] for p in utils.split_data(x, 4, even_split=False)] == [1, 1, 1, 3]
    a, b = np.array([3.0, 0.0]), np.array([[4.0]])
    norm = utils.clip_global_norm([a, b], 1.0)
    assert norm == pytest.approx(5.0)
    total = onp.sqrt((a.asnumpy() ** 2).sum() + (b.asnumpy() ** 2).sum())
    assert total == pytest.approx(1.0, rel=1e-6)
    assert utils.clip_global_norm([a, b], 10.0) == pytest.approx(1.0, rel=1e-6)
    onp.testing.assert_allclose(a.asnumpy(), [0.6, 0.0], rtol=1e-6)
