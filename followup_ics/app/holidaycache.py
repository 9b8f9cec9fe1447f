"""The holidays library's answers kept on disk between runs, so that a plan in a country usually starts
without importing the library at all (about 140 ms of a `generate`'s 210: its registry, its version
lookup through importlib.metadata, and two years of a country's calendar computed).

What is kept, under ``$XDG_CACHE_HOME/followup-ics/`` (else ``~/.cache/followup-ics/``), in a folder per
installed copy of the library:

- ``codes.json``: every country code the library accepts and the code it files it under;
- one file per (country, region, year, categories, language): that year's days off with their names,
  weekend days and make-up working days, exactly as ``workdays.library_year`` gives them.

The folder's name is stamped with the library's own folder and the size and modification time of its
``version.py`` (found without importing the library): upgrading, downgrading or reinstalling it starts
afresh. The cache is never required and never fatal: no home, a read-only one, a file that is corrupt,
truncated or not ours are all read as "not kept", and the library answers (and a fresh file is written,
atomically: a temporary file renamed into place, so a reader never sees half a file).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from followup_ics.core.workdays import CountryYear, library_codes, library_year

FORMAT = 1  # of the files below: a new format starts a new folder


def cache_root() -> Path | None:
    """The user's cache folder for this program, as the XDG base directory rules say; None without a home."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the spec: a relative path is invalid and is ignored
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return Path(base, "followup-ics")


@functools.cache
def library_folder() -> Path | None:
    """This run's folder of kept answers, or None when the library cannot be found or stamped."""
    root = cache_root()
    if root is None:
        return None
    stamp = library_stamp()
    return None if stamp is None else root / f"holidays-{stamp}-f{FORMAT}"


def library_stamp() -> str | None:
    """Which copy of the holidays library is installed, cheaply: its folder, and its version.py's size and
    modification time (importing it, or asking importlib.metadata, would cost what the cache saves)."""
    from importlib.util import find_spec
    from zlib import crc32

    try:
        spec = find_spec("holidays")
        if spec is None or not spec.origin:
            return None
        folder = os.path.dirname(spec.origin)
        version = os.stat(os.path.join(folder, "version.py"))
    except (OSError, ImportError, ValueError):
        return None
    return f"{crc32(folder.encode('utf-8', 'surrogateescape')):08x}-{version.st_size:x}-{version.st_mtime_ns:x}"


def answers_kept() -> bool:
    """Whether an earlier run with this copy of the library kept its answers here."""
    folder = library_folder()
    return folder is not None and os.path.isfile(folder / "codes.json")


def country_codes() -> dict[str, str]:
    """``workdays.library_codes()``, kept."""
    return _codes()


@functools.cache
def _codes() -> dict[str, str]:
    kept = _read("codes.json")
    if isinstance(kept, dict) and kept and all(isinstance(k, str) and isinstance(v, str) for k, v in kept.items()):
        return kept
    codes = library_codes()
    _write("codes.json", codes)
    return codes


@functools.lru_cache(maxsize=1024)
def kept_year(country: str, region: str, year: int, categories: tuple[str, ...], language: str) -> CountryYear:
    """``workdays.library_year`` (a ``YearSource``), kept: the same days, names, weekend and make-up days."""
    key = [country, region, year, list(categories), language]
    parts = (country, region or "-", str(year), "+".join(categories), language)
    name = "_".join(parts) + ".json" if all(_plain(part) for part in parts) else ""
    if name:
        try:
            return _decoded(_read(name), key, year)
        except (ValueError, TypeError, KeyError, IndexError):
            pass  # not kept, or not readable as ours: the library answers and the file is written afresh
    calendar = library_year(country, region, year, categories, language)
    if name:
        _write(name, _encoded(calendar, key))
    return calendar


def _plain(part: str) -> bool:
    """A part of a file name that is safe on every system: letters, digits, '-', '_' and '+'."""
    return bool(part) and all(c.isascii() and (c.isalnum() or c in "-_+") for c in part)


def _encoded(calendar: CountryYear, key: list[Any]) -> dict[str, Any]:
    return {"key": key,
            "names": sorted([day.toordinal(), name] for day, name in calendar.names.items()),
            "weekend": sorted(day.toordinal() for day in calendar.weekend),
            "working": sorted(day.toordinal() for day in calendar.working)}


def _decoded(kept: Any, key: list[Any], year: int) -> CountryYear:
    """The kept year, checked to be the one asked for and well formed (ValueError, TypeError... if not)."""
    if kept["key"] != key:
        raise ValueError("another key")  # a different question that mapped to the same file name
    first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()

    def day(ordinal: Any) -> date:
        if type(ordinal) is not int or not first <= ordinal <= last:
            raise ValueError(f"not a day of {year}: {ordinal!r}")
        return date.fromordinal(ordinal)

    names = {day(ordinal): name for ordinal, name in kept["names"]}
    if not all(type(name) is str for name in names.values()):
        raise TypeError("a holiday name that is not text")
    return CountryYear(names, frozenset(map(day, kept["weekend"])), frozenset(map(day, kept["working"])))


def _read(name: str) -> Any:
    """The JSON kept under ``name``; None when there is none or it cannot be read."""
    folder = library_folder()
    if folder is None:
        return None
    try:
        with open(folder / name, "rb") as handle:
            return json.loads(handle.read())
    except (OSError, ValueError):  # missing, unreadable, truncated, not JSON, not UTF-8
        return None


def _write(name: str, value: Any) -> None:
    """Keep ``value`` under ``name``, atomically; any failure (read-only home, full disk) only costs the next
    run the library's time."""
    folder = library_folder()
    if folder is None:
        return
    temporary = folder / f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"  # threads of one process too
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(value, handle, ensure_ascii=False, separators=(",", ":"))
        os.replace(temporary, folder / name)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
