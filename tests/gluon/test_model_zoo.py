"""gluon.model_zoo.vision against MXNet 1.9.1.

Every expected value here was written down from the mxnet==1.9.1 wheel by
``data/make_model_zoo_oracle.py`` (``data/model_zoo_oracle.json.gz``, ``data/zoo_*.params``):

- every constructor's parameters (structural key, full name, shape, in order) and total
  count, after one call on ones (deferred shapes);
- predict-mode outputs of thin variants (the zoo's own classes with few channels) loaded
  from the ``.params`` files MXNet's ``save_parameters`` wrote, their training-mode outputs
  and input gradients, and the outputs of squeezenet1_1, vgg11_bn and alexnet with the
  deterministic weights of ``data/zoo_weights.py`` set on both sides.
"""
import gzip
import json
import os
import sys

import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.gluon import nn
from autodiff.gluon.model_zoo import vision, model_store

DATA = os.path.join(os.path.dirname(__file__), 'data')
sys.path.insert(0, DATA)
from zoo_weights import fixed_input, seeded_param  # noqa: E402

with gzip.open(os.path.join(DATA, 'model_zoo_oracle.json.gz'), 'rt') as _f:
    ORACLE = json.load(_f)


def _rows(net):
    """``[structural key, full name, shape]`` per parameter, in ``collect_params`` order."""
    key_of = {id(p): k for k, p in net._collect_params_with_prefix().items()}
    return [[key_of[id(p)], p.name, list(p.shape)] for p in net.collect_params().values()]


@pytest.mark.parametrize('name', sorted(ORACLE['names']))
def test_constructor_parameters_are_mxnets(name):
    ref = ORACLE['names'][name]
    net = getattr(vision, name)()
    net.initialize()
    with autograd.predict_mode():
        out = net(np.ones((1, 3, ref['size'], ref['size'])))
    assert out.shape == (1, 1000)
    rows = _rows(net)
    assert len(rows) == len(ref['params'])
    for got, want in zip(rows, ref['params']):
        assert got == want
    assert sum(int(onp.prod(r[2])) for r in rows) == ref['count']


def test_every_mxnet_constructor_is_here_and_in_get_model():
    assert len(ORACLE['names']) == 34
    for name in ORACLE['names']:
        assert callable(getattr(vision, name))
    for cls in ('AlexNet', 'DenseNet', 'Inception3', 'MobileNet', 'MobileNetV2', 'ResNetV1',
                'ResNetV2', 'BasicBlockV1', 'BasicBlockV2', 'BottleneckV1', 'BottleneckV2',
                'SqueezeNet', 'VGG', 'get_resnet', 'get_vgg', 'get_mobilenet',
                'get_mobilenet_v2'):
        assert hasattr(vision, cls)


def test_layer_names_follow_mxnets_hints():
    # MXNet 1.9.1: [nn.Conv2D(2,3).name, nn.Conv1D(2,3).name, nn.Conv2DTranspose(2,3).name,
    # nn.MaxPool2D().name, nn.GlobalAvgPool2D().name, nn.BatchNorm().name, nn.Dense(2).name]
    got = [nn.Conv2D(2, 3).name, nn.Conv1D(2, 3).name, nn.Conv2DTranspose(2, 3).name,
           nn.MaxPool2D().name, nn.GlobalAvgPool2D().name, nn.BatchNorm().name,
           nn.Dense(2).name]
    assert got == ['conv0', 'conv1', 'conv2', 'pool0', 'pool1', 'batchnorm0', 'dense0']
    assert nn.Conv2D(2, 3, activation='relu').act.name == 'conv3_relu'


