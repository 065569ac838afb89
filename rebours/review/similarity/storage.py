"""Vectors as bytes, and fingerprints that say when to recompute them.

Embedding a proposal takes tens of milliseconds; a page listing similar
proposals must not redo it for the whole corpus. A Django model can keep, next to
each proposal, `encode_vector(...)` in a BinaryField and `text_fingerprint(...)`
in a CharField(64): when the fingerprint of the current text and model differs
from the stored one, the vector is stale and is computed again.
"""

from __future__ import annotations

import functools
import hashlib
import struct
from dataclasses import dataclass

import numpy as np

from .text import clean_text

# Layout, all little-endian:
#   4 bytes  magic b"RBV1"
#   2 bytes  length L of the model id (unsigned)
#   L bytes  model id, UTF-8
#   4 bytes  dimension D (unsigned)
#   4*D      float32 components
# The model id travels with the vector so a vector made by another model (or
# another quantisation) is never compared with the current ones.
_MAGIC = b"RBV1"
_HEAD = struct.Struct("<4sH")
_DIM = struct.Struct("<I")
_MAX_DIM = 1 << 16  # far above any sentence model; guards against corrupt headers


@dataclass(frozen=True)
class StoredVector:
    model_id: str
    vector: np.ndarray  # float32, shape (dim,)


def encode_vector(vector: np.ndarray, model_id: str) -> bytes:
    """Serialise a 1-D vector as float32 with its model id and dimension."""
    arr = np.asarray(vector, dtype="<f4")
    if arr.ndim != 1:
        raise ValueError("expected a 1-D vector")
    if not np.all(np.isfinite(arr)):
        raise ValueError("vector has NaN or infinite components")
    name = model_id.encode("utf-8")
    if len(name) > 0xFFFF:
        raise ValueError("model id too long")
    return _HEAD.pack(_MAGIC, len(name)) + name + _DIM.pack(arr.shape[0]) + arr.tobytes()


def decode_vector(
    data: bytes | bytearray | memoryview, expected_model_id: str | None = None
) -> StoredVector:
    """Read bytes from `encode_vector`; ValueError if malformed or of another model."""
    data = bytes(data)  # BinaryField hands back a memoryview on PostgreSQL
    if len(data) < _HEAD.size:
        raise ValueError("truncated vector header")
    magic, name_len = _HEAD.unpack_from(data)
    if magic != _MAGIC:
        raise ValueError("not a stored vector")
    offset = _HEAD.size
    if len(data) < offset + name_len + _DIM.size:
        raise ValueError("truncated vector header")
    model_id = data[offset : offset + name_len].decode("utf-8")
    offset += name_len
    (dim,) = _DIM.unpack_from(data, offset)
    offset += _DIM.size
    if dim > _MAX_DIM or len(data) != offset + 4 * dim:
        raise ValueError("vector length does not match its header")
    if expected_model_id is not None and model_id != expected_model_id:
        raise ValueError(f"vector made by {model_id!r}, expected {expected_model_id!r}")
    vector = np.frombuffer(data, dtype="<f4", count=dim, offset=offset).astype(np.float32)
    return StoredVector(model_id, vector)


# A proposal page fingerprints every document of the corpus to find the vectors still valid;
# cleaning each text character by character again at every page was most of its time.
@functools.lru_cache(maxsize=4096)
def text_fingerprint(text: str, backend_name: str) -> str:
    """SHA-256 (hex, 64 chars) of the text as the backends see it, and the backend.

    Pass the backend's `model_id` (it changes with the model version) and the
    document's `full_text`. Cleaning first means edits that change nothing for
    similarity (trailing spaces, invisible marks, NFC vs NFD) keep the vector.
    """
    digest = hashlib.sha256()
    digest.update(backend_name.encode("utf-8"))
    digest.update(b"\x00")
    digest.update(clean_text(text).encode("utf-8"))
    return digest.hexdigest()
