"""MXNet 1.9.1's ``mxnet.image.detection``: augmenters that move bounding boxes with the
image, and ``ImageDetIter``.

A detection label is ``(objects, width)``: per object ``[class, xmin, ymin, xmax, ymax,
...]`` with coordinates as fractions of the image size.  In a record the raw label is
``[header_width, object_width, <header_width - 2 extra values>, objects...]``.  Augmenters
are callables ``aug(src, label) -> (src, label)``; random choices draw from
``autodiff.random``'s seedable generator (see ``image.py``).
"""
import json
import logging
import math
import numbers
import warnings

import numpy as _onp

from ..errors import ShapeError
from .image import (Augmenter, CastAug, ColorJitterAug, ColorNormalizeAug, EIGVAL, EIGVEC,
                    ForceResizeAug, HueJitterAug, LightingAug, RandomGrayAug, ResizeAug,
                    _chance, _image, _mean_std, _out, _plain, _randint, _uniform,
                    copyMakeBorder, fixed_crop)
from ._records import ImageIter
from .. import random as _random

__all__ = ['DetAugmenter', 'DetBorrowAug', 'DetRandomSelectAug', 'DetHorizontalFlipAug',
           'DetRandomCropAug', 'DetRandomPadAug', 'CreateMultiRandCropAugmenter',
           'CreateDetAugmenter', 'ImageDetIter']


class DetAugmenter:
    """Base class of the detection augmenters: ``aug(src, label) -> (src, label)``."""

    def __init__(self, **kwargs):
        self._kwargs = {k: (_plain(v).tolist() if hasattr(v, 'shape') else v)
                        for k, v in kwargs.items()}

    def dumps(self):
        """``[class name in lower case, parameters]`` as a JSON string."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, src, label):
        raise NotImplementedError('Must override implementation.')


class DetBorrowAug(DetAugmenter):
    """Apply an image ``Augmenter`` that leaves the boxes where they are (colour, cast,
    resize of the whole image)."""

    def __init__(self, augmenter):
        if not isinstance(augmenter, Augmenter):
            raise TypeError(f"DetBorrowAug: expected an image Augmenter, got "
                            f"{type(augmenter).__name__}")
        super().__init__(augmenter=augmenter.dumps())
        self.augmenter = augmenter

    def dumps(self):
        """The name and the borrowed augmenter's dump."""
        return [self.__class__.__name__.lower(), self.augmenter.dumps()]

    def __call__(self, src, label):
        return self.augmenter(src), label


class DetRandomSelectAug(DetAugmenter):
    """Apply one of ``aug_list`` at random, or none with probability ``skip_prob``."""

    def __init__(self, aug_list, skip_prob=0):
        super().__init__(skip_prob=skip_prob)
        if not isinstance(aug_list, (list, tuple)):
            aug_list = [aug_list]
        for aug in aug_list:
            if not isinstance(aug, DetAugmenter):
                raise TypeError(f"DetRandomSelectAug: aug_list may hold DetAugmenters only, "
                                f"got {type(aug).__name__}")
        self.aug_list = list(aug_list)
        self.skip_prob = 1 if not aug_list else skip_prob

    def dumps(self):
        """The name and the list of the members' dumps."""
        return [self.__class__.__name__.lower(), [x.dumps() for x in self.aug_list]]

    def __call__(self, src, label):
        if _chance() < self.skip_prob:
            return src, label
        return self.aug_list[_randint(0, len(self.aug_list) - 1)](src, label)


class DetHorizontalFlipAug(DetAugmenter):
    """With probability ``p``, flip the image left to right and the boxes with it."""

    def __init__(self, p):
        super().__init__(p=p)
        self.p = p

    def __call__(self, src, label):
        if _chance() < self.p:
            src = _out(_image(src, 'DetHorizontalFlipAug')[:, ::-1])
            label = label.copy()
            xmin = 1.0 - label[:, 3]
            label[:, 3] = 1.0 - label[:, 1]
            label[:, 1] = xmin
        return src, label


def _areas(boxes):
    return _onp.maximum(0, boxes[:, 3] - boxes[:, 1]) * _onp.maximum(0, boxes[:, 2] - boxes[:, 0])


