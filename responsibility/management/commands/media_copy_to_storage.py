"""Copy a local media folder into the configured storage (an S3-compatible bucket), verified.

For moving an installation from local disk to object storage (README, "Several servers"): run it
with MEDIA_STORAGE=s3 and the bucket's settings, `--source` naming the old MEDIA_ROOT. Files keep
their names, so every row keeps pointing at its file. Each copy is read back and compared by
SHA-256; a file already in the bucket with the same content is skipped, a different one is
reported and left alone. The source is never changed: delete it yourself once the site runs on
the bucket. Running it twice copies nothing twice.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

# What the product stores; staged imports and the upload temp folder are not worth moving.
FOLDERS = ("evidence", "accountability", "exports")


def sha256_of(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Copy local media files (evidence, decision documents, exports) into MEDIA_STORAGE."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", required=True, help="the old MEDIA_ROOT folder")
        parser.add_argument("--dry-run", action="store_true", help="list, copy nothing")

    def handle(self, *args: Any, source: str, dry_run: bool, **options: Any) -> None:
        root = Path(source)
        if not root.is_dir():
            raise CommandError(f"{root} is not a folder")
        copied = skipped = conflicts = 0
        for path in sorted(p for folder in FOLDERS for p in (root / folder).rglob("*")):
            if not path.is_file():
                continue
            name = path.relative_to(root).as_posix()
            with path.open("rb") as handle:
                local_hash = sha256_of(handle)
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as stored:
                    if sha256_of(stored) == local_hash:
                        skipped += 1
                        continue
                conflicts += 1
                self.stderr.write(f"differs, left alone: {name}")
                continue
            if dry_run:
                self.stdout.write(f"would copy {name}")
                copied += 1
                continue
            with path.open("rb") as handle:
                saved = default_storage.save(name, File(handle, name=path.name))
            if saved != name:
                raise CommandError(f"storage renamed {name} to {saved}; rows would not find it")
            with default_storage.open(name, "rb") as stored:
                if sha256_of(stored) != local_hash:
                    raise CommandError(f"{name}: the stored copy differs from the source")
            copied += 1
        verb = "would copy" if dry_run else "copied"
        self.stdout.write(f"{verb} {copied}, already there {skipped}, differing {conflicts}")
        if conflicts:
            raise CommandError(f"{conflicts} files differ from what the storage holds")
