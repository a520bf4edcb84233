# syntax=docker/dockerfile:1
# acsrec: the ACS recording pipeline as a container. Default: the queue worker.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# production dependencies only; the bundle is built below, once the sources are there
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    FFMPEG_PATH=/usr/bin/ffmpeg
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY pipelines ./pipelines
COPY schema ./schema
COPY scripts/build.mjs ./scripts/build.mjs
RUN node scripts/build.mjs && chown -R node:node /app
USER node
# tini forwards SIGTERM to node itself (never an `npx`/`sh -c` wrapper, which would drop it)
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/acsrec.js"]
CMD ["worker"]
