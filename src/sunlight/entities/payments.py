"""What pages read of payments into an account, from the runs of months (`entity_payments`).

A payee's totals on an account (first and last period, months, sum, rows) and an account's
money by month and payee used to be stored in the account's document and in each payee
link's details, so that every month of payments rewrote them. They are read here instead,
by the index on `entity_payments.account`: a month of payments extends runs and changes no
account nor link.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.entity_tables import EntityPayment


@dataclass
class PayeeTotals:
    """What one payee was paid into one account, over every run."""

    periods: set[str] = field(default_factory=set)
    amount: Decimal = Decimal(0)
    rows: int = 0

    def as_details(self) -> dict[str, Any]:
        """As the link view and the pages read them (the money as text, to the fen)."""
        return {"first": min(self.periods), "last": max(self.periods),
                "months": len(self.periods), "amount": f"{self.amount:.2f}", "rows": self.rows}


def run_periods(first: str, last: str) -> list[str]:
    """The periods of a run: every month from first to last, or the one year."""
    if len(first) != 7 or len(last) != 7:
        return [first]
    start = int(first[:4]) * 12 + int(first[5:]) - 1
    end = int(last[:4]) * 12 + int(last[5:]) - 1
    return [f"{m // 12}-{m % 12 + 1:02d}" for m in range(start, min(end, start + 600) + 1)]


def _runs(session: Session, accounts: Collection[str]) -> Iterable[tuple[Any, ...]]:
    return session.execute(
        select(EntityPayment.account, EntityPayment.person, EntityPayment.first,
               EntityPayment.last, EntityPayment.amount, EntityPayment.rows)
        .where(EntityPayment.account.in_(list(accounts))))


def payee_totals(session: Session, accounts: Collection[str]
                 ) -> dict[tuple[str, str], PayeeTotals]:
    """(account, person) → what the person was paid into the account, for `accounts`."""
    found: dict[tuple[str, str], PayeeTotals] = {}
    if not accounts:
        return found
    for account, person, first, last, amount, rows in _runs(session, accounts):
        periods = run_periods(first, last)
        totals = found.setdefault((account, person), PayeeTotals())
        totals.periods.update(periods)
        totals.amount += Decimal(amount) * len(periods)
        totals.rows += int(rows) * len(periods)
    return found


def account_cells(session: Session, account: str) -> list[dict[str, Any]]:
    """The account's money by period and payee ({id, f, t, a}, one a period, as the page's
    grid reads them), the programs of a month summed."""
    cells: dict[tuple[str, str], Decimal] = {}
    for _, person, first, last, amount, _ in _runs(session, (account,)):
        for period in run_periods(first, last):
            cells[(person, period)] = cells.get((person, period), Decimal(0)) + Decimal(amount)
    return [{"id": person, "f": period, "t": period, "a": f"{amount:.2f}"}
            for (person, period), amount in sorted(cells.items())]


def account_payees(session: Session, account: str, payees: list[dict[str, Any]]
                   ) -> list[dict[str, Any]]:
    """The account document's payees with what each was paid (a payee without a person's
    ID keeps the totals the document holds), in order of their first period."""
    totals = payee_totals(session, (account,))
    merged = [{**payee, **totals[(account, payee.get("id") or "")].as_details()}
              if (account, payee.get("id") or "") in totals else dict(payee)
              for payee in payees]
    return sorted(merged, key=lambda p: (p.get("first") or "", p.get("id") or ""))
