"""The one OpenColorIO config every conversion uses, pinned by its exact name.

OpenColorIO ships the ACES configs inside the library; the *studio* config names every camera
encoding a production meets (ARRI, Sony, Panasonic, RED, Canon, …) as well as ACES and the
utility spaces. It is pinned by name — never the library's "default", which moves with each
release — so a project renders the same pixels on every machine with this OpenColorIO, and the
log can say which config converted its frames.

Only scene-referred colour spaces are offered: a display-referred space would be reached through
a view transform (a tone map), which is a look, not a conversion, and the data space ("Raw") is
not a colour encoding at all.
"""

from __future__ import annotations

import functools
from typing import Any

from workbench.errors import UsageError

CONFIG_NAME = "studio-config-v5.0.0_aces-v2.1_ocio-v2.6"
"""The built-in ACES studio config (ACES 2.1, colour spaces v5.0.0), by its exact name."""

SOURCE = "source"
"""Not a colour space: the clip's code values as decoded, handed over unconverted."""


class ColourSpaceError(UsageError):
    """A colour space name the pinned config does not know, or one that cannot be used."""


@functools.cache
def config() -> Any:
    """The pinned config, loaded once per process (OpenColorIO's ``Config``)."""
    import PyOpenColorIO as OCIO

    try:
        return OCIO.Config.CreateFromBuiltinConfig(CONFIG_NAME)
    except Exception as exc:  # an OpenColorIO older than the config: say which one is needed
        raise ColourSpaceError(
            f"OpenColorIO {ocio_version()} does not have the colour config {CONFIG_NAME} ({exc})",
            hint="install opencolorio 2.6 or newer (pip install 'opencolorio>=2.6')",
        ) from None


def ocio_version() -> str:
    import PyOpenColorIO as OCIO

    return str(OCIO.__version__)


def _usable(space: Any) -> bool:
    import PyOpenColorIO as OCIO

    return bool(space.getReferenceSpaceType() == OCIO.REFERENCE_SPACE_SCENE and not space.isData())


@functools.cache
def scene_spaces() -> tuple[str, ...]:
    """The config's scene-referred colour spaces (data spaces left out), in its order."""
    return tuple(s.getName() for s in config().getColorSpaces() if _usable(s))


def lookup(name: str) -> str | None:
    """The config's own name for ``name`` (a name or an alias, any case), if it is usable."""
    if not name or not name.strip():
        return None
    space = config().getColorSpace(name.strip())
    if space is None or not _usable(space):
        return None
    return str(space.getName())


def encoding(name: str) -> str:
    """The config's encoding of a colour space: ``scene-linear``, ``log``, ``sdr-video``…"""
    space = config().getColorSpace(name)
    return str(space.getEncoding()) if space is not None else ""


__all__ = [
    "CONFIG_NAME",
    "SOURCE",
    "ColourSpaceError",
    "config",
    "encoding",
    "lookup",
    "ocio_version",
    "scene_spaces",
]
