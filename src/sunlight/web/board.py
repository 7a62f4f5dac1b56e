"""The warning board's query: filters from the address bar, what each role may see, search,
sort, one page of warnings with the total count and money at risk.

Everything runs in the app database on indexed columns (see `Warning.__table_args__`): the
board is the page staff open most, and it must stay fast at county scale (30,000 warnings).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from pydantic import BaseModel, BeforeValidator, ConfigDict
from sqlalchemy import ColumnElement, Select, false, func, select
from sqlalchemy.orm import Session, selectinload

from sunlight.accounts.units import units_of
from sunlight.appdb.account_tables import User
from sunlight.appdb.case_tables import Case
from sunlight.appdb.tables import DetectionRun, Warning
from sunlight.contract.cases import RETRACTED, STATUS_ZH
from sunlight.contract.roles import ANALYST, INSPECTOR, LIAISON, VERIFIER
from sunlight.contract.vocabulary import SEVERITY_ZH
from sunlight.masking import masked_text
from sunlight.text import squeeze
from sunlight.web.params import FilterText, PageNumber, UnitText, one_of

PAGE_SIZE = 50
ALL_STATUSES = "all"
"""The status filter's value for every warning, the retracted ones included."""
SORTS = {"risk": "风险分", "amount": "涉及金额", "newest": "最新"}
_ID_LIKE = re.compile(r"^[0-9Xx*]{4,18}$")
_PERIOD = re.compile(r"\d{4}(-(0[1-9]|1[0-2]))?")
"""A month (`2024-03`) or, for a program paid once a year, a year (`2024`)."""
_COLUMNS = {"model": Warning.model, "township": Warning.township, "village": Warning.village,
            "program": Warning.program, "severity": Warning.severity,
            "period": Warning.period_from, "unit": Warning.unit}
"""The filters that pick warnings by one column's value; `period` is the first period of the
problem, as the dashboard's month and year charts count warnings."""


def _known_period(value: object) -> str:
    text = str(value).strip()
    return text if _PERIOD.fullmatch(text) else ""


class Filters(BaseModel):
    """What the board shows, exactly as the address bar says it (empty = no filter); the
    route's query model. Unknown sort, status, severity or period values are dropped."""

    model_config = ConfigDict(frozen=True)

    model: FilterText = ""
    township: FilterText = ""
    village: FilterText = ""
    program: FilterText = ""
    status: Annotated[str, one_of([*STATUS_ZH, ALL_STATUSES])] = ""
    severity: Annotated[str, one_of(SEVERITY_ZH)] = ""
    period: Annotated[str, BeforeValidator(_known_period)] = ""
    q: FilterText = ""
    unit: UnitText = ""
    """A police unit (the 督察 dashboard links its counts here)."""
    sort: Annotated[str, one_of(SORTS, "risk")] = "risk"
    page: PageNumber = 1

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> Filters:
        """From query parameters (as the route's query model reads them)."""
        return cls.model_validate({name: params[name] for name in cls.model_fields
                                   if name in params})

    def query_string(self, **changes: str | int) -> str:
        """The address bar's query for these filters (defaults left out), with `changes`."""
        values = self.model_copy(update=changes)
        default = Filters()
        return urlencode({name: getattr(values, name) for name in type(self).model_fields
                          if getattr(values, name) != getattr(default, name)})

    def described(self) -> dict[str, str | int]:
        """The filters in effect, for the audit log of an export."""
        return {name: getattr(self, name) for name in type(self).model_fields
                if name != "page" and getattr(self, name) != getattr(Filters(), name)}


def is_year(period: str) -> bool:
    """`2024` is the period of a program paid once a year; `2024-03` a month."""
    return len(period) == 4


def is_month(period: str) -> bool:
    """`2024-03` is the period of a monthly program (a police warning's, `2024-03-05`, a day)."""
    return len(period) == 7


def period_label(period: str) -> str:
    """`2024-03` as it is; a year, the period of a program paid once a year, as `2024年度`."""
    return f"{period}年度" if is_year(period) else period


_NUMBER_KEY = re.compile(r"[0-9Xx]+")
"""A subject that is an ID number or an account; any other is a key made of codes."""


