"""The Redis channel layer's pool takes a room of screens leaving at once.

redis-py allows 100 connections per pool unless told, and fails beyond: screens leaving at once
(each leaving its groups) went over in bench/load.py. Read in a process of its own, as the
settings are.
"""

import json
import os
import subprocess
import sys

from tests.support.server import REPO


def test_the_layers_pool_takes_a_room_leaving_at_once(tmp_path):
    code = (
        "import django, json; django.setup(); "
        "from channels.layers import get_channel_layer; "
        "layer = get_channel_layer(); pool = layer.create_pool(0); "
        "print(json.dumps({'most': pool.max_connections}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rebours.settings",
        "REBOURS_DATA_DIR": str(tmp_path),
        "REDIS_URL": "redis://127.0.0.1:1/0",  # never connected to: pools open lazily
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    assert found["most"] >= 1000, found
