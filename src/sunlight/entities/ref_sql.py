"""Entity refs computed by the warehouse engine: the same HMAC as `refs.entity_ref`, in SQL.

Hashing a quarter of a million keys one by one in Python takes seconds; DuckDB does it in
parallel. HMAC-SHA256 is spelled out (RFC 2104): the salt is 64 ASCII characters, exactly
SHA-256's block, so it pads without being hashed first.
"""

from __future__ import annotations

from sunlight.entities.refs import REF_LENGTH

BLOCK = 64
BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
ENGINE_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUV"


def with_refs(salt: str, relation: str) -> str:
    """The rows of `relation` (SQL with columns `kind` and `key`) and a column `ref`."""
    raw = salt.encode("ascii")
    if len(raw) != BLOCK or not salt.isalnum():
        raise ValueError("the index's salt must be 64 hex characters")
    inner = bytes(b ^ 0x36 for b in raw).hex()
    outer = bytes(b ^ 0x5C for b in raw).hex()
    digest = (f"sha256(unhex('{outer}') || unhex(sha256(unhex('{inner}') || "
              f"encode(kind || chr(0) || key))))")
    # 16 base32 characters are 80 bits: two halves of 40 bits (10 hex digits), each written
    # in base 32 by the engine (digits 0-9A-V) and spelled in RFC 4648's alphabet.
    half = REF_LENGTH // 2
    halves = " || ".join(f"to_base(('0x' || substr(d, {start}, 10))::BIGINT, 32, {half})"
                         for start in (1, 11))
    return (f"SELECT * EXCLUDE (d), translate({halves}, '{ENGINE_DIGITS}', '{BASE32}') AS ref "
            f"FROM (SELECT *, {digest} AS d FROM ({relation}))")
