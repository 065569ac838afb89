"""The Redis channel layer's settings: reads outlast the layer's own blocking pop.

channels_redis waits for a process's messages with a blocking pop of `brpop_timeout` seconds (5
by default), and redis-py 8 gives up on a read after 5 seconds too: when Redis answered the pop a
little late on a busy machine, the read timed out, the consumer died and its websocket closed
with 1006 (bench/load.py, 19 screens of 1,000). Our layer pops for 2 s. Read in a process of its
own, as the settings are.
"""

import json
import os
import subprocess
import sys

from tests.support.server import REPO


def test_redis_reads_wait_longer_than_the_blocking_pop(tmp_path):
    code = (
        "import django, json; django.setup(); "
        "from channels.layers import get_channel_layer; "
        "layer = get_channel_layer(); pool = layer.create_pool(0); "
        "connection = pool.connection_class(**pool.connection_kwargs); "
        "print(json.dumps({'read': connection.socket_timeout, "
        "'pop': layer.brpop_timeout, 'most': pool.max_connections}))"
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
    assert found["read"] is not None and found["read"] >= 2 * found["pop"], found
    assert found["most"] >= 1000, found  # screens leaving at once need more than redis-py's 100
