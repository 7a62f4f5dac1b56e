"""The models' parsed and rendered SQL kept between runs: read back, it is what parsing and
rendering give; a changed query or parameter is never answered from it; a damaged file is
ignored and written again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from sunlight.models import sql_cache
from sunlight.models.registry import Model, load_library


@pytest.fixture
def kept(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "cache" / "model-sql.json"
    before = sql_cache.active()
    yield path
    sql_cache._active = before  # other tests keep the process's in-memory cache


def _everything(models: dict[str, Model]) -> dict[str, object]:
    return {code: (sorted(m.placeholders), sorted(m.output_columns), sorted(m.tables),
                   m.render(), m.render(dialect="spark"))
            for code, m in models.items()}


def test_a_later_run_reads_what_an_earlier_one_computed(kept: Path) -> None:
    sql_cache.keep_in(kept)
    computed = _everything(load_library())
    sql_cache.active().save()
    assert kept.is_file()

    sql_cache._active = sql_cache.SqlCache()  # a new process: nothing in memory
    cache = sql_cache.keep_in(kept)
    read_back = _everything(load_library())

    assert read_back == computed
    assert not cache._changed, "everything was found in the file"


def test_changed_sql_or_parameters_are_computed_again(kept: Path) -> None:
    sql_cache.keep_in(kept)
    model = load_library()["DECEASED_PAID"]
    model.render()
    sql_cache.active().save()
    sql_cache._active = sql_cache.SqlCache()
    sql_cache.keep_in(kept)

    edited = replace(model, sql=model.sql.replace("SELECT", "SELECT DISTINCT", 1))
    assert edited.render() != model.render()
    assert "DISTINCT" in edited.render()
    numeric = [(m, name, p.default) for m in load_library().values()
               for name, p in m.spec.parameters.items() if isinstance(p.default, int | float)]
    assert numeric, "some model has a numeric parameter"
    for parameterised, name, default in numeric:
        assert isinstance(default, int | float)
        assert parameterised.render({name: default + 1}) != parameterised.render()


@pytest.mark.parametrize("damage", ["garbage", "another format", "entries of the wrong kind"])
def test_a_damaged_file_is_ignored_and_written_again(kept: Path, damage: str) -> None:
    sql_cache.keep_in(kept)
    computed = _everything(load_library())
    sql_cache.active().save()
    document = json.loads(kept.read_text("utf-8"))
    if damage == "garbage":
        kept.write_bytes(b"\x00{not json")
    elif damage == "another format":
        kept.write_text(json.dumps({**document, "format": "model-sql 0"}), "utf-8")
    else:  # every entry a number: neither SQL text nor facts
        kept.write_text(json.dumps({**document, "entries": dict.fromkeys(
            document["entries"], 7)}), "utf-8")

    sql_cache._active = sql_cache.SqlCache()
    sql_cache.keep_in(kept)
    assert _everything(load_library()) == computed
    sql_cache.active().save()
    assert json.loads(kept.read_text("utf-8")) == document


def test_a_file_of_other_code_is_dropped_and_no_one_else_may_edit_the_file(
        kept: Path) -> None:
    sql_cache.keep_in(kept)
    computed = _everything(load_library())
    sql_cache.active().save()
    document = json.loads(kept.read_text("utf-8"))
    stale = {**document["entries"], "0" * 64: "SELECT 'an older sqlglot rendered this'"}
    kept.write_text(json.dumps({**document, "code": "an older release's", "entries": stale}),
                    "utf-8")

    sql_cache._active = sql_cache.SqlCache()  # a new process, after an upgrade
    sql_cache.keep_in(kept)
    assert _everything(load_library()) == computed
    sql_cache.active().save()

    assert json.loads(kept.read_text("utf-8"))["entries"] == document["entries"]
    assert kept.stat().st_mode & 0o777 == 0o600


def test_a_run_of_some_models_keeps_the_others_entries_for_the_next_run_of_all(
        kept: Path) -> None:
    sql_cache.keep_in(kept)
    computed = _everything(load_library())
    sql_cache.active().save()

    sql_cache._active = sql_cache.SqlCache()  # `sunlight detect --models DECEASED_PAID`
    sql_cache.keep_in(kept)
    load_library()["DECEASED_PAID"].render()
    sql_cache.active().put("render", "a new entry", "of this run")
    sql_cache.active().save()

    sql_cache._active = sql_cache.SqlCache()  # then `sunlight detect`
    cache = sql_cache.keep_in(kept)
    assert _everything(load_library()) == computed
    assert not cache._changed, "every model's entries were still there"


def test_the_file_keeps_at_most_its_share_the_last_run_s_first(
        kept: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sql_cache, "KEPT_ENTRIES", 3)
    cache = sql_cache.keep_in(kept)
    for number in range(5):
        cache.put("render", f"SELECT {number}", str(number))
    cache.save()
    sql_cache._active = sql_cache.SqlCache()
    cache = sql_cache.keep_in(kept)
    assert cache.get("render", "4") == "SELECT 4"  # used by this run
    cache.put("render", "SELECT 5", "5")
    cache.save()

    entries = json.loads(kept.read_text("utf-8"))["entries"]
    assert len(entries) == 3
    sql_cache._active = sql_cache.SqlCache()
    again = sql_cache.keep_in(kept)
    assert again.get("render", "4") == "SELECT 4" and again.get("render", "5") == "SELECT 5"
