/**
 * The minimal program's process parts: its own worker (own bundle, own task queue) and its
 * "gateway", a Fastify endpoint that validates the webhook body and signal-with-starts the
 * account's workflow, answering 202 once Temporal has taken the signal.
 */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import Fastify, { type FastifyInstance } from 'fastify';
import { FAILURE_CONVERTER_PATH } from '../../temporal/data-converter';
import { parseBillsbyEvent } from '../../domain/billsby/parse-event';
import { BILLSBY_ROOM_TITLE } from '../../domain/integration/constants';
import { runCleanups, type BenchAccount, type BenchEnv, type Program } from '../webhook/env';
import { createMinimalActivities } from './activities';
import { minimalAccount, minimalEvent, minimalWorkflowId, type MinimalAccountInput } from './workflows';

export const MINIMAL_WORKFLOWS_PATH = require.resolve('./workflows');

export async function bundleMinimalWorkflows(): Promise<string> {
  const bundle = await bundleWorkflowCode({
    workflowsPath: MINIMAL_WORKFLOWS_PATH,
    // The same converters as the product (env.dataConverter), so the comparison is like for like.
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
  });
  return bundle.code;
}

export async function startMinimal(env: BenchEnv, bundleCode: string): Promise<Program> {
  const taskQueue = `bench-minimal-${env.suffix}`;
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const close = env.teardown.add('minimal program', () => runCleanups(cleanups, 'minimal program'));

  const workerConnection = await NativeConnection.connect({ address: env.server.address });
  cleanups.push(() => workerConnection.close());
  const worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    dataConverter: env.dataConverter,
    workflowBundle: { code: bundleCode },
    activities: createMinimalActivities(env.sim.baseUrl),
  });
  const workerRun = worker.run();
  cleanups.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun;
  });

  const connection = await Connection.connect({ address: env.server.address });
  cleanups.push(() => connection.close());
  const client = new Client({ connection, dataConverter: env.dataConverter });
  const accounts = new Map<string, MinimalAccountInput>();
  const server: FastifyInstance = Fastify({ logger: false });
  cleanups.push(() => server.close());
  server.post('/webhooks/billsby/:accountId', async (request, reply) => {
    const { accountId } = request.params as { accountId: string };
    const account = accounts.get(accountId);
    if (!account) return reply.code(404).send({ error: 'unknown account' });
    const parsed = parseBillsbyEvent(request.body);
    if (!parsed.ok) return reply.code(400).send({ error: 'invalid Billsby event', issues: parsed.errors });
    await client.workflow.signalWithStart(minimalAccount, {
      workflowId: minimalWorkflowId(accountId),
      taskQueue,
      args: [account],
      signal: minimalEvent,
      signalArgs: [parsed.event],
    });
    return reply.code(202).send({ eventId: parsed.event.Id });
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const gatewayUrl = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;

  return {
    name: 'minimal',
    label: 'minimal (signal-with-start, one activity per event)',
    async addAccount(accountId: string): Promise<BenchAccount> {
      // Already "connected": a Webex user of its own, a token and the room, without the OAuth dance.
      const email = `${accountId}@example.com`;
      env.sim.control.addUser({ displayName: `Owner of ${accountId}`, email });
      const { accessToken } = env.sim.control.issueTokens(email);
      const room = env.sim.control.seedRoom(BILLSBY_ROOM_TITLE, { creator: email });
      accounts.set(accountId, { accountId, roomId: room.id, accessToken });
      return {
        id: accountId,
        roomId: room.id,
        webhookUrl: `${gatewayUrl}/webhooks/billsby/${accountId}`,
        headers: {},
      };
    },
    failedCount: async () => 0,
    close,
  };
}
