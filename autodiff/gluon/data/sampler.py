"""Samplers (MXNet 1.9.1's ``gluon.data.sampler``): orders of indices and their batching.

``RandomSampler`` shuffles with NumPy's global generator, as MXNet does (seed it with
``numpy.random.seed``).  ``BatchSampler``'s ``last_batch``: 'keep' yields a short last
batch, 'discard' drops it, 'rollover' carries its samples into the next epoch.
"""
import numpy as _onp

__all__ = ['Sampler', 'SequentialSampler', 'RandomSampler', 'BatchSampler', 'IntervalSampler']


class Sampler:
    """Base class: an iterable of indices with a length."""

    def __iter__(self):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError


class SequentialSampler(Sampler):
    """``start, start + 1, ..., start + length - 1``."""

    def __init__(self, length, start=0):
        self._length = length
        self._start = start

    def __iter__(self):
        return iter(range(self._start, self._start + self._length))

    def __len__(self):
        return self._length


class RandomSampler(Sampler):
    """A random permutation of ``range(length)`` each epoch."""

    def __init__(self, length):
        self._length = length

    def __iter__(self):
        indices = _onp.arange(self._length)
        _onp.random.shuffle(indices)
        return iter(indices.tolist())

    def __len__(self):
        return self._length


class IntervalSampler(Sampler):
    """``0, interval, 2*interval, ..., then 1, 1 + interval, ...`` (``rollover``)."""

    def __init__(self, length, interval, rollover=True):
        if interval >= length:
            raise ValueError(f"Interval {interval} must be smaller than length {length}")
        self._length, self._interval, self._rollover = length, interval, rollover

    def __iter__(self):
        for i in range(self._interval if self._rollover else 1):
            yield from range(i, self._length, self._interval)

    def __len__(self):
        return len(list(iter(self)))


class BatchSampler(Sampler):
    """Groups ``sampler``'s indices into lists of ``batch_size`` (see ``last_batch``)."""

    def __init__(self, sampler, batch_size, last_batch='keep'):
        if last_batch not in ('keep', 'discard', 'rollover'):
            raise ValueError(f"last_batch must be one of 'keep', 'discard', or 'rollover', "
                             f"but got {last_batch}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size}")
        self._sampler = sampler
        self._batch_size = batch_size
        self._last_batch = last_batch
        self._prev = []

    def __iter__(self):
        batch, self._prev = self._prev, []
        for i in self._sampler:
            batch.append(i)
            if len(batch) == self._batch_size:
                yield batch
                batch = []
        if batch:
            if self._last_batch == 'keep':
                yield batch
            elif self._last_batch == 'rollover':
                self._prev = batch

    def __len__(self):
        n = len(self._sampler)
        if self._last_batch == 'keep':
            return (n + self._batch_size - 1) // self._batch_size
        if self._last_batch == 'discard':
            return n // self._batch_size
        return (len(self._prev) + n) // self._batch_size


class FilterSampler(Sampler):
    """The indices of the samples of ``dataset`` for which ``fn(sample)`` is true (computed
    once, at construction)."""

    def __init__(self, fn, dataset):
        self._fn = fn
        self._dataset = dataset
        self._indices = [i for i, sample in enumerate(dataset) if fn(sample)]

    def __iter__(self):
        return iter(self._indices)

    def __len__(self):
        return len(self._indices)
