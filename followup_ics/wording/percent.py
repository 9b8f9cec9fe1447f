"""Percent-encoding for mailto: links, the same text as ``urllib.parse.quote``, several times faster.

Every drafted email carries a ``mailto:`` link holding its whole body, so a batch percent-encodes some
twenty kilobytes per interview; urllib's per-byte loop was a twentieth of a batch. The drafts are made of
the same paragraphs over and over (greetings, sign-offs, the paragraphs an interview's drafts share), so
each whole text is remembered (texts.mailto encodes a body paragraph by paragraph, with quote_body: its
line breaks as CRLF), in bounded tables. A new text is
encoded in C, without a Python step per character: its UTF-8 bytes less those kept as they are
(``bytes.translate``) tell which bytes must be encoded, and each kind of those is replaced by its code
(``bytes.replace``): a handful of kinds per line, spaces the most. tests/test_percent.py holds it to
``quote`` on any text.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

# RFC 3986's unreserved characters: what urllib's quote never encodes, whatever ``safe`` says.
_ALWAYS_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")
_MAX_TEXTS = 512  # remembered whole texts per table, of two (see _Encoder._remember): 1,024 in all, as before
_PERCENT, _SPACE, _LF = ord("%"), ord(" "), ord("\n")


class _Encoder:
    """``quote`` for one set of safe characters."""

    def __init__(self, safe: str, line_break: bytes = b"%0A") -> None:
        keep = _ALWAYS_SAFE | {ord(character) for character in safe if ord(character) < 128}
        self._kept = bytes(sorted(keep))  # what bytes.translate drops to leave the bytes to encode
        # each byte to encode, as bytes, and its code
        self._codes = {byte: (bytes([byte]), f"%{byte:02X}".encode()) for byte in range(256) if byte not in keep}
        if _LF in self._codes:
            self._codes[_LF] = (b"\n", line_break)
        self._texts: dict[str, str] = {}
        self._older: dict[str, str] = {}  # the texts remembered before _texts was last full (see _remember)

    def __call__(self, text: str) -> str:
        try:
            return self._texts[text]
        except KeyError:
            return self._remember(text)

    def _remember(self, text: str) -> str:
        """``text`` encoded, and remembered. A full table is kept as the older one and a new one begun: texts
        still in use (greetings, sign-offs, the paragraphs of every draft) come back from the older one
        instead of being encoded again, while one-off texts (most paragraphs naming a company or a date)
        go with it when the new one is full in turn. (Threads may swap the tables at once: a text is then
        encoded twice or forgotten, never wrong.)"""
        encoded = self._older.get(text)
        if encoded is None:
            encoded = self._encode(text)
        if len(self._texts) >= _MAX_TEXTS:
            self._older, self._texts = self._texts, {}
        self._texts[text] = encoded
        return encoded

    def _encode(self, text: str) -> str:
        """Each kind of byte to encode replaced by its code, '%' first (the codes brought in are '%' and
        bytes kept as they are, so no code is encoded twice)."""
        data = text.encode("utf-8")  # (strict, as quote: a lone surrogate raises UnicodeEncodeError)
        to_encode = data.translate(None, self._kept)
        if not to_encode:
            return text
        codes = self._codes
        if _PERCENT in to_encode:
            data = data.replace(*codes[_PERCENT])
            to_encode = to_encode.replace(b"%", b"")
        if _SPACE in to_encode:  # most of them: set() below is then over the few others
            data = data.replace(*codes[_SPACE])
            to_encode = to_encode.replace(b" ", b"")
        for byte in set(to_encode):
            data = data.replace(*codes[byte])
        return data.decode("ascii")

    def join(self, texts: Sequence[str], separator: str) -> str:
        """``separator.join`` of each text encoded; a text remembered costs a look-up, not a call."""
        known, remember = self._texts.get, self._remember
        encoded = []  # (a loop, not a list comprehension: that is a call of its own, for some three texts)
        for text in texts:
            # ``or``: a text not yet known (or the empty one, which encodes to itself) is encoded and remembered
            encoded.append(known(text) or remember(text))
        return separator.join(encoded)


@functools.cache
def _encoder(safe: str) -> _Encoder:
    return _Encoder(safe)


def quote(text: str, safe: str = "/") -> str:
    """``urllib.parse.quote(text, safe)`` for a str (UTF-8, strict): the same result, character for character."""
    return _encoder(safe)(text)


# The encoders of a mailto: link's parts, called as they are (a text remembered: one call, one look-up), and
# joining with their ``join``: an address keeps its @, a subject encodes every reserved character, and a
# body writes each LF as a line break, CRLF (%0D%0A) as RFC 6068 asks (a CR is encoded as any other
# character: a body with CRLF line breaks is made LF first).
quote_address = _encoder("@")  # quote(text, safe="@")
quote_subject = _encoder("")  # quote(text, safe="")
quote_body = _Encoder("", line_break=b"%0D%0A")  # quote(text, safe="") with each LF as %0D%0A
