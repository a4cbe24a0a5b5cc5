# syntax=docker/dockerfile:1
# Build stage: durable-rules ships only a source package, so it needs a C compiler.
FROM python:3.11-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY setup.cfg pyproject.toml README.md ./
COPY matcher ./matcher
COPY product_catalog ./product_catalog
COPY leads ./leads
COPY http_api ./http_api
COPY loanmatch_cli ./loanmatch_cli
COPY service.py gunicorn.conf.py ./
RUN python -m pip install --no-cache-dir --upgrade pip \
 && python -m pip wheel --no-cache-dir --wheel-dir /wheels .

# Runtime stage: no compiler, a non-root user, the rules as data.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    LOANMATCH_RULES=/srv/loanmatch/rules LOANMATCH_DATA_DIR=/srv/loanmatch/var \
    LOANMATCH_BIND=0.0.0.0:8000
RUN useradd --create-home --uid 10001 loanmatch
COPY --from=build /wheels /wheels
RUN python -m pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
WORKDIR /srv/loanmatch
COPY --chown=loanmatch:loanmatch rules ./rules
COPY --chown=loanmatch:loanmatch gunicorn.conf.py ./
RUN mkdir -p var && chown loanmatch:loanmatch var
USER loanmatch
EXPOSE 8000
# Keys come from the environment (LOANMATCH_API_KEYS); the service refuses to start without them.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"
CMD ["gunicorn", "-c", "gunicorn.conf.py", "service:app"]
