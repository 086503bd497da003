"""Editing the shape of a collection: add, rename, duplicate, delete and move items.

Pure model operations plus a save; the tree screen calls these and re-renders.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import TypeVar

from tui.core.collection_io import save_collection, slugify
from tui.core.errors import CarmanError
from tui.core.model import Auth, Collection, Folder, Request


class ReadOnlyCollection(CarmanError):
    def __init__(self, collection: Collection) -> None:
        super().__init__(
            f"{collection.name} is built in and read-only: duplicate it "
            "(command palette: 'Duplicate the collection') to edit a copy"
        )


def _writable(collection: Collection) -> None:
    if collection.read_only:
        raise ReadOnlyCollection(collection)


def parent_of(collection: Collection, item: Request | Folder) -> Folder | None:
    """The folder (or the collection itself) that directly holds ``item``."""
    stack: list[Folder] = [collection]
    while stack:
        folder = stack.pop()
        if any(r is item for r in folder.requests) or any(f is item for f in folder.folders):
            return folder
        stack.extend(folder.folders)
    return None


def unique_name(names: list[str], wanted: str) -> str:
    if wanted not in names:
        return wanted
    counter = 2
    while f"{wanted} ({counter})" in names:
        counter += 1
    return f"{wanted} ({counter})"


def add_request(collection: Collection, folder: Folder, name: str = "New request") -> Request:
    _writable(collection)
    request = Request(name=unique_name([r.name for r in folder.requests], name), url="")
    folder.requests.append(request)
    save_collection(collection)
    return request


def add_folder(collection: Collection, parent: Folder, name: str = "New folder") -> Folder:
    _writable(collection)
    folder = Folder(name=unique_name([f.name for f in parent.folders], name))
    parent.folders.append(folder)
    save_collection(collection)
    return folder


def rename(collection: Collection, item: Request | Folder | Collection, name: str) -> None:
    _writable(collection)
    if not name.strip():
        raise CarmanError("A name cannot be empty")
    item.name = name.strip()
    save_collection(collection)


def duplicate_request(collection: Collection, request: Request) -> Request:
    _writable(collection)
    parent = parent_of(collection, request)
    if parent is None:
        raise CarmanError(f"{request.name} is not in {collection.name}")
    clone = request.copy()
    clone.file_stem = ""
    clone.name = unique_name([r.name for r in parent.requests], f"{request.name} copy")
    parent.requests.insert(parent.requests.index(request) + 1, clone)
    save_collection(collection)
    return clone


def delete(collection: Collection, item: Request | Folder) -> None:
    _writable(collection)
    parent = parent_of(collection, item)
    if parent is None:
        return
    if isinstance(item, Request) and not isinstance(item, Folder):
        parent.requests = [r for r in parent.requests if r is not item]
    else:
        parent.folders = [f for f in parent.folders if f is not item]
    save_collection(collection)


def move(collection: Collection, item: Request | Folder, step: int) -> bool:
    """Move up (-1) or down (+1) among its siblings; False when already at the end."""
    _writable(collection)
    parent = parent_of(collection, item)
    if parent is None:
        return False
    if isinstance(item, Request):
        return _move_among(collection, parent.requests, item, step)
    return _move_among(collection, parent.folders, item, step)


_Item = TypeVar("_Item", Request, Folder)


def _move_among(collection: Collection, siblings: list[_Item], item: _Item, step: int) -> bool:
    index = next(i for i, s in enumerate(siblings) if s is item)
    target = index + step
    if not 0 <= target < len(siblings):
        return False
    siblings[index], siblings[target] = siblings[target], siblings[index]
    save_collection(collection)
    return True


def move_to_folder(collection: Collection, request: Request, target: Folder) -> None:
    _writable(collection)
    parent = parent_of(collection, request)
    if parent is None or parent is target:
        return
    parent.requests = [r for r in parent.requests if r is not request]
    request.file_stem = ""
    request.name = unique_name([r.name for r in target.requests], request.name)
    target.requests.append(request)
    save_collection(collection)


def all_folders(collection: Collection) -> list[tuple[str, Folder]]:
    """Every folder with a readable path, the collection itself first."""
    found: list[tuple[str, Folder]] = [(collection.name, collection)]

    def walk(folder: Folder, prefix: str) -> None:
        for sub in folder.folders:
            path = f"{prefix} / {sub.name}"
            found.append((path, sub))
            walk(sub, path)

    walk(collection, collection.name)
    return found


def duplicate_collection(collection: Collection, root: Path, name: str | None = None) -> Collection:
    """Copy any collection (a built-in one included) into ``root`` as an editable one."""
    clone = copy.deepcopy(collection)
    clone.read_only = False
    clone.name = name or f"{collection.name} (copy)"
    target = root / slugify(clone.name)
    if target.exists():
        raise CarmanError(f"{target} already exists; choose another name")
    try:
        save_collection(clone, target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return clone


def collection_name_problem(root: Path, name: str, taken: list[str]) -> str | None:
    """Why ``name`` cannot name a new collection (None when it can): empty, the name of another
    collection, or a directory that exists. Collection names stay unique, so a path such as
    "My requests/Odometer" always means one request."""
    name = name.strip()
    if not name:
        return "A collection needs a name"
    if name.lower() in (t.lower() for t in taken):
        return f"There is already a collection named {name!r}: choose another name"
    target = root / slugify(name)
    if target.exists():
        return f"{target} already exists: choose another name"
    return None


def new_collection(
    root: Path,
    name: str,
    *,
    taken: list[str] | None = None,
    requests: list[Request] | None = None,
    auth: Auth | None = None,
) -> Collection:
    """Create a collection on disk (empty unless ``requests`` are given); ``auth`` is the
    default its requests inherit. Raises CarmanError when the name cannot be used."""
    problem = collection_name_problem(root, name, taken or [])
    if problem is not None:
        raise CarmanError(problem)
    collection = Collection(name=name.strip(), requests=list(requests or []), auth=auth)
    target = root / slugify(collection.name)
    try:
        save_collection(collection, target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # never half a collection on disk
        raise
    collection.path = target
    return collection
