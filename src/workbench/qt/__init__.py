"""The desktop workbench: PySide6 windows, panels, dialogs and workers (Qt lives here only).

Every panel is a view over a core object (the project, the catalogue, the log); long work runs
in workers that report progress through :class:`workbench.progress.Progress` and can be
cancelled. Entry point: :func:`workbench.qt.app.run`.
"""
