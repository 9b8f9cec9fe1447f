"""Texts in the user's language, signed with the user's name, with a drafted mailto: link for every email.

The catalogs are held to the source (every message, the same placeholders, nothing fuzzy); the choice of
language is tested through each way a user sets it; the drafts through what a mail program would open.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
from babel import Locale
from babel.dates import format_skeleton, format_time
from babel.lists import format_list
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st
from support import plan_for

from followup_ics.cli import cli
from followup_ics.core.records import WordedStep
from followup_ics.wording import language as language_module
from followup_ics.wording.language import SUPPORTED, Language, from_environment, language, supported_code

ROOT = Path(__file__).parent.parent
LOCALE = ROOT / "followup_ics" / "wording" / "locale"
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/followup_ics.po"))
PLACEHOLDER = re.compile(r"\{(\w*)\}")
BASE = ["--company", "Acme Corp", "--date", "2026-12-01 14:00", "--tz", "America/New_York"]
PEOPLE = ["--role", "Data Engineer", "--interviewer", "Ana Diaz <ana@acme.example>",
          "--interviewer", "Raj Rao <raj@acme.example>", "--contact", "Bo Li <bo@acme.example>",
          "--reference", "Cy Park <cy@example.org>", "--offer-deadline", "2026-12-18"]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def events(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]).split(".", 1)[1].split("@")[0]: e
            for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def source_messages() -> dict[str | tuple[str, ...], set[str]]:
    """Every message the code asks for, as Babel's extractor finds it (babel.cfg's map), with its placeholders."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    assert ("followup_ics/edges/page.py", "python") in method_map  # the subscribe page speaks the language too
    found = {}
    for _, _, message, _, _ in extract_from_dir(ROOT, method_map=method_map, options_map=options_map):
        key = message if isinstance(message, str) else tuple(message)
        texts = [key] if isinstance(key, str) else list(key)
        found[key] = {name for text in texts for name in PLACEHOLDER.findall(text)}
    return found


def test_every_language_has_a_catalog() -> None:
    """Each supported language but the English source has a .po catalog, and there are no others."""
    assert sorted(path.parts[-3] for path in CATALOGS) == sorted(
        code.replace("-", "_") for code in SUPPORTED if code != "en")


@pytest.mark.parametrize("po", CATALOGS, ids=lambda path: path.parts[-3])
def test_catalog_translates_every_message_with_the_same_placeholders(po: Path) -> None:
    """None missing, none extra (obsolete), none fuzzy or empty; each translation fills the same {names}."""
    with po.open("rb") as handle:
        catalog = read_po(handle)
    assert not catalog.fuzzy, "the catalog header is marked fuzzy: pybabel compile would skip it"
    wanted = source_messages()
    have = {message.id if isinstance(message.id, str) else tuple(message.id): message
            for message in catalog if message.id}
    assert sorted(map(str, set(wanted) - set(have))) == [], "messages not in the catalog (run pybabel update)"
    assert sorted(map(str, set(have) - set(wanted))) == [], "messages no longer in the code"
    assert not catalog.obsolete
    for key, message in have.items():
        assert not message.fuzzy, f"fuzzy: {key!r}"
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert strings and all(s.strip() for s in strings), f"untranslated: {key!r}"
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == wanted[key], f"placeholders differ: {key!r} -> {text!r}"


# French words that elide before a vowel or a mute h (de -> d', que -> qu', le -> l'...). Right before a
# placeholder of free text, one reads wrong for a good part of the values ("auprès de Orange", "le poste de
# Analyste", "que Amazon"), and no rule on the value's first letter could elide it for us (h aspiré: "le Hilton",
# brand names), so the French catalog never puts one there, nor an elided form ("d'{company}": "d'Bouygues").
FRENCH_ELIDING = ("de", "que", "le", "la", "je", "me", "te", "se", "ne", "ce", "si", "lorsque", "puisque",
                  "quoique", "jusque", "presque", "quelque")
