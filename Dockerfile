# syntax=docker/dockerfile:1
# Build stage: durable-rules ships only a source package, so it needs a C compiler.
FROM python:3.11-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# .dockerignore keeps .venv, var/, tests and caches out of the context.
COPY . .
# requirements.lock is the tested set of versions; setup.cfg only states ranges.
RUN python -m pip install --no-cache-dir --upgrade pip \
 && python -m pip wheel --no-cache-dir --wheel-dir /wheels -c requirements.lock .

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
# Leads (embedded Redis), recorded catalog versions and retired rule files live here:
# mount a volume so they outlive the container.
VOLUME ["/srv/loanmatch/var"]
USER loanmatch
EXPOSE 8000
# Keys come from the environment (LOANMATCH_API_KEYS); the service refuses to start without them.
# The probe asks the address the service binds (LOANMATCH_BIND), loopback for a wildcard host.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD python -c "import os,sys,urllib.request as u; h,_,p=os.environ.get('LOANMATCH_BIND','127.0.0.1:8000').rpartition(':'); h=h.strip('[]'); h='127.0.0.1' if h in ('','0.0.0.0','::') else h; h='['+h+']' if ':' in h else h; sys.exit(0 if u.urlopen(f'http://{h}:{p}/healthz', timeout=2).status == 200 else 1)"
CMD ["gunicorn", "-c", "gunicorn.conf.py", "service:app"]
