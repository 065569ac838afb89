import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    """Every test writes uploaded and imported files to its own folder, never to ./var."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _no_background_similarity(settings):
    """Pages embed texts inline or in a background thread; tests that want vectors ask for them.

    Pages then compare by shared words (TF-IDF), which is instant.
    """
    settings.REBOURS_SIMILARITY_BACKGROUND = False
    settings.REBOURS_SIMILARITY_INLINE = 0
