"""The stylesheets and script under /static: held in memory, gzipped once, cached by browsers.

Pages link them as `/static/<name>?v=<hash of the file>` (`url`, a template global); such a
request is cacheable for a year, since a changed file gets another address. Without the
matching version a browser revalidates each time (ETag, 304). The files ship in the package
and are read once, when the app is built.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from sunlight.web.compression import COMPRESSIBLE, MINIMUM_BYTES, accepts_gzip, gzipped

FOREVER = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


@dataclass(frozen=True)
class Asset:
    body: bytes
    compressed: bytes | None
    media_type: str
    version: str


def _asset(path: Path) -> Asset:
    body = path.read_bytes()
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if media == "application/javascript":
        media = "text/javascript"
    worth = media in COMPRESSIBLE and len(body) >= MINIMUM_BYTES
    return Asset(body, gzipped(body) if worth else None,
                 f"{media}; charset=utf-8" if media.startswith("text/") else media,
                 hashlib.sha256(body).hexdigest()[:16])


class StaticAssets:
    """The files of one folder (not its sub-folders), served at /static/<name>."""

    def __init__(self, folder: Path) -> None:
        self._assets = {path.name: _asset(path) for path in sorted(folder.iterdir())
                        if path.is_file()}

    def url(self, name: str) -> str:
        """The versioned address of a file (KeyError for a file that does not exist)."""
        return f"/static/{name}?v={self._assets[name].version}"

    async def respond(self, request: Request) -> Response:
        asset = self._assets.get(request.path_params["name"])
        if asset is None:
            return Response("Not Found", status_code=404, media_type="text/plain")
        versioned = request.query_params.get("v") == asset.version
        headers = {"ETag": f'"{asset.version}"', "X-Content-Type-Options": "nosniff",
                   "Cache-Control": FOREVER if versioned else REVALIDATE}
        if asset.compressed is not None:
            headers["Vary"] = "Accept-Encoding"
        if f'"{asset.version}"' in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        body = asset.body
        if asset.compressed is not None and accepts_gzip(request.scope):
            body, headers["Content-Encoding"] = asset.compressed, "gzip"
        return Response(body, media_type=asset.media_type, headers=headers)
