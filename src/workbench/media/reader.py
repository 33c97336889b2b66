"""Frame-exact random access to video, image sequences and stills.

:class:`VideoReader` indexes every frame's presentation time on open (demuxing only). ``read(i)``
seeks to the keyframe at or before frame *i* and decodes forward, comparing each decoded frame's
pts with the index, so the answer is the same frame sequential decoding gives — on open-GOP
streams, MPEG-TS, and variable frame rate. When a seek lands too late (leading pictures of an
open GOP, imprecise seeking in transport streams) it retries from an earlier keyframe.
Reading forward (``iter_frames`` or ascending indices) continues decoding without seeking.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from workbench.media.convert import video_frame_to_array
from workbench.media.errors import BrokenMediaError, UnsupportedMediaError
from workbench.media.fingerprint import content_fingerprint
from workbench.media.info import MediaInfo, MediaKind
from workbench.media.probe import PacketIndex, probe, probe_open_video
from workbench.media.safety import av_open_input, local_path

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Frame = NDArray[np.float32]


class FrameSource(Protocol):
    """What the render pipeline reads from, whatever the media kind."""

    info: MediaInfo

    def __len__(self) -> int: ...

    def read(self, index: int) -> Frame: ...

    def iter_frames(self, start: int = 0, stop: int | None = None) -> Iterator[Frame]: ...

    def close(self) -> None: ...

    def __enter__(self) -> FrameSource: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class _ReaderBase:
    info: MediaInfo

    def __len__(self) -> int:
        return self.info.frame_count

    def read(self, index: int) -> Frame:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def _check_index(self, index: int) -> int:
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError(f"frame {index} is outside 0..{n - 1} of {Path(self.info.path).name}")
        return index

    def iter_frames(self, start: int = 0, stop: int | None = None) -> Iterator[Frame]:
        """Frames ``start`` .. ``stop - 1`` in order, decoded sequentially."""
        stop = len(self) if stop is None else min(stop, len(self))
        for i in range(start, stop):
            yield self.read(i)

    def __enter__(self) -> _ReaderBase:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class VideoReader(_ReaderBase):
    """Frame-exact reader of one video file's picture stream; a context manager."""

    MAX_SEEK_RETRIES = 3

    def __init__(self, path: str | os.PathLike[str], *, threads: int = 0) -> None:
        self._path = local_path(path)
        self._container: Any = av_open_input(self._path)
        try:
            info, index = probe_open_video(
                self._container, self._path, content_fingerprint(self._path)
            )
        except BaseException:
            self._container.close()
            raise
        self.info = info
        self._index: PacketIndex = index
        self._stream: Any = self._container.streams[info.video_stream_index]
        self._stream.thread_type = "AUTO"
        if threads:
            self._stream.thread_count = threads
        self._byte_seek = info.container in ("mpegts", "mpeg")
        self._frames: Iterator[Any] | None = None
        self._next = 0  # index the open decoder will deliver next
        self._pos_of = {pts: i for i, pts in enumerate(index.pts)}
        gaps = [
            self._pos_of.get(b, 0) - self._pos_of.get(a, 0)
            for a, b in zip(index.keyframes, index.keyframes[1:], strict=False)
        ]
        self._gop = max(gaps, default=len(index.pts)) or 1

    def __len__(self) -> int:
        return self._index.count

    def close(self) -> None:
        self._frames = None
        if self._container is not None:
            self._container.close()
            self._container = None

    def __enter__(self) -> VideoReader:
        return self

    # -- decoding -------------------------------------------------------------------------------

    def read(self, index: int) -> Frame:
        """Frame ``index`` (0-based, presentation order) as float32 RGB."""
        if self._container is None:
            raise UnsupportedMediaError(f"{self._path.name}: the reader is closed")
        index = self._check_index(index)
        if not self._index.seekable:
            return self._read_sequential(index)
        if self._frames is None or not (0 <= index - self._next <= 2 * self._gop):
            for attempt in range(self.MAX_SEEK_RETRIES + 1):
                self._seek(index, attempt)
                found = self._decode_to(index)
                if found is not None:
                    return found
            raise BrokenMediaError(
                f"frame {index} of {self._path.name} could not be decoded",
                hint="the file may be damaged around that frame",
            )
        found = self._decode_to(index)
        if found is None:  # the decoder skipped it; try again from a keyframe
            for attempt in range(self.MAX_SEEK_RETRIES + 1):
                self._seek(index, attempt)
                found = self._decode_to(index)
                if found is not None:
                    return found
            raise BrokenMediaError(f"frame {index} of {self._path.name} could not be decoded")
        return found

    def _seek(self, index: int, attempt: int) -> None:
        """Seek to the keyframe at or before ``index`` (``attempt`` keyframes earlier on retry;
        the last retry restarts from the top of the file, which is always right)."""
        target = self._index.pts[index]
        keys = self._index.keyframes
        pos = bisect.bisect_right(keys, target) - 1 - attempt
        if attempt >= self.MAX_SEEK_RETRIES or pos <= 0 or not keys:
            self._container.seek(0)
        elif self._byte_seek and self._index.keyframe_pos[pos] >= 0:
            # Transport streams seek imprecisely by time; the keyframe's byte offset is exact.
            self._container.seek(
                self._index.keyframe_pos[pos], stream=self._stream, unsupported_byte_offset=True
            )
        else:
            self._container.seek(keys[pos], stream=self._stream, backward=True, any_frame=False)
        self._frames = self._decode_iter()
        self._next = -1  # unknown until the first frame arrives

    def _decode_iter(self) -> Iterator[Any]:
        import av

        try:
            yield from self._container.decode(self._stream)
        except av.error.EOFError:
            return
        except av.error.FFmpegError as exc:
            raise BrokenMediaError(
                f"decoding {self._path.name} failed ({exc})",
                hint="the file may be truncated or damaged",
            ) from exc

    def _to_array(self, frame: Any) -> Frame:
        """Decode with the container's colour description where the bitstream says nothing
        (FFmpeg-made ProRes leaves its frame header "unspecified" beside a ``colr`` atom)."""
        color = self.info.color
        matrix = color.matrix if int(frame.colorspace) == 2 and color.matrix != 2 else None
        rng = color.range if int(frame.color_range) == 0 and color.range else None
        return video_frame_to_array(frame, matrix=matrix, color_range=rng)

    def _decode_to(self, index: int) -> Frame | None:
        target = self._index.pts[index]
        assert self._frames is not None
        for frame in self._frames:
            pts = frame.pts if frame.pts is not None else frame.dts
            if pts is None:
                continue
            if pts < target:
                continue
            if pts == target:
                self._next = index + 1
                return self._to_array(frame)
            self._frames = None  # overshot: the wanted frame was not produced from here
            return None
        self._frames = None
        return None

    def _read_sequential(self, index: int) -> Frame:
        """For streams without timestamps: decode from the start, counting frames."""
        if self._frames is None or index < self._next:
            self._container.seek(0)
            self._frames = self._decode_iter()
            self._next = 0
        for frame in self._frames:
            current = self._next
            self._next += 1
            if current == index:
                return self._to_array(frame)
        self._frames = None
        raise BrokenMediaError(f"frame {index} of {self._path.name} could not be decoded")


