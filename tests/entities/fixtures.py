"""A tiny entity index with the story of issue 13: one bank card (一卡多人) paid for four
persons of two households, one of whom shares a 户号 with the village's party secretary.

`shared_card(session)` inserts the entities and links as the index builder
(entities/sql.py) shapes them: payee person → account, cadre person → village, resident
household → village, with their details; households kept as `Entity.household`. And (by
default) the two warnings a detection run would raise, with the people they concern:
一卡多人 on the account (its four payees) and 亲属关联 on the cadre's son (and the cadre).
The lead's end-to-end browser test reuses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.entity_tables import Entity, EntityLink
from sunlight.appdb.tables import Warning
from sunlight.appdb.warnings import sync
from sunlight.entities.refs import ref_for
from sunlight.entities.standing import refresh_warnings
from sunlight.models.detection import Detection, EvidenceRow, Person

TOWNSHIP = "城关镇"
"""The township of tests/web/conftest.py's verifier."""
VILLAGE = "东村"
ACCOUNT = "6228480012345678901"
HOUSEHOLD_ZHANG = "610327001001"
HOUSEHOLD_LI = "610327001002"
CADRE_POST = "村党支部书记"
PERSONS = {
    # role in the story → (ID number, name, 户号)
    "cadre": ("610327196805120011", "张建国", HOUSEHOLD_ZHANG),
    "son": ("610327199203150033", "张小明", HOUSEHOLD_ZHANG),
    "daughter": ("610327199507210026", "张小红", HOUSEHOLD_ZHANG),
    "li_mother": ("610327196210080043", "李秀英", HOUSEHOLD_LI),
    "li_son": ("610327198811110052", "李强", HOUSEHOLD_LI),
}
PAYEES = ("son", "daughter", "li_mother", "li_son")


@dataclass
class SharedCard:
    """The inserted entities, by their part in the story."""

    village: Entity
    account: Entity
    households: dict[str, Entity]
    persons: dict[str, Entity]
    warning_ids: dict[str, str] = field(default_factory=dict)
    """'account' → the 一卡多人 warning, 'son' → the relative-of-cadre warning."""

    @property
    def cadre(self) -> Entity:
        return self.persons["cadre"]

    @property
    def payees(self) -> list[Entity]:
        return [self.persons[role] for role in PAYEES]

    def detach(self, session: Session) -> SharedCard:
        """Keep the entities readable once the session is gone (after a commit)."""
        for row in (self.village, self.account, *self.households.values(),
                    *self.persons.values()):
            session.refresh(row)
            session.expunge(row)
        return self


def entity(session: Session, kind: str, key: str, name: str, *, township: str = TOWNSHIP,
           village: str = VILLAGE, household: str = "", warnings: int = 0) -> Entity:
    """One entity, its ref computed as the index computes it."""
    row = Entity(kind=kind, key=key, ref=ref_for(session, kind, key), name=name,
                 township=township, village=village, household=household,
                 warnings=warnings, doc={})
    session.add(row)
    session.flush()
    return row


def link(session: Session, source: Entity, target: Entity, kind: str, role: str = "",
         **details: Any) -> EntityLink:
    row = EntityLink(source_id=source.id, target_id=target.id, kind=kind, role=role,
                     details=details)
    session.add(row)
    session.flush()
    return row


def shared_card(session: Session, *, warnings: bool = True) -> SharedCard:
    """Insert the story (not committed); with `warnings`, the two warnings too."""
    village = entity(session, "village", f"{TOWNSHIP}/{VILLAGE}", VILLAGE)
    homes = {key: entity(session, "household", key, head, household="")
             for key, head in ((HOUSEHOLD_ZHANG, "张建国"), (HOUSEHOLD_LI, "李秀英"))}
    persons = {role: entity(session, "person", number, name, household=home)
               for role, (number, name, home) in PERSONS.items()}
    account = entity(session, "account", ACCOUNT, "张小明、张小红、李秀英、李强",
                     village="")
    for role in PAYEES:
        link(session, persons[role], account, "payee", "payee", first="2023-01",
             last="2024-12", months=24, amount="11415.38", rows=24)
    link(session, persons["cadre"], village, "cadre", CADRE_POST, category="村干部",
         post=CADRE_POST, employer="", start="2021-01-01", end=None)
    for home in homes.values():
        link(session, home, village, "resident", "resident", members=3 if home.key ==
             HOUSEHOLD_ZHANG else 2)
    story = SharedCard(village, account, homes, persons)
    if warnings:
        story.warning_ids = _warnings(session, story)
    return story


def _warnings(session: Session, story: SharedCard) -> dict[str, str]:
    """The two warnings a detection run raises on this story."""
    paid = tuple(EvidenceRow("payments", "低保2024.xlsx", "Sheet1", row, "paid",
                             f"2024-{row:02d}", Decimal("951.28")) for row in range(1, 13))
    son_id, son_name, _ = PERSONS["son"]
    payees = tuple(Person(PERSONS[r][0], PERSONS[r][1], PERSONS[r][2], "payee")
                   for r in PAYEES)
    card = Detection(model="SHARED_ACCOUNT", subject=ACCOUNT, program="", severity="high",
                     period_from="2024-01", period_to="2024-12", amount=Decimal("11415.36"),
                     account=ACCOUNT, township=TOWNSHIP, village=VILLAGE,
                     facts={"persons": "4", "households": "2"}, evidence=paid,
                     template="账号{account}收取了多人的补贴。", subject_kind="account",
                     subject_name=story.account.name, people=payees)
    cadre_id, cadre_name, home = PERSONS["cadre"]
    relative = Detection(model="RELATIVE_OF_CADRE", subject=son_id, program="DIBAO",
                         severity="medium", period_from="2024-01", period_to="2024-12",
                         amount=Decimal("11415.36"), id_number=son_id, name=son_name,
                         township=TOWNSHIP, village=VILLAGE, facts={}, evidence=paid,
                         template="{name}与村干部同户。", subject_name=son_name,
                         people=(Person(son_id, son_name, home, "subject"),
                                 Person(cadre_id, cadre_name, home, "cadre")))
    sync(session, [card, relative], models={"SHARED_ACCOUNT", "RELATIVE_OF_CADRE"},
         fingerprint="shared-card")
    refresh_warnings(session)  # as every detection run does: entity_warnings, the counts
    session.expire_all()
    found = {w.subject: w.warning_id for w in session.scalars(select(Warning))}
    return {"account": found[ACCOUNT], "son": found[son_id]}


CROWD_CADRES = ("王主任", "赵会计", "钱委员", "孙文书", "周监委", "吴妇联主任")


def crowded_village(session: Session, story: SharedCard, households: int = 15) -> None:
    """Make the story's village a crowded one: `households` quiet households of three, their
    resident ties before the story's in the index's order, and six more cadres."""
    for link_row in session.scalars(select(EntityLink).where(EntityLink.kind == "resident")):
        session.delete(link_row)
    session.flush()
    for number in range(households):
        home = entity(session, "household", f"6103270040{number:02d}", f"村民{number}")
        link(session, home, story.village, "resident", "resident", members=3)
        for member in range(3):
            entity(session, "person", f"61032719700{number:02d}1{member}01",
                   f"村民{number}之{member}", household=home.key)
    for number, name in enumerate(CROWD_CADRES):
        cadre = entity(session, "person", f"61032719650{number:02d}10011", name,
                       household=f"6103270050{number:02d}")
        link(session, cadre, story.village, "cadre", "村委会委员", category="村干部",
             post="村委会委员", start="2021-01-01")
    for home in story.households.values():
        link(session, home, story.village, "resident", "resident")
