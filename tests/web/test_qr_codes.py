"""A village's QR code carries the portal's configured public address, never the Host header a
request brought; without one, none is made (except in the demo) and the pages say so."""

from __future__ import annotations

import io

import pytest
import segno
from PIL import Image
from pydantic import ValidationError

from sunlight.settings import Settings
from tests.web.portal_support import Portal, county_rows, portal, village_link

__all__ = ["county_rows", "portal"]

PUBLIC_URL = "https://gongshi.example.gov.cn"


def qr_modules(png: bytes) -> list[list[bool]]:
    """The dark modules of a QR code drawn 10 pixels a module inside a 4-module border."""
    image = Image.open(io.BytesIO(png)).convert("L")
    size = image.width // 10 - 8
    return [[_dark(image.getpixel((10 * (4 + x) + 5, 10 * (4 + y) + 5)))
             for x in range(size)] for y in range(size)]


def _dark(pixel: object) -> bool:
    assert isinstance(pixel, int)
    return pixel < 128


def encoding(url: str) -> list[list[bool]]:
    return [[bool(module) for module in row] for row in segno.make(url, error="m").matrix]


def test_village_qr_codes_carry_the_configured_address(portal: Portal) -> None:
    portal.staff_app.settings.public_url = PUBLIC_URL
    client = portal.client()
    link = village_link(client.get("/").text, "西山村")
    png = client.get(link + "/qr.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert qr_modules(png.content) == encoding(PUBLIC_URL + link)
    # Whatever Host a request brings (the attack: a printed code sending a village elsewhere).
    forged = client.get(link + "/qr.png", headers={"host": "evil.example"})
    assert qr_modules(forged.content) == encoding(PUBLIC_URL + link)
    svg = client.get(link + "/qr.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and "<svg" in svg.text
    assert client.get(link + "/qr.gif").status_code == 404
    analyst = portal.staff_app.client("analyst")
    assert 'id="public-url-missing"' not in analyst.get("/staff/publications").text


def test_without_a_public_address_no_qr_code_is_made_and_the_pages_say_so(
        portal: Portal) -> None:
    client = portal.client()
    link = village_link(client.get("/").text, "西山村")
    page = client.get(link).text
    assert "尚未设置对外公示网址" in page and "qr.svg" not in page
    assert client.get(link + "/qr.png", headers={"host": "evil.example"}).status_code == 404
    notice = portal.staff_app.client("analyst").get("/staff/publications").text
    assert 'id="public-url-missing"' in notice and "村页面不显示二维码" in notice


def test_the_demo_makes_qr_codes_of_the_address_it_was_opened_at(portal: Portal) -> None:
    portal.staff_app.app.state.demo = True
    client = portal.client()
    link = village_link(client.get("/").text, "西山村")
    assert qr_modules(client.get(link + "/qr.png").content) == \
        encoding("http://testserver" + link)
    notice = portal.staff_app.client("analyst").get("/staff/publications").text
    assert "演示模式下" in notice and "http://testserver" in notice


@pytest.mark.parametrize("address", ["gongshi.example.gov.cn", "ftp://x.cn", "https://",
                                     "https://x.cn/?a=1"])
def test_a_public_address_that_is_not_one_is_refused(address: str) -> None:
    with pytest.raises(ValidationError, match="SUNLIGHT_PUBLIC_URL"):
        Settings(public_url=address)
    assert Settings(public_url=PUBLIC_URL + "/").public_url == PUBLIC_URL
