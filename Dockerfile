# PolicyRadar in a container: the web UI, plus the crawl and the daily digests on their schedule
# (`policyradar serve --schedule`). The home (config, sources, database) is a volume.
#
#   docker build -t policyradar .
#   docker run -d -p 127.0.0.1:8750:8750 -e POLICYRADAR_TOKEN=... -v policyradar-home:/home/radar/.policyradar policyradar
#
# or `docker compose up -d` with compose.yaml. `--build-arg BROWSER=1` adds chromium and a Chinese
# font for sources that set render = "browser".

FROM python:3.11-slim-bookworm AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY policyradar ./policyradar
COPY crawler ./crawler
COPY spiders ./spiders
COPY digest ./digest
COPY data ./data
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
ARG BROWSER=0
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    POLICYRADAR_HOME=/home/radar/.policyradar \
    POLICYRADAR_LEXICON_DIR=/home/radar/.cache/policyradar-lexicon \
    POLICYRADAR_TIMEZONE=Asia/Shanghai \
    TZ=Asia/Shanghai
# tzdata: the schedule's time zones; chromium and a CJK font only for rendered sources
RUN packages="tzdata"; [ "$BROWSER" = 1 ] && packages="$packages chromium fonts-noto-cjk"; \
    apt-get update && apt-get install -y --no-install-recommends $packages \
    && rm -rf /var/lib/apt/lists/*
COPY --from=wheel /wheels /wheels
RUN extra=""; [ "$BROWSER" = 1 ] && extra="[browser]"; \
    pip install --no-cache-dir "$(ls /wheels/policyradar-*.whl)$extra" && rm -rf /wheels
RUN useradd --create-home --uid 10001 radar
USER radar
WORKDIR /home/radar
# created here, so a new named volume starts owned by radar
RUN mkdir -p "$POLICYRADAR_HOME" "$POLICYRADAR_LEXICON_DIR"
VOLUME ["/home/radar/.policyradar"]
EXPOSE 8750
# Healthy: the config loads, the database is sound, the disk has room and the web UI answers
# (with the access token); the network to the sites is left out (`policyradar doctor` checks it).
HEALTHCHECK --interval=5m --timeout=60s --start-period=60s --retries=3 \
  CMD policyradar doctor --offline --web http://127.0.0.1:8750/sources || exit 1
# A new home gets the starter config first; then whatever command was given.
ENTRYPOINT ["sh", "-c", "test -f \"$POLICYRADAR_HOME/sources.toml\" || policyradar init >&2; exec policyradar \"$@\"", "policyradar"]
CMD ["serve", "--host", "0.0.0.0", "--schedule"]
