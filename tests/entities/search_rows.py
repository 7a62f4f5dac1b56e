"""A few entities to search: persons, a household, an account, companies, a village."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.orm import Session

from sunlight.appdb.entity_tables import Entity
from sunlight.entities.refs import entity_ref, index_state
from sunlight.entities.search_terms import index_terms

HOME, OTHER = "城关镇", "马家镇"
WANG_FANG = "610327198001011234"
WANG_FANG_WARNED = "610327199002025678"
X_ENDING = "61032719751212123X"
ACCOUNT = "6228480012345678901"
HOUSEHOLD = "301010001"
CREDIT_CODE = "91610327MA6XABCD1X"
COMPANY = "陇县宏达种养殖专业合作社"
ROWS = [
    # kind, key, name, township, warnings
    ("person", WANG_FANG, "王芳", HOME, 0),
    ("person", WANG_FANG_WARNED, "王芳", OTHER, 2),
    ("person", "610327198505052222", "王芳芳", HOME, 0),
    ("person", "610327196006063333", "李王", HOME, 0),
    ("person", "610327197007074444", "张建国", HOME, 0),
    ("person", "610327197107075555", "王建国", HOME, 1),
    ("person", X_ENDING, "刘洋", HOME, 0),
    ("household", HOUSEHOLD, "王芳", HOME, 0),
    ("account", ACCOUNT, "王芳、李四", HOME, 1),
    ("company", CREDIT_CODE, COMPANY, OTHER, 0),
    ("company", "陇县100%纯净水厂", "陇县100%纯净水厂", OTHER, 0),
    ("company", "A_B商行", "A_B商行", OTHER, 0),
    ("village", f"{HOME}/东村", "东村", HOME, 0),
]


def add(session: Session, rows: list[tuple[str, str, str, str, int]], salt: str = "salt") -> None:
    """The entities (kind, key, name, township, warnings), their refs under `salt`."""
    session.add_all(Entity(kind=kind, key=key, ref=entity_ref(salt, kind, key), name=name,
                           township=township, village="", household="", warnings=warnings,
                           doc={})
                    for kind, key, name, township, warnings in rows)
    session.flush()


class HasSessions(Protocol):
    def session(self) -> Session: ...


def fill(app: HasSessions) -> None:
    """ROWS in a workbench's database, indexed for search, refs under its own secret."""
    with app.session() as session:
        state = index_state(session)
        state.built_at = datetime.now(UTC)
        add(session, ROWS, salt=state.salt)
        index_terms(session)
        session.commit()
