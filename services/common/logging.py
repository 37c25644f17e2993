"""JSON logs, one object per line, with a stable ``message_id`` on business lines.

``setup_logging`` keeps nameko's own loggers alive (``disable_existing_loggers`` is
false: a dictConfig that silences them hides failing workers). Extra fields passed as
``extra={...}`` become top-level keys; the nameko call id is added when known.
"""

from __future__ import annotations

import json
import logging
import logging.config
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

call_id_var: ContextVar[str | None] = ContextVar("lpse_call_id", default=None)

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        call_id = call_id_var.get()
        if call_id:
            data["call_id"] = call_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


class ServiceFilter(logging.Filter):
    """Adds ``service`` to records that do not carry one.

    A filter, not a record factory: a factory sets the attribute on every record, and
    ``logging`` then refuses any ``extra={"service": ...}`` with a KeyError.
    """

    def __init__(self, service: str | None = None):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        if self.service and not hasattr(record, "service"):
            record.service = self.service
        return True


def setup_logging(level: str = "INFO", fmt: str = "json",
                  service: str | None = None) -> None:
    """Configure the root logger once for a process."""
    formatter = "json" if fmt == "json" else "text"
    logging.config.dictConfig({
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": JsonFormatter},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        },
        "filters": {"service": {"()": ServiceFilter, "service": service}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": sys.stderr,
                                "formatter": formatter, "filters": ["service"]}},
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {"kombu": {"level": "WARNING"}, "amqp": {"level": "WARNING"},
                    "nameko": {"level": "INFO" if level == "DEBUG" else "WARNING"}},
    })
