# syntax=docker/dockerfile:1
#
# The HTTP gateway: Flask under gunicorn (gthread workers, configured in gateway/gunicorn.conf.py).
# Build it from the repository root:
#
#   docker build -f deploy/docker/gateway.Dockerfile -t lpse/gateway .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GATEWAY_BIND=0.0.0.0:8000 \
    BLOB_DIR=/data/blobs \
    PROMETHEUS_MULTIPROC_DIR=/run/prometheus

RUN groupadd --system --gid 10001 lpse \
    && useradd --system --uid 10001 --gid lpse --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin lpse

# gunicorn is started with `-c gateway/gunicorn.conf.py`, a path relative to this directory.
WORKDIR /app

COPY . .
RUN pip install --no-cache-dir . \
    && rm -rf build ./*.egg-info \
    && mkdir -p /data/blobs /run/prometheus \
    && chown lpse:lpse /data/blobs /run/prometheus

USER 10001:10001

EXPOSE 8000

CMD ["gunicorn", "-c", "gateway/gunicorn.conf.py", "gateway.wsgi:app"]
