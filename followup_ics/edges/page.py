"""The subscribe page: each feed with one-click links for each calendar app. Plain HTML, no JavaScript.

A roster of thousands would make a page of megabytes, so the page opens with a summary and the combined
feed, then lists the interviews PAGE_SIZE at a time: numbered pages, and on the server a search box.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlencode, urlsplit

from followup_ics.core.identity import COMBINED
from followup_ics.edges.feeds import Listing, Site
from followup_ics.wording.language import language
from followup_ics.wording.texts import collection_name

PAGE_SIZE = 100  # interviews listed per page


def subscribe_links(feed_url: str, name: str) -> dict[str, str]:
    """Where to send a user to subscribe to ``feed_url`` (an absolute http(s) URL) in each app."""
    webcal = "webcal://" + feed_url.split("://", 1)[1]
    return {
        "Apple Calendar / webcal": webcal,
        "Google Calendar": "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe=""),
        "Outlook.com": ("https://outlook.live.com/calendar/0/addfromweb?url=" + quote(feed_url, safe="")
                        + "&name=" + quote(name, safe="")),
        "Outlook (work or school)": ("https://outlook.office.com/calendar/0/addfromweb?url="
                                     + quote(feed_url, safe="") + "&name=" + quote(name, safe="")),
    }


def unreachable(base_url: str) -> str | None:
    """Why Google Calendar and Outlook cannot subscribe to feeds under ``base_url``, or None if they can.

    Their servers fetch the feed themselves: it must be https (Outlook refuses http) on an address they can
    reach from the internet, not 127.0.0.1, a LAN address or a name only the local network knows.
    """
    parts = urlsplit(base_url)
    host = (parts.hostname or "").rstrip(".").lower()
    if not host or host == "localhost" or host.endswith((".localhost", ".local", ".lan", ".internal", ".home.arpa")):
        return f"{host or 'this host'} is a local name"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if "." not in host:
            return f"{host} is a local name"
    else:
        if not address.is_global:
            return f"{host} is not a public address"
    if parts.scheme != "https":
        return "the address is not https"
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
                view: PageView = PageView()) -> str:
    """The page for the token folder; ``base_url`` is that folder's absolute URL, if known."""
    listings = _matching(site.listings, view.search)
    pages = max(1, -(-len(listings) // PAGE_SIZE))
    number = min(max(view.number, 1), pages)
    shown = listings[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
    rows = [_feed(site, COMBINED, collection_name(language()), "every interview below, in one calendar", base_url)]
    for listing in shown:
        detail = f"{listing.when}, {listing.status}, {listing.events} events"
        rows.append(_feed(site, listing.file, f"Follow-ups: {listing.title}", detail, base_url))
    warning = ""
    if problem:
        warning = ("<section class='problem'><h2>The CSV has problems; the feeds below are from the last good "
                   f"version</h2><pre>{escape(problem)}</pre></section>")
    reason = unreachable(base_url) if base_url else None
    if reason:
        warning += ("<section class='problem'><h2>Google Calendar and Outlook cannot subscribe here</h2>"
                    f"<p>Their servers fetch the feed themselves, and {escape(reason)}: their subscribe buttons "
                    "below will fail. Apple Calendar and other apps on this network can subscribe. Put the server "
                    "behind https on a public address (see the README) and set <code>--public-url</code>."
                    "</p></section>")
    hint = "" if base_url else (
        "<p>These files were exported without <code>--base-url</code>: put them on an https host and export "
        "again with its address to get one-click subscribe links.</p>")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>Interview follow-ups: subscribe</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }}
li {{ margin-bottom: 1.2rem; }} .links a {{ margin-right: 1rem; }} code {{ word-break: break-all; }}
.problem {{ border: 2px solid #b00; padding: 0 1rem; }} nav a {{ margin-right: .6rem; }}
</style>
</head>
<body>
<h1>Interview follow-ups</h1>
<p>Subscribe once and your calendar app picks up every change (a new interview, an outcome) on its next
refresh, without duplicates. Subscribed calendars refresh every few hours, and Google Calendar ignores the
reminders in a feed: set notifications on the subscribed calendar instead. Data last changed
{site.changed_at:%Y-%m-%d %H:%M} UTC.</p>
<p class="summary">{escape(_summary(site))}</p>
{hint}{warning}{_search(site, view)}
<ul>
{"".join(rows)}
</ul>
{_navigation(view, number, pages, len(listings), len(site.listings))}
</body>
</html>
"""


def _summary(site: Site) -> str:
    counts = Counter(listing.status for listing in site.listings)
    statuses = ", ".join(f"{count:,} {status}" for status, count in sorted(counts.items()))
    interviews = len(site.listings)
    return (f"{interviews:,} interview{'s' if interviews != 1 else ''}"
            + (f" ({statuses})" if statuses else "") + f", {site.events:,} events in all.")


def _matching(listings: tuple[Listing, ...], search: str) -> tuple[Listing, ...]:
    if not search:
        return listings
    words = search.casefold().split()
    return tuple(item for item in listings
                 if all(word in f"{item.title} {item.when} {item.status} {item.file}".casefold() for word in words))


def _search(site: Site, view: PageView) -> str:
    if view.static or (len(site.listings) <= PAGE_SIZE and not view.search):
        return ""
    return ("<form method='get' action=''><label>Find an interview: <input type='search' name='q' "
            f"value='{escape(view.search)}'></label> <button>Search</button></form>")


def _navigation(view: PageView, number: int, pages: int, matching: int, total: int) -> str:
    found = f"<p>{matching:,} of {total:,} interviews match.</p>" if view.search else ""
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
    return f"{found}<nav>Page {number} of {pages}: {' '.join(parts)}</nav>"


def _feed(site: Site, file: str, name: str, detail: str, base_url: str | None) -> str:
    if file not in site.feeds:
        return ""
    if not base_url:
        return (f"<li><strong>{escape(name)}</strong><br>{escape(detail)}<br>"
                f"<a href='{escape(quote(file))}'>{escape(file)}</a></li>\n")
    url = base_url + quote(file)
    links = " ".join(f"<a href='{escape(href)}'>{escape(label)}</a>"
                     for label, href in subscribe_links(url, name).items())
    return (f"<li><strong>{escape(name)}</strong><br>{escape(detail)}<br>"
            f"<span class='links'>{links}</span><br>Address to copy: <code>{escape(url)}</code></li>\n")