def _range(value, who, name):
    if isinstance(value, (tuple, list)):
        return tuple(value)
    if not isinstance(value, numbers.Number):
        raise TypeError(f"{who}: {name} must be a number or a (min, max) pair, got {value!r}")
    return (value, value)


class DetRandomCropAug(DetAugmenter):
    """A random crop that keeps at least ``min_object_covered`` of each box it cuts,
    with aspect ratio in ``aspect_ratio_range`` and area fraction in ``area_range``
    (``max_attempts`` tries; boxes covered less than ``min_eject_coverage`` are dropped;
    no crop when nothing fits)."""

    def __init__(self, min_object_covered=0.1, aspect_ratio_range=(0.75, 1.33),
                 area_range=(0.05, 1.0), min_eject_coverage=0.3, max_attempts=50):
        aspect_ratio_range = _range(aspect_ratio_range, 'DetRandomCropAug', 'aspect_ratio_range')
        area_range = _range(area_range, 'DetRandomCropAug', 'area_range')
        super().__init__(min_object_covered=min_object_covered,
                         aspect_ratio_range=aspect_ratio_range, area_range=area_range,
                         min_eject_coverage=min_eject_coverage, max_attempts=max_attempts)
        self.min_object_covered = min_object_covered
        self.min_eject_coverage = min_eject_coverage
        self.max_attempts = max_attempts
        self.aspect_ratio_range = aspect_ratio_range
        self.area_range = area_range
        self.enabled = False
        if area_range[1] <= 0 or area_range[0] > area_range[1]:
            warnings.warn(f'Skip DetRandomCropAug due to invalid area_range: {area_range}')
        elif aspect_ratio_range[0] > aspect_ratio_range[1] or aspect_ratio_range[0] <= 0:
            warnings.warn('Skip DetRandomCropAug due to invalid aspect_ratio_range: '
                          f'{aspect_ratio_range}')
        else:
            self.enabled = True

    def __call__(self, src, label):
        a = _image(src, 'DetRandomCropAug')
        crop = self._random_crop_proposal(label, a.shape[0], a.shape[1])
        if crop:
            x, y, w, h, label = crop
            src = fixed_crop(src, x, y, w, h, None)
        return src, label

    @staticmethod
    def _intersect(boxes, xmin, ymin, xmax, ymax):
        left = _onp.maximum(boxes[:, 0], xmin)
        right = _onp.minimum(boxes[:, 2], xmax)
        top = _onp.maximum(boxes[:, 1], ymin)
        bot = _onp.minimum(boxes[:, 3], ymax)
        out = _onp.stack([left, top, right, bot], axis=1)
        out[(left >= right) | (top >= bot)] = 0
        return out

    def _check_satisfy_constraints(self, label, xmin, ymin, xmax, ymax, width, height):
        if (xmax - xmin) * (ymax - ymin) < 2:
            return False
        x1, y1 = float(xmin) / width, float(ymin) / height
        x2, y2 = float(xmax) / width, float(ymax) / height
        object_areas = _areas(label[:, 1:])
        valid = _onp.where(object_areas * width * height > 2)[0]
        if valid.size < 1:
            return False
        inter = self._intersect(label[valid, 1:], x1, y1, x2, y2)
        coverages = _areas(inter) / object_areas[valid]
        coverages = coverages[coverages > 0]
        return coverages.size > 0 and coverages.min() > self.min_object_covered

    def _update_labels(self, label, crop_box, height, width):
        xmin, ymin = float(crop_box[0]) / width, float(crop_box[1]) / height
        w, h = float(crop_box[2]) / width, float(crop_box[3]) / height
        out = label.copy()
        out[:, (1, 3)] -= xmin
        out[:, (2, 4)] -= ymin
        out[:, (1, 3)] /= w
        out[:, (2, 4)] /= h
        out[:, 1:5] = _onp.clip(out[:, 1:5], 0, 1)
        coverage = _areas(out[:, 1:]) * w * h / _areas(label[:, 1:])
        valid = (out[:, 3] > out[:, 1]) & (out[:, 4] > out[:, 2]) & \
            (coverage > self.min_eject_coverage)
        return out[valid] if valid.any() else None

    def _random_crop_proposal(self, label, height, width):
        if not self.enabled or height <= 0 or width <= 0:
            return ()
        min_area = self.area_range[0] * height * width
        max_area = self.area_range[1] * height * width
        for _ in range(self.max_attempts):
            ratio = _uniform(*self.aspect_ratio_range)
            if ratio <= 0:
                continue
            h = int(round(math.sqrt(min_area / ratio)))
            max_h = int(round(math.sqrt(max_area / ratio)))
            if round(max_h * ratio) > width:
                max_h = int((width + 0.4999999) / ratio)     # (rounds to within width)
            max_h = min(max_h, height)
            h = min(h, max_h)
            if h < max_h:
                h = _randint(h, max_h)
            w = int(round(h * ratio))
            area = w * h
            if area < min_area:
                h += 1
                w = int(round(h * ratio))
                area = w * h
            if area > max_area:
                h -= 1
                w = int(round(h * ratio))
                area = w * h
            if not (min_area <= area <= max_area and 0 <= w <= width and 0 <= h <= height):
                continue
            y = _randint(0, max(0, height - h))
            x = _randint(0, max(0, width - w))
            if self._check_satisfy_constraints(label, x, y, x + w, y + h, width, height):
                new_label = self._update_labels(label, (x, y, w, h), height, width)
                if new_label is not None:
                    return x, y, w, h, new_label
        return ()


