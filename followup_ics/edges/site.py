"""`export-site`: the feeds and the subscribe page as static files, the very bytes `serve` answers with.

Files are written only when their bytes change (so a second run on unchanged data touches nothing) and
each atomically; feeds of interviews that left the CSV are removed from the token folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from followup_ics.app.config import Request
from followup_ics.edges.feeds import FeedError, build_site, load_state, save_state
from followup_ics.edges.files import read_if_exists, write_atomic
from followup_ics.edges.page import render_page

# At the top of the site, where a listing would show the token folder: a page that shows nothing.
_ROOT_PAGE = b"<!doctype html><title>Not here</title><p>Nothing to see here.</p>\n"


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
        data = source.read_bytes()
    except OSError as error:  # named here: the caller's OSError means the output folder
        raise FeedError([f"{source}: cannot read it ({error.strerror or error})"]) from None
    state = load_state(state_dir, token=token, rotate=rotate_token)
    site, state = build_site(data, str(source), request, state)
    folder = out_dir / state.token
    folder.mkdir(parents=True, exist_ok=True)
    report = ExportReport(folder)
    page_base = f"{base_url.rstrip('/')}/{state.token}/" if base_url else None
    files = {folder / name: feed.data for name, feed in site.feeds.items()}
    files[folder / "index.html"] = render_page(site, page_base).encode("utf-8")
    files[out_dir / "index.html"] = _ROOT_PAGE
    for path, data in files.items():
        if read_if_exists(path) == data:
            report.unchanged += 1
            continue
        write_atomic(path, data)
        report.written.append(path)
    for stale in folder.glob("*.ics"):
        if stale not in files:
            stale.unlink()
            report.removed.append(stale)
    save_state(state_dir, state)
    return report
