"""Dockable panels around the canvas: the property editor (and later the findings panel)."""