FRENCH_BEFORE = re.compile(r"(?<![\w'’-])(" + "|".join(FRENCH_ELIDING) + r")\s+\{(\w+)\}"
                           r"|(?<![\w-])((?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’])\{(\w+)\}", re.IGNORECASE)
# Placeholders whose French value never starts with a vowel or an h, so an eliding word may stand before them:
# numbers and counts (Babel's digits), dates and days (a weekday first: lun., mar., mer., jeu., ven., sam., dim.),
# times and date-times (a digit, or a date first). test_french_dates_and_times_start_with_no_vowel holds this.
# Every other placeholder holds free text (company, role, name, me, person, title, a holiday's name...).
FRENCH_NOT_TEXT = {"number", "total", "pages", "matching", "count", "hours", "minutes",
                   "date", "day", "deadline", "time", "when", "start", "end"}
# ...and per message: in "moved from ..." {other} is a day (lang.day), where elsewhere it is a company.
FRENCH_DAYS_IN = {"moved from {day}: {cause} on {other}": {"other"},
                  "moved from {day}: {other} is a working day": {"other"}}


def test_french_puts_no_eliding_word_before_free_text() -> None:
    """No French msgstr has de, que, le, la, je... (or d', qu'...) right before a company, a role or a name."""
    with (LOCALE / "fr" / "LC_MESSAGES" / "followup_ics.po").open("rb") as handle:
        catalog = read_po(handle)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        dated = FRENCH_NOT_TEXT | FRENCH_DAYS_IN.get(key, set())
        for text in [message.string] if isinstance(message.string, str) else message.string:
            for found in FRENCH_BEFORE.finditer(text):
                if (found.group(2) or found.group(4)) not in dated:
                    wrong.append(f"{found.group(0)!r} in {text!r}")
    assert not wrong, "an eliding word before free text:\n" + "\n".join(wrong)


def test_french_dates_and_times_start_with_no_vowel() -> None:
    """Every French date, day, time and date-time of a year starts with a consonant or a digit (see above)."""
    lang = Language("fr")
    zone = ZoneInfo("Europe/Paris")
    for offset in range(366):
        moment = datetime(2027, 1, 1, 9, 5, tzinfo=zone) + timedelta(days=offset, hours=offset % 15)
        for text in (lang.date(moment), lang.day(moment.date()), lang.time(moment), lang.when(moment)):
            assert text[0].isdigit() or text[0] in "bcdfgjklmnpqrstvwxz", text


def test_template_is_up_to_date() -> None:
    """followup_ics.pot holds exactly the messages of the code (so `pybabel update` starts from the truth)."""
    with (LOCALE / "followup_ics.pot").open("rb") as handle:
        template = {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(handle) if m.id}
    assert template == set(source_messages())


# (environment, language chosen): the first of LC_ALL, LC_MESSAGES, LANG that is set decides, as POSIX says.
ENVIRONMENTS = [
    ({}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "de"),
    ({"LANG": "pt_BR.UTF-8"}, "pt-BR"),
    ({"LANG": "fr_CA.UTF-8"}, "fr"),  # a regional variant reads its language's texts
    ({"LANG": "es_MX"}, "es"),
    ({"LANG": "ja_JP.UTF-8"}, "en"),  # not a language we speak: English, no error
    ({"LANG": "pt_PT.UTF-8"}, "en"),  # European Portuguese is not Brazilian: not guessed
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LC_MESSAGES": "fr_FR.UTF-8", "LANG": "de_DE.UTF-8"}, "fr"),
    ({"LC_ALL": "es_ES.UTF-8", "LC_MESSAGES": "fr_FR", "LANG": "de_DE"}, "es"),
    ({"LC_ALL": "C", "LANG": "de_DE.UTF-8"}, "en"),  # LC_ALL=C overrides LANG, even to English
    ({"LC_ALL": "", "LANG": "de_DE.UTF-8"}, "de"),  # set but empty counts as unset
]