class ImageReader(_ReaderBase):
    """An image sequence or a single still, with the same interface as :class:`VideoReader`."""

    def __init__(self, path: str | os.PathLike[str], *, info: MediaInfo | None = None) -> None:
        from workbench.media.sequence import SequenceSpec, detect_sequence

        self.info = info if info is not None else probe(path)
        if self.info.kind is MediaKind.VIDEO:
            raise UnsupportedMediaError(f"{self.info.path} is a video; use VideoReader")
        self._paths: tuple[Path, ...]
        if self.info.kind is MediaKind.STILL:
            self._paths = (Path(self.info.path),)
        else:
            spec: SequenceSpec | None = detect_sequence(self.info.path)
            if spec is None:
                raise BrokenMediaError(f"the sequence {self.info.path} has no frames any more")
            wanted = set(self.info.frame_numbers)
            self._paths = tuple(spec.path_of(n) for n in spec.frames if n in wanted)
            if len(self._paths) != self.info.frame_count:
                raise BrokenMediaError(
                    f"frames of {self.info.path} changed on disk since it was probed",
                    hint="re-import the sequence",
                )

    def path_of(self, index: int) -> Path:
        return self._paths[self._check_index(index)]

    def read(self, index: int) -> Frame:
        from workbench.media.images import read_image

        frame = read_image(self.path_of(index))
        if frame.shape[:2] != (self.info.height, self.info.width):
            raise BrokenMediaError(
                f"{self._paths[index].name} is {frame.shape[1]}×{frame.shape[0]}, but the "
                f"sequence is {self.info.width}×{self.info.height}"
            )
        return frame


def open_reader(
    path: str | os.PathLike[str], *, info: MediaInfo | None = None
) -> VideoReader | ImageReader:
    """A frame source for any media kind (probing ``path`` unless ``info`` is given)."""
    if info is None:
        info = probe(path)
    if info.kind is MediaKind.VIDEO:
        return VideoReader(info.path)
    return ImageReader(info.path, info=info)
