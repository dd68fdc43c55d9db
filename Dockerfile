# ec2-sg-emulator as a container: `docker build -t ec2-sg-emulator .`
# then `docker run --rm -p 4566:4566 ec2-sg-emulator` (state in memory), or keep state in a volume:
# `docker run --rm -p 4566:4566 -v ec2-sg-data:/data -e DB_PATH=/data/state.db ec2-sg-emulator`.

# ---- build: compile TypeScript and better-sqlite3's native module, then drop dev dependencies
FROM node:24-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Dependencies first (a layer that survives source changes). `--ignore-scripts` skips the package's
# own `prepare` build, which needs the sources copied below; better-sqlite3, the one dependency
# with an install script, then builds its native module.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/build.mjs
COPY protocol ./protocol
COPY server ./server
COPY store ./store
RUN npm run build && npm prune --omit=dev

# ---- runtime: node, the compiled code and production dependencies only, as a non-root user
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# Inside the container only: listen on every interface so a published port or another service reaches it.
ENV HOST=0.0.0.0 PORT=4566
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node docker/healthcheck.mjs ./docker/healthcheck.mjs
# The web console's static files, served as they are (no build step).
COPY --chown=node:node server/console/assets ./server/console/assets
# Where a mounted volume keeps the database when DB_PATH points into it.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 4566
# The slim image has no curl: node asks /_emulator/health.
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 CMD ["node", "docker/healthcheck.mjs"]
CMD ["node", "--max-semi-space-size=4", "dist/server/main.js"]