@pytest.mark.parametrize(("environ", "expected"), ENVIRONMENTS)
def test_language_from_the_locale(environ: dict[str, str], expected: str) -> None:
    """The locale variables pick a language we speak, else English."""
    assert from_environment(environ) == expected


@pytest.mark.parametrize(("typed", "code"), [("de", "de"), ("DE", "de"), ("de-AT", "de"), ("pt-BR", "pt-BR"),
                                              ("pt_br", "pt-BR"), ("en-GB", "en"), ("fr", "fr"), ("pt", None),
                                              ("xx", None), ("", None)])
def test_language_names_as_users_type_them(typed: str, code: str | None) -> None:
    """Case, '_' or '-', and regional variants are accepted; bare 'pt' is not guessed."""
    assert supported_code(typed) == code


def _title(*args: str, env: dict[str, str] | None = None) -> str:
    result = run("generate", *BASE, "-o", "-", *args, env=env)
    assert result.exit_code == 0, result.output
    return str(events(result.stdout_bytes)["interview"]["SUMMARY"])


# (options, environment, interview title): --lang beats FOLLOWUP_ICS_LANG beats the locale.
CHOICES = [
    ([], {}, "Interview: Acme Corp"),
    ([], {"LANG": "de_DE.UTF-8"}, "Vorstellungsgespräch: Acme Corp"),
    ([], {"LANG": "de_DE.UTF-8", "FOLLOWUP_ICS_LANG": "fr"}, "Entretien : Acme Corp"),
    (["--lang", "es"], {"LANG": "de_DE.UTF-8", "FOLLOWUP_ICS_LANG": "fr"}, "Entrevista: Acme Corp"),
    (["--lang", "en"], {"LANG": "de_DE.UTF-8"}, "Interview: Acme Corp"),
]


@pytest.mark.parametrize(("options", "environ", "title"), CHOICES)
def test_lang_option_then_variable_then_locale(options: list[str], environ: dict[str, str], title: str) -> None:
    """Where the language comes from, in order."""
    assert _title(*options, env=environ) == title


@pytest.mark.parametrize(("options", "environ", "named"), [
    (["--lang", "klingon"], {}, "--lang"),
    ([], {"FOLLOWUP_ICS_LANG": "pt-PT"}, "FOLLOWUP_ICS_LANG"),  # named by the variable it came from
])
def test_unknown_language_lists_the_supported_ones(options: list[str], environ: dict[str, str], named: str) -> None:
    """One line naming the option and every supported language, exit 2, nothing written."""
    result = run("generate", *BASE, "-o", "-", *options, env=environ)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and named in lines[0] and "en, de, fr, es, pt-BR" in lines[0]


def test_german_calendar_dates_names_and_categories() -> None:
    """Everything the calendar carries is German, dates in German forms, non-ASCII folded right."""
    result = run("generate", *BASE, *PEOPLE, "--lang", "de", "--me", "Dana Díaz", "-o", "-")
    assert result.exit_code == 0, result.output
    calendar = icalendar.Calendar.from_ical(result.stdout_bytes)
    assert str(calendar["X-WR-CALNAME"]) == "Nach dem Vorstellungsgespräch: Acme Corp (Data Engineer)"
    found = events(result.stdout_bytes)
    assert [str(c) for c in found["interview"].categories] == ["Jobsuche", "Vorstellungsgespräch"]
    assert [str(c) for c in found["thank-you"].categories] == ["Jobsuche", "Nach dem Vorstellungsgespräch"]
    thank_you = found["thank-you"]
    assert str(thank_you["SUMMARY"]) == "Dankesschreiben an Acme Corp senden (bis Mi., 2. Dez. 2026, 15:00)"
    assert "Wann: Di., 1. Dez. 2026, 14:00 bis 15:00 (America/New_York)" in str(thank_you["DESCRIPTION"])
    assert str(thank_you.walk("VALARM")[0]["DESCRIPTION"]).startswith("Das Dankesschreiben an Acme Corp")


