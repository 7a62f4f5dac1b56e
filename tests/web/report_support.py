"""Helpers for 随手拍 tests: photos with metadata, and filing a report as a browser would."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from httpx import Response
from PIL import Image

from tests.web.conftest import form_token
from tests.web.portal_support import village_link

GPS = {1: "N", 2: (34.0, 12.0, 5.0), 3: "E", 4: (106.0, 15.0, 30.0)}


def photo_with_gps(size: tuple[int, int] = (40, 20), orientation: int = 1) -> bytes:
    """A JPEG as a phone writes it: camera make, orientation, and where it was taken."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = orientation
    exif[0x8825] = GPS
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def person_report_page(client: TestClient, village: str = "东风村", program: str = "DIBAO",
                       name: str = "王芳") -> str:
    """Browse from the home page to `name`'s beneficiary page and on to its report form."""
    home = client.get("/").text
    roster = client.get(village_link(home, village) + f"/program/{program}",
                        params={"q": name}).text
    household = re.search(r'href="(/village/\w+/household/\d+\?v=\d+)"', roster)
    if household:  # a roster listed by household (低保): the person is on its page
        roster = client.get(household.group(1)).text
    person = re.search(
        rf'href="(/village/\w+/person/\d+\?v=\d+)">(?:<span class="who">)?{name}<', roster)
    assert person, f"no beneficiary page for {name}"
    page = client.get(person.group(1)).text
    form = re.search(r'href="(/village/\w+/person/\d+/report\?v=\d+)"', page)
    assert form, "the beneficiary page has no link to the report form"
    return form.group(1)


def hidden_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


def chosen_options(html: str) -> dict[str, str]:
    """What each <select> of a form sends as a browser would: its selected option, else its
    first."""
    chosen = {}
    for name, options in re.findall(r'<select [^>]*name="(\w+)"[^>]*>(.*?)</select>', html,
                                    re.S):
        values = re.findall(r'<option value="([^"]*)"( selected)?', options)
        if values:
            chosen[name] = next((v for v, picked in values if picked), values[0][0])
    return chosen


def file_report(client: TestClient, form_path: str = "/report",
                photos: list[bytes] | None = None, **fields: str) -> Response:
    """Open the form at `form_path`, fill it in (defaults: 冒领, a description, anonymous)
    and send it with `photos`."""
    page = client.get(form_path).text
    data = {**hidden_fields(page), **chosen_options(page), "category": "冒领",
            "description": "此人已外出务工多年，仍在领取低保。", "anonymous": "1", **fields}
    files = [("photos", (f"IMG_{i}.jpg", body, "image/jpeg"))
             for i, body in enumerate(photos or [])]
    return client.post("/report", data=data, files=files or None)


def tracking_code(html: str) -> str:
    match = re.search(r'id="tracking-code" data-code="([0-9 ]+)"', html)
    assert match, "no tracking code on the page"
    return match.group(1)


def track(client: TestClient, code: str) -> Response:
    token = form_token(client.get("/track").text)
    return client.post("/track", data={"code": code, "csrf_token": token})
