"""Same seed, same bytes; another seed, another county."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from sunlight.synth import generate_county


def digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_bytes_even_in_another_process(tmp_path: Path) -> None:
    generate_county(tmp_path / "a", 1500, 5)
    # Another interpreter with another hash seed: nothing may depend on set or dict order.
    code = ("from pathlib import Path; from sunlight.synth import generate_county; "
            f"generate_county(Path({str(tmp_path / 'b')!r}), 1500, 5)")
    subprocess.run([sys.executable, "-c", code], check=True,
                   env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert digest(tmp_path / "a") == digest(tmp_path / "b")


def test_another_seed_gives_another_county(tmp_path: Path) -> None:
    generate_county(tmp_path / "a", 1500, 5)
    generate_county(tmp_path / "c", 1500, 6)
    first, other = digest(tmp_path / "a"), digest(tmp_path / "c")
    assert first["truth.csv"] != other["truth.csv"]
    assert sum(first[k] != other.get(k) for k in first) > len(first) // 2
