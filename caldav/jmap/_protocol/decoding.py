"""Content-Encoding undone by the client itself, in bounded steps.

The transports read the body as sent (``decode_content=False``) and hand it here, so a
small compressed answer cannot turn into gigabytes at once inside the HTTP library: each
compressed chunk comes out as pieces of at most :data:`PIECE_BYTES`, and whoever collects
them stops at its own limit (see ``max_response_bytes`` of the transports).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from caldav.jmap.error import JMAPResponseLimitError

__all__ = ["ACCEPT_ENCODING", "BodyDecoder", "PIECE_BYTES"]

#: What the client accepts: the codings the standard library decodes in bounded steps.
ACCEPT_ENCODING = "gzip, deflate"
PIECE_BYTES = 64 * 1024

# zlib's window bits: 16+ reads a gzip header, 32+ detects gzip or zlib
_GZIP, _ANY = 16 + zlib.MAX_WBITS, 32 + zlib.MAX_WBITS
_WBITS = {"gzip": _GZIP, "x-gzip": _GZIP, "deflate": _ANY}


class BodyDecoder:
    """Decodes one body's Content-Encoding (identity, gzip or deflate) chunk by chunk."""

    def __init__(self, encoding: str | None, url: str = "") -> None:
        codings = [c.strip().lower() for c in (encoding or "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in _WBITS):
            raise JMAPResponseLimitError(
                url=url,
                reason=f"the answer's Content-Encoding {encoding!r} is not one the client "
                f"asked for ({ACCEPT_ENCODING})",
            )
        self._zlib = zlib.decompressobj(_WBITS[codings[0]]) if codings else None
        self._raw_deflate = codings == ["deflate"]
        self._url = url

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded bytes of ``data``, in pieces of at most PIECE_BYTES."""
        if self._zlib is None:
            if data:
                yield data
            return
        while data:
            try:
                piece = self._zlib.decompress(data, PIECE_BYTES)
            except zlib.error as error:
                if self._raw_deflate and not self._zlib.eof:
                    # some servers send "deflate" without the zlib header (RFC 1951 only)
                    self._zlib, self._raw_deflate = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                raise JMAPResponseLimitError(
                    url=self._url, reason=f"the compressed answer is corrupt ({error})"
                ) from None
            self._raw_deflate = False
            data = self._zlib.unconsumed_tail
            if piece:
                yield piece
            elif not data:
                break
