"""`export-site`: the feeds and the subscribe page as static files, the very bytes `serve` answers with.

The feeds are built once into the state folder (feeds.build_site; reused when the CSV is unchanged) and
copied out. Files are written only when their bytes change (so a second run on unchanged data touches
nothing), each atomically: a temp file in a private staging folder *beside* the output folder, never in
it (a temp file in the published folder would be served, and would stay there if the run were killed),
then renamed into place. Leftovers of a killed run are removed by the next one. Feeds and pages that left
the roster are removed from the token folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from followup_ics.app.config import Request
from followup_ics.edges.feeds import (
    FeedError,
    build_site,
    file_digest,
    load_site,
    load_state,
    prune_builds,
    save_state,
)
from followup_ics.edges.files import check_replaceable, real_folder
from followup_ics.edges.page import PageView, page_count, page_file, render_page
from followup_ics.wording.language import language

# At the top of the site, where a listing would show the token folder: a page that shows nothing.
_ROOT_PAGE = b"<!doctype html><title>Not here</title><p>Nothing to see here.</p>\n"
_CHUNK = 1 << 20


@dataclass
class ExportReport:
    folder: Path
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    removed: list[Path] = field(default_factory=list)


def export_site(source: Path, out_dir: Path, request: Request, *, state_dir: Path,
                base_url: str | None = None, token: str | None = None, rotate_token: bool = False) -> ExportReport:
    """Build the feeds for ``source`` and write them under ``out_dir/<token>/``; FeedError if the CSV is bad."""
    try:
        digest = file_digest(source, request)  # read a chunk at a time: the build reads its own copy
    except OSError as error:  # named here: the caller's OSError means the output folder
        raise FeedError([f"{source}: cannot read it ({error.strerror or error})"]) from None
    before = load_state(state_dir)
    state = load_state(state_dir, token=token, rotate=rotate_token)
    published = state.build
    site = load_site(state_dir, state) if digest == state.csv_sha256 else None
    if site is None:
        site, state = build_site(source, str(source), request, state, state_dir)
    folder = out_dir / state.token
    report = ExportReport(folder)
    page_base = f"{base_url.rstrip('/')}/{state.token}/" if base_url else None
    with _staging(out_dir) as staging:
        real_folder(folder)  # a symlink there would publish, and write, somewhere else
        _remove_old_temps(folder, out_dir)
        wanted: set[Path] = set()
        for name, feed in site.feeds.items():
            wanted.add(folder / name)
            _publish(folder / name, feed.path, staging, report)
        for number in range(1, page_count(site) + 1):
            page = render_page(site, page_base, view=PageView(number=number, static=True),
                               lang=language(request.language), me=request.me).encode("utf-8")
            wanted.add(folder / page_file(number))
            _publish(folder / page_file(number), page, staging, report)
        _publish(out_dir / "index.html", _ROOT_PAGE, staging, report)
        for stale in (*folder.glob("*.ics"), *folder.glob("page-*.html")):
            if stale not in wanted:
                stale.unlink()
                report.removed.append(stale)
        old_folder = out_dir / before.token
        if before.token != state.token and (old_folder / "all.ics").is_file():
            shutil.rmtree(old_folder)  # a new token: the old URLs must stop working here too
            report.removed.append(old_folder)
    save_state(state_dir, state)
    prune_builds(state_dir, [state.build, published])
    return report


@contextlib.contextmanager
def _staging(out_dir: Path) -> Iterator[Path]:
    """A private folder beside ``out_dir`` for temp files, held by this run alone, emptied before and after."""
    out_dir = out_dir.absolute()
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir.parent / f".{out_dir.name}.followup-ics-staging"
    staging.mkdir(mode=0o700, exist_ok=True)
    with (staging / ".lock").open("a+b") as lock:
        _lock(lock.fileno(), out_dir)
        for leftover in staging.iterdir():  # a killed run's temp files
            if leftover.name != ".lock":
                leftover.unlink(missing_ok=True)
        try:
            yield staging
        finally:
            for leftover in staging.iterdir():
                if leftover.name != ".lock":
                    leftover.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        (staging / ".lock").unlink()
        staging.rmdir()


def _lock(descriptor: int, out_dir: Path) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: one run at a time is up to the user
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise FeedError([f"{out_dir}: another export-site is writing there; try again when it is done"]) from None


def _remove_old_temps(folder: Path, out_dir: Path) -> None:
    """Temp files that versions before the staging folder left in the published folders when killed."""
    for leftover in (*folder.glob(".*.tmp"), *out_dir.glob(".index.html.*.tmp")):
        leftover.unlink(missing_ok=True)


def _publish(target: Path, content: Path | bytes, staging: Path, report: ExportReport) -> None:
    """Put ``content`` (a file to copy, or bytes) at ``target`` unless it is there already, atomically; a
    symlink at ``target`` is replaced by the file, never written through."""
    check_replaceable(target)
    if not target.is_symlink() and _same(target, content):
        report.unchanged += 1
        return
    temp = staging / f"{target.name}.tmp"
    with temp.open("wb") as out:
        if isinstance(content, bytes):
            out.write(content)
        else:
            with content.open("rb") as source:
                shutil.copyfileobj(source, out, _CHUNK)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(temp, 0o666 & ~_umask())  # published: readable as the umask allows, unlike the private build
    os.replace(temp, target)
    report.written.append(target)


def _same(target: Path, content: Path | bytes) -> bool:
    try:
        size = target.stat().st_size
    except OSError:
        return False
    if size != (len(content) if isinstance(content, bytes) else content.stat().st_size):
        return False
    return _digest(target) == (hashlib.sha256(content).digest() if isinstance(content, bytes) else _digest(content))


def _digest(path: Path) -> bytes:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.digest()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
