"""RecordIO: ``RecordFileDataset`` / ``ImageRecordDataset`` reading files written by MXNet
1.9.1 (stored in ``data/recordio_oracle.json`` by ``data/make_recordio_oracle.py``),
our writer producing MXNet's bytes, and ``ImageFolderDataset`` on PNG files the test
writes."""
import base64
import json
import os
import struct

import numpy as onp
import pytest

from autodiff.gluon import data as gdata
from autodiff.gluon.data import recordio
from autodiff.gluon.data.vision import ImageRecordDataset, ImageFolderDataset

with open(os.path.join(os.path.dirname(__file__), 'data', 'recordio_oracle.json')) as _f:
    ORACLE = json.load(_f)
PNG_PIXELS = onp.array(ORACLE['img_flag1'][0][0], dtype=onp.uint8)


def _files(tmp_path, stem):
    rec, idx = tmp_path / f'{stem}.rec', tmp_path / f'{stem}.idx'
    rec.write_bytes(base64.b64decode(ORACLE[f'{stem}_rec']))
    idx.write_text(ORACLE[f'{stem}_idx'])
    return str(rec), str(idx)


def test_record_file_dataset_reads_mxnet_files(tmp_path):
    rec, _ = _files(tmp_path, 'raw')
    ds = gdata.RecordFileDataset(rec)
    raw = [base64.b64decode(r) for r in ORACLE['raw']]
    assert len(ds) == len(raw)
    assert [ds[i] for i in range(len(ds))] == raw       # incl. the split magic-number record
    assert [base64.b64decode(r) for r in ORACLE['raw_read']] == raw


def test_writer_produces_mxnets_bytes(tmp_path):
    raw = [base64.b64decode(r) for r in ORACLE['raw']]
    rec, idx = str(tmp_path / 'ours.rec'), str(tmp_path / 'ours.idx')
    recordio.write_indexed(idx, rec, [(10 + i, r) for i, r in enumerate(raw)])
    assert open(rec, 'rb').read() == base64.b64decode(ORACLE['raw_rec'])
    assert open(idx).read() == ORACLE['raw_idx']
    assert [gdata.RecordFileDataset(rec)[i] for i in range(4)] == raw


def test_image_record_dataset_matches_mxnet(tmp_path):
    rec, _ = _files(tmp_path, 'img')
    for flag in (1, 0):
        ds = ImageRecordDataset(rec, flag=flag)
        for i, (want_img, want_label) in enumerate(ORACLE[f'img_flag{flag}']):
            img, label = ds[i]
            want = onp.array(want_img)
            assert img.shape == want.shape and img.dtype == onp.uint8
            # Pillow's and OpenCV's gray conversions round differently (at most 1 apart)
            assert onp.abs(img.asnumpy().astype(int) - want).max() <= (0 if flag else 1)
            onp.testing.assert_allclose(label, want_label)
    ds = ImageRecordDataset(rec, transform=lambda x, y: (x.shape, y))
    assert ds[0] == ((3, 4, 3), 3.0)


def test_pack_unpack_and_errors(tmp_path):
    h, s = recordio.unpack(recordio.pack(recordio.IRHeader(0, [1, 2, 3], 5, 0), b'xyz'))
    assert h.flag == 3 and list(h.label) == [1, 2, 3] and h.id == 5 and s == b'xyz'
    h, s = recordio.unpack(recordio.pack((0, 2.5, 1, 0), b''))
    assert h.flag == 0 and h.label == 2.5
    with pytest.raises(FileNotFoundError, match='idx'):
        gdata.RecordFileDataset(str(tmp_path / 'none.rec'))
    bad, idx = tmp_path / 'bad.rec', tmp_path / 'bad.idx'
    bad.write_bytes(struct.pack('<II', 0x12345678, 4) + b'abcd')
    idx.write_text('0\t0\n')
    with pytest.raises(ValueError, match='not a RecordIO record'):
        gdata.RecordFileDataset(str(bad))[0]
    recordio.write_indexed(str(idx), str(bad), [(0, b'short')])
    with pytest.raises(ValueError, match='at least 24 bytes'):
        ImageRecordDataset(str(bad))[0]
    recordio.write_indexed(str(idx), str(bad),
                           [(0, recordio.pack((0, 1.0, 0, 0), b'not an image'))])
    with pytest.raises(ValueError, match='cannot decode'):
        ImageRecordDataset(str(bad))[0]


def test_image_folder_dataset(tmp_path):
    from PIL import Image
    for cls, shift in (('cat', 0), ('dog', 50)):
        (tmp_path / cls).mkdir()
        Image.fromarray(PNG_PIXELS + shift).save(tmp_path / cls / 'a.png')
        Image.fromarray(PNG_PIXELS[::-1].copy()).save(tmp_path / cls / 'b.PNG')
    (tmp_path / 'dog' / 'notes.txt').write_text('x')
    (tmp_path / 'readme.md').write_text('x')
    with pytest.warns(UserWarning, match='Ignoring'):
        ds = ImageFolderDataset(str(tmp_path))
    assert ds.synsets == ['cat', 'dog'] and len(ds) == 4
    img, label = ds[2]
    assert label == 1
    onp.testing.assert_array_equal(img.asnumpy(), PNG_PIXELS + 50)
    with pytest.warns(UserWarning):
        gray, _ = ImageFolderDataset(str(tmp_path), flag=0)[1]
    assert gray.shape == (3, 4, 1)
    with pytest.raises(FileNotFoundError):
        ImageFolderDataset(str(tmp_path / 'missing'))
