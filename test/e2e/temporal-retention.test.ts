import { NAMESPACE_RETENTION_HOURS } from '../../scripts/temporal-cluster/cluster';
import { namespaceRetentionHours, TEMPORAL_RETENTION_HOURS } from '../../temporal/retention';
import { startTestDevServer } from '../harness/dev-server';

jest.setTimeout(180_000);

/**
 * What Temporal keeps, and for how long (README): closed workflows are kept 72 h, on the embedded
 * dev server as on the cluster. `temporal server start-dev` has no retention flag (its namespaces
 * get 24 h), so the product sets the namespace's retention once the server is up.
 */
describe('Temporal namespace retention', () => {
  it('is the same on the cluster and the embedded server', () => {
    expect(TEMPORAL_RETENTION_HOURS).toBe(72);
    expect(NAMESPACE_RETENTION_HOURS).toBe(TEMPORAL_RETENTION_HOURS);
  });

  it('a dev server started with retentionHours serves its namespace with that retention', async () => {
    const server = await startTestDevServer({
      namespace: 'retention-check',
      retentionHours: TEMPORAL_RETENTION_HOURS,
    });
    try {
      expect(await namespaceRetentionHours(server.address, 'retention-check')).toBe(TEMPORAL_RETENTION_HOURS);
      // Without it, the CLI's own default (24 h) would apply: the step is what makes them match.
      expect(await namespaceRetentionHours(server.address, 'default')).toBe(24);
    } finally {
      await server.stop();
    }
  });
});