def test_plan_table_in_the_chosen_language() -> None:
    """The plan table's headings, dates, alarms and titles follow --lang."""
    result = run("plan", *BASE, "--lang", "fr")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()  # the working-days note goes to stderr
    assert lines[0] == "Acme Corp, heures du fuseau America/New_York"
    assert lines[2].split() == ["ÉTAPE", "QUAND", "RAPPEL", "QUOI"]
    assert "mar. 1 déc. 2026, 14:00-15:00" in lines[3] and "1 h avant" in lines[3]
    assert lines[3].endswith("Entretien : Acme Corp")
    assert lines[-1] == "12 événements, chacun avec un rappel."


def _mailtos(description: str) -> list[tuple[list[str], str, str]]:
    """(recipients, subject, body) of every mailto: link, as a mail program reads it."""
    found = []
    for link in re.findall(r"mailto:\S+", description):
        parts = urlsplit(link)
        query = parse_qs(parts.query)
        to = [unquote(a) for a in parts.path.split(",") if a]
        found.append((to, query["subject"][0], query["body"][0]))
    return found


# Every step that suggests an email: who it goes to, for the interview given by PEOPLE.
EMAIL_STEPS = [
    ("thank-you", [["ana@acme.example"], ["raj@acme.example"]]),  # one draft per interviewer
    ("brief-references", [["cy@example.org"]]),
    ("status-check-1", [["bo@acme.example"]]),  # the contact
    ("status-check-3", [["bo@acme.example"]]),
    ("competing-offer", [["bo@acme.example"]]),
]


@pytest.mark.parametrize("lang", SUPPORTED)
@pytest.mark.parametrize(("key", "recipients"), EMAIL_STEPS, ids=[key for key, _ in EMAIL_STEPS])
def test_every_email_step_has_a_signed_draft_link(lang: str, key: str, recipients: list[list[str]]) -> None:
    """A mailto: per draft, to the right person, whose body is the draft shown, signed with --me."""
    result = run("generate", *BASE, *PEOPLE, "--lang", lang, "--me", "Dana Diaz", "-o", "-")
    assert result.exit_code == 0, result.output
    description = str(events(result.stdout_bytes)[key]["DESCRIPTION"])
    links = _mailtos(description)
    assert [to for to, _, _ in links] == recipients
    for _, subject, body in links:
        assert subject.strip()
        assert body.endswith("\r\nDana Diaz")  # RFC 6068: line breaks in a mailto body are CRLF
        assert body.replace("\r\n", "\n") in description  # the link sends the draft the event shows


def test_keep_in_touch_goes_to_the_interviewer_when_there_is_no_contact() -> None:
    """The contact, else an interviewer with an address; the greeting names that person."""
    result = run("generate", *BASE, "--interviewer", "Ana Diaz <ana@acme.example>", "--status", "rejected",
                 "--outcome-date", "2026-12-09", "-o", "-")
    assert result.exit_code == 0, result.output
    description = str(events(result.stdout_bytes)["keep-in-touch"]["DESCRIPTION"])
    [(to, _, body)] = _mailtos(description)
    assert to == ["ana@acme.example"] and body.startswith("Dear Ana Diaz,")


def test_a_draft_without_any_address_still_opens_with_subject_and_body() -> None:
    """No address known: mailto:?subject=... opens the draft with an empty To line."""
    result = run("generate", *BASE, "-o", "-")
    description = str(events(result.stdout_bytes)["status-check-1"]["DESCRIPTION"])
    assert "mailto:?subject=" in description
    [(to, _, body)] = _mailtos(description)
    assert to == [] and body.startswith("Hello,")


