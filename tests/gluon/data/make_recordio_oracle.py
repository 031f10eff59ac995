"""Regenerate recordio_oracle.json with MXNet 1.9.1 (run with ~/mxref/bin/python).

MXNet's ``MXIndexedRecordIO`` writes a .rec/.idx pair (stored base64 in the JSON) with raw
records — one whose payload holds RecordIO's magic number at aligned offsets, which the
writer splits into parts — and image records (``recordio.pack`` of a PNG made with PIL in
the project's environment, embedded below); ``RecordFileDataset`` and
``ImageRecordDataset`` (flag 1 and 0) read them back, and what they return is recorded.
"""
import base64
import json
import os
import struct
import tempfile

import mxnet as mx
import numpy as onp
from mxnet import recordio

PNG = base64.b64decode(
    'iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAMklEQVR4nAEnANj/AawvdRQUhgMkDhCu6QR4KNG0'
    'AZFiWt3t8LwENPpfQfyj8NPnx5xSLYASmdyA+TUAAAAASUVORK5CYII=')
MAGIC = struct.pack('<I', 0xced7230a)
RAW = [b'hello', b'', b'abcd' + MAGIC + b'efgh' + MAGIC + MAGIC + b'xyz', b'\x00' * 9]

d = tempfile.mkdtemp()
rec, idx = os.path.join(d, 'raw.rec'), os.path.join(d, 'raw.idx')
w = recordio.MXIndexedRecordIO(idx, rec, 'w')
for i, r in enumerate(RAW):
    w.write_idx(10 + i, r)
w.close()
ds = mx.gluon.data.RecordFileDataset(rec)
out = {'raw': [base64.b64encode(r).decode() for r in RAW],
       'raw_rec': base64.b64encode(open(rec, 'rb').read()).decode(),
       'raw_idx': open(idx).read(),
       'raw_read': [base64.b64encode(ds[i]).decode() for i in range(len(ds))]}
rec, idx = os.path.join(d, 'img.rec'), os.path.join(d, 'img.idx')
w = recordio.MXIndexedRecordIO(idx, rec, 'w')
w.write_idx(0, recordio.pack(recordio.IRHeader(0, 3.0, 7, 0), PNG))
w.write_idx(1, recordio.pack(recordio.IRHeader(2, [1.5, -2.0], 8, 0), PNG))
w.close()
out['img_rec'] = base64.b64encode(open(rec, 'rb').read()).decode()
out['img_idx'] = open(idx).read()
for flag in (1, 0):
    ds = mx.gluon.data.vision.ImageRecordDataset(rec, flag=flag)
    items = [ds[i] for i in range(len(ds))]
    out[f'img_flag{flag}'] = [(im.asnumpy().tolist(), onp.asarray(lab).tolist())
                              for im, lab in items]
with open(__file__.replace('make_recordio_oracle.py', 'recordio_oracle.json'), 'w') as f:
    json.dump(out, f)
print(out['raw_idx'], len(out['raw_rec']), onp.shape(out['img_flag0'][0][0]))
