"""Media in and out: probe, frame-exact decode, faithful encode (PyAV, OpenCV, OpenEXR).

The app's one frame type is float32 RGB, H×W×3, values in [0, 1] (float EXR may exceed 1).
Heavy libraries are imported inside the functions that use them; importing this package is
cheap and Qt-free.
"""

from __future__ import annotations

from workbench.media.errors import (
    BrokenMediaError,
    MediaError,
    MediaStorageError,
    MediaTimeoutError,
    MediaTooLargeError,
    UnsupportedMediaError,
)
from workbench.media.fingerprint import content_fingerprint, file_sha256, sequence_fingerprint
from workbench.media.formats import CODECS
from workbench.media.info import AudioStreamInfo, ColorInfo, MediaInfo, MediaKind, OtherStreamInfo
from workbench.media.probe import probe, safe_probe
from workbench.media.reader import FrameSource, ImageReader, VideoReader, open_reader
from workbench.media.video_writer import VideoWriter
from workbench.media.writer import ImageWriter, open_writer

__all__ = [
    "CODECS",
    "AudioStreamInfo",
    "BrokenMediaError",
    "ColorInfo",
    "FrameSource",
    "ImageReader",
    "ImageWriter",
    "MediaError",
    "MediaInfo",
    "MediaKind",
    "MediaStorageError",
    "MediaTimeoutError",
    "MediaTooLargeError",
    "OtherStreamInfo",
    "UnsupportedMediaError",
    "VideoReader",
    "VideoWriter",
    "content_fingerprint",
    "file_sha256",
    "open_reader",
    "open_writer",
    "probe",
    "safe_probe",
    "sequence_fingerprint",
]
