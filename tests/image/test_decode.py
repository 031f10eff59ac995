"""``imdecode`` / ``imread`` against MXNet 1.9.1's OpenCV decoders (PNG and JPEG bytes the
fixture script stored), and their errors."""
import numpy as onp
import pytest

import autodiff as mx
from autodiff import image

from ._fixtures import ORACLE, path, png_bytes


@pytest.mark.parametrize('flag,to_rgb', [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_png_decodes_as_mxnet(flag, to_rgb):
    got = image.imdecode(png_bytes(ORACLE['img_b']), flag=flag, to_rgb=to_rgb)
    assert got.dtype == onp.uint8 and isinstance(got, mx.np.ndarray)
    onp.testing.assert_array_equal(got.asnumpy(), ORACLE[f'decode_png_{flag}_{to_rgb}'])


def test_jpeg_decodes_and_reads_as_mxnet():
    with open(path('tiny.jpg'), 'rb') as f:
        data = f.read()
    onp.testing.assert_array_equal(image.imdecode(data).asnumpy(), ORACLE['decode_jpg'])
    as_array = image.imdecode(onp.frombuffer(data, dtype=onp.uint8))
    onp.testing.assert_array_equal(as_array.asnumpy(), ORACLE['decode_jpg'])
    gray = mx.image.imread(path('tiny.jpg'), flag=0)
    assert gray.shape == (12, 10, 1)
    onp.testing.assert_array_equal(gray.asnumpy(), ORACLE['imread_jpg_gray'])


def test_gluon_image_datasets_decode_with_the_same_function(tmp_path):
    from autodiff.gluon.data.vision import ImageFolderDataset
    (tmp_path / 'cls').mkdir()
    (tmp_path / 'cls' / 'x.png').write_bytes(png_bytes(ORACLE['img_a']))
    sample, label = ImageFolderDataset(str(tmp_path))[0]
    onp.testing.assert_array_equal(sample.asnumpy(), ORACLE['img_a'])
    assert label == 0


def test_bad_input_gets_clear_errors(tmp_path):
    missing = tmp_path / 'nope.jpg'
    with pytest.raises(FileNotFoundError, match='nope.jpg'):
        image.imread(str(missing))
    with pytest.raises(ValueError, match='cannot decode image'):
        image.imdecode(b'this is not an image')
    with pytest.raises(ValueError, match='buffer is empty'):
        image.imdecode(b'')
    with pytest.raises(TypeError, match='encode it to bytes'):
        image.imdecode('a string')
    text = tmp_path / 'notes.png'
    text.write_text('hello')
    with pytest.raises(ValueError, match='notes.png'):
        image.imread(str(text))
