"""The batch output folder: what batch wrote there (the manifest) and a run caught mid-rename (the journal).

Contract:
- ``.followup-ics-manifest`` in the folder lists, one per line, the files batch wrote there. A later run
  removes the files of that list it no longer produces, and nothing else: a file batch did not write is
  never removed, whatever its name. A run that skipped invalid rows removes nothing (the skipped row's
  file may be one of them) and keeps listing the old files, so a later complete run removes them.
- A run stages every file first. Once all are staged and on disk it writes ``.followup-ics-journal``,
  naming the staging folder, and only then renames the files into place, removes the stale ones,
  replaces the manifest and deletes the journal. A run killed in between leaves the journal and the
  staged files not yet moved: the next run finishes those renames first (roll forward: the staged set
  was complete and valid), so the folder is never left a mix of two runs.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from followup_ics.edges.files import check_replaceable

MANIFEST = ".followup-ics-manifest"
JOURNAL = ".followup-ics-journal"
_STAGED_MANIFEST = ".manifest"
_STAGED_JOURNAL = ".journal"
_MANIFEST_HEAD = "# Files written here by followup-ics batch; a later run removes those it no longer makes.\n"


def commit(staging: Path, out_dir: Path, *, combined: str, keep_old: bool) -> tuple[int, list[str]]:
    """Put the staged files in place as one step that a later run can finish: (files moved, removed).

    Raises UnsafeOutput before anything moves if a staged name is taken by a folder or special file.
    """
    staged = _staged_names(staging)
    for name in staged:
        check_replaceable(out_dir / name)
    listed = set(staged)
    if keep_old:  # rows were skipped: one of them may have made an old file; keep them all, listed
        listed |= {name for name in read_manifest(out_dir) if (out_dir / name).exists()}
    _write_synced(staging / _STAGED_MANIFEST, _MANIFEST_HEAD + "".join(f"{name}\n" for name in sorted(listed)))
    # Written inside staging, then renamed: a kill mid-write leaves no stray file in the output folder.
    _write_synced(staging / _STAGED_JOURNAL, f"{staging.name}\n")
    os.replace(staging / _STAGED_JOURNAL, out_dir / JOURNAL)
    return _apply(staging, out_dir, combined)


def _write_synced(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def finish_interrupted(out_dir: Path, *, staging_prefix: str, combined: str) -> int | None:
    """Finish a run killed while renaming (the journal names its staging folder): files moved, or None."""
    try:
        name = (out_dir / JOURNAL).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    staging = out_dir / name
    if not (_plain_name(name) and name.startswith(staging_prefix) and (staging / _STAGED_MANIFEST).is_file()):
        (out_dir / JOURNAL).unlink(missing_ok=True)  # not one of ours, or its work is already done
        return None
    moved, _ = _apply(staging, out_dir, combined)
    shutil.rmtree(staging, ignore_errors=True)
    return moved


def interrupted(out_dir: Path) -> bool:
    """Whether a run began putting its files in place in ``out_dir`` and did not finish."""
    return (out_dir / JOURNAL).exists()


def read_manifest(out_dir: Path) -> Iterator[str]:
    """The file names a manifest lists; only plain names of .ics files, so an edited one cannot reach out."""
    try:
        with (out_dir / MANIFEST).open(encoding="utf-8") as handle:
            for line in handle:
                name = line.strip()
                if name and not name.startswith("#") and _plain_name(name) and name.endswith(".ics"):
                    yield name
    except (FileNotFoundError, UnicodeDecodeError):
        return


def _apply(staging: Path, out_dir: Path, combined: str) -> tuple[int, list[str]]:
    """Move the staged files in (the combined feed last), remove stale listed files, swap the manifest."""
    moved = 0
    # Listed from the folder, not kept in memory: 100,000 names add up.
    with os.scandir(staging) as entries:
        for entry in entries:
            if entry.name.endswith(".ics") and entry.name != combined:
                os.replace(entry.path, out_dir / entry.name)
                moved += 1
    if (staging / combined).exists():
        os.replace(staging / combined, out_dir / combined)
        moved += 1
    listed = set(_listed(staging / _STAGED_MANIFEST))
    removed = []
    for name in read_manifest(out_dir):
        if name not in listed and _remove_file(out_dir / name):
            removed.append(name)
    os.replace(staging / _STAGED_MANIFEST, out_dir / MANIFEST)
    (out_dir / JOURNAL).unlink(missing_ok=True)
    return moved, removed


def _staged_names(staging: Path) -> list[str]:
    with os.scandir(staging) as entries:
        return [entry.name for entry in entries if entry.name.endswith(".ics")]


def _listed(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                yield line.strip()


def _remove_file(path: Path) -> bool:
    """Remove a file or symlink we listed; never a folder (someone else put it there)."""
    try:
        if path.is_dir() and not path.is_symlink():
            return False
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def _plain_name(name: str) -> bool:
    return name not in (".", "..") and "/" not in name and "\\" not in name and "\x00" not in name
