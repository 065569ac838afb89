"""Rebours: participatory backcasting workshops, from the panel to the booklet."""

__version__ = "0.1.0"