def subject_text(warning: Warning, program_names: Mapping[str, str]) -> str:
    """Who or what a warning is about, as the board and the warning's page name it: the
    person (an account's payees), else the subject's name as detection gave it, else their
    masked ID or account, else (a township's program in a year, whose key is made of codes)
    the program's name and the year."""
    if warning.name:
        return warning.name
    if warning.subject_name:  # a township's program-year; an account until its payees are known
        return masked_text(warning.subject_name)
    if warning.account or warning.id_number or _NUMBER_KEY.fullmatch(warning.subject):
        return masked_text(warning.account or warning.subject)
    program = program_names.get(warning.program, "") if warning.program else ""
    return " ".join(part for part in (program, period_label(warning.period_from)) if part)


SUBJECT_PAGES = {"person": "person", "account": "account", "company": "company",
                 "household": "household"}
"""The subject kinds that have an entity page of their own, keyed by the warning's subject."""


def subject_page(warning: Warning) -> tuple[str, str]:
    """The entity page a warning's subject opens, as (kind, key): the person, the account,
    the company (never its legal representative's page); ("", "") for a subject without one
    (a township's program-year, a police unit, post, case or finding)."""
    kind = SUBJECT_PAGES.get(warning.subject_kind, "")
    return (kind, warning.subject) if kind else ("", "")


@dataclass(frozen=True)
class BoardPage:
    warnings: Sequence[Warning]
    cases: dict[int, Case]
    """The case of each listed warning that has one, by the warning's primary key."""
    total: int
    money: Decimal
    page: int
    pages: int


def visible(staff: User) -> Select[Warning]:
    """Every warning this member of staff may see (cases.workflow.may_see): an analyst all, an
    inspector their units', a verifier those whose case is assigned to them in their township,
    a liaison in their units, anyone else none."""
    query = select(Warning)
    if staff.role == ANALYST:
        return query
    if staff.role == INSPECTOR:
        return query.where(Warning.unit.in_(units_of(staff)))
    if staff.role == VERIFIER:
        return query.join(Case, Case.warning_pk == Warning.id).where(
            Case.assignee_id == staff.id, Warning.unit == "",
            Warning.township == (staff.township or ""))
    if staff.role == LIAISON:
        return query.join(Case, Case.warning_pk == Warning.id).where(
            Case.assignee_id == staff.id, Warning.unit.in_(units_of(staff)))
    return query.where(false())


def filtered(staff: User, filters: Filters) -> Select[Warning]:
    query = visible(staff)
    for name, column in _COLUMNS.items():
        if value := getattr(filters, name):
            query = query.where(column == value)
    if filters.status == ALL_STATUSES:
        pass
    elif filters.status:
        query = query.where(Warning.status == filters.status)
    else:  # the models stopped firing before anyone looked: not news unless asked for
        query = query.where(Warning.status != RETRACTED)
    if filters.q:
        query = query.where(_search(filters.q))
    return query


def _search(q: str) -> ColumnElement[bool]:
    """A warning ID, an ID number (whole, part, or as the board masks it), or a name.

    Spaces and full-width forms are dropped first: people type 王 芳 and ６１０３２７….
    """
    q = squeeze(q)
    if q.upper().startswith("W-"):
        return Warning.warning_id.startswith(q.upper(), autoescape=True)
    if _ID_LIKE.match(q):
        digits = q.upper()
        if "*" in digits:  # 610327********0172, as the board shows it: * stands for one
            return Warning.id_number.like(digits.replace("*", "_"))
        return Warning.id_number.contains(digits, autoescape=True)
    return Warning.name.contains(q, autoescape=True)


def ordered(query: Select[Warning], sort: str) -> Select[Warning]:
    if sort == "amount":
        return query.order_by(Warning.amount.desc(), Warning.score.desc(), Warning.warning_id)
    if sort == "newest":
        return query.order_by(Warning.created_at.desc(), Warning.id.desc())
    return query.order_by(Warning.score.desc(), Warning.amount.desc(), Warning.warning_id)


