"""Every lelang use case, called in states where it makes no sense (a draft, a
failed lelang, a finished one) by every kind of actor, answers with a platform
error (a 4xx at the gateway) or a result - never an unexpected exception (a 5xx).

Requests are the committed contract samples, loaded through their contracts, with
the lelang id and the actor replaced.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from services.common.auth import Actor
from services.common.contracts import lelang as contracts
from services.common.contracts.base import RPC_CONTRACTS
from services.common.errors import EprocError
from services.lelang.domain import MetodeLelang
from services.lelang.domain import TahapanLelang as T

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).resolve().parents[4] / "tests" / "contract" / "samples" / (
    "lelang")
NAMES = sorted(m for s, m in RPC_CONTRACTS if s == contracts.SERVICE and m != "ping")


def _states(world):
    draft = world.lelang(MetodeLelang.PRAKUALIFIKASI_2_FILE, announce=False)
    failed = world.lelang(MetodeLelang.PASCAKUALIFIKASI_2_FILE)
    world.after(failed["lelang_id"], T.UPLOAD_PENAWARAN)
    world.goto(failed["lelang_id"], T.PEMBUKAAN_EVALUASI_FILE_1)  # no bids: gagal
    world.now = world.clock.value
    running = world.lelang(MetodeLelang.PASCAKUALIFIKASI_1_FILE)
    world.goto(running["lelang_id"], T.PEMBERIAN_PENJELASAN)
    states = {"draft": draft["lelang_id"], "gagal": failed["lelang_id"],
              "berjalan": running["lelang_id"], "unknown": str(uuid.uuid4())}
    status = {k: world.call("get_lelang", {"actor": world.pokja[0], "lelang_id": v})[
        "status"] for k, v in states.items() if k != "unknown"}
    assert status == {"draft": "draft", "gagal": "gagal", "berjalan": "berjalan"}
    return states


def test_no_use_case_fails_unexpectedly_in_any_state_for_any_actor(world):
    states = _states(world)
    bidder = world.add_penyedia(1)[0]
    actors = [world.pokja[0], world.ppk, world.pa, world.auditor, world.admin,
              bidder, Actor.anonymous("10.9.9.9")]
    unexpected = []
    for name in NAMES:
        contract = RPC_CONTRACTS[(contracts.SERVICE, name)]
        sample = json.loads((SAMPLES / f"{name}.json").read_text())
        for state, lelang_id in states.items():
            for who in actors:
                raw = dict(sample)
                if "actor" in raw:
                    raw["actor"] = who.to_dict()
                if "lelang_id" in raw:
                    raw["lelang_id"] = lelang_id
                if "idempotency_key" in raw:
                    raw["idempotency_key"] = f"rb-{uuid.uuid4()}"
                request = contract.load_request(raw)
                try:
                    world.call(name, request)
                except EprocError:
                    pass
                except Exception as exc:  # noqa: BLE001 - what we look for
                    unexpected.append((name, state, who.roles, repr(exc)[:200]))
    assert unexpected == []
