"""The holidays library's answers kept on disk between runs: a kept year is exactly the library's, a file
that is corrupt or from another copy of the library is ignored and written afresh, an unusable cache folder
is never fatal, and a second run in a country starts without importing the library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from followup_ics.app import holidaycache
from followup_ics.app.holidaycache import country_codes, kept_year, library_stamp
from followup_ics.core.workdays import library_codes, library_year


def _forget() -> None:
    """Drop what this process remembers, so the next question goes to the disk."""
    kept_year.cache_clear()
    holidaycache._codes.cache_clear()
    holidaycache.library_folder.cache_clear()


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test keeps its answers in its own folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _forget()
    yield tmp_path / "cache"
    _forget()


def _library_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, an answer can only come from the disk."""
    def refuse(*args: object) -> None:
        raise AssertionError(f"asked the library for {args}")

    monkeypatch.setattr(holidaycache, "library_year", refuse)
    monkeypatch.setattr(holidaycache, "library_codes", refuse)


YEARS = [
    # The common case: the federal calendar, with an observed day (Independence Day on a Saturday).
    ("US", "", 2026, ("public",), "en"),
    # A region and the names in German: Bavaria's own days (Epiphany, Corpus Christi).
    ("DE", "BY", 2027, ("public",), "de"),
    # Make-up working days: China's weekend days marked as working must come back as such.
    ("CN", "", 2026, ("public",), "en"),
    # A weekend that changed mid-year: the UAE moved to Saturday-Sunday in 2022.
    ("AE", "", 2022, ("public",), "en"),
    # A second category and non-ASCII names: Brazil's Carnival (optional) in Portuguese.
    ("BR", "", 2026, ("optional", "public"), "pt-BR"),
]


