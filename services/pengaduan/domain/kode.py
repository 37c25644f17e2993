"""Tracking codes and secrets of a complaint (no account needed to follow it).

* ``kode_pelacakan``: ``PGD-<year>-XXXXXX``, the year it was filed in Karangasem
  (WITA: a complaint filed at 00:30 WITA on 1 January is of the new year, though
  it is still 31 December in UTC), then six characters from an alphabet with no
  look-alikes (no 0/O, 1/I/L, U), typed back case-insensitively.
* ``rahasia``: 24 random url-safe bytes (32 characters), shown once. Only
  ``HMAC-SHA256(salt, rahasia)`` with a random per-complaint salt is stored: the
  secret is long and random, so a fast keyed hash is enough; comparison is in
  constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from services.common.clock import WITA

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
KODE_LENGTH = 6
RAHASIA_BYTES = 24
PREFIX = "PGD"


def new_kode(filed_at: datetime, randbelow=secrets.randbelow) -> str:
    if filed_at.utcoffset() is None:
        raise ValueError("new_kode needs an aware datetime")
    year = filed_at.astimezone(WITA).year
    body = "".join(ALPHABET[randbelow(len(ALPHABET))] for _ in range(KODE_LENGTH))
    return f"{PREFIX}-{year:04d}-{body}"


def normalize_kode(kode: str) -> str:
    """What a person typed, as stored: trimmed, upper case."""
    return kode.strip().upper()


def new_rahasia() -> str:
    return secrets.token_urlsafe(RAHASIA_BYTES)


def new_salt() -> str:
    return secrets.token_hex(16)


def hash_rahasia(salt: str, rahasia: str) -> str:
    return hmac.new(bytes.fromhex(salt), rahasia.encode(), hashlib.sha256).hexdigest()


def verify_rahasia(salt: str, stored_hash: str, rahasia: str) -> bool:
    return hmac.compare_digest(hash_rahasia(salt, rahasia), stored_hash)
