"""The Jinja environment: templates shipped in the package, filters for money, IDs and dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from fastapi.templating import Jinja2Templates

from sunlight.clock import LOCAL_TIME
from sunlight.contract.cases import KIND_ZH, STATUS_ZH
from sunlight.contract.datasets import DATASETS
from sunlight.contract.vocabulary import (
    ACTION_ZH,
    ROLE_ZH,
    VOCABULARY,
    actor_label,
    field_label,
)
from sunlight.masking import masked_number, masked_text, shown_birth
from sunlight.web.entity_href import entity_url
from sunlight.web.entity_scope import (
    entity_elsewhere,
    entity_links,
    entity_name,
    entity_opens,
    entity_warning_count,
    reachable,
)
from sunlight.web.entity_text import linked_numbers
from sunlight.web.public_url import portal_address

TEMPLATES = Path(__file__).with_name("templates")


def money(value: Decimal | float | int | None) -> str:
    """1234.5 → 1,234.50 (yuan, two decimals); nothing for a missing amount."""
    return "" if value is None else f"{Decimal(value):,.2f}"


def number(value: Decimal | float | int | None) -> str:
    """120.00 → 120, 7.50 → 7.5: an area or rate as written on a notice, no trailing zeros."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def cn_day(value: date | None) -> str:
    """2026-12-06 → 2026年12月6日, as a notice on a village board writes a date."""
    return "" if value is None else f"{value.year}年{value.month}月{value.day}日"


def local_time(value: datetime | None) -> str:
    """A stored UTC time as county staff read it (Beijing time), to the minute."""
    if value is None:
        return ""
    return value.astimezone(UTC).astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M")


def day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def dataset_label(code: str) -> str:
    """A dataset as staff know it (低保发放), never by its code."""
    return DATASETS[code].label if code in DATASETS else code


def pays_out(code: str) -> bool:
    """Whether a dataset's rows are money paid (its upload report totals the rejected rows')."""
    return code in DATASETS and DATASETS[code].paid_amount is not None


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.auto_reload = False  # the templates ship in the package: no stat() per page
    env.filters.update(money=money, masked_id=masked_number, masked_text=masked_text,
                       local_time=local_time, day=day, dataset_label=dataset_label,
                       number=number, cn_day=cn_day, birth=shown_birth,
                       reachable=reachable)
    env.globals.update(STATUS_ZH=STATUS_ZH, ROLE_ZH=ROLE_ZH, KIND_ZH=KIND_ZH, ACTION_ZH=ACTION_ZH,
                       portal_address=portal_address, dataset_label=dataset_label,
                       pays_out=pays_out, field_label=field_label, actor_label=actor_label,
                       entity_url=entity_url,
                       linked_numbers=linked_numbers, entity_opens=entity_opens,
                       entity_links=entity_links,
                       entity_elsewhere=entity_elsewhere,
                       entity_warning_count=entity_warning_count, entity_name=entity_name,
                       PUBLICATION_STATUS_ZH=VOCABULARY.publication_statuses)
    return templates
