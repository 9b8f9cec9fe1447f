"""The subscribe page in the user's language: `serve --lang` over real HTTP, `export-site --lang`, and
create_app configured by FOLLOWUP_ICS_LANG / FOLLOWUP_ICS_ME or the locale, with no English left over."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
from html import escape
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner
from support import SOURCE_DATE_EPOCH

from followup_ics.cli import cli
from followup_ics.edges.web import create_app

LOCALE = Path(__file__).parent.parent / "followup_ics" / "wording" / "locale"
CSV = ("company,date,timezone,status,outcome_date,interviewer\r\n"
       "Acme Corp,2026-12-01 14:00,Europe/Berlin,pending,,Ana Diaz <ana@acme.example>\r\n"
       "Globex,2026-12-02 10:00,America/New_York,rejected,2026-12-03,\r\n")
ME = "Dana Díaz"

# (language, what its page must say): the heading with the user's name, the data's date (SOURCE_DATE_EPOCH,
# 25 Nov 2026 12:00 UTC) and an interview's date as the locale writes them, the summary with its plurals and
# grouped counts, a status in words, and the warning that 127.0.0.1 cannot serve Google and Outlook.
PAGES = [
    ("en", ["Interview follow-ups for Dana Díaz</h1>", "Data last changed Wed 25 Nov 2026, 12:00 UTC.",
            "2 interviews (1 pending, 1 rejected), 16 events in all.",
            "Tue 1 Dec 2026, 14:00 (Europe/Berlin), pending, 8 events",
            "127.0.0.1 is not a public address"]),
    ("de", ["Vorstellungsgespräche von Dana Díaz: nächste Schritte</h1>",
            "Daten zuletzt geändert: Mi., 25. Nov. 2026, 12:00 UTC.",
            "2 Vorstellungsgespräche (offen: 1, abgesagt: 1), insgesamt 16 Termine.",
            "Di., 1. Dez. 2026, 14:00 (Europe/Berlin), offen, 8 Termine",
            "127.0.0.1 ist keine öffentliche Adresse", "Abonnieren Sie"]),  # Sie, not du
    ("fr", ["Suivi des entretiens – Dana Díaz</h1>",
            "Dernière modification des données : mer. 25 nov. 2026, 12:00 UTC.",
            "2 entretiens (en attente : 1, refusée : 1), 16 événements en tout.",
            "mar. 1 déc. 2026, 14:00 (Europe/Berlin), en attente, 8 événements",
            "127.0.0.1 n&#x27;est pas une adresse publique", "Abonnez-vous"]),  # vous
    ("es", ["Seguimiento de las entrevistas de Dana Díaz</h1>",
            "Última modificación de los datos: mié, 25 nov 2026, 12:00 UTC.",
            "2 entrevistas (pendiente: 1, rechazada: 1), 16 eventos en total.",
            "mar, 1 dic 2026, 14:00 (Europe/Berlin), pendiente, 8 eventos",
            "127.0.0.1 no es una dirección pública", "Suscríbase"]),  # usted
    ("pt-BR", ["Acompanhamento das entrevistas de Dana Díaz</h1>",
               "Última alteração dos dados: qua., 25 de nov. de 2026 12:00 UTC.",
               "2 entrevistas (em aberto: 1, recusada: 1), 16 eventos no total.",
               "ter., 1 de dez. de 2026 14:00 (Europe/Berlin), em aberto, 8 eventos",
               "127.0.0.1 não é um endereço público", "Assine uma vez e o seu"]),  # você
]


def english_left_over(page: str, code: str) -> list[str]:
    """English source text on a page meant to be in ``code``: every message's words (between placeholders)
    that its translation does not share."""
    if code == "en":
        return []
    with (LOCALE / code.replace("-", "_") / "LC_MESSAGES" / "followup_ics.po").open("rb") as handle:
        catalog = read_po(handle)
    found = []
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = " ".join([message.string] if isinstance(message.string, str) else list(message.string))
        for text in ids:
            for words in re.split(r"\{\w*\}", text):
                words = words.strip(" .,:;()")
                if len(words) >= 8 and words not in strings and words.replace("'", "&#x27;") in page:
                    found.append(words)
    return found


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize(("code", "expected"), PAGES, ids=[code for code, _ in PAGES])
def test_serve_answers_the_page_in_the_chosen_language(tmp_path: Path, code: str, expected: list[str]) -> None:
    """`serve --lang X --me NAME` over real HTTP: every text, date and count of the page in X."""
    source = tmp_path / "interviews.csv"
    source.write_text(CSV, encoding="utf-8")
    command = [sys.executable, "-m", "followup_ics", "serve", str(source), "--port", "0", "--tz", "UTC",
               "--lang", code, "--me", ME]
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "LANG": "C.UTF-8"}
    env.pop("LC_ALL", None)
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env, preexec_fn=_default_sigint)
    try:
        assert process.stderr is not None
        page_url = ""
        for line in process.stderr:
            if line.startswith("Page:"):
                page_url = line.split()[1]
            if line.startswith("Ctrl-C") or not line:
                break
        port, path = re.fullmatch(r"http://127\.0\.0\.1:(\d+)(/.+/)", page_url).groups()  # type: ignore[union-attr]
        connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        page = response.read().decode("utf-8")
        connection.close()
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
    assert response.status == 200
    assert f'<html lang="{code}">' in page
    for text in expected:
        assert text in page
    assert english_left_over(page, code) == []


# (language, the hint of a site exported without --base-url, markup kept around the option)
HINTS = [
    ("en", "These files were exported without <code>--base-url</code>: put them on an https host"),
    ("de", "Diese Dateien wurden ohne <code>--base-url</code> exportiert"),
    ("fr", "Ces fichiers ont été exportés sans <code>--base-url</code> :"),
    ("es", "Estos archivos se exportaron sin <code>--base-url</code>:"),
    ("pt-BR", "Estes arquivos foram exportados sem <code>--base-url</code>:"),
]


@pytest.mark.parametrize(("code", "hint"), HINTS, ids=[code for code, _ in HINTS])
def test_export_site_writes_the_page_in_the_chosen_language(tmp_path: Path, code: str, hint: str) -> None:
    """`export-site --lang X` (and FOLLOWUP_ICS_LANG): the static page in X, its hint and listing included."""
    source = tmp_path / "interviews.csv"
    source.write_text(CSV, encoding="utf-8")
    expected = dict(PAGES)[code]
    for run, (options, env) in enumerate([(["--lang", code], {}), ([], {"FOLLOWUP_ICS_LANG": code})]):
        site = tmp_path / f"site-{run}"
        result = CliRunner().invoke(cli, ["export-site", str(source), str(site), "--tz", "UTC", "--me", ME,
                                          "--state", str(tmp_path / f"state-{run}"), *options],
                                    env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "LANG": "C", "LC_ALL": None,
                                         "LC_MESSAGES": None, **env})
        assert result.exit_code == 0, result.output
        page = next(site.glob("*/index.html")).read_text(encoding="utf-8")
        assert f'<html lang="{code}">' in page and hint in page
        for text in expected[:4]:  # the warning about 127.0.0.1 is the server's alone
            assert text in page
        assert english_left_over(page, code) == []


def test_export_site_rebuilds_the_feeds_when_only_the_language_changed(tmp_path: Path) -> None:
    """An unchanged CSV exported again with --lang de gives German feeds, not the English build again."""
    source = tmp_path / "interviews.csv"
    source.write_text(CSV, encoding="utf-8")
    site = tmp_path / "site"
    for code, title in [("en", b"SUMMARY:Interview: Acme Corp"), ("de", "SUMMARY:Vorstellungsgespräch: Acme Corp"
                                                                 .encode())]:
        result = CliRunner().invoke(cli, ["export-site", str(source), str(site), "--tz", "UTC", "--lang", code],
                                    env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
        assert result.exit_code == 0, result.output
        assert title in next(site.glob("*/all.ics")).read_bytes()
        assert f'<html lang="{code}">' in next(site.glob("*/index.html")).read_text(encoding="utf-8")


# (environment, the page's language, its heading): FOLLOWUP_ICS_LANG first, else the locale as the CLI reads it.
ENVIRONMENTS = [
    ({"FOLLOWUP_ICS_LANG": "fr", "FOLLOWUP_ICS_ME": ME, "LANG": "de_DE.UTF-8"}, "fr",
     "Suivi des entretiens – Dana Díaz"),
    ({"LANG": "es_MX.UTF-8"}, "es", "Seguimiento de entrevistas"),  # no name: the calendar's own name
    ({"LC_ALL": "pt_BR.UTF-8", "LANG": "de_DE.UTF-8", "FOLLOWUP_ICS_ME": ME}, "pt-BR",
     "Acompanhamento das entrevistas de Dana Díaz"),
    ({"LANG": "ja_JP.UTF-8"}, "en", "Interview follow-ups"),  # a locale we do not speak: English
    ({}, "en", "Interview follow-ups"),
]


@pytest.mark.parametrize(("environ", "code", "heading"), ENVIRONMENTS)
def test_create_app_takes_the_language_and_name_from_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], code: str, heading: str) -> None:
    """The WSGI factory picks the language as the CLI does; FOLLOWUP_ICS_ME names the page and signs drafts."""
    source = tmp_path / "interviews.csv"
    source.write_text(CSV, encoding="utf-8")
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "FOLLOWUP_ICS_LANG", "FOLLOWUP_ICS_ME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {"FOLLOWUP_ICS_CSV": str(source), "FOLLOWUP_ICS_TZ": "UTC",
                        "FOLLOWUP_ICS_STATE": str(tmp_path / "state"), **environ}.items():
        monkeypatch.setenv(name, value)
    app = create_app()
    try:
        statuses: list[str] = []
        page = b"".join(app({"REQUEST_METHOD": "GET", "PATH_INFO": f"/{app.token}/", "HTTP_HOST": "x"},
                            lambda status, headers: statuses.append(status))).decode("utf-8")
        feed = app.site.feeds["all.ics"].data.decode("utf-8")
    finally:
        app.close()
    assert statuses == ["200 OK"] and f'<html lang="{code}">' in page and f"<h1>{heading}</h1>" in page
    assert english_left_over(page, code) == []
    unfolded = feed.replace("\r\n ", "")
    assert ("Dana Díaz" in unfolded) == ("FOLLOWUP_ICS_ME" in environ)  # the drafts are signed with the name


def test_create_app_refuses_an_unknown_language_naming_the_variable(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """FOLLOWUP_ICS_LANG=xx stops the start with one line listing the languages we speak."""
    source = tmp_path / "interviews.csv"
    source.write_text(CSV, encoding="utf-8")
    monkeypatch.setenv("FOLLOWUP_ICS_CSV", str(source))
    monkeypatch.setenv("FOLLOWUP_ICS_LANG", "xx")
    with pytest.raises(SystemExit) as stopped:
        create_app()
    assert str(stopped.value) == ("followup-ics: FOLLOWUP_ICS_LANG: unknown language "
                                  "(supported: en, de, fr, es, pt-BR) ('xx')")


@pytest.mark.parametrize("command", ["serve", "export-site"])
def test_serve_and_export_site_refuse_an_unknown_language(tmp_path: Path, command: str) -> None:
    """--lang xx: one line listing the supported languages, exit 2, no site written and nothing served."""
    source = tmp_path / "interviews.csv"
    source.write_text(CSV, encoding="utf-8")
    where = ["--port", "0"] if command == "serve" else [str(tmp_path / "site")]
    result = CliRunner().invoke(cli, [command, str(source), *where, "--tz", "UTC", "--lang", "xx"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Error: --lang: unknown language (supported: en, de, fr, es, pt-BR) ('xx')"]
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("code", ["de", "fr", "es", "pt-BR"])
def test_every_part_of_the_page_is_translated(code: str) -> None:
    """A bad CSV, a search, several pages, a local address: no English message left on any of them."""
    from datetime import UTC, datetime

    from followup_ics.edges.feeds import Listing, Site
    from followup_ics.edges.page import PageView, render_page, status_name
    from followup_ics.wording.language import language

    listings = tuple(Listing(f"c{n}.ics", f"Company {n}", "—", "offer" if n % 3 else "accepted", 1)
                     for n in range(150))
    site = Site({}, listings, datetime(2026, 11, 25, 12, tzinfo=UTC), events=150)
    problem = "roster.csv:3: column 'date': not a date ('<b>')"  # user text, not a message
    pages = [render_page(site, "http://127.0.0.1:8080/t/", problem, view=PageView(number=2), lang=language(code)),
             render_page(site, "https://nas.local/t/", None, view=PageView(search="company 1"),
                         lang=language(code))]
    for page in pages:
        assert english_left_over(page, code) == []
    assert "not a date (&#x27;&lt;b&gt;&#x27;)" in pages[0]  # the problem is shown, escaped
    assert "<nav>" in pages[0] and "name='q'" in pages[1]
    # A search for a status as the page words it ('Angebot') finds the applications with that status.
    lang = language(code)
    found = render_page(site, None, view=PageView(search=status_name("offer", lang)), lang=lang)
    assert escape(lang.ngettext("{matching} of {total} interviews match.", "{matching} of {total} interviews match.",
                                100, matching=lang.number(100), total=lang.number(150))) in found


_DIGEST = """
import sys
from datetime import date
from followup_ics.app.config import request_for
from followup_ics.edges.feeds import csv_digest
request, _ = request_for("Europe/Berlin")
workdays = request.settings.workdays._replace(extra_working=frozenset(date(2026, 12, day) for day in range(1, 29)))
request = request._replace(settings=request.settings._replace(workdays=workdays), language="de")
print(csv_digest(b"company,date", request))
"""


def test_the_build_key_is_the_same_in_every_process() -> None:
    """A restart must find its build: the settings' sets are keyed in one order whatever the hash seed."""
    digests = {subprocess.run([sys.executable, "-c", _DIGEST], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(digests) == 1
