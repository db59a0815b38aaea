# AREF on Ray: one image for the head node (and workers of ray_cluster.yaml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    RAY_AUTH_MODE=disabled \
    AREF_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY aref ./aref
COPY actors ./actors
COPY chaos ./chaos
COPY services ./services
COPY runbooks ./runbooks
COPY serve_config.yaml ./
RUN pip install --no-cache-dir .

VOLUME ["/data"]
# 8000: Serve HTTP (AREF UI + API at /, services under /gateway, /orders, ...); 8265: Ray dashboard
EXPOSE 8000 8265
CMD ["bash", "-c", "ray start --head --dashboard-host=0.0.0.0 --disable-usage-stats && serve run --address=auto serve_config.yaml"]
