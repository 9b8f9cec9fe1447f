"""The fast percent-encoder writes exactly what urllib's quote writes, for any text and the safe sets we use."""

from __future__ import annotations

from urllib.parse import quote as urllib_quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_ics.wording.percent import _Encoder, quote, quote_address, quote_body, quote_subject
from followup_ics.wording.texts import mailto

# Surrogates cannot be encoded as UTF-8 at all: both refuse them alike (tested below), so text is drawn without.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


@settings(max_examples=1000, deadline=None)
@given(text=TEXT, safe=st.sampled_from(["", "@", "/", "@/:", "~-"]))
def test_same_as_urllib_for_any_text(text: str, safe: str) -> None:
    """Any characters (controls, non-ASCII, astral, '%', '+', space) with the safe sets mailto links use."""
    assert quote(text, safe=safe) == urllib_quote(text, safe=safe)


@settings(max_examples=1000, deadline=None)
@given(text=st.text(st.characters(max_codepoint=127), max_size=80), safe=st.sampled_from(["", "@", "/", "@/:", "~-"]))
def test_same_as_urllib_for_ascii_text(text: str, safe: str) -> None:
    """ASCII texts (most of a draft's lines), drawn densely: the same text as urllib's, '%' and space included."""
    assert quote(text, safe=safe) == urllib_quote(text, safe=safe)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.sampled_from(["", "Dear Ana,", "a b", "é 日"]) | TEXT, max_size=6),
       separator=st.sampled_from([",", "%0D%0A"]), safe=st.sampled_from(["", "@"]))
def test_joined_is_each_quoted_and_joined(texts: list[str], separator: str, safe: str) -> None:
    """An encoder's join, asked twice (the second time from remembered texts), is urllib's quote of each, joined."""
    expected = separator.join(urllib_quote(text, safe=safe) for text in texts)
    encoder = quote_address if safe == "@" else quote_subject
    assert encoder.join(texts, separator) == expected
    assert encoder.join(texts, separator) == expected


@pytest.mark.parametrize(("text", "safe"), [
    ("", ""),  # empty stays empty
    ("ana@corp.example", "@"),  # an address keeps its @ only when it is safe
    ("ana@corp.example", ""),
    ("Thank you: Data Engineer interview", ""),  # spaces and colons
    ("line one\r\nline two", ""),  # CRLF in a body is %0D%0A (RFC 6068)
    ("Müller & Söhne, 50%+", ""),  # two-byte UTF-8, the percent sign itself, '+' that forms would read as space
    ("日本語 🙂", ""),  # three- and four-byte UTF-8
    ("~._-AZaz09", ""),  # the unreserved set is never encoded
    ("a/b", "/"),  # urllib's default safe character
])
def test_known_cases(text: str, safe: str) -> None:
    """Cases a mail program must read back exactly, one trap each."""
    assert quote(text, safe=safe) == urllib_quote(text, safe=safe)


def test_surrogates_refused_alike() -> None:
    """A lone surrogate cannot be UTF-8: both raise UnicodeEncodeError rather than write something else."""
    with pytest.raises(UnicodeEncodeError):
        urllib_quote("\ud800")
    with pytest.raises(UnicodeEncodeError):
        quote("\ud800")


def test_same_when_the_text_table_fills(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the remembered texts reach their bound a new table is begun; the texts are still urllib's."""
    monkeypatch.setattr("followup_ics.wording.percent._MAX_TEXTS", 3)
    texts = [f"wörd{number} a/b 100%" for number in range(10)]
    for _ in range(2):  # the second time through, some texts are remembered, the others encoded again
        assert [quote(text, safe="") for text in texts] == [urllib_quote(text, safe="") for text in texts]


def test_texts_in_use_outlast_a_full_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text asked for again and again (a greeting, a sign-off) is encoded once, however many one-off texts
    fill the table between two uses; both tables stay bounded (fails if a full table is merely emptied)."""
    monkeypatch.setattr("followup_ics.wording.percent._MAX_TEXTS", 3)
    encoder = _Encoder("")
    encoded: list[str] = []
    encode = encoder._encode
    monkeypatch.setattr(encoder, "_encode", lambda text: encoded.append(text) or encode(text))
    for number in range(20):
        assert encoder.join(["Dear Ana,", f"one-off {number}", "Best regards"], "%0A") == urllib_quote(
            f"Dear Ana,\none-off {number}\nBest regards", safe="")
        assert len(encoder._texts) <= 3 and len(encoder._older) <= 3
    assert encoded.count("Dear Ana,") == encoded.count("Best regards") == 1
    assert len(encoded) == 22


PIECES = ["a", "é", " ", "\r", "\n", "\r\n", "%", ",", "Dear Ana,"]  # lone CR and LF, CRLF, repeated lines


@settings(max_examples=300, deadline=None)
@given(body=st.lists(st.sampled_from(PIECES), max_size=30).map("".join), subject=TEXT)
def test_mailto_link_as_urllib_would_write_it(body: str, subject: str) -> None:
    """A draft's link is the whole body with CRLF line breaks encoded at once (lone CRs and LFs included), as
    RFC 6068 asks."""
    whole = body.replace("\r\n", "\n").replace("\n", "\r\n")
    expected = (f"mailto:ana@corp.example?subject={urllib_quote(subject, safe='')}"
                f"&body={urllib_quote(whole, safe='')}")
    assert mailto(("ana@corp.example",), subject, [body]) == expected


@settings(max_examples=300, deadline=None)
@given(paragraphs=st.lists(st.lists(st.sampled_from(PIECES), max_size=8).map("".join), min_size=1, max_size=4),
       subject=TEXT)
def test_mailto_link_from_paragraphs_is_the_whole_bodys(paragraphs: list[str], subject: str) -> None:
    """A draft's link made from its paragraphs (each encoded, or remembered, on its own) is the link of the
    whole body: CRLF line breaks, also where a CR ends one paragraph and the blank line follows."""
    body = "\n\n".join(paragraphs)
    for _ in range(2):  # the second time from remembered paragraphs
        assert mailto(("ana@corp.example",), subject, paragraphs) == mailto(("ana@corp.example",), subject, [body])


@settings(max_examples=500, deadline=None)
@given(text=TEXT)
def test_body_quoting_is_urllibs_with_crlf_line_breaks(text: str) -> None:
    """quote_body is quote(safe="") with each LF written as CRLF; its join is each text's, joined."""
    assert quote_body(text) == urllib_quote(text, safe="").replace("%0A", "%0D%0A")
    assert quote_body.join([text, text], "%0D%0A") == "%0D%0A".join([quote_body(text)] * 2)


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_link_part_encoders_are_quote_with_their_safe_set(text: str) -> None:
    """The address and subject encoders mailto calls directly are quote with "@" and nothing safe."""
    assert quote_address(text) == urllib_quote(text, safe="@")
    assert quote_subject(text) == urllib_quote(text, safe="")
