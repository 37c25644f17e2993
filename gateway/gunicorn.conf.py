"""gunicorn configuration of the gateway: ``gunicorn -c gateway/gunicorn.conf.py
gateway.wsgi:app``.

* gthread workers (gunicorn >= 26 has no eventlet worker; the gateway needs no
  monkey patching): ``GATEWAY_WORKERS`` processes (default 2) of ``GATEWAY_THREADS``
  threads (default 8), bound to ``GATEWAY_BIND`` (default ``127.0.0.1:8000``).
* no control socket (it would live under the home directory, shared by every gunicorn
  on the host: STACK trap 2).
* metrics: ``PROMETHEUS_MULTIPROC_DIR`` is set here, before anything imports
  prometheus-client (default ``<VAR_DIR>/prometheus-gateway``), wiped and created on
  start, and a dead worker's files are marked in ``child_exit``.
* ``post_fork`` resets the per-process RPC pool (nothing is connected before the fork
  anyway: the app is loaded in each worker, ``preload_app`` stays off);
  ``worker_exit`` closes it, deleting the proxies' reply queues.

Nothing from ``gateway`` is imported at the top of this file: the master process must
not load prometheus-client or open connections that workers would inherit.
"""

import os
import shutil

var_dir = os.path.abspath(os.environ.get("VAR_DIR") or "var")
multiproc_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(var_dir, "prometheus-gateway"))

bind = os.environ.get("GATEWAY_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GATEWAY_WORKERS", "2"))
threads = int(os.environ.get("GATEWAY_THREADS", "8"))
control_socket_disable = True  # --no-control-socket
timeout = 60
graceful_timeout = 30
keepalive = 5
preload_app = False
accesslog = "-"
errorlog = "-"
# request line and header limits stay at gunicorn's defaults; bodies are limited by
# the app (MAX_CONTENT_LENGTH = UPLOAD_MAX_BYTES + headroom)


def on_starting(server):
    """Start with an empty metrics directory (values of a previous run are stale)."""
    shutil.rmtree(multiproc_dir, ignore_errors=True)
    os.makedirs(multiproc_dir, exist_ok=True)


def post_fork(server, worker):
    from gateway import rpc

    rpc.after_fork()


def worker_exit(server, worker):
    from gateway import rpc

    rpc.close_all()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