class DetRandomPadAug(DetAugmenter):
    """Place the image at a random spot of a larger canvas filled with ``pad_val``
    (aspect ratio in ``aspect_ratio_range``, area ``area_range`` times the image's),
    shrinking the boxes with it."""

    def __init__(self, aspect_ratio_range=(0.75, 1.33), area_range=(1.0, 3.0),
                 max_attempts=50, pad_val=(128, 128, 128)):
        if not isinstance(pad_val, (list, tuple)):
            pad_val = (pad_val,)
        aspect_ratio_range = _range(aspect_ratio_range, 'DetRandomPadAug', 'aspect_ratio_range')
        area_range = _range(area_range, 'DetRandomPadAug', 'area_range')
        super().__init__(aspect_ratio_range=aspect_ratio_range, area_range=area_range,
                         max_attempts=max_attempts, pad_val=pad_val)
        self.pad_val = tuple(pad_val)
        self.aspect_ratio_range = aspect_ratio_range
        self.area_range = area_range
        self.max_attempts = max_attempts
        self.enabled = False
        if area_range[1] <= 1.0 or area_range[0] > area_range[1]:
            warnings.warn(f'Skip DetRandomPadAug due to invalid parameters: {area_range}')
        elif aspect_ratio_range[0] <= 0 or aspect_ratio_range[0] > aspect_ratio_range[1]:
            warnings.warn('Skip DetRandomPadAug due to invalid aspect_ratio_range: '
                          f'{aspect_ratio_range}')
        else:
            self.enabled = True

    def __call__(self, src, label):
        height, width, _ = _image(src, 'DetRandomPadAug').shape
        pad = self._random_pad_proposal(label, height, width)
        if pad:
            x, y, w, h, label = pad
            src = copyMakeBorder(src, y, h - y - height, x, w - x - width, 0,
                                 values=self.pad_val)
        return src, label

    @staticmethod
    def _update_labels(label, pad_box, height, width):
        out = label.copy()
        out[:, (1, 3)] = (out[:, (1, 3)] * width + pad_box[0]) / pad_box[2]
        out[:, (2, 4)] = (out[:, (2, 4)] * height + pad_box[1]) / pad_box[3]
        return out

    def _random_pad_proposal(self, label, height, width):
        if not self.enabled or height <= 0 or width <= 0:
            return ()
        min_area = self.area_range[0] * height * width
        max_area = self.area_range[1] * height * width
        for _ in range(self.max_attempts):
            ratio = _uniform(*self.aspect_ratio_range)
            if ratio <= 0:
                continue
            h = int(round(math.sqrt(min_area / ratio)))
            max_h = int(round(math.sqrt(max_area / ratio)))
            if round(h * ratio) < width:
                h = int((width + 0.499999) / ratio)
            h = max(h, height)
            h = min(h, max_h)
            if h < max_h:
                h = _randint(h, max_h)
            w = int(round(h * ratio))
            if h - height < 2 or w - width < 2:
                continue
            y = _randint(0, max(0, h - height))
            x = _randint(0, max(0, w - width))
            return x, y, w, h, self._update_labels(label, (x, y, w, h), height, width)
        return ()


