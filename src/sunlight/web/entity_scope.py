"""What a reader may see of the entity index, for pages and templates: which entities they
may open, how many warnings they may see on one, and what an account is called to them.

An analyst sees everything. A verifier opens the entities of their township only, and sees
only the warnings of their own cases: a page must neither list the people of another township
(their names, IDs, 户号 and money), nor link to pages that would be 404, nor count warnings
the verifier cannot open. Templates call `entity_opens`, `entity_links`, `entity_warning_count`,
`entity_elsewhere`, `entity_name` and the
`reachable` filter (registered in web.templating); the answers are
kept on the request, so a page asks the database once per entity.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from fastapi import Request
from jinja2 import pass_context
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sunlight.appdb.account_tables import User
from sunlight.appdb.entity_tables import Entity, EntityWarning
from sunlight.appdb.tables import Warning
from sunlight.contract.cases import RETRACTED
from sunlight.contract.roles import ANALYST, UNIT_ROLES
from sunlight.web.board import visible
from sunlight.web.state import sessions_of


def sees_all(user: User | None) -> bool:
    return user is not None and user.role == ANALYST


def townships(session: Session, kind: str, keys: Collection[str]) -> dict[str, str]:
    """The township of each entity of `kind` among `keys` that the index holds."""
    wanted = sorted({key for key in keys if key})
    if not wanted:
        return {}
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        rows = session.execute(select(Entity.key, Entity.township).where(
            Entity.kind == kind, Entity.key.in_(wanted[start:start + 500])))
        found.update({key: township for key, township in rows})
    return found


def openable(session: Session, user: User, kind: str, keys: Collection[str]) -> set[str]:
    """The keys among `keys` whose entity page this reader may open (entity_data.may_open)."""
    if sees_all(user):
        return {key for key in keys if key}
    township = user.township or ""
    if not township:
        return set()
    if kind == "township":
        return {key for key in keys if key == township}
    if kind == "village":
        return {key for key in keys if key.split("/", 1)[0] == township and "/" in key}
    return {key for key, place in townships(session, kind, keys).items() if place == township}


def warning_counts(session: Session, user: User, ids: Collection[int]) -> dict[int, int]:
    """How many standing warnings on each entity this reader may see (their list's rule)."""
    if not ids:
        return {}
    rows = session.execute(
        visible(user).with_only_columns(EntityWarning.entity_id, func.count())
        .join(EntityWarning, EntityWarning.warning_pk == Warning.id)
        .where(EntityWarning.entity_id.in_(list(ids)), Warning.status != RETRACTED)
        .group_by(EntityWarning.entity_id))
    return {entity_id: count for entity_id, count in rows}


def account_label(doc: Mapping[str, Any] | None, seen: Collection[str], name: str) -> str:
    """An account's name (its payees' names joined) as a verifier may read it: only the
    payees they may open named, the others counted."""
    payees = list((doc or {}).get("payees") or [])
    shown = [p for p in payees if p.get("id") in seen]
    if len(shown) == len(payees):
        return name
    names = "、".join(dict.fromkeys(str(p.get("name") or p.get("written") or "姓名不详")
                                    for p in shown))
    hidden = len(payees) - len(shown)
    return f"{names}（另 {hidden} 名领取人）" if names else f"{len(payees)} 名领取人"


def account_labels(session: Session, user: User, accounts: Iterable[Entity]) -> dict[int, str]:
    """Each account's name as this reader may read it (see `account_label`)."""
    accounts = [a for a in accounts if a.kind == "account"]
    if sees_all(user):
        return {a.id: a.name for a in accounts}
    ids = {str(p.get("id") or "") for a in accounts for p in (a.doc or {}).get("payees") or []}
    seen = openable(session, user, "person", ids)
    return {a.id: account_label(a.doc, seen, a.name) for a in accounts}


# Template helpers: the reader is the request's member of staff (web.deps.current_staff).

def _reader(request: Request) -> User | None:
    staff = getattr(request.state, "staff", None)
    return None if staff is None else staff.user


def _cache(request: Request, name: str) -> dict[Any, Any]:
    found: dict[Any, Any] | None = getattr(request.state, name, None)
    if found is None:
        found = {}
        setattr(request.state, name, found)
    return found


def _township(request: Request, kind: str, key: str) -> str | None:
    """The township of (kind, key) as the index holds it; None for an entity it lacks."""
    if kind == "township":
        return key
    if kind == "village":
        return key.split("/", 1)[0] if "/" in key else None
    cache = _cache(request, "entity_townships")
    if (kind, key) not in cache:
        with sessions_of(request)() as session:
            cache[(kind, key)] = townships(session, kind, [key]).get(key)
    place: str | None = cache[(kind, key)]
    return place


def entity_opens(request: Request, kind: str, key: str) -> bool:
    """Whether the reader may open the page of (kind, key); never without a key."""
    user = _reader(request)
    if not key or user is None or user.role in UNIT_ROLES:
        return False
    if sees_all(user):
        return True
    return bool(user.township) and _township(request, kind, key) == user.township


def know_townships(request: Request, kind: str, keys: Iterable[str]) -> None:
    """Look up in one query the townships of the entities a page will ask `entity_opens`
    about (a board of 50 warnings would otherwise ask one by one)."""
    user = _reader(request)
    if user is None or sees_all(user) or kind in ("township", "village"):
        return
    cache = _cache(request, "entity_townships")
    unknown = {key for key in keys if key and (kind, key) not in cache}
    if unknown:
        with sessions_of(request)() as session:
            found = townships(session, kind, unknown)
        cache.update({(kind, key): found.get(key) for key in unknown})


def entity_links(request: Request) -> bool:
    """Whether the reader opens entity pages at all: police staff (scoped to units) open none,
    so nothing shown to them links there."""
    user = _reader(request)
    return user is not None and user.role not in UNIT_ROLES


def entity_elsewhere(request: Request, kind: str, key: str) -> bool:
    """Whether (kind, key) is an entity the index holds in a township the reader may not
    open: to be named, not linked (a page the index lacks says so itself)."""
    user = _reader(request)
    if not key or user is None or sees_all(user) or not user.township:
        return False  # police staff open no township: nothing is "another" one to them
    place = _township(request, kind, key)
    return place is not None and place != user.township


def entity_warning_count(request: Request, entity_id: int, stored: int) -> int:
    """The warning count to show on an entity: the index's (`stored`) to an analyst, those
    the reader may see to anyone else."""
    user = _reader(request)
    if sees_all(user):
        return stored
    if user is None or not stored:
        return 0
    cache = _cache(request, "entity_warning_counts")
    if entity_id not in cache:
        with sessions_of(request)() as session:
            cache[entity_id] = warning_counts(session, user, [entity_id]).get(entity_id, 0)
    return int(cache[entity_id])


def entity_name(request: Request, kind: str, key: str, name: str) -> str:
    """An entity's name as the reader may read it: an account's names only those of the
    payees they may open (see `account_label`)."""
    user = _reader(request)
    if kind != "account" or not name or sees_all(user):
        return name
    if user is None:
        return ""
    cache = _cache(request, "entity_names")
    if key not in cache:
        with sessions_of(request)() as session:
            account = session.scalar(select(Entity).where(Entity.kind == "account",
                                                          Entity.key == key))
            cache[key] = ("" if account is None
                          else account_labels(session, user, [account])[account.id])
    return str(cache[key])


def _key_of(item: Any, field: str) -> str:
    found = item.get(field) if isinstance(item, Mapping) else getattr(item, field, "")
    return str(found or "")


@pass_context
def reachable(context: Mapping[str, Any], items: Iterable[Any] | None,
              kind: str = "person", field: str = "id") -> list[Any]:
    """The items (dicts from an entity's doc, or ties) whose `field` names an entity the
    reader may open: `doc.payees | reachable`, `ties | reachable("person", "other_key")`."""
    rows = list(items or [])
    request: Request = context["request"]
    user = _reader(request)
    if user is None:
        return []
    if sees_all(user):
        return rows
    know_townships(request, kind, (_key_of(row, field) for row in rows))
    return [row for row in rows if entity_opens(request, kind, _key_of(row, field))]