def test_one_thank_you_draft_per_interviewer() -> None:
    """Two interviewers: two drafts, each greeting one person, never 'Dear Ana Diaz, Raj Rao,'."""
    schedule = plan_for("2026-12-01 14:00", "America/New_York", interviewers=("Ana Diaz", "Raj Rao"),
                        interviewer_emails=("ana@acme.example", "raj@acme.example"))
    description = next(s for s in schedule.steps if s.key == "thank-you").description
    assert "Draft for Ana Diaz:" in description and "Draft for Raj Rao:" in description
    assert description.count("Dear Ana Diaz,") == 1 and description.count("Dear Raj Rao,") == 1
    assert [to for to, _, _ in _mailtos(description)] == [["ana@acme.example"], ["raj@acme.example"]]
    assert "Raj Rao," not in description.split("Dear Ana Diaz,", 1)[1].split("Draft for Raj Rao:", 1)[0]
    assert "Ana Diaz and Raj Rao" in description  # the advice names both


@pytest.mark.parametrize(("date", "said", "not_said"), [
    ("2026-12-01 14:00", "meet with me today", "yesterday"),  # sent the same afternoon
    ("2026-12-01 22:30", "meet with me yesterday", "today"),  # an evening interview: the note goes next morning
])
def test_thank_you_says_when_we_met_from_the_day_it_is_sent(date: str, said: str, not_said: str) -> None:
    """The draft fits the day it is sent (issue 10, item 9)."""
    schedule = plan_for(date, "America/New_York", interviewers=("Ana Diaz",))
    thank_you = next(s for s in schedule.steps if s.key == "thank-you")
    assert said in thank_you.description and f"with me {not_said}" not in thank_you.description


def test_late_interview_thank_you_in_german() -> None:
    """The same rule in another language: 'gestern' for a note sent the next morning."""
    result = run("generate", "--company", "Acme", "--date", "2026-12-01 22:30", "--tz", "Europe/Berlin",
                 "--lang", "de", "-o", "-")
    description = str(events(result.stdout_bytes)["thank-you"]["DESCRIPTION"])
    assert "Gespräch gestern" in description and "Gespräch heute" not in description


def test_me_signs_every_draft_and_script() -> None:
    """--me (or FOLLOWUP_ICS_ME) replaces every '[your name]'; without it the placeholder stays visible."""
    for args, env in ((["--me", "Dana Diaz"], {}), ([], {"FOLLOWUP_ICS_ME": "Dana Diaz"})):
        data = run("generate", *BASE, *PEOPLE, *args, "-o", "-", env=env).stdout_bytes
        texts = [str(e["DESCRIPTION"]) for e in events(data).values()]
        assert not any("[your name]" in t for t in texts)
        assert sum("Dana Diaz" in t for t in texts) >= 7  # 2 emails, call, 4 status checks, offer, references
    unsigned = [str(e["DESCRIPTION"]) for e in events(run("generate", *BASE, "-o", "-").stdout_bytes).values()]
    assert any("Best regards,\n[your name]" in t for t in unsigned)