def CreateMultiRandCropAugmenter(min_object_covered=0.1, aspect_ratio_range=(0.75, 1.33),
                                 area_range=(0.05, 1.0), min_eject_coverage=0.3,
                                 max_attempts=50, skip_prob=0):
    """A ``DetRandomSelectAug`` over ``DetRandomCropAug``s: each parameter may be a list
    (one crop augmenter per entry; single values are repeated)."""
    params = [min_object_covered, aspect_ratio_range, area_range, min_eject_coverage,
              max_attempts]
    params = [p if isinstance(p, list) else [p] for p in params]
    num = max(len(p) for p in params)
    for k, p in enumerate(params):
        if len(p) != num:
            if len(p) != 1:
                raise ValueError("CreateMultiRandCropAugmenter: parameter lists must have "
                                 f"equal lengths or length 1, got {[len(q) for q in params]}")
            params[k] = p * num
    augs = [DetRandomCropAug(min_object_covered=moc, aspect_ratio_range=arr, area_range=ar,
                             min_eject_coverage=mec, max_attempts=ma)
            for moc, arr, ar, mec, ma in zip(*params)]
    return DetRandomSelectAug(augs, skip_prob=skip_prob)


def CreateDetAugmenter(data_shape, resize=0, rand_crop=0, rand_pad=0, rand_gray=0,
                       rand_mirror=False, mean=None, std=None, brightness=0, contrast=0,
                       saturation=0, pca_noise=0, hue=0, inter_method=2,
                       min_object_covered=0.1, aspect_ratio_range=(0.75, 1.33),
                       area_range=(0.05, 3.0), min_eject_coverage=0.3, max_attempts=50,
                       pad_val=(127, 127, 127)):
    """MXNet's detection augmenter list: optional resize, random crop (probability
    ``rand_crop``), mirror, random pad (probability ``rand_pad``), a forced resize to
    ``data_shape``'s ``(W, H)``, cast to float32, colour, hue, PCA noise, gray and
    normalisation."""
    auglist = []
    if resize > 0:
        auglist.append(DetBorrowAug(ResizeAug(resize, inter_method)))
    if rand_crop > 0:
        auglist.append(CreateMultiRandCropAugmenter(
            min_object_covered, aspect_ratio_range, area_range, min_eject_coverage,
            max_attempts, skip_prob=(1 - rand_crop)))
    if rand_mirror > 0:
        auglist.append(DetHorizontalFlipAug(0.5))
    if rand_pad > 0:
        pad_aug = DetRandomPadAug(aspect_ratio_range, (1.0, area_range[1]), max_attempts,
                                  pad_val)
        auglist.append(DetRandomSelectAug([pad_aug], 1 - rand_pad))
    auglist.append(DetBorrowAug(ForceResizeAug((data_shape[2], data_shape[1]), inter_method)))
    auglist.append(DetBorrowAug(CastAug()))
    if brightness or contrast or saturation:
        auglist.append(DetBorrowAug(ColorJitterAug(brightness, contrast, saturation)))
    if hue:
        auglist.append(DetBorrowAug(HueJitterAug(hue)))
    if pca_noise > 0:
        auglist.append(DetBorrowAug(LightingAug(pca_noise, EIGVAL, EIGVEC)))
    if rand_gray > 0:
        auglist.append(DetBorrowAug(RandomGrayAug(rand_gray)))
    mean, std = _mean_std(mean, std, 'CreateDetAugmenter')
    if mean is not None or std is not None:
        auglist.append(DetBorrowAug(ColorNormalizeAug(mean, std)))
    return auglist


