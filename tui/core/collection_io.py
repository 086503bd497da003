"""A collection on disk: a directory of TOML files.

    my-api/
      collection.toml      name, description, variables, default auth, order
      get-user.toml        one file per request
      vehicle/             a folder
        folder.toml        its name, description, auth, order
        odometer.toml

Loading a malformed file records a LoadIssue (file and line) and goes on with the rest.
Every write is atomic, so a crash never leaves half a request behind.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import tomli_w

from tui.core.atomic import atomic_write_text, remove_stale_temporaries
from tui.core.errors import LoadIssue
from tui.core.model import Collection, Folder, Request
from tui.core.serialize import (
    SchemaError,
    auth_from_dict,
    auth_to_dict,
    request_from_dict,
    request_to_dict,
)
from tui.core.tomlfile import TomlFileError, line_of_key, read_toml

COLLECTION_FILE = "collection.toml"
FOLDER_FILE = "folder.toml"


def slugify(name: str) -> str:
    """A file-system-safe, readable name: "All Vehicles" -> "all-vehicles"."""
    normal = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-zA-Z0-9]+", "-", normal).strip("-").lower()
    return slug[:60] or "item"


def _unique(stem: str, taken: set[str]) -> str:
    candidate, counter = stem, 2
    while candidate in taken:
        candidate = f"{stem}-{counter}"
        counter += 1
    taken.add(candidate)
    return candidate


# ---- loading ---------------------------------------------------------------------------


def load_collection(
    directory: Path, *, read_only: bool = False
) -> tuple[Collection, list[LoadIssue]]:
    directory = Path(directory)
    issues: list[LoadIssue] = []
    collection = Collection(name=directory.name, path=directory, read_only=read_only)
    collection.dir_name = directory.name
    header = directory / COLLECTION_FILE
    meta: dict[str, Any] = {}
    if header.exists():
        meta = _read(header, issues)
        try:
            _apply_folder_meta(collection, meta, header)
            variables = meta.get("variables", {})
            if not isinstance(variables, dict):
                raise SchemaError("variables", "expected a table")
            collection.variables = {str(k): str(v) for k, v in variables.items()}
        except SchemaError as exc:
            issues.append(LoadIssue(header, str(exc), line_of_key(header, exc.field.split(".")[0])))
    _load_children(collection, directory, _order(meta, header, issues), issues)
    return collection, issues


def _order(meta: dict[str, Any], header: Path, issues: list[LoadIssue]) -> list[Any]:
    # Why: a hand-edited ``order = 1`` used to raise TypeError and stop the whole load.
    order = meta.get("order", [])
    if isinstance(order, list):
        return order
    issues.append(LoadIssue(header, "order: expected a list", line_of_key(header, "order")))
    return []


def _read(path: Path, issues: list[LoadIssue]) -> dict[str, Any]:
    try:
        return read_toml(path)
    except TomlFileError as exc:
        issues.append(exc.issue)
        return {}


def _apply_folder_meta(folder: Folder, meta: dict[str, Any], path: Path) -> None:
    name = meta.get("name", folder.name)
    if not isinstance(name, str) or not name.strip():
        raise SchemaError("name", "expected a non-empty string")
    folder.name = name
    description = meta.get("description", "")
    if not isinstance(description, str):
        raise SchemaError("description", "expected a string")
    folder.description = description
    if "auth" in meta:
        folder.auth = auth_from_dict(meta["auth"])


def _load_children(folder: Folder, directory: Path, order: Any, issues: list[LoadIssue]) -> None:
    entries: dict[str, Path] = {}
    for child in directory.iterdir():
        if child.name.startswith("."):
            continue
        if child.is_dir():
            entries[child.name + "/"] = child
        elif child.suffix == ".toml" and child.name not in (COLLECTION_FILE, FOLDER_FILE):
            entries[child.stem] = child
    ordered = [key for key in order if isinstance(key, str) and key in entries]
    ordered += sorted(key for key in entries if key not in ordered)
    for key in ordered:
        child = entries[key]
        if child.is_dir():
            folder.folders.append(_load_folder(child, issues))
        else:
            request = _load_request(child, issues)
            if request is not None:
                folder.requests.append(request)


def _load_folder(directory: Path, issues: list[LoadIssue]) -> Folder:
    folder = Folder(name=directory.name, dir_name=directory.name)
    header = directory / FOLDER_FILE
    meta: dict[str, Any] = {}
    if header.exists():
        meta = _read(header, issues)
        try:
            _apply_folder_meta(folder, meta, header)
        except SchemaError as exc:
            issues.append(LoadIssue(header, str(exc), line_of_key(header, exc.field.split(".")[0])))
    _load_children(folder, directory, _order(meta, header, issues), issues)
    return folder


def _load_request(path: Path, issues: list[LoadIssue]) -> Request | None:
    try:
        data = read_toml(path)
    except TomlFileError as exc:
        issues.append(exc.issue)
        return None
    try:
        request = request_from_dict(data)
    except SchemaError as exc:
        top = re.split(r"[.\[]", exc.field)[0]
        issues.append(LoadIssue(path, str(exc), line_of_key(path, top)))
        return None
    request.file_stem = path.stem
    return request


def load_collections(root: Path) -> tuple[list[Collection], list[LoadIssue]]:
    """Every collection directory under ``root`` (the user's collections dir)."""
    collections: list[Collection] = []
    issues: list[LoadIssue] = []
    if not root.is_dir():
        return collections, issues
    remove_stale_temporaries(root)
    for directory in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        collection, found = load_collection(directory)
        collections.append(collection)
        issues.extend(found)
    return collections, issues


# ---- saving ----------------------------------------------------------------------------


def _dump(data: dict[str, Any]) -> str:
    return tomli_w.dumps(data, multiline_strings=True)


def assign_file_names(folder: Folder) -> None:
    """Give every request a file stem and every folder a directory name, unique per folder."""
    taken: set[str] = set()
    for request in folder.requests:
        if request.file_stem and request.file_stem not in taken:
            taken.add(request.file_stem)
    for request in folder.requests:
        if not request.file_stem or request.file_stem not in taken:
            request.file_stem = _unique(slugify(request.name), taken)
    dirs: set[str] = set(taken)
    for sub in folder.folders:
        if not sub.dir_name or sub.dir_name in dirs:
            sub.dir_name = _unique(slugify(sub.name), dirs)
        else:
            dirs.add(sub.dir_name)
        assign_file_names(sub)


def _folder_meta(folder: Folder) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": folder.name}
    if folder.description:
        meta["description"] = folder.description
    meta["order"] = [r.file_stem for r in folder.requests] + [
        f"{f.dir_name}/" for f in folder.folders
    ]
    if folder.auth is not None:
        meta["auth"] = auth_to_dict(folder.auth)
    return meta


def save_collection(collection: Collection, directory: Path | None = None) -> Path:
    """Write the whole collection; files of requests that no longer exist are removed."""
    target = Path(directory or collection.path)
    if collection.read_only and directory is None:
        raise PermissionError(f"{collection.name} is read-only; duplicate it to edit")
    target.mkdir(parents=True, exist_ok=True)
    assign_file_names(collection)
    header = _folder_meta(collection)
    if collection.variables:
        header["variables"] = dict(collection.variables)
    atomic_write_text(target / COLLECTION_FILE, _dump(header))
    _save_children(collection, target)
    collection.path = target
    return target


def _save_children(folder: Folder, directory: Path) -> None:
    keep = {COLLECTION_FILE, FOLDER_FILE}
    for request in folder.requests:
        write_request_file(directory / f"{request.file_stem}.toml", request)
        keep.add(f"{request.file_stem}.toml")
    for sub in folder.folders:
        sub_dir = directory / sub.dir_name
        sub_dir.mkdir(exist_ok=True)
        atomic_write_text(sub_dir / FOLDER_FILE, _dump(_folder_meta(sub)))
        _save_children(sub, sub_dir)
        keep.add(sub.dir_name)
    for child in directory.iterdir():
        if child.name in keep or child.name.startswith("."):
            continue
        if child.is_dir():
            shutil.rmtree(child)
        elif child.suffix == ".toml":
            child.unlink()


def write_request_file(path: Path, request: Request) -> None:
    atomic_write_text(path, _dump(request_to_dict(request)))
    request.dirty = False


def request_path(collection: Collection, request: Request) -> Path | None:
    """The file a request lives in, or None when it has not been saved yet."""
    if collection.path is None or not request.file_stem:
        return None
    found = _locate(collection, request, Path(collection.path))
    return found


def _locate(folder: Folder, request: Request, directory: Path) -> Path | None:
    if any(r is request for r in folder.requests):
        return directory / f"{request.file_stem}.toml"
    for sub in folder.folders:
        if sub.dir_name:
            hit = _locate(sub, request, directory / sub.dir_name)
            if hit is not None:
                return hit
    return None


def save_request(collection: Collection, request: Request) -> Path:
    """Save one request. New requests (no file yet) cause the folder's order to be rewritten."""
    if collection.read_only:
        raise PermissionError(f"{collection.name} is read-only; duplicate it to edit")
    path = request_path(collection, request)
    if path is None or not path.parent.exists():
        save_collection(collection)
        found = request_path(collection, request)
        assert found is not None
        return found
    write_request_file(path, request)
    return path