def board_page(session: Session, staff: User, filters: Filters) -> BoardPage:
    """One page of the board, with the count and money at risk of everything filtered."""
    query = filtered(staff, filters)
    total, money = totals(session, staff, filters, query)
    pages = max(1, -(-int(total) // PAGE_SIZE))
    page = min(filters.page, pages)
    warnings = session.scalars(ordered(query, filters.sort)
                               .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    cases = {case.warning_pk: case for case in session.scalars(
        select(Case).where(Case.warning_pk.in_([w.id for w in warnings])))
        if case.warning_pk is not None} if warnings else {}
    return BoardPage(warnings, cases, total, money, page, pages)


def totals(session: Session, staff: User, filters: Filters,
           query: Select[Warning]) -> tuple[int, Decimal]:
    """How many warnings the filters select and their money at risk.

    Summing 30,000 amounts on every view of the board would cost more than the rest of the
    page, so an analyst's totals are kept per detection run unless a status is chosen: every
    other filtered field, and whether a warning is retracted, is written only by a run.
    """
    def count() -> tuple[int, Decimal]:
        aggregate = query.with_only_columns(func.count(Warning.id),
                                            func.coalesce(func.sum(Warning.amount), 0))
        total, money = session.execute(aggregate.order_by(None)).one()
        return int(total), Decimal(money)

    if staff.role != ANALYST or filters.status not in ("", ALL_STATUSES):
        return count()
    key = filters.model_copy(update={"page": 1, "sort": "risk"})
    return per_run(session, ("totals", key), count)


def for_export(session: Session, staff: User, filters: Filters) -> Sequence[Warning]:
    """Every filtered warning, in the board's order (no paging), with its evidence rows."""
    query = ordered(filtered(staff, filters), filters.sort)
    return session.scalars(query.options(selectinload(Warning.evidence))).all()


@dataclass(frozen=True)
class Choices:
    """The values the filter form offers."""

    townships: list[str]
    villages_of: dict[str, list[str]]
    """Each township's villages: the 村 list follows the chosen 乡镇 (in the page and in JS)."""
    programs: list[str]
    periods: list[str]

    def villages(self, township: str) -> list[str]:
        """The villages of this township, or of the whole county when none is chosen."""
        if township:
            return self.villages_of.get(township, [])
        return sorted({village for villages in self.villages_of.values()
                       for village in villages})

    def narrowed(self, filters: Filters) -> Filters:
        """The filters without a village that is not in the chosen township: the form changed
        township without JavaScript, and the old village would leave the board empty."""
        if filters.village and filters.village not in self.villages(filters.township):
            return filters.model_copy(update={"village": ""})
        return filters


def choices(session: Session, staff: User) -> Choices:
    """Townships with their villages, programs and first periods that have warnings."""
    if staff.role != ANALYST:  # a verifier's choices are their own warnings'
        seen = visible(staff).with_only_columns(Warning.township, Warning.village,
                                                Warning.program, Warning.period_from)
        rows = session.execute(seen).all()
        return _choices_of([(r[0], r[1]) for r in rows], [r[2] for r in rows],
                           [r[3] for r in rows])
    # Places and programs of warnings change only when a detection run stores warnings.
    return per_run(session, ("choices",), lambda: _all_choices(session))


def _choices_of(places: Iterable[tuple[str, str]], programs: Iterable[str],
                periods: Iterable[str]) -> Choices:
    """Choices from (township, village) pairs, programs and first periods; newest first."""
    villages_of: dict[str, set[str]] = {}
    for township, village in places:
        if township:
            villages_of.setdefault(township, set())
            if village:
                villages_of[township].add(village)
    return Choices(sorted(villages_of),
                   {township: sorted(villages) for township, villages in villages_of.items()},
                   sorted({program for program in programs if program}),
                   sorted({period for period in periods if period}, reverse=True))


_PER_RUN: dict[tuple[str, tuple[Any, ...], Hashable], Any] = {}
T = TypeVar("T")


def per_run(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, kept until the next detection run (per database, in this process).

    Only for what nothing but a detection run changes; the newest run is one indexed
    lookup, and a run commits its warnings and its record together.
    """
    latest = session.execute(select(DetectionRun.id, DetectionRun.started_at)
                             .order_by(DetectionRun.id.desc()).limit(1)).first()
    # The run's start time too: a database emptied and filled again numbers runs from 1.
    run = tuple(latest) if latest else ()
    full = (str(session.get_bind().engine.url), run, key)
    if full not in _PER_RUN:
        if len(_PER_RUN) > 5000:
            _PER_RUN.clear()
        _PER_RUN[full] = compute()
    found: T = _PER_RUN[full]
    return found


def _all_choices(session: Session) -> Choices:
    # Distinct values on indexed columns, not one row per warning (a county has ~30,000).
    return _choices_of(
        [(township, village) for township, village in
         session.execute(select(Warning.township, Warning.village).distinct())],
        session.scalars(select(Warning.program).distinct()),
        session.scalars(select(Warning.period_from).distinct()))
