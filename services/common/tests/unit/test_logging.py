"""JSON logs: the service name is added without clashing with ``extra``."""

from __future__ import annotations

import io
import json
import logging

import pytest

from services.common.logging import JsonFormatter, ServiceFilter, setup_logging


def capture(service: str | None = "registrasi"):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ServiceFilter(service))
    logger = logging.getLogger(f"lpse.unit.{service}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_service_is_added_and_extra_service_is_allowed():
    logger, stream = capture("registrasi")
    logger.info("started", extra={"message_id": "service_started"})
    logger.info("relay",
                extra={"message_id": "outbox_relay_failed", "service": "other"})
    first, second = lines(stream)
    assert (first["service"], first["message_id"], first["message"]) == (
        "registrasi", "service_started", "started")
    assert second["service"] == "other"


@pytest.fixture
def restore_root_logging():
    root = logging.getLogger()
    saved = (root.level, root.handlers[:], logging.getLogRecordFactory())
    yield
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    logging.setLogRecordFactory(saved[2])


def test_setup_logging_accepts_extra_service(restore_root_logging, capsys):
    setup_logging("INFO", "json", service="registrasi")
    log = logging.getLogger("lpse.unit.setup")
    log.info("started",
             extra={"message_id": "service_started", "service": "registrasi"})
    log.warning("plain")
    records = [json.loads(x) for x in capsys.readouterr().err.splitlines()]
    assert [(r["message"], r["service"]) for r in records] == [
        ("started", "registrasi"), ("plain", "registrasi")]
