"""Chroma resampling along one axis of a 2-D plane, for :mod:`workbench.media.convert`.

Both pairs are written on the even and odd samples of the full-resolution signal x (x[0::2],
x[1::2]): upsampling computes them from the chroma samples and interleaves, downsampling
de-interleaves and filters. Along rows the (de)interleave is done by OpenCV's merge / split,
which are pure data movement and several times faster than NumPy's strided copies; all the
arithmetic stays in NumPy.

The filters and why they are exact duals are described in :mod:`workbench.media.convert`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

# The exact dual of linear interpolation at half-sample phase, taps for x[2k-3] … x[2k+4].
_CENTRED_DOWN = (1 / 32, -3 / 32, -5 / 32, 23 / 32, 23 / 32, -5 / 32, -3 / 32, 1 / 32)


def _at(axis: int, index: slice | int) -> tuple[slice | int, ...]:
    """An index selecting ``index`` along ``axis`` of a 2-D array."""
    return (index,) if axis == 0 else (slice(None), index)


def _take(x: NDArray[np.float32], axis: int, start: int, stop: int) -> NDArray[np.float32]:
    return x[_at(axis, slice(start, stop))]


def _interleave(
    even: NDArray[np.float32], odd: NDArray[np.float32], axis: int, n: int
) -> NDArray[np.float32]:
    """x with x[0::2] = even and x[1::2] = odd, ``n`` samples along ``axis``."""
    k = even.shape[axis]
    if axis == 1:
        import cv2

        pair = [np.ascontiguousarray(even), np.ascontiguousarray(_take(odd, 1, 0, k))]
        merged = cast("NDArray[np.float32]", cv2.merge(pair)).reshape(even.shape[0], 2 * k)
        return merged if n == 2 * k else merged[:, :n]
    out = np.empty((n, even.shape[1]), dtype=np.float32)
    out[0::2] = even
    out[1::2] = odd[: n // 2]
    return out


def _split(x: NDArray[Any]) -> list[NDArray[Any]]:
    """The channels of an H×W×C array as C contiguous planes. Into arrays NumPy allocates:
    letting OpenCV allocate them costs several times more than the copy itself."""
    import cv2

    planes = [np.empty(x.shape[:2], dtype=x.dtype) for _ in range(x.shape[2])]
    cv2.split(x, planes)
    return planes


def _deinterleave(
    x: NDArray[np.float32], axis: int
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """(x[0::2], x[1::2]) along ``axis``; along rows an odd length gets a zero sample appended,
    so both halves are ceil(n/2) long there (callers use only the first n // 2 odd samples)."""
    n = x.shape[axis]
    if axis == 0:
        return x[0::2], x[1::2]

    if n % 2:
        x = np.pad(x, [(0, 0), (0, 1)])
    pairs = np.ascontiguousarray(x).reshape(x.shape[0], -1, 2)
    even, odd = _split(pairs)
    return even, odd


def _extend_index(i: int, n: int, mode: str) -> int:
    """Index ``i`` of a length-``n`` signal extended symmetrically: ``reflect`` about the end
    samples (whole-sample), ``symmetric`` about the half-sample points beyond them."""
    if n == 1:
        return 0
    period = 2 * n - 2 if mode == "reflect" else 2 * n
    i %= period
    if mode == "reflect":
        return i if i < n else period - i
    return i if i < n else period - 1 - i


def _extended(
    parts: tuple[NDArray[np.float32], NDArray[np.float32]],
    parity: int,
    n: int,
    axis: int,
    before: int,
    after: int,
    mode: str,
) -> NDArray[np.float32]:
    """x[parity::2] with ``before`` samples added in front and up to a length of
    ceil(n/2) + ``after`` behind, the added ones taken from the symmetric extension of x."""
    real = (n + 1 - parity) // 2
    xs = _take(parts[parity], axis, 0, real)
    total = (n + 1) // 2 + after

    def sample(j: int) -> NDArray[np.float32]:
        m = _extend_index(2 * j + parity, n, mode)
        return _take(parts[m % 2], axis, m // 2, m // 2 + 1)

    head = [sample(j) for j in range(-before, 0)]
    tail = [sample(j) for j in range(real, total)]
    return np.concatenate([*head, xs, *tail], axis=axis) if head or tail else xs


def _up_cosited(c: NDArray[np.float32], axis: int, n: int) -> NDArray[np.float32]:
    """Linear interpolation ×2 with c[k] kept at 2k; the last odd sample replicates the edge."""
    k = c.shape[axis]
    odd = np.empty_like(c)
    np.add(_take(c, axis, 0, k - 1), _take(c, axis, 1, k), out=odd[_at(axis, slice(0, k - 1))])
    odd[_at(axis, k - 1)] = c[_at(axis, k - 1)] * np.float32(2.0)
    odd *= np.float32(0.5)
    return _interleave(c, odd, axis, n)


def _down_cosited(x: NDArray[np.float32], axis: int) -> NDArray[np.float32]:
    """LeGall 5/3 analysis low-pass on the even samples, whole-sample symmetric extension:
    out[k] = 3/4 x[2k] + 1/4 (x[2k-1] + x[2k+1]) - 1/8 (x[2k-2] + x[2k+2]).

    Computed in its lifting form (d = odd - mean of the even neighbours; out = even + mean of
    the neighbouring d / 2), which needs six passes over half-size arrays and no padding.
    """
    n = x.shape[axis]
    even, odd = _deinterleave(x, axis)
    if n == 1:
        return np.array(even, dtype=np.float32)
    k = (n + 1) // 2
    m = n // 2  # real odd samples
    d = np.empty_like(even)  # d[j] = x[2j+1] - (x[2j] + x[2j+2]) / 2, j = 0 … k-1
    np.add(_take(even, axis, 0, k - 1), _take(even, axis, 1, k), out=d[_at(axis, slice(0, k - 1))])
    if m == k:  # even n: x[2k] reflects to x[2k-2]
        d[_at(axis, k - 1)] = even[_at(axis, k - 1)] * np.float32(2.0)
    d *= np.float32(-0.5)
    d[_at(axis, slice(0, m))] += _take(odd, axis, 0, m)
    if m < k:  # odd n: d is symmetric about the last even sample
        d[_at(axis, k - 1)] = d[_at(axis, k - 2)]
    out = np.empty_like(even)  # out[j] = x[2j] + (d[j-1] + d[j]) / 4, d[-1] = d[0]
    np.add(_take(d, axis, 0, k - 1), _take(d, axis, 1, k), out=out[_at(axis, slice(1, k))])
    out[_at(axis, 0)] = d[_at(axis, 0)] * np.float32(2.0)
    out *= np.float32(0.25)
    out += even
    return out


def _up_centred(c: NDArray[np.float32], axis: int, n: int) -> NDArray[np.float32]:
    """Linear interpolation ×2 of samples centred between 2k and 2k+1: x[2k] = 3/4 c[k] +
    1/4 c[k-1], x[2k+1] = 3/4 c[k] + 1/4 c[k+1], edges replicated."""
    k = c.shape[axis]
    near = c * np.float32(0.75)
    even = c * np.float32(0.25)
    odd = even.copy()
    even[_at(axis, slice(1, k))] = even[_at(axis, slice(0, k - 1))]  # c[k-1] / 4
    odd[_at(axis, slice(0, k - 1))] = odd[_at(axis, slice(1, k))]  # c[k+1] / 4
    even += near
    odd += near
    return _interleave(even, odd, axis, n)


def _centred_taps(
    parts: tuple[NDArray[np.float32], NDArray[np.float32]], n: int, axis: int
) -> NDArray[np.float32]:
    """[1, -3, -5, 23, 23, -5, -3, 1] / 32 on x[2k-3 … 2k+4] of an even-length x."""
    k = n // 2
    ep = _extended(parts, 0, n, axis, 1, 2, "symmetric")  # x[2j] for j = -1 … k+1
    op = _extended(parts, 1, n, axis, 2, 1, "symmetric")  # x[2j+1] for j = -2 … k
    pairs = (  # (weight, x[2k+a] as a slice of ep/op, x[2k+b] likewise)
        (23, (ep, 1), (op, 2)),  # x[2k], x[2k+1]
        (-5, (op, 1), (ep, 2)),  # x[2k-1], x[2k+2]
        (-3, (ep, 0), (op, 3)),  # x[2k-2], x[2k+3]
        (1, (op, 0), (ep, 3)),  # x[2k-3], x[2k+4]
    )
    out: NDArray[np.float32] | None = None
    tmp: NDArray[np.float32] | None = None
    for weight, (a, i), (b, j) in pairs:  # a loop over taps, not pixels
        tmp = np.add(_take(a, axis, i, i + k), _take(b, axis, j, j + k), out=tmp)
        tmp *= np.float32(weight / 32)
        if out is None:
            out, tmp = tmp, None
        else:
            out += tmp
    assert out is not None
    return out


def _down_centred(x: NDArray[np.float32], axis: int) -> NDArray[np.float32]:
    """The exact dual of :func:`_up_centred`, half-sample symmetric extension.

    An odd length lacks the luma sample just past the last chroma sample; under the
    interpolator that sample equals the last chroma value, so it is solved for as the fixed point
    v = out[-1](v) (the output is affine in v), which keeps the pair exact there too.
    """
    n = x.shape[axis]
    if n % 2 == 0:
        return _centred_taps(_deinterleave(x, axis), n, axis)
    even, odd = _deinterleave(x, axis)
    if axis == 0:  # rows: append v = 0 to the odd rows (columns got it from _deinterleave)
        odd = np.concatenate([odd, np.zeros_like(even[-1:])])
    out = _centred_taps((even, odd), n + 1, axis)
    unit = np.zeros((n + 1, 1) if axis == 0 else (1, n + 1), dtype=np.float32)
    unit[_at(axis, n)] = 1.0
    response = _centred_taps(_deinterleave(unit, axis), n + 1, axis)  # d out / d v
    alpha = float(response[_at(axis, -1)].item())
    v = out[_at(axis, slice(-1, None))] / np.float32(1.0 - alpha)
    for j in np.flatnonzero(response):
        out[_at(axis, int(j))] += v.reshape(-1) * response.flat[j]
    return out