def test_get_model_by_mxnets_names():
    net = vision.get_model('ResNet18_V1', classes=10)
    assert isinstance(net, vision.ResNetV1) and net.output._units == 10
    assert isinstance(vision.get_model('squeezenet1.1'), vision.SqueezeNet)
    assert isinstance(vision.get_model('mobilenetv2_0.25'), vision.MobileNetV2)
    assert isinstance(vision.get_model('inceptionv3'), vision.Inception3)
    with pytest.raises(ValueError) as err:
        vision.get_model('resnet19_v1')
    msg = str(err.value)
    assert msg.startswith('Model resnet19_v1 is not supported. Available options are\n\t'
                          'alexnet\n\tdensenet121\n\t')
    assert len(msg.split('\n\t')) == 1 + 34 and msg.endswith('\n\tvgg19_bn')


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match='Invalid number of layers: 20'):
        vision.get_resnet(1, 20)
    with pytest.raises(ValueError, match='Invalid resnet version: 3'):
        vision.get_resnet(3, 18)
    with pytest.raises(ValueError, match='Unsupported SqueezeNet version 2.0'):
        vision.SqueezeNet('2.0')
    with pytest.raises(ValueError, match='one entry more than layers'):
        vision.ResNetV1(vision.BasicBlockV1, [2, 2], [64, 64])


# ---- forward passes against MXNet 1.9.1 ----------------------------------------------------
def _build(case):
    row = ORACLE['forward'][case]
    net = eval(row['expr'], {'vision': vision})
    x = np.array(fixed_input(tuple(row['shape'])))
    if row['saved']:
        net.load_parameters(os.path.join(DATA, f'zoo_{case}.params'))
    else:
        net.initialize()
        with autograd.predict_mode():
            net(x)                                     # deferred shapes
        for key, p in net._collect_params_with_prefix().items():
            p.set_data(np.array(seeded_param(key, p.shape)))
    return net, x, row


def _close(got, want, rtol=2e-4):
    want = onp.asarray(want, dtype=onp.float64)
    scale = onp.abs(want).max()
    onp.testing.assert_allclose(onp.asarray(got, onp.float64), want, rtol=rtol,
                                atol=rtol * scale)


@pytest.mark.parametrize('case', sorted(ORACLE['forward']))
def test_predict_outputs_are_mxnets(case):
    net, x, row = _build(case)
    with autograd.predict_mode():
        y = net(x)
    _close(y.asnumpy(), row['predict'])


