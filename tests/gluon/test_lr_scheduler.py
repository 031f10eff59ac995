"""autodiff.lr_scheduler against MXNet 1.9.1's schedules (values printed by the oracle for
the same arguments, ``num_update`` 0, 1, 2, ...)."""
import pytest

from autodiff import lr_scheduler as ls

ORACLE = {
    'factor': [0.2, 0.6000000000000001, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125,
               0.125],
    'multi': [1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002,
              0.0010000000000000002, 0.0010000000000000002],
    'poly': [0.0, 0.3333333333333333, 0.6666666666666666, 1.0, 0.7612244897959185,
             0.5591836734693878, 0.3938775510204081, 0.26530612244897966, 0.17346938775510204,
             0.11836734693877553, 0.1, 0.1, 0.1],
    'cosine': [0.1, 0.1, 2.0, 1.899519052838329, 1.625, 1.25, 0.8750000000000002,
               0.600480947161671, 0.5, 0.5, 0.5],
}


def _check(sched, want):
    got = [sched(i) for i in range(len(want))]
    assert got == pytest.approx(want, rel=1e-12, abs=1e-15)


def test_factor_with_linear_warmup():
    _check(ls.FactorScheduler(step=3, factor=0.5, base_lr=1.0, warmup_steps=2,
                              warmup_begin_lr=0.2), ORACLE['factor'])


def test_multifactor():
    _check(ls.MultiFactorScheduler(step=[2, 5, 7], factor=0.1, base_lr=1.0), ORACLE['multi'])


def test_poly_with_warmup():
    _check(ls.PolyScheduler(max_update=10, base_lr=1.0, pwr=2, final_lr=0.1, warmup_steps=3),
           ORACLE['poly'])


def test_cosine_with_constant_warmup():
    _check(ls.CosineScheduler(max_update=8, base_lr=2.0, final_lr=0.5, warmup_steps=2,
                              warmup_mode='constant', warmup_begin_lr=0.1), ORACLE['cosine'])


def test_factor_stop_lr():
    s = ls.FactorScheduler(step=1, factor=0.1, stop_factor_lr=1e-3, base_lr=1.0)
    assert s(10) == 1e-3


def test_bad_arguments():
    with pytest.raises(ValueError, match='Factor must be no more than 1'):
        ls.FactorScheduler(step=2, factor=2)
    with pytest.raises(ValueError, match='increasing integer list'):
        ls.MultiFactorScheduler(step=[3, 2])
    with pytest.raises(ValueError, match='Base lr has to be higher than warmup_begin_lr'):
        ls.PolyScheduler(max_update=5, base_lr=0.1, warmup_begin_lr=0.5)
    with pytest.raises(ValueError, match='linear and constant'):
        ls.CosineScheduler(max_update=5, warmup_mode='cubic')
