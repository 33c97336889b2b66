"""Workbench: augmentative AI tools for footage, with a tamper-evident disclosure log."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("workbench")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

APP_NAME = "Workbench"

__all__ = ["APP_NAME", "__version__"]
