"""Working days through every entrance: --country/--region, the CSV columns, the plan file's [workdays]
table, the environment; and every bad input as one line naming what to fix, with nothing written."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner, Result

from followup_ics.cli import cli

THANKSGIVING_WEEK = ["--company", "Acme", "--date", "2026-11-19 14:00", "--tz", "America/New_York"]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def starts(data: bytes) -> dict[str, str]:
    """step key -> local start 'YYYY-MM-DD HH:MM'."""
    return {str(e["UID"]).split(".", 1)[1].split("@")[0]: e.decoded("DTSTART").strftime("%Y-%m-%d %H:%M")
            for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def test_plan_table_says_why_a_step_moved() -> None:
    """The plan table words the move: 'moved from Thu 26 Nov: Thanksgiving Day' under the step."""
    result = run("plan", *THANKSGIVING_WEEK)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    call = next(i for i, line in enumerate(lines) if line.startswith("follow-up-call"))
    assert "Wed 25 Nov 2026, 10:00" in lines[call]
    assert lines[call + 1].strip() == "moved from Thu 26 Nov: Thanksgiving Day"
    assert "inferred from America/New_York" in result.stderr


def test_country_and_region_options(tmp_path: Path) -> None:
    """--country and --region choose the calendar: Cesar Chavez Day moves a step in California only."""
    args = ["--company", "Acme", "--date", "2026-03-30 16:00", "--tz", "America/Los_Angeles", "-o", "-"]
    federal = starts(run("generate", *args, "--country", "us").stdout_bytes)
    california = starts(run("generate", *args, "--country", "US", "--region", "california").stdout_bytes)
    assert federal["brief-references"] == "2026-03-31 09:00"
    assert california["brief-references"] == "2026-04-01 09:00"



def _notes(stderr: str) -> list[str]:
    """What stderr says besides the steps already past (these tests plan dates before the fixed clock)."""
    return [line for line in stderr.splitlines() if "already past" not in line]


def test_country_none_means_monday_to_friday() -> None:
    """--country none: no holidays, no note, whatever the zone."""
    result = run("generate", *THANKSGIVING_WEEK, "--country", "none", "-o", "-")
    assert result.exit_code == 0 and not _notes(result.stderr)
    assert starts(result.stdout_bytes)["follow-up-call"] == "2026-11-26 10:00"


def test_environment_gives_the_country() -> None:
    """FOLLOWUP_ICS_COUNTRY / FOLLOWUP_ICS_REGION stand in for the options; the options win."""
    args = ["generate", "--company", "Acme", "--date", "2025-10-30 14:00", "--tz", "UTC", "-o", "-"]
    saxony = run(*args, env={"FOLLOWUP_ICS_COUNTRY": "DE", "FOLLOWUP_ICS_REGION": "SN"})
    assert saxony.exit_code == 0 and not _notes(saxony.stderr)
    assert starts(saxony.stdout_bytes)["keep-searching-1"] == "2025-11-03 09:00"
    bavaria = run(*args, "--country", "DE", "--region", "BY", env={"FOLLOWUP_ICS_COUNTRY": "DE"})
    assert starts(bavaria.stdout_bytes)["keep-searching-1"] == "2025-10-31 09:00"


def test_environment_gives_the_country_to_every_row_of_a_batch(tmp_path: Path) -> None:
    """A batch reads the variables once for all its rows: a row without a country takes the environment's
    (Saxony: Friday 31 Oct is a holiday, so the evening's briefing waits for Monday), a row with its own keeps it.
    Each person's keep-searching stream takes 09:00 of their own first business day, so a briefing on that day
    comes at 09:30."""
    source = tmp_path / "interviews.csv"
    source.write_text("company,date,country,me\nAcme,2025-10-30 16:00,,Ana\nBeta,2025-10-30 16:00,US,Bo\n",
                      encoding="utf-8")
    briefings = {}
    for name, env in (("saxony", {"FOLLOWUP_ICS_COUNTRY": "DE", "FOLLOWUP_ICS_REGION": "SN"}), ("none", {})):
        result = run("batch", str(source), "-o", str(tmp_path / name), "--tz", "UTC", "-q", env=env)
        assert result.exit_code == 0, result.output
        briefings[name] = [starts((tmp_path / name / f"{company}-2025-10-30.ics").read_bytes())["brief-references"]
                           for company in ("acme", "beta")]
    assert briefings == {"saxony": ["2025-11-03 09:30", "2025-10-31 09:30"],
                         "none": ["2025-10-31 09:30", "2025-10-31 09:30"]}


def test_plan_file_workdays_table(tmp_path: Path) -> None:
    """[workdays] in the plan file: a country, a closure range and an extra working day."""
    plan = tmp_path / "plan.toml"
    plan.write_text('[workdays]\ncountry = "US"\ndays-off = ["2026-12-24..2027-01-01"]\n'
                    'extra-working-days = [2027-01-02]\n', encoding="utf-8")
    result = run("generate", "--company", "Acme", "--date", "2026-12-23 16:00", "--tz", "UTC", "--plan", str(plan),
                 "-o", "-")
    assert result.exit_code == 0 and not _notes(result.stderr)
    planned = starts(result.stdout_bytes)
    assert planned["brief-references"] == "2027-01-02 09:00"  # the Saturday worked after the closure
    shown = run("plan", "--company", "Acme", "--date", "2026-12-23 16:00", "--tz", "UTC", "--plan", str(plan))
    assert "moved from Thu 24 Dec: a day off in the plan file" in shown.stdout


def test_csv_country_and_region_columns(tmp_path: Path) -> None:
    """The CSV's country and region columns choose each row's calendar; the zone's note is said once."""
    source = tmp_path / "interviews.csv"
    source.write_text("company,date,timezone,country,region\n"
                      "Saxony,2025-10-30 16:00,Europe/Berlin,DE,SN\n"
                      "Bavaria,2025-10-30 16:00,Europe/Berlin,de,by\n"
                      "Inferred A,2025-10-30 14:00,Europe/Berlin,,\n"
                      "Inferred B,2025-10-31 14:00,Europe/Berlin,,\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("batch", str(source), "-o", str(out), "--tz", "UTC")
    assert result.exit_code == 0, result.output
    # briefing the references the next business morning: Reformation Day is Saxony's holiday, not Bavaria's
    assert starts((out / "saxony-2025-10-30.ics").read_bytes())["brief-references"] == "2025-11-03 09:00"
    assert starts((out / "bavaria-2025-10-30.ics").read_bytes())["brief-references"] == "2025-10-31 09:00"
    notes = [line for line in result.stderr.splitlines() if "inferred from Europe/Berlin" in line]
    assert notes == ["note: rows 4, 5: no country given; using the weekend and public holidays of DE, "
                     "inferred from Europe/Berlin"]


@pytest.mark.parametrize(
    ("args", "env", "plan", "message"),
    [
        # An unknown country code.
        (["--country", "XX"], {}, None, "Error: --country: unknown country; use an ISO 3166 code"),
        # A region the library does not know for that country.
        (["--country", "US", "--region", "ZZ"], {}, None, "Error: --region: unknown region of US"),
        # A region without a country (the zone's inferred country is not enough).
        (["--region", "CA"], {}, None, "Error: --region: needs a country as well"),
        # A region with the explicit "no country".
        (["--country", "none", "--region", "CA"], {}, None, "Error: --region: has no meaning with country none"),
        # The environment: an unknown country, and a region without one.
        ([], {"FOLLOWUP_ICS_COUNTRY": "Atlantis"}, None, "Error: FOLLOWUP_ICS_COUNTRY: unknown country"),
        ([], {"FOLLOWUP_ICS_COUNTRY": "US", "FOLLOWUP_ICS_REGION": "Bavaria"}, None,
         "Error: FOLLOWUP_ICS_REGION: unknown region of US"),
        ([], {"FOLLOWUP_ICS_REGION": "CA"}, None, "Error: FOLLOWUP_ICS_REGION: needs FOLLOWUP_ICS_COUNTRY"),
        # The plan file: unknown country and region, a region alone.
        ([], {}, 'country = "XX"', "[workdays] country: unknown country"),
        ([], {}, 'country = "DE"\nregion = "CA"', "[workdays] region: unknown region of DE"),
        ([], {}, 'region = "BY"', "[workdays] region: needs a country"),
        # Malformed dates and ranges, named by their key.
        ([], {}, 'days-off = ["2026-13-01"]', "[workdays] days-off: '2026-13-01' is not a date or a range"),
        ([], {}, 'days-off = ["2026-12-24..soon"]', "[workdays] days-off: '2026-12-24..soon' is not a range"),
        ([], {}, 'days-off = ["2027-01-01..2026-12-24"]', "ends before it starts"),
        ([], {}, 'days-off = "2026-12-24"', "[workdays] days-off: expected a list"),
        ([], {}, 'days-off = ["2026-07-01..2026-08-15"]', "is longer than 31 days in a row"),
        ([], {}, 'extra-working-days = ["next saturday"]', "[workdays] extra-working-days: 'next saturday' is not"),
        # The weekend: unknown day names, or no working day left.
        ([], {}, 'weekend = ["fri", "shabbat"]', "[workdays] weekend: expected day names"),
        ([], {}, 'weekend = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]', "at least one day"),
        # Unknown keys and categories.
        ([], {}, 'holidays = false', "[workdays]: unknown key 'holidays'"),
        ([], {}, 'categories = ["fun"]', "[workdays] categories: 'fun' is not a category"),
    ],
)
def test_bad_workdays_input_is_one_line_exit_2_nothing_written(args: list[str], env: dict[str, str],
                                                              plan: str | None, message: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Bad country, region, variable or plan key: one line naming it, exit code 2, no file."""
    monkeypatch.chdir(tmp_path)
    extra = []
    if plan is not None:
        (tmp_path / "plan.toml").write_text(f"[workdays]\n{plan}\n", encoding="utf-8")
        extra = ["--plan", "plan.toml"]
    result = run("generate", *THANKSGIVING_WEEK, *args, *extra, env=env)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert lines[0].startswith("Error: ")
    assert list(tmp_path.glob("*.ics")) == []


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        # An unknown country in a row names the row and the column as the file spells it.
        ("XX,", "Country", "unknown country"),
        # An unknown region of a known country.
        ("GB,Wessex", "Region", "unknown region of GB"),
        # A region with no country in the row, the environment or the plan file.
        (",BY", "Region", "needs a country as well"),
    ],
)
def test_bad_country_cell_names_row_and_column(cells: str, column: str, message: str, tmp_path: Path) -> None:
    """A bad country or region cell: 'file:row: column ...', nothing written."""
    source = tmp_path / "interviews.csv"
    source.write_text(f"company,date,timezone,Country,Region\nGood,2026-12-01 14:00,UTC,,\n"
                      f"Bad,2026-12-01 14:00,UTC,{cells}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("batch", str(source), "-o", str(out), "--tz", "UTC", "-q")
    assert result.exit_code == 1
    assert f"interviews.csv:3: column {column!r}: {message}" in result.stderr
    assert not out.exists() or list(out.glob("*.ics")) == []


def test_a_bad_environment_country_stops_a_batch_once(tmp_path: Path) -> None:
    """A bad FOLLOWUP_ICS_COUNTRY is one error before any row is read, not one per row."""
    source = tmp_path / "interviews.csv"
    source.write_text("company,date\nA,2026-12-01 14:00\nB,2026-12-02 14:00\n", encoding="utf-8")
    result = run("batch", str(source), "-o", str(tmp_path / "out"), "--tz", "UTC",
                 env={"FOLLOWUP_ICS_COUNTRY": "XX"})
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Error: FOLLOWUP_ICS_COUNTRY: unknown country; use an ISO 3166 code such as US, GB, DE or JP "
        "(or none for Monday to Friday without holidays) ('XX')"]


README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Working days and holidays", 1)[1].split("\n## ", 1)[0]


def test_readme_workdays_table_is_accepted() -> None:
    """The README's [workdays] example is a valid plan file."""
    import tomllib

    from followup_ics.core.settings import settings_from_mapping

    toml = SECTION.split("```toml\n", 1)[1].split("```", 1)[0]
    workdays = settings_from_mapping(tomllib.loads(toml)).workdays
    assert (workdays.country, workdays.region, workdays.weekend) == ("DE", "BY", (5, 6))
    assert len(workdays.days_off) == 2 and workdays.categories == ("optional", "public")


def test_readme_moved_example_is_what_plan_prints() -> None:
    """The README's 'moved from' lines are real `plan` output."""
    shown = SECTION.split("```\n", 2)[1].split("```", 1)[0].strip("\n").splitlines()
    result = run("plan", "--company", "Acme Corp", "--date", "2026-11-19 14:00", "--tz", "America/New_York")
    lines = result.stdout.splitlines()
    start = lines.index(shown[0])
    assert lines[start:start + len(shown)] == shown


def test_batch_says_a_repeated_note_once_with_its_rows() -> None:
    """Notes repeated on many rows are said once, naming a few rows and counting the rest."""
    from followup_ics.cli.batch import said_once

    notes = [f"row {n}: zone note" for n in range(2, 8)] + ["row 9: other", "a note of the whole run"]
    assert said_once(notes) == ("rows 2, 3, 4 and 3 more: zone note", "row 9: other", "a note of the whole run")


def test_batch_says_the_countries_inferred_from_many_zones_in_one_line(tmp_path: Path) -> None:
    """The README's sample (ten zones) says once which country each zone gave, not one line per zone."""
    result = run("batch", str(Path(__file__).parent.parent / "samples" / "interviews.csv"), "-o",
                 str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if "no country given" in line]
    assert notes == ["note: no country given; using the weekend and public holidays of the country of each zone: "
                     "US (America/New_York, America/Chicago, America/Los_Angeles), DE (Europe/Berlin), "
                     "AU (Australia/Sydney), IN (Asia/Kolkata), GB (Europe/London), BR (America/Sao_Paulo), "
                     "JP (Asia/Tokyo), NZ (Pacific/Chatham)"]


INFERRED = "no country given; using the weekend and public holidays of "


@pytest.mark.parametrize(("notices", "said"), [
    # Two zones, two countries: one line, in the place of the first, rows left out; other notes kept in order.
    (["row 2: a DST note", f"row 3: {INFERRED}US, inferred from America/Chicago", "row 4: other",
      f"row 5: {INFERRED}DE, inferred from Europe/Berlin"],
     ["row 2: a DST note", f"{INFERRED}the country of each zone: US (America/Chicago), DE (Europe/Berlin)",
      "row 4: other"]),
    # Two zones of one country: the country once, with both zones, each zone once.
    ([f"row 2: {INFERRED}US, inferred from America/Chicago", f"row 3: {INFERRED}US, inferred from America/Denver",
      f"row 4: {INFERRED}US, inferred from America/Chicago"],
     [f"{INFERRED}the country of each zone: US (America/Chicago, America/Denver)"]),
    # One zone only: left as it is (said_once then names its rows).
    ([f"row 2: {INFERRED}US, inferred from America/Chicago", f"row 3: {INFERRED}US, inferred from America/Chicago"],
     [f"row 2: {INFERRED}US, inferred from America/Chicago", f"row 3: {INFERRED}US, inferred from America/Chicago"]),
    # A zone that infers nothing is another sentence: not merged.
    ([f"row 2: {INFERRED}US, inferred from America/Chicago",
      "row 3: no country given and UTC belongs to no country; using Monday to Friday without public holidays"],
     [f"row 2: {INFERRED}US, inferred from America/Chicago",
      "row 3: no country given and UTC belongs to no country; using Monday to Friday without public holidays"]),
])
def test_inferred_countries_said_together(notices: list[str], said: list[str]) -> None:
    """Only the notes that name a country inferred from a zone are merged, and only when there are several."""
    from followup_ics.app.workweek import inferred_together

    assert inferred_together(notices) == said



@pytest.mark.parametrize(("lang", "start", "zone", "country", "step", "said"), [
    # German in Germany: the library's German name, in a German sentence and date.
    ("de", "2025-10-02 14:00", "Europe/Berlin", "DE", "keep-searching-1",
     "verschoben vom Fr., 3. Okt.: Tag der Deutschen Einheit"),
    # English in Germany: the library's English name, as before.
    ("en", "2025-10-02 14:00", "Europe/Berlin", "DE", "keep-searching-1", "moved from Fri 3 Oct: German Unity Day"),
    # French in France: Bastille Day is "Fête nationale" (its English name there is "National Day").
    ("fr", "2026-07-13 14:00", "Europe/Paris", "FR", "keep-searching-1",
     "initialement le mar. 14 juil. : Fête nationale"),
    # Spanish in Spain.
    ("es", "2026-12-07 14:00", "Europe/Madrid", "ES", "keep-searching-1",
     "trasladado desde el mar, 8 dic: Inmaculada Concepción"),
    # Brazilian Portuguese in Brazil: the library's pt_BR, non-ASCII kept.
    ("pt-BR", "2026-11-19 14:00", "America/Sao_Paulo", "BR", "keep-searching-1",
     "remarcado de sex., 20 de nov.: Dia Nacional de Zumbi e da Consciência Negra"),
    # French in Canada: the library speaks French there too, though Canada's default is English.
    ("fr", "2026-06-30 14:00", "America/Toronto", "CA", "keep-searching-1",
     "initialement le mer. 1 juil. : Fête du Canada"),
    # German in the US: the library has no German there, so the country's own language, English.
    ("de", "2026-11-19 14:00", "America/New_York", "US", "follow-up-call",
     "verschoben vom Do., 26. Nov.: Thanksgiving Day"),
    # French in Japan: no French there either; the country's default language is Japanese.
    ("fr", "2026-11-02 14:00", "Asia/Tokyo", "JP", "keep-searching-1", "initialement le mar. 3 nov. : 文化の日"),
    # English in Japan: English where the library has it, rather than the country's language.
    ("en", "2026-11-02 14:00", "Asia/Tokyo", "JP", "keep-searching-1", "moved from Tue 3 Nov: Culture Day"),
])
def test_the_holiday_is_named_in_the_users_language(lang: str, start: str, zone: str, country: str, step: str,
                                                    said: str) -> None:
    """The plan table names the holiday a step moved off in --lang where the library has that language for
    the country, else in the country's own language; the country inferred from the zone gives the same."""
    for given in (["--country", country], []):
        result = run("plan", "--company", "Acme", "--date", start, "--tz", zone, "--lang", lang, *given)
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        row = next(i for i, line in enumerate(lines) if line.startswith(step))
        assert lines[row + 1].strip() == said, given


@pytest.mark.parametrize("spill_after", [1, 2, 4])  # on disk at once, mid-way, late
def test_notices_said_once_are_the_same_when_they_spill_to_disk(spill_after: int) -> None:
    """A batch keeps each notice text once (its first rows and a count), on disk past a bound: what is said
    is the same as from every row's notice in memory."""
    from followup_ics.cli.batch import said_once
    from followup_ics.edges.batch import Notices

    notes = [f"row {n}: zone note" for n in range(2, 8)] + [f"row 8: {INFERRED}US, inferred from America/Chicago",
                                                           "row 9: other", "row 10: zone note",
                                                           f"row 11: {INFERRED}DE, inferred from Europe/Berlin",
                                                           "row 12: other", "row 13: dated 2026-12-01"]
    spilled = Notices(spill_after)
    for note in notes:
        where, _, text = note.partition(": ")
        spilled.add(where.removeprefix("row "), text)
    assert said_once(spilled) == said_once(notes) == (
        "rows 2, 3, 4 and 4 more: zone note",
        f"{INFERRED}the country of each zone: US (America/Chicago), DE (Europe/Berlin)",
        "rows 9, 12: other", "row 13: dated 2026-12-01")
