# One image for both product processes; docker-compose.yml runs it twice with different commands:
#   worker:  node dist/app/workers/main.js     gateway: node dist/app/gateway/main.js
# Two stages: the first compiles the TypeScript (tsconfig.build.json → dist/app) and prebuilds the
# workflow bundles (dist/workflows); the second holds production dependencies, the compiled code,
# the bundles, and the sources the bundles' manifest names (a worker checks them and refuses a
# stale bundle, see workers/workflow-bundles.ts). No simulators, samples, tests or benchmarks.
FROM node:24-bookworm-slim AS build
WORKDIR /app
# The lock file's versions (npm install, not npm ci: the lock file cannot list other platforms'
# swc builds, see .ci/run), dev tooling included for the compiler.
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY activities ./activities
COPY gateway ./gateway
COPY config ./config
COPY connectors ./connectors
COPY domain ./domain
COPY eventlog ./eventlog
COPY logging ./logging
COPY metrics ./metrics
COPY temporal ./temporal
COPY workers ./workers
COPY workflows ./workflows
COPY scripts/build-workflow-bundles.ts ./scripts/
RUN npm run build

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    # Reports and other run-time files go to a volume (see temporal/paths.ts).
    PIPELINE_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The sources the workflow bundles were built from: the worker compares them with the manifest.
COPY tsconfig.json ./
COPY activities ./activities
COPY gateway ./gateway
COPY config ./config
COPY connectors ./connectors
COPY domain ./domain
COPY eventlog ./eventlog
COPY logging ./logging
COPY metrics ./metrics
COPY temporal ./temporal
COPY workers ./workers
COPY workflows ./workflows

# Run as the image's unprivileged `node` user; it owns only the data folder.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]

# The gateway's default port (GATEWAY_PORT); the worker listens on nothing.
EXPOSE 3000
CMD ["node", "dist/app/workers/main.js"]
