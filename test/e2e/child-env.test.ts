import { readFileSync } from 'node:fs';
import { childEnv } from '../../temporal/child-env';
import { startTestDevServer } from '../harness/dev-server';

jest.setTimeout(180_000);

const SECRETS = {
  PAYLOAD_ENCRYPTION_KEY: 'marker-payload-key',
  WEBEX_CLIENT_SECRET: 'marker-webex-secret',
  BILL_PASSWORD: 'marker-bill-password',
  DATABASE_URL: 'postgres://u:marker-db-password@db/x',
};

describe('helper programs get an explicit environment, without the product’s secrets', () => {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [name, value] of Object.entries(SECRETS)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('childEnv keeps what programs need and drops the rest', () => {
    const env = childEnv({ GOBIN: '/x' });
    expect(env.PATH).toBe(process.env.PATH);
    expect(env.GOBIN).toBe('/x');
    for (const name of Object.keys(SECRETS)) expect(env[name]).toBeUndefined();
  });

  it('the embedded dev server process does not see them', async () => {
    const server = await startTestDevServer();
    try {
      const environ = readFileSync(`/proc/${server.process.pid}/environ`, 'utf8');
      expect(environ).toContain('PATH=');
      for (const value of Object.values(SECRETS)) expect(environ).not.toContain(value);
    } finally {
      await server.stop();
    }
  });
});
