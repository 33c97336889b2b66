"""Colour management: OpenColorIO processors between a clip's colour space and a model's.

A mechanism layer beside ``media`` and ``inference``: :mod:`~workbench.colour.config` pins the
OpenColorIO config, :mod:`~workbench.colour.spaces` names the spaces people use and reads a
clip's tags, :mod:`~workbench.colour.convert` builds the float32 processors, and
:mod:`~workbench.colour.working` runs a step in its model's working space. PyOpenColorIO is
imported inside functions only.
"""

from workbench.colour.config import (
    CONFIG_NAME,
    SOURCE,
    ColourSpaceError,
    encoding,
    lookup,
    ocio_version,
    scene_spaces,
)
from workbench.colour.convert import Conversion, conversion
from workbench.colour.spaces import NAMED, TaggedSpace, from_tags, offered, resolve, shown

__all__ = [
    "CONFIG_NAME",
    "NAMED",
    "SOURCE",
    "ColourSpaceError",
    "Conversion",
    "TaggedSpace",
    "conversion",
    "encoding",
    "from_tags",
    "lookup",
    "ocio_version",
    "offered",
    "resolve",
    "scene_spaces",
    "shown",
]