@pytest.mark.parametrize(("country", "region", "year", "categories", "language"), YEARS)
def test_a_kept_year_is_exactly_the_librarys(country: str, region: str, year: int, categories: tuple[str, ...],
                                             language: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Written on the first run, read on the next: the same names, weekend and make-up days as the library."""
    expected = library_year(country, region, year, categories, language)
    assert kept_year(country, region, year, categories, language) == expected
    _forget()
    _library_refuses(monkeypatch)
    assert kept_year(country, region, year, categories, language) == expected


def test_kept_codes_are_the_librarys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The country codes the library accepts are kept too (knowing them costs its whole registry)."""
    assert country_codes() == library_codes()
    _forget()
    _library_refuses(monkeypatch)
    assert country_codes() == library_codes()


def _the_kept_file(cache_home: Path) -> Path:
    (found,) = [p for p in cache_home.rglob("US_*_2026_*.json")]
    return found


CORRUPT = [
    # A run killed mid-write on a system without atomic rename: half a file.
    lambda text: text[: len(text) // 2],
    # Not text at all.
    lambda text: "\x00\xff\xfe garbage",
    # Valid JSON, not ours.
    lambda text: "[1, 2, 3]",
    # Ours, but another question's answer under this name (the key is checked, not only the name).
    lambda text: text.replace('"US"', '"CA"', 1),
    # A day outside the year asked for.
    lambda text: text.replace('"weekend":[', '"weekend":[1,', 1),
    # A holiday name that is not text.
    lambda text: text.replace('"Thanksgiving Day"', "42", 1),
    # A list where a table is expected.
    lambda text: text.replace('"names":[', '"names":[[1],', 1),
]


@pytest.mark.parametrize("corrupt", CORRUPT)
def test_a_corrupt_file_is_ignored_and_written_afresh(corrupt: object, cache_home: Path) -> None:
    """Whatever is in the file, the library's days come back and the file is whole again."""
    expected = library_year("US", "", 2026, ("public",), "en")
    kept_year("US", "", 2026, ("public",), "en")
    kept = _the_kept_file(cache_home)
    whole = kept.read_text(encoding="utf-8")
    kept.write_bytes(corrupt(whole).encode("utf-8", "surrogateescape"))  # type: ignore[operator]
    _forget()
    assert kept_year("US", "", 2026, ("public",), "en") == expected
    assert kept.read_text(encoding="utf-8") == whole


def test_an_edited_file_is_what_a_run_reads(cache_home: Path) -> None:
    """A well-formed kept file is trusted as it stands (so the tests above prove the disk was read)."""
    kept_year("US", "", 2026, ("public",), "en")
    kept = _the_kept_file(cache_home)
    kept.write_text(kept.read_text(encoding="utf-8").replace("Thanksgiving Day", "Turkey Day"), encoding="utf-8")
    _forget()
    names = kept_year("US", "", 2026, ("public",), "en").names
    assert "Turkey Day" in names.values()


def test_another_copy_of_the_library_starts_afresh(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Upgrading the library (a new stamp) never reads what the old one answered."""
    kept_year("US", "", 2026, ("public",), "en")
    kept = _the_kept_file(cache_home)
    kept.write_text(kept.read_text(encoding="utf-8").replace("Thanksgiving Day", "Turkey Day"), encoding="utf-8")
    _forget()
    monkeypatch.setattr(holidaycache, "library_stamp", lambda: "upgraded")
    names = kept_year("US", "", 2026, ("public",), "en").names
    assert "Thanksgiving Day" in names.values() and "Turkey Day" not in names.values()
    assert len(list(cache_home.rglob("US_*_2026_*.json"))) == 2


def test_the_stamp_follows_the_installed_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another version.py (rewritten by an upgrade) or another folder gives another stamp."""
    import importlib.util
    from importlib.machinery import ModuleSpec

    def fake(folder: Path) -> None:
        monkeypatch.setattr(importlib.util, "find_spec",
                            lambda name: ModuleSpec(name, None, origin=str(folder / "__init__.py")))

    first, second = tmp_path / "a" / "holidays", tmp_path / "b" / "holidays"
    for folder in (first, second):
        folder.mkdir(parents=True)
        (folder / "version.py").write_text('__version__ = "0.109"\n')
        os.utime(folder / "version.py", ns=(10**18, 10**18))
    fake(first)
    stamp = library_stamp()
    assert stamp is not None and library_stamp() == stamp
    (first / "version.py").write_text('__version__ = "0.110.1"\n')
    os.utime(first / "version.py", ns=(10**18, 10**18))  # same time, another size
    assert library_stamp() != stamp
    (first / "version.py").write_text('__version__ = "0.109"\n')
    assert library_stamp() != stamp  # same size, another time
    fake(second)
    assert library_stamp() != stamp
    (second / "version.py").unlink()
    assert library_stamp() is None  # a copy that cannot be stamped keeps nothing


@pytest.mark.parametrize("where", [
    # The cache path is a file, not a folder: nothing can be written under it.
    "file",
    # A relative XDG_CACHE_HOME is invalid by the spec and ignored; the home is a file here too.
    "relative",
])
def test_an_unusable_cache_is_never_fatal(where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No writable cache folder: the library answers every time, and nothing is written anywhere else."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    if where == "file":
        monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
        monkeypatch.setenv("HOME", str(blocker))
    _forget()
    expected = library_year("US", "", 2026, ("public",), "en")
    assert kept_year("US", "", 2026, ("public",), "en") == expected
    assert country_codes() == library_codes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


def test_a_read_only_cache_folder_is_never_fatal(cache_home: Path) -> None:
    """A cache folder the user cannot write (a read-only home) costs time, never the plan."""
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    cache_home.mkdir()
    cache_home.chmod(0o500)
    try:
        assert kept_year("US", "", 2026, ("public",), "en") == library_year("US", "", 2026, ("public",), "en")
        assert list(cache_home.iterdir()) == []
    finally:
        cache_home.chmod(0o700)


def test_a_second_run_does_not_import_the_library(cache_home: Path) -> None:
    """`generate` in an inferred country imports python-holidays once; the next run reads what it kept."""
    code = ("import sys; from followup_ics.cli import main\n"
            "sys.argv = ['followup-ics', 'generate', '--company', 'A', '--date', '2026-12-01 14:00', '--tz',"
            " 'America/New_York', '-o', '-']\n"
            "try: main()\nexcept SystemExit: pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'holidays'))")
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
            for _ in range(2)]
    assert runs[0].stdout.splitlines()[-1] != "[]"
    assert runs[1].stdout.splitlines()[-1] == "[]"
    assert runs[0].stdout.splitlines()[:-1] == runs[1].stdout.splitlines()[:-1]  # the same calendar
    assert json.loads(next(cache_home.rglob("codes.json")).read_text())["USA"] == "US"


def test_batch_preloads_the_library_only_while_nothing_is_kept(cache_home: Path) -> None:
    """Before forking workers a batch imports the library once for them all, unless answers are kept
    (then workers read them, and the import would cost every run 100 ms for nothing)."""
    code = ("import sys\nfrom followup_ics.app.workweek import preload\n"
            "from followup_ics.core.settings import DEFAULT_SETTINGS\n"
            "preload(DEFAULT_SETTINGS.workdays)\nprint('holidays' in sys.modules)")
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}

    def loaded() -> str:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env=env).stdout.strip()

    assert loaded() == "True"
    subprocess.run([sys.executable, "-c", "from followup_ics.app.holidaycache import country_codes; "
                    "country_codes()"], check=True, env=env)
    assert loaded() == "False"
