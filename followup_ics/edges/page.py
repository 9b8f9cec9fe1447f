"""The subscribe page: each feed with one-click links for each calendar app. Plain HTML, no JavaScript.

A roster of thousands would make a page of megabytes, so the page opens with a summary and the combined
feed, then lists the interviews PAGE_SIZE at a time: numbered pages, and on the server a search box.

The page speaks the run's language (``serve --lang``, ``export-site --lang``, FOLLOWUP_ICS_LANG, the locale):
its texts are messages of the gettext catalogs (babel.cfg extracts them from this file), its dates and
counts take the locale's forms. The listings' dates were formatted when the feeds were built, in the same
language (feeds.build_site), since a build is made for one run's settings.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from dataclasses import dataclass
from datetime import UTC
from html import escape
from urllib.parse import quote, urlencode, urlsplit

from followup_ics.core.identity import COMBINED
from followup_ics.edges.feeds import Listing, Site
from followup_ics.wording.language import Language, language
from followup_ics.wording.texts import collection_name

PAGE_SIZE = 100  # interviews listed per page


def subscribe_links(feed_url: str, name: str, lang: Language | None = None) -> dict[str, str]:
    """Where to send a user to subscribe to ``feed_url`` (an absolute http(s) URL) in each app."""
    lang = lang or language()
    webcal = "webcal://" + feed_url.split("://", 1)[1]
    return {
        "Apple Calendar / webcal": webcal,
        "Google Calendar": "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe=""),
        "Outlook.com": ("https://outlook.live.com/calendar/0/addfromweb?url=" + quote(feed_url, safe="")
                        + "&name=" + quote(name, safe="")),
        lang._("Outlook (work or school)"): ("https://outlook.office.com/calendar/0/addfromweb?url="
                                             + quote(feed_url, safe="") + "&name=" + quote(name, safe="")),
    }


def unreachable(base_url: str, lang: Language | None = None) -> str | None:
    """Why Google Calendar and Outlook cannot subscribe to feeds under ``base_url``, or None if they can.

    Their servers fetch the feed themselves: it must be https (Outlook refuses http) on an address they can
    reach from the internet, not 127.0.0.1, a LAN address or a name only the local network knows.
    """
    lang = lang or language()
    parts = urlsplit(base_url)
    host = (parts.hostname or "").rstrip(".").lower()
    if not host or host == "localhost" or host.endswith((".localhost", ".local", ".lan", ".internal", ".home.arpa")):
        return lang._("{host} is a local name", host=host or lang._("this host"))
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if "." not in host:
            return lang._("{host} is a local name", host=host)
    else:
        if not address.is_global:
            return lang._("{host} is not a public address", host=host)
    if parts.scheme != "https":
        return lang._("the address is not https")
    return None


@dataclass(frozen=True, slots=True)
class PageView:
    """Which part of the list a page shows: its number and, on the server, a search."""

    number: int = 1
    search: str = ""
    static: bool = False  # export-site: pages are files (index.html, page-2.html, ...), no search


def page_file(number: int) -> str:
    """The file of page ``number`` in an exported site."""
    return "index.html" if number <= 1 else f"page-{number}.html"


def page_count(site: Site) -> int:
    return max(1, -(-len(site.listings) // PAGE_SIZE))


def render_page(site: Site, base_url: str | None, problem: str | None = None, *,
                view: PageView = PageView(), lang: Language | None = None, me: str = "") -> str:
    """The page for the token folder; ``base_url`` is that folder's absolute URL, if known. The page is in
    ``lang`` (English by default) and, when ``me`` names the user, says whose follow-ups these are."""
    lang = lang or language()
    listings = _matching(site.listings, view.search, lang)
    pages = max(1, -(-len(listings) // PAGE_SIZE))
    number = min(max(view.number, 1), pages)
    shown = listings[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
    rows = [_feed(site, COMBINED, collection_name(lang), lang._("every interview below, in one calendar"),
                  base_url, lang)]
    for listing in shown:
        events = lang.ngettext("{number} event", "{number} events", listing.events,
                               number=lang.number(listing.events))
        detail = f"{listing.when}, {status_name(listing.status, lang)}, {events}"
        rows.append(_feed(site, listing.file, lang._("Interview follow-ups: {title}", title=listing.title), detail,
                          base_url, lang))
    heading = lang._("Interview follow-ups for {name}", name=me) if me else collection_name(lang)
    title = lang._("{heading}: subscribe", heading=heading)
    intro = lang._(
        "Subscribe once and your calendar app picks up every change (a new interview, an outcome) on its next "
        "refresh, without duplicates. Subscribed calendars refresh every few hours, and Google Calendar ignores "
        "the reminders in a feed: set notifications on the subscribed calendar instead. Data last changed "
        "{when} UTC.", when=lang.when(site.changed_at.astimezone(UTC)))
    return f"""<!doctype html>
