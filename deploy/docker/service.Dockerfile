# syntax=docker/dockerfile:1
#
# One image for every Nameko service (registrasi, lelang, pengaduan, notifikasi, reporting).
# Build it from the repository root:
#
#   docker build -f deploy/docker/service.Dockerfile -t lpse/service .
#
# The image holds the whole project, so it can run any service and the one-off commands
# (`lpse topology`, `lpse migrate <name>`, `lpse create-admin ...`). Without a command it runs the
# service named by the SERVICE build argument; docker-compose.yml and deploy/k8s/ always name the
# command explicitly, so one build serves every service.
FROM python:3.11-slim

ARG SERVICE=registrasi

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LPSE_SERVICE=${SERVICE} \
    METRICS_PORT=9100 \
    BLOB_DIR=/data/blobs

# A fixed numeric uid/gid, so Kubernetes can check runAsNonRoot and fsGroup can match it.
RUN groupadd --system --gid 10001 lpse \
    && useradd --system --uid 10001 --gid lpse --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin lpse

WORKDIR /app

# Code and dependencies stay owned by root: the service user can read them, not change them.
COPY . .
RUN pip install --no-cache-dir . \
    && rm -rf build ./*.egg-info \
    && mkdir -p /data/blobs \
    && chown lpse:lpse /data/blobs

USER 10001:10001

# Prometheus metrics (METRICS_PORT); the service's health check asks this port.
EXPOSE 9100

CMD ["sh", "-c", "exec lpse run-service \"$LPSE_SERVICE\""]
