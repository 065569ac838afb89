import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    """Every test writes uploaded and imported files to its own folder, never to ./var."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