@pytest.mark.parametrize('case', sorted(c for c, r in ORACLE['forward'].items() if r['saved']))
def test_training_outputs_and_input_gradient_are_mxnets(case):
    net, x, row = _build(case)
    head = np.array(fixed_input((x.shape[0], 10), seed=1))
    x.attach_grad()
    with autograd.record(train_mode=True):
        y = net(x)
    y.backward(head)
    _close(y.asnumpy(), row['train'])
    g = x.grad.asnumpy().astype(onp.float64)
    _close(g.reshape(-1)[::max(1, g.size // 64)], row['train_input_grad_sample'], rtol=1e-3)
    assert abs(onp.abs(g).sum() - row['train_input_grad_abs_sum']) <= \
        1e-3 * row['train_input_grad_abs_sum']


@pytest.mark.parametrize('case', ['resnetv1', 'densenet'])
def test_hybridized_outputs_and_gradients_equal_eager(case):
    nets = [_build(case)[0] for _ in range(2)]
    nets[1].hybridize()
    x = np.array(fixed_input(tuple(ORACLE['forward'][case]['shape'])))
    head = np.array(fixed_input((x.shape[0], 10), seed=1))
    results = []
    for net in nets:
        xi = x.copy()
        xi.attach_grad()
        with autograd.record(train_mode=True):
            y = net(xi)
        y.backward(head)
        with autograd.predict_mode():
            p = net(x)
        params = net.collect_params().values()
        results.append((y.asnumpy(), xi.grad.asnumpy(), p.asnumpy(),
                        [q.grad().asnumpy() for q in params if q.grad_req != 'null'],
                        [q.data().asnumpy() for q in params if q.grad_req == 'null']))
    assert nets[1].compiled_fallback_reason is None
    eager, hybrid = results
    for a, b in zip(eager[:3], hybrid[:3]):
        onp.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)
    for kind in (3, 4):             # parameter gradients; running statistics after the step
        assert len(eager[kind]) == len(hybrid[kind]) > 0
        for a, b in zip(eager[kind], hybrid[kind]):
            onp.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5 * (1 + onp.abs(a).max()))


# ---- pretrained=True: model_store.get_model_file -------------------------------------------
URL = 'https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/gluon/models/'


def test_pretrained_without_the_file_names_file_folder_and_url(tmp_path):
    with pytest.raises(FileNotFoundError) as err:
        vision.resnet18_v1(pretrained=True, root=str(tmp_path))
    msg = str(err.value)
    assert 'resnet18_v1-a0666292.params' in msg and str(tmp_path) in msg
    assert URL + 'resnet18_v1-a0666292.zip' in msg


def test_default_root_is_mxnet_home_models(tmp_path, monkeypatch):
    monkeypatch.setenv('MXNET_HOME', str(tmp_path / 'home'))
    monkeypatch.setenv('MXNET_GLUON_REPO', 'https://mirror.example/mx')
    with pytest.raises(FileNotFoundError) as err:
        vision.get_model('squeezenet1.1', pretrained=True)
    msg = str(err.value)
    assert os.path.join(str(tmp_path / 'home'), 'models') in msg
    assert 'https://mirror.example/mx/gluon/models/squeezenet1.1-33ba0f93.zip' in msg
    monkeypatch.delenv('MXNET_HOME')
    assert model_store.data_dir() == os.path.join(os.path.expanduser('~'), '.mxnet')


def test_short_hash_and_unknown_pretrained_model():
    assert model_store.short_hash('vgg16_bn') == '7f01cf05'
    with pytest.raises(ValueError, match='Pretrained model for resnet19_v1 is not available'):
        model_store.get_model_file('resnet19_v1')


def _write_pretrained(tmp_path, monkeypatch, name, build):
    """Save ``build()``'s parameters as ``name``'s pretrained file, with MXNet's hash table
    entry set to the file's SHA-1 (the only way a test can write a file that passes it)."""
    src = build()
    src.initialize()
    with autograd.predict_mode():
        src(np.ones((1, 3, 32, 32)))
    tmp = tmp_path / 'tmp.params'
    src.save_parameters(str(tmp))
    sha1 = model_store._sha1(str(tmp))
    monkeypatch.setitem(model_store._model_sha1, name, sha1)
    path = tmp_path / f'{name}-{sha1[:8]}.params'
    os.replace(tmp, path)
    return src, path


def test_pretrained_file_with_mxnets_name_loads(tmp_path, monkeypatch):
    src, path = _write_pretrained(tmp_path, monkeypatch, 'mobilenet0.25',
                                  lambda: vision.mobilenet0_25(classes=7))
    assert model_store.get_model_file('mobilenet0.25', root=str(tmp_path)) == str(path)
    net = vision.get_model('mobilenet0.25', pretrained=True, root=str(tmp_path), classes=7)
    for a, b in zip(src.collect_params().values(), net.collect_params().values()):
        onp.testing.assert_array_equal(a.data().asnumpy(), b.data().asnumpy())
    x = np.array(fixed_input((1, 3, 32, 32)))
    with autograd.predict_mode():
        onp.testing.assert_allclose(net(x).asnumpy(), src(x).asnumpy(), rtol=1e-6)


def test_pretrained_file_with_other_content_is_refused(tmp_path, monkeypatch):
    _, path = _write_pretrained(tmp_path, monkeypatch, 'mobilenet0.25',
                                lambda: vision.mobilenet0_25(classes=7))
    with open(path, 'ab') as f:
        f.write(b'x')
    with pytest.raises(ValueError, match='does not match MXNet') as err:
        vision.mobilenet0_25(pretrained=True, root=str(tmp_path), classes=7)
    assert str(path) in str(err.value) and 'mobilenet0.25' in str(err.value)


def test_purge_removes_only_params_files(tmp_path):
    (tmp_path / 'a.params').write_bytes(b'')
    (tmp_path / 'keep.txt').write_text('x')
    model_store.purge(root=str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ['keep.txt']


def test_model_zoo_is_reachable_from_gluon_and_mx():
    import autodiff as mx
    assert mx.gluon.model_zoo.vision is vision
    assert mx.gluon.model_zoo.model_store is model_store