<html lang="{escape(lang.code)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>{escape(title)}</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }}
li {{ margin-bottom: 1.2rem; }} .links a {{ margin-right: 1rem; }} code {{ word-break: break-all; }}
.problem {{ border: 2px solid #b00; padding: 0 1rem; }} nav a {{ margin-right: .6rem; }}
</style>
</head>
<body>
<h1>{escape(heading)}</h1>
<p>{escape(intro)}</p>
<p class="summary">{escape(_summary(site, lang))}</p>
{_notes(base_url, problem, lang)}{_search(site, view, lang)}
<ul>
{"".join(rows)}
</ul>
{_navigation(view, number, pages, len(listings), len(site.listings), lang)}
</body>
</html>
"""


def status_name(status: str, lang: Language) -> str:
    """An application's status as the page words it: 'pending', 'offen' in German."""
    names = {
        "pending": lang._("pending"),
        "offer": lang._("offer"),
        "rejected": lang._("rejected"),
        "withdrawn": lang._("withdrawn"),
        "accepted": lang._("accepted"),
    }
    return names.get(status, status)


def _notes(base_url: str | None, problem: str | None, lang: Language) -> str:
    """What the reader must know first: a bad CSV, links Google and Outlook cannot use, no base URL."""
    notes = ""
    if problem:
        title = lang._("The CSV has problems; the feeds below are from the last good version")
        notes = f"<section class='problem'><h2>{escape(title)}</h2><pre>{escape(problem)}</pre></section>"
    reason = unreachable(base_url, lang) if base_url else None
    if reason:
        # The message is escaped before the markup goes into its placeholders.
        text = escape(lang._(
            "Their servers fetch the feed themselves, and {reason}: their subscribe buttons below will fail. "
            "Apple Calendar and other apps on this network can subscribe. Put the server behind https on a "
            "public address (see the README) and set {option}."))
        title = lang._("Google Calendar and Outlook cannot subscribe here")
        notes += (f"<section class='problem'><h2>{escape(title)}</h2>"
                  f"<p>{text.format(reason=escape(reason), option='<code>--public-url</code>')}</p></section>")
    if not base_url:
        text = escape(lang._("These files were exported without {option}: put them on an https host and export "
                             "again with its address to get one-click subscribe links."))
        notes = f"<p>{text.format(option='<code>--base-url</code>')}</p>" + notes
    return notes


def _summary(site: Site, lang: Language) -> str:
    counts = Counter(listing.status for listing in site.listings)
    statuses = ", ".join(lang._("{number} {status}", number=lang.number(count), status=status_name(status, lang))
                         for status, count in sorted(counts.items()))
    interviews = lang.ngettext("{number} interview", "{number} interviews", len(site.listings),
                               number=lang.number(len(site.listings)))
    events = lang.number(site.events)
    if statuses:
        return lang.ngettext("{interviews} ({statuses}), {number} event in all.",
                             "{interviews} ({statuses}), {number} events in all.", site.events,
                             interviews=interviews, statuses=statuses, number=events)
    return lang.ngettext("{interviews}, {number} event in all.", "{interviews}, {number} events in all.",
                         site.events, interviews=interviews, number=events)


def _matching(listings: tuple[Listing, ...], search: str, lang: Language) -> tuple[Listing, ...]:
    if not search:
        return listings
    words = search.casefold().split()
    # The status as the page shows it and as the CSV holds it: 'Angebot' and 'offer' both find an offer.
    return tuple(item for item in listings
                 if all(word in f"{item.title} {item.when} {item.status} {status_name(item.status, lang)} "
                                f"{item.file}".casefold() for word in words))


def _search(site: Site, view: PageView, lang: Language) -> str:
    if view.static or (len(site.listings) <= PAGE_SIZE and not view.search):
        return ""
    # Messages outside the f-strings: Babel's extractor does not look inside them.
    label, button = escape(lang._("Find an interview:")), escape(lang._("Search"))
    return (f"<form method='get' action=''><label>{label} <input type='search' name='q' "
            f"value='{escape(view.search)}'></label> <button>{button}</button></form>")


def _navigation(view: PageView, number: int, pages: int, matching: int, total: int, lang: Language) -> str:
    found = ""
    if view.search:
        found = "<p>" + escape(lang.ngettext("{matching} of {total} interviews match.",
                                             "{matching} of {total} interviews match.", matching,
                                             matching=lang.number(matching), total=lang.number(total))) + "</p>"
    if pages <= 1:
        return found

    def link(page: int) -> str:
        if view.static:
            return escape(page_file(page))
        query = {"page": str(page), **({"q": view.search} if view.search else {})}
        return escape("?" + urlencode(query))

    numbers = sorted({1, pages, *range(max(1, number - 3), min(pages, number + 3) + 1)})
    parts, last = [], 0
    for page in numbers:
        if page - last > 1:
            parts.append("…")
        parts.append(f"<strong>{page}</strong>" if page == number else f"<a href='{link(page)}'>{page}</a>")
        last = page
    where = escape(lang._("Page {number} of {pages}:", number=lang.number(number), pages=lang.number(pages)))
    return f"{found}<nav>{where} {' '.join(parts)}</nav>"


def _feed(site: Site, file: str, name: str, detail: str, base_url: str | None, lang: Language) -> str:
    if file not in site.feeds:
        return ""
    if not base_url:
        return (f"<li><strong>{escape(name)}</strong><br>{escape(detail)}<br>"
                f"<a href='{escape(quote(file))}'>{escape(file)}</a></li>\n")
    url = base_url + quote(file)
    links = " ".join(f"<a href='{escape(href)}'>{escape(label)}</a>"
                     for label, href in subscribe_links(url, name, lang).items())
    copy = escape(lang._("Address to copy:"))
    return (f"<li><strong>{escape(name)}</strong><br>{escape(detail)}<br>"
            f"<span class='links'>{links}</span><br>{copy} "
            f"<code>{escape(url)}</code></li>\n")
