"""The three contract checks of STYLE §2.6.

1. every EventContract and RpcContract has a sample under
   ``samples/<source>/<name>.json``
   that loads through it (events: the payload schema; RPC: the request schema);
2. every ``@consumes`` in the code base refers to an existing contract and has its row
   in the subscription table (queues are declared from it);
3. the field sets match the committed snapshot (``python -m tests.contract.snapshot
   --update`` after a deliberate, versioned change).
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from pathlib import Path

import pytest

from tests.contract.snapshot import SNAPSHOT, current, load_all_contracts

SAMPLES = Path(__file__).with_name("samples")
EVENTS, RPCS = load_all_contracts()


def _sample(source: str, name: str) -> dict:
    path = SAMPLES / source / f"{name}.json"
    assert path.is_file(), f"missing contract sample {path.relative_to(SAMPLES.parent)}"
    return json.loads(path.read_text())


@pytest.mark.parametrize("key", sorted(EVENTS), ids=lambda k: f"{k[0]}.{k[1]}")
def test_every_event_contract_has_a_sample_that_loads(key):
    contract = EVENTS[key]
    loaded = contract.load_payload(_sample(*key))
    # and what the producer would dump validates again (round trip)
    assert contract.load_payload(contract.dump_payload(loaded)) == loaded


@pytest.mark.parametrize("key", sorted(RPCS), ids=lambda k: f"{k[0]}.{k[1]}")
def test_every_rpc_contract_has_a_request_sample_that_loads(key):
    contract = RPCS[key]
    sample = _sample(*key)
    contract.load_request(sample)
    if contract.idempotent:
        assert "idempotency_key" in sample


def _service_modules():
    import services

    for mod in pkgutil.iter_modules(services.__path__):
        if mod.ispkg and mod.name != "common":
            try:
                yield importlib.import_module(f"services.{mod.name}.service")
            except ModuleNotFoundError:
                continue


def test_every_consumer_is_declared_in_the_subscription_table():
    from services.common.contracts.subscriptions import SUBSCRIPTIONS

    declared = {
        (s.service, s.method, s.contract.source, s.contract.type) for s in SUBSCRIPTIONS
    }
    found = []
    for module in _service_modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            name = getattr(cls, "name", None)
            if cls.__module__ != module.__name__ or not isinstance(name, str):
                continue
            for method_name, fn in inspect.getmembers(cls, inspect.isfunction):
                contract = getattr(fn, "__lpse_consumes__", None)
                if contract is None:
                    continue
                assert (contract.source, contract.type) in EVENTS
                key = (name, method_name, contract.source, contract.type)
                assert key in declared, f"{key} missing from SUBSCRIPTIONS"
                found.append(key)
    # every row in the table is implemented by some handler
    assert declared <= set(found) | {
        k for k in declared if k[0] not in _service_names()
    }


def _service_names():
    names = set()
    for module in _service_modules():
        cls = getattr(module, "SERVICE_CLASS", None)
        if cls is not None:
            names.add(cls.name)
    return names


def test_every_rpc_contract_is_implemented_by_its_service():
    implemented = set()
    for module in _service_modules():
        cls = getattr(module, "SERVICE_CLASS", None)
        if cls is None:
            continue
        for _, fn in inspect.getmembers(cls, inspect.isfunction):
            contract = getattr(fn, "__lpse_implements__", None)
            if contract is not None:
                implemented.add((contract.service, contract.method))
    services = {s for s, _ in RPCS} & _service_names()
    missing = {k for k in RPCS if k[0] in services} - implemented
    assert not missing, f"contracts without an implementation: {sorted(missing)}"


def test_contract_field_sets_match_the_snapshot():
    committed = json.loads(SNAPSHOT.read_text())
    live = current()
    for kind in ("events", "rpc"):
        for key, shape in committed[kind].items():
            assert key in live[kind], (
                f"{kind} contract {key} removed without a new version"
            )
            if kind == "events" and live[kind][key]["version"] != shape["version"]:
                continue  # a deliberate version bump
            assert live[kind][key] == shape, (
                f"{kind} contract {key} changed; bump its version or run "
                "`python -m tests.contract.snapshot --update` for an additive change"
            )
