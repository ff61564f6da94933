# One image for both product processes; docker-compose.yml runs it twice with different commands:
#   worker:  npm run worker     gateway: npm run gateway
# The app runs its TypeScript through tsx (a runtime dependency); the one build step is the workflow
# bundles (npm run build, below). No simulators, samples, tests, benchmarks or dev scripts.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    # Reports and other run-time files go to a volume (see temporal/paths.ts).
    PIPELINE_DATA_DIR=/data

WORKDIR /app

# Dependencies first, so source edits reuse this layer. The lock file's versions, no dev tooling
# (npm install, not npm ci: the lock file cannot list other platforms' swc builds, see .ci/run).
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY activities ./activities
COPY client ./client
COPY config ./config
COPY connectors ./connectors
COPY domain ./domain
COPY eventlog ./eventlog
COPY logging ./logging
COPY metrics ./metrics
COPY temporal ./temporal
COPY workers ./workers
COPY workflows ./workflows

# Each task queue's workflow bundle, built now so the worker starts without bundling (see
# workers/workflow-bundles.ts: with NODE_ENV=production a bundle that no longer matches the
# sources stops the worker instead of running stale code).
COPY scripts/build-workflow-bundles.ts ./scripts/
RUN npm run build

# Run as the image's unprivileged `node` user; it owns only the data folder.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]

# The gateway's default port (GATEWAY_PORT); the worker listens on nothing.
EXPOSE 3000
CMD ["npm", "run", "worker"]
