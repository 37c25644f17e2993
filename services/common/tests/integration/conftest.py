"""Integration tests of the shared messaging library.

The rule (as in nameko-examples): use the real thing for the infrastructure under
test - here RabbitMQ (a fresh vhost per test, from nameko's ``rabbit_config``) and
PostgreSQL (fresh databases from ``pg_database``) - and replace nothing else but the
services, which are the small samples in ``sample_services.py``. No broker or
database is mocked.
"""

from __future__ import annotations

import pytest

from services.common.tests.integration import sample_services
from services.common.tests.integration.harness import Harness


@pytest.fixture
def control():
    """The sample services' failure switches, reset around every test."""
    sample_services.CONTROL.reset()
    yield sample_services.CONTROL
    sample_services.CONTROL.reset()


@pytest.fixture
def harness(rabbit_config, pg_database, service_config, container_factory, tmp_path,
            control):
    """Databases, vhost, containers and subprocesses of one test (torn down in order:
    subprocesses, then containers, then databases, then the vhost)."""
    sample_services.register()
    h = Harness(amqp_uri=rabbit_config["AMQP_URI"], service_config=service_config,
                container_factory=container_factory,
                producer_url=pg_database("producer"),
                consumer_url=pg_database("consumer"),
                tmp_path=tmp_path)
    try:
        yield h
    finally:
        h.close()
        sample_services.unregister()
