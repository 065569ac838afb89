"""Reading a workshop from its container: a .json file, a .zip with media, or a folder.

Zip safety comes first: no member outside `media/` (besides `workshop.json`), no member over
20 MB, no more than 2,000 members, and every image decoded before anything is written.
"""

import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from rebours.exchange.errors import ExchangeError
from rebours.exchange.validation import image_paths, parse_json, validate
from rebours.proposals.images import ImageRejected, check_image

DOCUMENT_NAME = "workshop.json"
MAX_MEMBERS = 2000
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


@dataclass
class Package:
    """A validated document and the media files it names (name -> bytes)."""

    document: dict[str, Any]
    media: dict[str, bytes] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def read_package(path: Path) -> Package:
    """Read and validate a .json, .zip or folder; raise ExchangeError on the first fault."""
    if path.is_dir():
        return _read_folder(path)
    if not path.exists():
        raise ExchangeError("$", f"no such file: {path}")
    if path.suffix.lower() == ".zip":
        return _read_zip(path)
    if path.suffix.lower() == ".json":
        return read_json_bytes(path.read_bytes())
    raise ExchangeError("$", f"unknown container {path.suffix or '(no suffix)'}: use .json or .zip")


def read_json_bytes(data: bytes) -> Package:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ExchangeError("$", f"the document is over {MAX_DOCUMENT_BYTES // 1024 // 1024} MB")
    document = parse_json(data)
    validate(document)
    missing = len(image_paths(document))
    notes = []
    if missing:
        notes.append(
            f"{missing} image(s) are named but a .json file cannot carry them: the pages show a "
            "placeholder until an organiser uploads each file (or import a .zip with media/)."
        )
    return Package(document=document, warnings=notes)


def _member_path(name: str) -> PurePosixPath:
    if "\\" in name or name.startswith("/") or ":" in name.split("/")[0]:
        raise ExchangeError("$", f"unsafe path in the archive: {name!r}")
    path = PurePosixPath(name)
    if any(part in ("..", "") for part in path.parts):
        raise ExchangeError("$", f"unsafe path in the archive: {name!r}")
    return path


def _read_zip(path: Path) -> Package:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ExchangeError("$", "not a valid zip archive") from None
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > MAX_MEMBERS:
            raise ExchangeError(
                "$", f"the archive has {len(members)} files; the limit is {MAX_MEMBERS}"
            )
        files: dict[str, bytes] = {}
        for info in members:
            member = _member_path(info.filename)
            if str(member) != DOCUMENT_NAME and (
                len(member.parts) != 2 or member.parts[0] != "media"
            ):
                raise ExchangeError(
                    "$",
                    f"unexpected file in the archive: {info.filename!r} "
                    f"(only {DOCUMENT_NAME} and media/<file> are allowed)",
                )
            files[str(member)] = _read_member(archive, info)
    if DOCUMENT_NAME not in files:
        raise ExchangeError("$", f"the archive has no {DOCUMENT_NAME} at its root")
    document = parse_json(files.pop(DOCUMENT_NAME))
    validate(document)
    return _with_media(document, files)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    # The declared size can lie; read one byte past the limit to find out for sure.
    if info.file_size > MAX_MEMBER_BYTES:
        raise ExchangeError("$", f"{info.filename!r} is over {MAX_MEMBER_BYTES // 1024 // 1024} MB")
    try:
        with archive.open(info) as handle:
            data = handle.read(MAX_MEMBER_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise ExchangeError("$", f"{info.filename!r} cannot be read: {exc}") from None
    if len(data) > MAX_MEMBER_BYTES:
        raise ExchangeError("$", f"{info.filename!r} is over {MAX_MEMBER_BYTES // 1024 // 1024} MB")
    return data


def _read_folder(path: Path) -> Package:
    document_file = path / DOCUMENT_NAME
    if not document_file.is_file():
        raise ExchangeError("$", f"{path} has no {DOCUMENT_NAME}")
    document = parse_json(document_file.read_bytes())
    validate(document)
    files = {}
    for _, media_path in image_paths(document):
        candidate = path / media_path
        if candidate.is_file() and media_path not in files:
            files[media_path] = candidate.read_bytes()
    return _with_media(document, files)


def _with_media(document: dict[str, Any], files: dict[str, bytes]) -> Package:
    media: dict[str, bytes] = {}
    for json_path, media_path in image_paths(document):
        if media_path not in files:
            raise ExchangeError(json_path, f'"{media_path}" is not in the archive')
        if media_path in media:
            continue
        try:
            check_image(files[media_path], max_bytes=MAX_MEMBER_BYTES)
        except ImageRejected as exc:
            raise ExchangeError(json_path, f'"{media_path}" is refused: {exc}') from None
        media[media_path] = files[media_path]
    unused = sorted(set(files) - set(media))
    notes = (
        [f"{len(unused)} file(s) in media/ are named by no proposal and were skipped"]
        if unused
        else []
    )
    return Package(document=document, media=media, warnings=notes)
