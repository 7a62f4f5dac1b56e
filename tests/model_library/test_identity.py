"""Names compare by their key: written differences that do not make another person vanish."""

from __future__ import annotations

import pytest

from sunlight.identity import name_key, name_keys


@pytest.mark.parametrize(("written", "registered"), [
    ("王 芳", "王芳"),                      # inner space
    (" 王芳　", "王芳"),                    # outer ASCII and full-width spaces
    ("阿依古丽・买买提", "阿依古丽·买买提"),  # katakana middle dot for the name dot
    ("阿依古丽 · 买买提", "阿依古丽·买买提"),  # spaced dot
    ("阿依古丽.买买提", "阿依古丽·买买提"),   # full stop typed for the dot
    ("張偉國", "张伟国"),                   # traditional characters
    ("陳麗華", "陈丽华"),
    ("ＬＩ　Ｍｉｎｇ", "LIMing"),           # full-width Latin letters
])
def test_the_same_name_written_another_way_has_the_same_key(written: str, registered: str):
    assert name_key(written) == name_key(registered)


@pytest.mark.parametrize(("written", "registered"), [
    ("王芳", "王方"),
    ("阿依古丽·买买提", "阿依古丽买买提·"),
    ("张伟", "张伟国"),
])
def test_another_name_has_another_key(written: str, registered: str):
    assert name_key(written) != name_key(registered)


def test_the_key_table_holds_each_distinct_name_once():
    table = name_keys(["張偉", "张伟", "張偉", None, ""])
    assert table.column("name").to_pylist() == ["张伟", "張偉"]
    assert set(table.column("name_key").to_pylist()) == {"张伟"}
