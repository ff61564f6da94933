/**
 * `npm run cluster -- up|down|status|build`: a real Temporal cluster (the pinned server built from
 * source, on PostgreSQL) for this project, without Docker. See scripts/temporal-cluster/cluster.ts.
 */
import {
  clusterDown,
  clusterStatus,
  clusterUp,
  ensureClusterBinaries,
  TEMPORAL_SERVER_VERSION,
} from './temporal-cluster/cluster';

const log = (line: string) => console.log(`[cluster] ${line}`);

async function main(command: string | undefined): Promise<void> {
  switch (command) {
    case 'up': {
      const started = Date.now();
      const info = await clusterUp({ log });
      log(
        `up in ${((Date.now() - started) / 1000).toFixed(1)} s (Temporal server ${TEMPORAL_SERVER_VERSION} on PostgreSQL)`,
      );
      console.log(`TEMPORAL_ADDRESS=${info.temporalAddress}`);
      console.log(`TEMPORAL_NAMESPACE=${info.namespace}`);
      console.log(`DATABASE_URL=${info.databaseUrl}`);
      return;
    }
    case 'build': {
      // Only the binaries (CI builds them early, in parallel with the npm install).
      const started = Date.now();
      ensureClusterBinaries(log);
      log(
        `Temporal server ${TEMPORAL_SERVER_VERSION} and sql tool ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      return;
    }
    case 'down':
      await clusterDown({ log });
      log('down: nothing of the cluster runs');
      return;
    case 'status': {
      const status = clusterStatus();
      console.log(`home:       ${status.home}`);
      console.log(`built:      ${status.built ? `yes (Temporal server ${TEMPORAL_SERVER_VERSION})` : 'no'}`);
      console.log(
        `postgresql: ${status.postgres ? `running, pid ${status.postgres.pid}, 127.0.0.1:${status.postgres.port}` : 'stopped'}`,
      );
      console.log(
        `temporal:   ${status.temporal ? `running, pid ${status.temporal.pid}, ${status.temporal.address}` : 'stopped'}`,
      );
      if (status.info) {
        console.log(`TEMPORAL_ADDRESS=${status.info.temporalAddress}`);
        console.log(`DATABASE_URL=${status.info.databaseUrl}`);
      }
      return;
    }
    default:
      console.error('usage: npm run cluster -- up|down|status|build');
      process.exitCode = 2;
  }
}

main(process.argv[2]).catch((err: unknown) => {
  console.error(`[cluster] ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
