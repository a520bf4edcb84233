# syntax=docker/dockerfile:1
# acsrec: the ACS recording pipeline as a container. Default: the queue worker.
# Sizes, the ffmpeg choice and the smoke test: docs/container.md.

# Node 26 is the Active LTS line (since 2026-10-28, nodejs/Release). Pin the digest for a release:
# NODE_IMAGE=node:26-bookworm-slim@sha256:<digest of the tag on the day of the release>
ARG NODE_IMAGE=node:26-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# no install scripts: every binary used below ships inside its package, nothing is downloaded
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY src ./src
COPY pipelines ./pipelines
COPY scripts/build.mjs ./scripts/build.mjs
# The bundle; the npm package's static ffmpeg moved out of node_modules (stored once, at the path
# FFMPEG_PATH names); then what only builds (esbuild, tsx) or is that package pruned away.
RUN node scripts/build.mjs \
 && mkdir -p /opt/ffmpeg \
 && cp node_modules/@ffmpeg-installer/linux-x64/ffmpeg /opt/ffmpeg/ffmpeg \
 && chmod 0755 /opt/ffmpeg/ffmpeg \
 && npm pkg delete dependencies.@ffmpeg-installer/ffmpeg dependencies.esbuild dependencies.tsx \
 && npm prune --omit=dev --ignore-scripts --offline --no-audit --no-fund \
 && test ! -e node_modules/@ffmpeg-installer/linux-x64 \
 && /opt/ffmpeg/ffmpeg -hide_banner -version

FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
# JSON log lines even under `docker run -t` (a TTY would get the human-readable form)
ENV NODE_ENV=production \
    FFMPEG_PATH=/usr/local/bin/ffmpeg \
    ACSREC_LOG_FORMAT=json
COPY --from=build /opt/ffmpeg/ffmpeg /usr/local/bin/ffmpeg
# root-owned (COPY without --chown) and run as `node`: the app cannot rewrite its own code
WORKDIR /app
COPY package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
# tini is PID 1 and forwards SIGTERM to node itself (never an `npx`/`sh -c` wrapper, which would drop
# it); node runs the bundle that bin/acsrec.js runs, without its tsx fallback for edited sources.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/acsrec.mjs"]
CMD ["worker"]
