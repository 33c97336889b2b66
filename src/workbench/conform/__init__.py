"""The conform: a whole film's cut brought in, cleaned shot by shot, delivered and sent back.

A use case beside ``workbench.editing`` and ``workbench.render``, for every front end:
:func:`import_sequence` reads the editor's timeline through OpenTimelineIO and matches each
event to the camera originals; recipes apply one stack of tools to many shots as ordinary
edits; the delivery renders each shot's source range plus handles as relinkable replacement
media; the export writes the cut back pointing at it.
"""

from workbench.conform.importing import ImportRequest, ImportResult, ShotLine, import_sequence

__all__ = ["ImportRequest", "ImportResult", "ShotLine", "import_sequence"]
