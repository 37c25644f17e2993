"""Run a sample service as a real process (the crash tests kill it with SIGKILL).

    python -m services.common.tests.integration.run_sample_service producer|consumer

Settings come from the environment like any service (``AMQP_URI``, ``DATABASE_URL``,
``OUTBOX_RELAY_ENABLED``, ``LPSE_FAULT``, ...); ``SAMPLE_*`` variables steer
:data:`sample_services.CONTROL`. The process is started the production way:
eventlet monkey-patched first, then :func:`services.common.runner.run_service`
(nameko's ``ServiceRunner``), which logs ``service_started`` when it is ready.
"""

from services.common.runner import patch

patch()  # before anything imports socket or threading

import sys  # noqa: E402

from services.common.runner import run_service  # noqa: E402
from services.common.tests.integration import sample_services  # noqa: E402


def main(argv: list[str]) -> None:
    classes = {"producer": sample_services.ProducerService,
               "consumer": sample_services.ConsumerService}
    if len(argv) != 1 or argv[0] not in classes:
        raise SystemExit("usage: run_sample_service producer|consumer")
    sample_services.register()
    sample_services.CONTROL.load_env()
    service_cls = classes[argv[0]]
    run_service(service_cls.name, service_cls)


if __name__ == "__main__":
    main(sys.argv[1:])