def test_csv_language_and_me_columns_per_row(tmp_path: Path) -> None:
    """Each row speaks its own language and is signed by its own name; all.ics is named in the run's language."""
    source = tmp_path / "interviews.csv"
    source.write_text("company,date,timezone,language,me\n"
                      "Acme,2026-12-01 14:00,Europe/Berlin,de,Dana Díaz\n"
                      "Globex,2026-12-02 10:00,Europe/Paris,fr,\n"
                      "Initech,2026-12-03 10:00,UTC,,\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("batch", str(source), "-o", str(out), "--lang", "es", "--me", "Run Name")
    assert result.exit_code == 0, result.output
    title = {path.name.split("-")[0]: str(events(path.read_bytes())["interview"]["SUMMARY"])
             for path in out.glob("*-2026-*.ics")}
    assert title == {"acme": "Vorstellungsgespräch: Acme", "globex": "Entretien : Globex",
                     "initech": "Entrevista: Initech"}
    acme = next(out.glob("acme-*.ics")).read_bytes().decode("utf-8").replace("\r\n ", "")
    assert "Mit freundlichen Grüßen\\nDana Díaz" in acme
    globex = next(out.glob("globex-*.ics")).read_bytes().decode("utf-8").replace("\r\n ", "")
    assert "Bien cordialement\\,\\nRun Name" in globex
    combined = icalendar.Calendar.from_ical((out / "all.ics").read_bytes())
    assert str(combined["X-WR-CALNAME"]) == "Seguimiento de entrevistas"


def test_csv_unknown_language_is_a_row_error(tmp_path: Path) -> None:
    """A bad language cell names its row and column, lists the supported languages, and writes nothing."""
    source = tmp_path / "interviews.csv"
    source.write_text("company,date,timezone,lang\nAcme,2026-12-01 14:00,UTC,tlh\n", encoding="utf-8")
    result = run("batch", str(source), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"{source}:2: column 'lang': unknown language (supported: en, de, fr, es, pt-BR) ('tlh')" in result.stderr
    assert not list((tmp_path / "out").glob("*.ics"))


_PROBE = """
import sys
from followup_ics.cli import main
sys.argv = ["followup-ics", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print("babel" in sys.modules, file=sys.stderr)
"""


def _imported(args: str) -> str:
    """Whether a fresh process running this CLI call imported Babel."""
    return subprocess.run([sys.executable, "-c", _PROBE, *args.split()], capture_output=True, text=True,
                          check=True, env={"PATH": "", "SOURCE_DATE_EPOCH": "1"}).stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(("args", "babel"), [
    ("--help", "False"),
    ("generate --help", "False"),
    ("generate --company Acme --date 2026-12-01T14:00 --tz UTC -o -", "False"),  # English: no Babel at all
    ("generate --company Acme --date 2026-12-01T14:00 --tz UTC -o - --lang de", "True"),
])
def test_babel_is_imported_only_for_other_languages(args: str, babel: str) -> None:
    """--help never imports Babel, and neither does an English run: the common start stays fast."""
    assert _imported(args) == babel


def test_catalog_compiles_on_first_use_and_when_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh clone has only .po files: the first run compiles a .mo beside it; a read-only install works too."""
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE, copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(language_module, "LOCALE_DIR", copy)
    assert language_module.Language("de")._("Draft:") == "Entwurf:"
    assert (copy / "de" / "LC_MESSAGES" / "followup_ics.mo").exists()
    # A read-only install (site-packages owned by root): the .mo cannot be saved, the catalog is used from memory.
    monkeypatch.setattr(language_module, "_save", lambda path, data: False)
    assert language_module.Language("fr")._("Draft:") == "Brouillon :"
    assert not (copy / "fr" / "LC_MESSAGES" / "followup_ics.mo").exists()


def test_english_needs_no_catalog() -> None:
    """English is the source: messages come back as written, dates in the fixed English form."""
    english = language("en")
    assert english._("Draft:") == "Draft:"
    assert english.ngettext("{count} event, with one reminder.", "{count} events, each with one reminder.", 2) == \
        "2 events, each with one reminder."


@pytest.mark.parametrize("lang", SUPPORTED)
def test_writer_and_reference_agree_in_every_language(lang: str) -> None:
    """Names and categories from wording reach the fast writer and icalendar's builder alike, byte for byte."""
    from support import STAMP

    from followup_ics.ical.reference import build_calendar
    from followup_ics.ical.writer import calendar_text

    schedule = plan_for("2026-12-01 14:00", "Europe/Berlin", company="Müller & Söhne", role="Ingénieure",
                        interviewers=("Zoë Brandão",), interviewer_emails=("zoe@example.org",),
                        language=lang, me="Dana Díaz")
    assert calendar_text([schedule], stamp=STAMP).encode("utf-8") == build_calendar([schedule], stamp=STAMP).to_ical()


# (CSV of tests/golden/search, file, step, the address its draft goes to): the steps an outcome brings, each an
# email drafted to the application's contact: answering an offer, deciding after another offer's deadline,
# withdrawing once another offer is accepted (declining Gamma's own offer too), and keep-in-touch after a no.
OUTCOME_EMAILS = [
    ("offer_deadline_passes", "beta-labs", "answer-offer", "kim@beta.example"),
    ("offer_deadline_passes", "acme-corp", "decide", "bo@acme.example"),
    ("accepted_with_others_pending", "acme-corp", "withdraw", "bo@acme.example"),
    ("accepted_with_others_pending", "gamma-inc", "withdraw", "lu@gamma.example"),  # an offer declined
    ("accepted_with_others_pending", "beta-labs", "competing-offer", "kim@beta.example"),
    ("rejected_on_the_interview_day", "initech", "keep-in-touch", "jobs@initech.example"),
]


@pytest.mark.parametrize("lang", SUPPORTED)
def test_every_outcome_email_has_a_signed_draft_link(tmp_path: Path, lang: str) -> None:
    """Answer, decide, withdraw, competing offer, keep in touch: one mailto: each, to the contact, signed."""
    outputs: dict[str, Path] = {}
    for story, stem, key, address in OUTCOME_EMAILS:
        if story not in outputs:
            outputs[story] = tmp_path / story
            result = run("batch", str(ROOT / "tests" / "golden" / "search" / f"{story}.csv"), "-o",
                         str(outputs[story]), "--lang", lang, "--me", "Dana Díaz")
            assert result.exit_code == 0, result.output
        path = next(outputs[story].glob(f"{stem}-*.ics"))
        description = str(events(path.read_bytes())[key]["DESCRIPTION"])
        [(to, subject, body)] = _mailtos(description)
        assert to == [address] and subject.strip(), (stem, key)
        assert body.endswith("\r\nDana Díaz") and body.replace("\r\n", "\n") in description, (stem, key)


GOLDEN_LANGUAGES = sorted((ROOT / "tests" / "golden").glob("language_*.ics"))


def _texts_by_parser(data: bytes) -> dict[str, dict[str, tuple[str, str, str]]]:
    """parser -> UID -> (SUMMARY, DESCRIPTION, alarm DESCRIPTION) as each of the three parsers reads them."""
    import vobject
    from ical.calendar_stream import IcsCalendarStream

    by_icalendar = {str(e["UID"]): (str(e["SUMMARY"]), str(e["DESCRIPTION"]),
                                    str(e.walk("VALARM")[0]["DESCRIPTION"]))
                    for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    by_ical = {e.uid: (e.summary, e.description, e.alarm[0].description)
               for e in IcsCalendarStream.calendar_from_ics(data.decode("utf-8")).events}
    by_vobject = {e.uid.value: (e.summary.value, e.description.value, e.valarm.description.value)
                  for e in vobject.readOne(data.decode("utf-8")).vevent_list}
    return {"icalendar": by_icalendar, "ical": by_ical, "vobject": by_vobject}


@pytest.mark.parametrize("golden", GOLDEN_LANGUAGES, ids=lambda path: path.stem)
def test_golden_texts_read_back_the_same_in_every_parser(golden: Path) -> None:
    """Folded lines that cut next to (never inside) a multi-byte letter unfold to the same text everywhere."""
    data = golden.read_bytes()
    folds_at_letters = [line for line in data.split(b"\r\n") if line.startswith(b" ") and (
        line[1] >= 0x80 or data.split(b"\r\n" + line, 1)[0][-1] >= 0x80)]
    assert folds_at_letters, "the case should fold beside a non-ASCII letter"
    texts = _texts_by_parser(data)
    assert texts["ical"] == texts["icalendar"] and texts["vobject"] == texts["icalendar"]
    summaries = " ".join(summary for summary, _, _ in texts["icalendar"].values())
    assert "Müller & Söhne GmbH" in summaries



ZONES = ["UTC", "Europe/Berlin", "America/Sao_Paulo", "Asia/Kolkata", "Pacific/Chatham"]


@settings(max_examples=200, deadline=None)
@given(code=st.sampled_from(SUPPORTED),
       first=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 12, 31)),
       zones=st.tuples(st.sampled_from(ZONES), st.sampled_from(ZONES)),
       second=st.integers(0, 59), micro=st.integers(0, 999_999), years=st.integers(-3, 3))
def test_remembered_dates_and_times_are_babels(code: str, first: datetime, zones: tuple[str, str], second: int,
                                                micro: int, years: int) -> None:
    """Language remembers dates by (year, month, day) and times by (hour, minute): a moment alike in these
    but in another zone, second or year (a time), or a minute or day apart, reads as Babel writes it (English
    as strftime in the C locale), not as a moment remembered before it (fails if a key leaves out a field the
    pattern shows)."""
    lang = language(code)  # (the process's own: what it remembered from other examples is asked too)
    locale = code.replace("-", "_")
    one = first.replace(tzinfo=ZoneInfo(zones[0]))
    other = first.replace(second=second, microsecond=micro, tzinfo=ZoneInfo(zones[1]))
    later = other.replace(year=other.year + years, day=min(other.day, 28))
    for moment in (one, other, later, one + timedelta(minutes=years), one + timedelta(days=years)):
        if code == "en":
            date, time, pattern = f"{moment:%a} {moment.day} {moment:%b %Y}", f"{moment:%H:%M}", "{1}, {0}"
        else:
            date, time = format_skeleton("yMMMEd", moment, locale=locale), format_time(moment, "short", locale=locale)
            pattern = str(Locale.parse(locale).datetime_formats["medium"])
        assert (lang.date(moment), lang.time(moment)) == (date, time)
        assert lang.when(moment) == pattern.replace("{1}", date).replace("{0}", time)


def test_remembered_dates_start_afresh_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the remembered dates reach their bound the table starts afresh: still Babel's dates."""
    monkeypatch.setattr(language_module, "_MAX_DATES", 3)
    lang = Language("de")
    days = [datetime(2026, 12, 1) + timedelta(days=number) for number in range(10)]
    for _ in range(2):
        assert [lang.date(day) for day in days] == [format_skeleton("yMMMEd", day, locale="de") for day in days]
    assert len(lang._dates) <= 3


@settings(max_examples=200, deadline=None)
@given(code=st.sampled_from([code for code in SUPPORTED if code != "en"]),
       items=st.lists(st.text(max_size=12), max_size=6))
def test_lists_are_joined_as_babel_joins_them(code: str, items: list[str]) -> None:
    """Language.join follows format_list with the locale's patterns looked up once: the same text for any
    number of items, braces and all (fails if a pattern or a step differs)."""
    assert language(code).join(items) == format_list(items, locale=code.replace("-", "_"))


def test_worded_steps_have_every_field() -> None:
    """word_plan makes each WordedStep from all its fields at once (tuple.__new__): as many as the type has,
    the same as one made the ordinary way (fails if WordedStep gains a field that word_plan does not give)."""
    schedule = plan_for("2026-12-01 14:00", "America/New_York", role="Data Engineer", location="HQ")
    assert schedule.steps
    for step in schedule.steps:
        assert type(step) is WordedStep and len(step) == len(WordedStep._fields)
        assert step == WordedStep(*step)


def test_worded_stream_steps_have_every_field() -> None:
    """word_stream makes its WordedSteps as word_plan does (tuple.__new__): every field of the type, each in its
    place (a keep-searching reminder has no location, URL or interview categories of its own)."""
    from followup_ics.core.records import Interview, Plan, Step
    from followup_ics.wording.texts import follow_up_categories, word_stream

    start = datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    steps = tuple(Step("keep-searching", start + timedelta(days=day), timedelta(minutes=30), timedelta(minutes=10),
                       day + 1, companies=("Acme",)) for day in range(3))
    owner = Interview(company="Job search", start=start, zone="Europe/Berlin", interview_id="search")
    stream = word_stream(Plan(owner, steps), language("de"), "Zoë")
    assert [worded.step for worded in stream.steps] == list(steps)
    for worded in stream.steps:
        assert type(worded) is WordedStep and len(worded) == len(WordedStep._fields)
        assert worded == WordedStep(*worded)
        assert "Acme" in worded.summary and worded.description and worded.alarm_text
        assert (worded.location, worded.url, worded.categories) == ("", "", follow_up_categories(language("de")))
