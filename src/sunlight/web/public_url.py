"""The address villagers reach the portal at, which the noticeboards' QR codes carry."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from sunlight.web.deps import settings_of


@dataclass(frozen=True)
class PortalAddress:
    """What a QR code may point at: `base` is None when no address can be trusted."""

    base: str | None
    configured: bool


def portal_address(request: Request) -> PortalAddress:
    """SUNLIGHT_PUBLIC_URL; without it, the address this page was opened at in demo mode
    only. A Host header is whatever the client sent: a QR code printed from it could send a
    whole village to another site."""
    configured = settings_of(request).public_url
    if configured:
        return PortalAddress(configured, configured=True)
    demo: bool = request.app.state.demo
    return PortalAddress(str(request.base_url).rstrip("/") if demo else None, configured=False)
