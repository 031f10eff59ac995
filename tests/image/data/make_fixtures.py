"""Writes the fixtures of ``tests/image`` from MXNet 1.9.1 (the oracle: ``mxnet==1.9.1``,
whose ``mxnet.image`` decodes and resizes with the OpenCV 3.4.2 inside libmxnet).

Two steps, because the oracle's environment has no Pillow to encode a JPEG:

    python make_fixtures.py --jpeg          # any Python with Pillow: writes tiny.jpg
    ~/mxref/bin/python make_fixtures.py     # MXNet 1.9.1: writes mxnet_1_9_1.npz,
                                            # oracle*.rec / oracle*.idx

PNG files are encoded here with zlib (no library needed).  Every array in
``mxnet_1_9_1.npz`` is an output of MXNet 1.9.1 on the inputs stored beside it.
"""
import os
import struct
import sys
import zlib

import numpy as onp

HERE = os.path.dirname(os.path.abspath(__file__))


def png_bytes(a):
    """A PNG file of the uint8 (H, W, 3) image ``a`` (8-bit RGB, no filter)."""
    h, w, _ = a.shape
    raw = b''.join(b'\x00' + a[y].tobytes() for y in range(h))

    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
                + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


def images():
    """The small fixed test images (seeded)."""
    rng = onp.random.RandomState(7)
    return {'a': rng.randint(0, 256, size=(7, 9, 3)).astype('uint8'),
            'b': rng.randint(0, 256, size=(12, 10, 3)).astype('uint8'),
            'c': rng.randint(0, 256, size=(6, 6, 3)).astype('uint8')}


def write_jpeg():
    from PIL import Image
    Image.fromarray(images()['b']).save(os.path.join(HERE, 'tiny.jpg'), quality=90)


def main():
    import mxnet as mx
    from mxnet import np, npx, image, recordio
    npx.set_np()
    ims = images()
    out = {f'img_{k}': v for k, v in ims.items()}
    a = np.array(ims['a'], dtype='uint8')
    b = np.array(ims['b'], dtype='uint8')
    # resizing: (source, w, h) for every interp, uint8 and float32
    cases = [('a', 4, 3), ('a', 13, 11), ('b', 5, 6), ('b', 10, 5), ('c', 3, 3), ('c', 8, 4)]
    out['resize_cases'] = onp.array([[ord(s), w, h] for s, w, h in cases])
    for n, (s, w, h) in enumerate(cases):
        src = np.array(ims[s], dtype='uint8')
        for interp in range(5):
            out[f'resize_{n}_{interp}'] = image.imresize(src, w, h, interp=interp).asnumpy()
            out[f'resizef_{n}_{interp}'] = image.imresize(
                src.astype('float32') / 3, w, h, interp=interp).asnumpy()
    out['resize_short_a_4'] = image.resize_short(a, 4).asnumpy()             # interp 2
    out['resize_short_b_5_area'] = image.resize_short(b, 5, interp=3).asnumpy()
    out['resize_short_b_15_auto'] = image.resize_short(b, 15, interp=9).asnumpy()
    out['fixed_crop_a'] = image.fixed_crop(a, 1, 2, 5, 4).asnumpy()
    out['fixed_crop_a_resized'] = image.fixed_crop(a, 1, 2, 5, 4, size=(7, 3), interp=1).asnumpy()
    img, box = image.center_crop(b, (6, 8))
    out['center_crop_b'], out['center_crop_b_box'] = img.asnumpy(), onp.array(box)
    img, box = image.center_crop(a, (12, 8))                                  # larger: scaled
    out['center_crop_a_big'], out['center_crop_a_big_box'] = img.asnumpy(), onp.array(box)
    out['scale_down'] = onp.array(image.scale_down((640, 480), (720, 120)))
    mean, std = np.array([10.0, 20.0, 30.0]), np.array([2.0, 4.0, 8.0])
    out['color_normalize_a'] = image.color_normalize(a.astype('float32'), mean, std).asnumpy()
    for t in range(5):      # (a legacy operator: numpy-mode arrays raise TypeError in 1.9.1)
        out[f'border_{t}'] = image.copyMakeBorder(a.as_nd_ndarray(), 1, 2, 3, 1, type=t,
                                                  values=(9, 8, 7)).asnumpy()
    for flag in (0, 1):
        for rgb in (0, 1):
            out[f'decode_png_{flag}_{rgb}'] = image.imdecode(
                png_bytes(ims['b']), flag=flag, to_rgb=rgb).asnumpy()
    jpg_path = os.path.join(HERE, 'tiny.jpg')
    with open(jpg_path, 'rb') as f:
        jpg = f.read()
    out['decode_jpg'] = image.imdecode(jpg).asnumpy()
    out['imread_jpg_gray'] = image.imread(jpg_path, flag=0).asnumpy()
    # deterministic augmenters
    out['aug_force_resize'] = image.ForceResizeAug((5, 4), interp=1)(a).asnumpy()
    out['aug_resize_short'] = image.ResizeAug(4, interp=3)(b).asnumpy()
    out['aug_cast'] = image.CastAug()(a).asnumpy()
    # a RecordIO file written by MXNet 1.9.1: three PNGs with detection labels
    rec, idx = os.path.join(HERE, 'oracle.rec'), os.path.join(HERE, 'oracle.idx')
    writer = recordio.MXIndexedRecordIO(idx, rec, 'w')
    labels = [[2, 5, 0, 0.1, 0.2, 0.6, 0.7],
              [2, 5, 1, 0.0, 0.0, 0.5, 0.5, 0, 0.4, 0.4, 0.9, 1.0],
              [2, 5, 0, 0.3, 0.1, 0.8, 0.9]]
    for k, (name, lab) in enumerate(zip('abc', labels)):
        header = recordio.IRHeader(0, onp.array(lab, dtype='float32'), k, 0)
        writer.write_idx(k, recordio.pack(header, png_bytes(ims[name])))
    writer.close()
    it = image.ImageDetIter(batch_size=2, data_shape=(3, 4, 5), path_imgrec=rec,
                            path_imgidx=idx, inter_method=1)
    batches = list(it)
    out['det_data'] = onp.stack([bt.data[0].asnumpy() for bt in batches])
    out['det_label'] = onp.stack([bt.label[0].asnumpy() for bt in batches])
    out['det_pad'] = onp.array([bt.pad for bt in batches])
    rec, idx = os.path.join(HERE, 'oracle_cls.rec'), os.path.join(HERE, 'oracle_cls.idx')
    writer = recordio.MXIndexedRecordIO(idx, rec, 'w')
    for k, name in enumerate('abc'):
        writer.write_idx(k, recordio.pack(recordio.IRHeader(0, float(k + 3), k, 0),
                                          png_bytes(ims[name])))
    writer.close()
    it = image.ImageIter(batch_size=2, data_shape=(3, 4, 4), path_imgrec=rec,
                         path_imgidx=idx, aug_list=[image.ForceResizeAug((4, 4), interp=1),
                                                    image.CastAug()])
    batches = list(it)
    out['iter_data'] = onp.stack([bt.data[0].asnumpy() for bt in batches])
    out['iter_label'] = onp.stack([bt.label[0].asnumpy() for bt in batches])
    out['iter_pad'] = onp.array([bt.pad for bt in batches])
    onp.savez_compressed(os.path.join(HERE, 'mxnet_1_9_1.npz'), **out)


if __name__ == '__main__':
    if '--jpeg' in sys.argv:
        write_jpeg()
    else:
        main()