class ImageDetIter(ImageIter):
    """Batches of images with their boxes: ``label[0]`` is ``(batch, max objects, object
    width)``, rows past an image's objects filled with -1.  ``aug_list`` defaults to
    ``CreateDetAugmenter(data_shape, **kwargs)`` (d2l: ``rand_crop=1,
    min_object_covered=0.95, max_attempts=200``)."""

    def __init__(self, batch_size, data_shape, path_imgrec=None, path_imglist=None,
                 path_root=None, path_imgidx=None, shuffle=False, part_index=0, num_parts=1,
                 aug_list=None, imglist=None, data_name='data', label_name='label',
                 last_batch_handle='pad', **kwargs):
        super().__init__(batch_size=batch_size, data_shape=data_shape,
                         path_imgrec=path_imgrec, path_imglist=path_imglist,
                         path_root=path_root, path_imgidx=path_imgidx, shuffle=shuffle,
                         part_index=part_index, num_parts=num_parts, aug_list=[],
                         imglist=imglist, data_name=data_name, label_name=label_name,
                         last_batch_handle=last_batch_handle)
        self.auglist = CreateDetAugmenter(data_shape, **kwargs) if aug_list is None else aug_list
        self.label_shape = self._estimate_label_shape()
        self.provide_label = [(label_name, (self.batch_size,) + self.label_shape)]

    def _check_label_width(self, label, where):
        """A list entry's label must be a detection label (any width; ``_parse_label``
        checks its layout); the error names the entry (``file:line`` or ``imglist[i]``)."""
        try:
            self._parse_label(label)
        except RuntimeError as e:
            raise RuntimeError(f"ImageDetIter: {where}: {e}") from None

    @staticmethod
    def _check_valid_label(label):
        if label.ndim != 2 or label.shape[1] < 5:
            raise RuntimeError(f'Label with shape (1+, 5+) required, {label.shape} received.')
        valid = (label[:, 0] >= 0) & (label[:, 3] > label[:, 1]) & (label[:, 4] > label[:, 2])
        if not valid.any():
            raise RuntimeError('Invalid label occurs.')

    def _estimate_label_shape(self):
        max_count, width = 0, None
        self.reset()
        try:
            while True:
                label, _ = self.next_sample()
                label = self._parse_label(label)
                max_count, width = max(max_count, label.shape[0]), label.shape[1]
        except StopIteration:
            pass
        self.reset()
        if width is None:
            raise ValueError(f"{type(self).__name__}: the data holds no image")
        return (max_count, width)

    @staticmethod
    def _parse_label(label):
        """The raw record label ``[header_width, object_width, ..., objects]`` as an
        ``(objects, object_width)`` array of the valid boxes."""
        raw = _onp.asarray(_plain(label), dtype=_onp.float32).ravel()
        if raw.size < 7:
            raise RuntimeError(f'Label shape is invalid: {raw.shape} (a detection label is '
                               '[header_width, object_width, ..., objects])')
        header_width, obj_width = int(raw[0]), int(raw[1])
        if obj_width < 5 or (raw.size - header_width) % obj_width != 0:
            raise RuntimeError(f'Label shape {raw.shape} inconsistent with annotation width '
                               f'{obj_width}.')
        out = raw[header_width:].reshape(-1, obj_width)
        valid = (out[:, 3] > out[:, 1]) & (out[:, 4] > out[:, 2])
        if not valid.any():
            raise RuntimeError('Encounter sample with no valid label.')
        return out[valid]

    def reshape(self, data_shape=None, label_shape=None):
        """Change the batch's data shape and/or label shape ``(objects, width)``."""
        if data_shape is not None:
            self.check_data_shape(data_shape)
            self.provide_data = [(self.provide_data[0][0], (self.batch_size,) + tuple(data_shape))]
            self.data_shape = tuple(data_shape)
        if label_shape is not None:
            self.check_label_shape(label_shape)
            self.provide_label = [(self.provide_label[0][0],
                                   (self.batch_size,) + tuple(label_shape))]
            self.label_shape = tuple(label_shape)

    def check_label_shape(self, label_shape):
        """A new label shape may hold more objects, not fewer, of the same width."""
        if len(label_shape) != 2:
            raise ValueError('label_shape should have length 2')
        if label_shape[0] < self.label_shape[0]:
            raise ValueError(f'Attempts to reduce label count from {self.label_shape[0]} to '
                             f'{label_shape[0]}, not allowed.')
        if label_shape[1] != self.provide_label[0][1][2]:
            raise ValueError(f'label_shape object width inconsistent: '
                             f'{self.provide_label[0][1][2]} vs {label_shape[1]}.')

    def _new_label(self):
        return _onp.full(self.provide_label[0][1], -1, dtype=_onp.float32)

    def _batchify(self, batch_data, batch_label, start=0):
        i = start
        try:
            while i < self.batch_size:
                label, s = self.next_sample()
                data = self.imdecode(s)
                try:
                    self.check_valid_image([data])
                    label = self._parse_label(label)
                    data, label = self.augmentation_transform(data, label)
                    self._check_valid_label(label)
                except RuntimeError as e:
                    logging.debug('Invalid image, skipping: %s', e)
                    continue
                batch_data[i] = self._chw(data)
                n = min(label.shape[0], batch_label.shape[1])
                batch_label[i] = -1
                batch_label[i, :n] = label[:n]
                i += 1
        except StopIteration:
            if not i:
                raise
        return i

    def augmentation_transform(self, data, label):
        """Apply the detection augmenters in order."""
        for aug in self.auglist:
            data, label = aug(data, label)
        return data, label

    def sync_label_shape(self, it, verbose=False):
        """Give this iterator and ``it`` the same (larger) label shape; returns ``it``."""
        if not isinstance(it, ImageDetIter):
            raise TypeError('Synchronize with invalid iterator.')
        train, val = self.label_shape, it.label_shape
        if train[1] != val[1]:
            raise ShapeError(f'object width mismatch: {train[1]} vs {val[1]}')
        max_count = max(train[0], val[0])
        if max_count > train[0]:
            self.reshape(None, (max_count, train[1]))
        if max_count > val[0]:
            it.reshape(None, (max_count, val[1]))
        if verbose and max_count > min(train[0], val[0]):
            logging.info('Resized label_shape to (%d, %d).', max_count, train[1])
        return it

    def draw_next(self, color=None, thickness=2, mean=None, std=None, clip=True,
                  waitKey=None, window_name='draw_next', id2labels=None):
        """Yield augmented images (uint8 HWC, RGB) with their boxes drawn as rectangles
        (``color`` RGB, random per box when None).  MXNet draws with OpenCV and shows a
        window with ``waitKey``; here the boxes are drawn with NumPy and no window opens."""
        count = 0
        while True:
            try:
                label, s = self.next_sample()
            except StopIteration:
                return
            data = self.imdecode(s)
            try:
                self.check_valid_image([data])
                label = self._parse_label(label)
            except RuntimeError as e:
                logging.debug('Invalid image, skipping: %s', e)
                continue
            count += 1
            data, label = self.augmentation_transform(data, label)
            image = _onp.array(_plain(data), dtype=_onp.float64)
            std_, mean_ = _mean_std(mean, std, 'draw_next')[::-1]
            if std_ is not None:
                image *= std_
            if mean_ is not None:
                image += mean_
            if clip:
                image = _onp.clip(image, 0, 255)
            image = image.astype(_onp.uint8)
            height, width, _ = image.shape
            for box in label:
                x1, y1 = int(box[1] * width), int(box[2] * height)
                x2, y2 = int(box[3] * width), int(box[4] * height)
                if x1 < 0:
                    continue
                bc = _random._gen().random(3) * 255 if not color else color
                _rectangle(image, x1, y1, x2, y2, bc, thickness)
            yield _out(image)


def _rectangle(image, x1, y1, x2, y2, color, thickness):
    """Draw a rectangle's outline (``thickness`` pixels) into ``image`` in place."""
    h, w, _ = image.shape
    t = max(1, int(thickness))
    x1, x2 = sorted((min(max(x1, 0), w - 1), min(max(x2, 0), w - 1)))
    y1, y2 = sorted((min(max(y1, 0), h - 1), min(max(y2, 0), h - 1)))
    c = _onp.asarray(color, dtype=_onp.float64)[:image.shape[2]].astype(_onp.uint8)
    image[y1:y1 + t, x1:x2 + 1] = c
    image[max(y2 - t + 1, 0):y2 + 1, x1:x2 + 1] = c
    image[y1:y2 + 1, x1:x1 + t] = c
    image[y1:y2 + 1, max(x2 - t + 1, 0):x2 + 1] = c
