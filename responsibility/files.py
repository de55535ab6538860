"""Files stored inside a transaction live and die with it.

A database rollback cannot take back a file already written to MEDIA_ROOT or the bucket, so
every service that stores a file does it inside `files.atomic()` (a `transaction.atomic()` that
also remembers what it stored) through `files.save(...)`:

- the block raises, or its transaction is marked for rollback → the files it stored are deleted;
- it succeeds inside another `files.atomic()` block → its files become that block's, and share
  its fate;
- the outermost block commits → the files are kept.

What no code can clean up (a worker killed with SIGKILL between storing and committing, or an
outer plain `transaction.atomic()` that rolls back after a `files.atomic()` inside it has
finished) is found and removed by `manage.py media_audit --delete` (responsibility.media_audit).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stored:
    storage: Storage
    name: str


# One list per open `atomic()` block, innermost last.
_blocks: ContextVar[tuple[list[Stored], ...]] = ContextVar("stored_files", default=())


@contextmanager
def atomic(using: str | None = None) -> Iterator[None]:
    """`transaction.atomic()` that deletes the files stored in it if it rolls back.

    Usable as a decorator, like `transaction.atomic`; each call gets its own block.
    """
    stored: list[Stored] = []
    token = _blocks.set((*_blocks.get(), stored))
    try:
        with transaction.atomic(using=using):
            yield
            # Code that caught a database error without a savepoint leaves the block marked
            # for rollback: it ends without an exception, but nothing in it is committed.
            rolled_back = transaction.get_rollback(using)
    except BaseException:
        _blocks.reset(token)
        discard(stored)
        raise
    _blocks.reset(token)
    if rolled_back:
        discard(stored)
        return
    outer = _blocks.get()
    if outer:
        outer[-1].extend(stored)
    elif stored and transaction.get_connection(using).in_atomic_block:
        # An outer plain transaction.atomic() decides; its rollback cannot be observed.
        logger.debug("files kept inside an untracked transaction: %s", [s.name for s in stored])


def save(field_file: FieldFile, name: str, content: File) -> str:
    """Store `content` as `field_file` (the row itself is not saved) inside `atomic()`.

    Returns the name the storage chose. Outside a block this is a programming error: a file
    stored there could outlive the row it was meant for.
    """
    blocks = _blocks.get()
    if not blocks:
        raise RuntimeError("files.save() must run inside files.atomic()")
    field_file.save(name, content, save=False)
    stored_name = field_file.name
    if stored_name is None:  # FieldFile.save() always sets it; the stubs allow None
        raise RuntimeError("the storage returned no name")
    blocks[-1].append(Stored(field_file.storage, stored_name))
    return stored_name


def discard(stored: list[Stored]) -> None:
    """Delete files whose rows were rolled back; a failure is logged (media_audit finds it)."""
    for item in stored:
        try:
            item.storage.delete(item.name)
        except Exception:
            logger.exception("could not delete %s after a rollback", item.name)
    stored.clear()
