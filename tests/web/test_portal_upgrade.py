"""查我家 over a publication that the current keys and proofs cannot fully serve: one made
before the upgrade (no account-digit proofs) or under another secret. The portal says so
instead of asking for digits that can never match or answering "not found", and staff are
told to publish again."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import update

from sunlight.appdb.publication_tables import Publication
from sunlight.masking import public_masked_id
from sunlight.publish.extract import Extract
from tests.publish_county import li, wang
from tests.web.conftest import StaffApp
from tests.web.portal_support import Portal, county_rows, portal
from tests.web.test_portal_limits import candidates, look_up, stranger

__all__ = ["county_rows", "portal"]

ADVICE = 'id="republish-advised"'


def advice_shown(staff_app: StaffApp) -> bool:
    return ADVICE in staff_app.client("analyst").get("/staff/publications").text


def test_without_account_proofs_a_guessed_at_person_is_paused_not_asked_for_digits(
        staff_app: StaffApp, county_rows: Extract) -> None:
    # As a publication made before the upgrade: its lookups hold no account-digit proofs.
    Portal(staff_app, replace(county_rows, proofs=county_rows.proofs.slice(0, 0))).publish()
    app = staff_app.app
    for guess in candidates(public_masked_id(wang.id))[:5]:
        assert "没有查到" in look_up(stranger(app), guess, "王芳").text

    owner = look_up(stranger(app), wang.id, "王芳")
    assert owner.status_code == 200 and "对此人的查询已暂停" in owner.text
    assert "村委会" in owner.text and "下一次公示" in owner.text
    assert 'name="account_tail"' not in owner.text and "没有查到" not in owner.text
    assert "农村最低生活保障" not in owner.text
    # Digits sent anyway find nothing either: the pause holds.
    assert "对此人的查询已暂停" in look_up(stranger(app), wang.id, "王芳", "305001").text
    # Another person still gets in, and staff are told to publish again.
    assert "农村最低生活保障" in look_up(stranger(app), li.id, "李强").text
    assert advice_shown(staff_app)


def test_under_another_secret_lookups_are_paused_for_everyone(portal: Portal) -> None:
    app = portal.staff_app.app
    assert "农村最低生活保障" in look_up(stranger(app), wang.id, "王芳").text
    assert not advice_shown(portal.staff_app)  # a publication of this release: all is well
    with portal.staff_app.session() as session:  # as if SUNLIGHT_SECRET_KEY was rotated
        session.execute(update(Publication).values(lookup_keyed_by="0" * 16))
        session.commit()

    paused = look_up(stranger(app), wang.id, "王芳")
    assert paused.status_code == 200 and "查我家暂时不能使用" in paused.text
    assert "没有查到" not in paused.text and "农村最低生活保障" not in paused.text
    assert advice_shown(portal.staff_app)
