"""Augmentative tools: one module per tool, plus Qt-free numpy/OpenCV helpers they share."""
