import { parseConfig, ConfigError, CONFIG_VARIABLES } from '../../config/env';
import { activityDepsFromConfig } from '../../activities';
import type { EventLog } from '../../eventlog/types';

describe('configuration', () => {
  it('applies the documented defaults with an empty environment', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      TEMPORAL_ADDRESS: undefined,
      TEMPORAL_NAMESPACE: 'default',
      GATEWAY_PORT: 3000,
      PUBLIC_BASE_URL: 'http://localhost:3000',
      WEBEX_API_BASE_URL: 'https://webexapis.com/v1',
      BILL_API_BASE_URL: 'https://gateway.stage.bill.com/connect',
      BILLSBY_API_BASE_URL: 'https://public.billsby.com/api/v1/rest',
      WEBEX_SCOPES:
        'spark:rooms_read spark:rooms_write spark:messages_read spark:messages_write spark:people_read',
    });
  });

  it('reads every variable of DESIGN.md §4.1', () => {
    expect([...CONFIG_VARIABLES].sort()).toEqual(
      [
        'TEMPORAL_ADDRESS',
        'TEMPORAL_NAMESPACE',
        'TEMPORAL_CLI_PATH',
        'GATEWAY_PORT',
        'PUBLIC_BASE_URL',
        // Issue 23: plain http on a non-loopback host only when asked for.
        'ALLOW_INSECURE_PUBLIC_URL',
        // Issue 23: the TLS proxy in front of the gateway, the only peer whose X-Forwarded-For counts.
        'GATEWAY_TRUST_PROXY',
        'WEBEX_API_BASE_URL',
        'WEBEX_CLIENT_ID',
        'WEBEX_CLIENT_SECRET',
        'WEBEX_SCOPES',
        'BILL_API_BASE_URL',
        'BILL_USERNAME',
        'BILL_PASSWORD',
        'BILL_APP_KEY',
        'BILL_DEV_KEY',
        'BILL_ENGAGEMENT_MAX_REQUESTS_PER_HOUR',
        'BILL_ENGAGEMENT_POST_TO',
        'BILLSBY_API_BASE_URL',
        'BILLSBY_COMPANY_DOMAIN',
        'BILLSBY_API_KEY',
        'BILLSBY_READS_PER_ACCOUNT',
        'BILLSBY_READS_PER_PROCESS',
        'PAYLOAD_ENCRYPTION_KEY',
        'DATABASE_URL',
        'TEMPORAL_TLS_CERT',
        'TEMPORAL_TLS_KEY',
        'TEMPORAL_TLS_CA',
        'TEMPORAL_TLS_SERVER_NAME',
        'TEMPORAL_API_KEY',
        'GATEWAY_API_KEYS',
        // Issue 23: the gateway's own key for links, sessions and CSRF tokens.
        'GATEWAY_SESSION_KEY',
        'CODEC_HOST',
        'CODEC_PORT',
        'CODEC_AUTH_TOKEN',
        // Added by this project: the Web UI origins allowed to call the codec endpoint.
        'WEB_UI_ORIGINS',
        // Added by this project: the per-account cap on undelivered events (429 beyond it).
        'EVENT_LOG_MAX_UNDELIVERED',
        // Issue 15: how long a delivered event's payload stays in the event log.
        'EVENT_PAYLOAD_RETENTION_DAYS',
        // Issue 22: how long engagement runs' reports and snapshots stay in the database.
        'ENGAGEMENT_REPORT_RETENTION_DAYS',
        // How long a queued event may wait before the worker's wake sweep signals its workflow.
        'DELIVERY_SWEEP_AFTER_SECONDS',
        // Issue 15: metrics listeners, and the age at which undelivered events raise an alert.
        'METRICS_HOST',
        'METRICS_PORT',
        'WORKER_METRICS_PORT',
        'TEMPORAL_METRICS_PORT',
        'ALERT_UNDELIVERED_AGE_SECONDS',
        // Issue 15: structured logs (level, and json or pretty lines).
        'LOG_LEVEL',
        'LOG_FORMAT',
      ].sort(),
    );
  });

  it.each([
    [{ GATEWAY_API_KEYS: 'short' }, 'GATEWAY_API_KEYS: must be comma-separated keys of 24 to 256'],
    [{ GATEWAY_API_KEYS: `${'k'.repeat(30)}, with space ${'k'.repeat(20)}` }, 'GATEWAY_API_KEYS: must be'],
    [{ CODEC_AUTH_TOKEN: 'short' }, 'CODEC_AUTH_TOKEN: must be at least 24 characters'],
    [{ GATEWAY_PORT: 'eighty' }, 'GATEWAY_PORT: must be a port number'],
    [{ GATEWAY_PORT: '70000' }, 'GATEWAY_PORT: must be 0..65535'],
    [{ PUBLIC_BASE_URL: 'localhost:3000' }, 'PUBLIC_BASE_URL: must be an http(s) URL'],
    [{ TEMPORAL_ADDRESS: 'temporal' }, 'TEMPORAL_ADDRESS: must be host:port'],
    [{ WEBEX_SCOPES: 'a,b' }, 'WEBEX_SCOPES: must be space-separated scope names'],
    [{ TEMPORAL_NAMESPACE: 'bad namespace' }, 'TEMPORAL_NAMESPACE: must be a namespace name'],
    [{ WEB_UI_ORIGINS: 'http://localhost:8233/ui' }, 'WEB_UI_ORIGINS: must be comma-separated origins'],
  ])('names the variable and what it expects: %j', (env, message) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(message);
  });

  it('never echoes a secret value in its message', () => {
    try {
      parseConfig({ BILL_PASSWORD: 'hunter2', GATEWAY_PORT: 'hunter2' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  it('Billsby read bounds: whole numbers in range, read from the environment', () => {
    expect(parseConfig({ BILLSBY_READS_PER_ACCOUNT: '8', BILLSBY_READS_PER_PROCESS: '16' })).toMatchObject({
      BILLSBY_READS_PER_ACCOUNT: 8,
      BILLSBY_READS_PER_PROCESS: 16,
    });
    expect(() => parseConfig({ BILLSBY_READS_PER_ACCOUNT: '0' })).toThrow(
      /BILLSBY_READS_PER_ACCOUNT: must be 1 to 1024/,
    );
    expect(() => parseConfig({ BILLSBY_READS_PER_PROCESS: 'many' })).toThrow(
      /BILLSBY_READS_PER_PROCESS: must be a whole number/,
    );
    // The worker's fill takes them (activities/index.ts).
    const deps = activityDepsFromConfig(
      parseConfig({ BILLSBY_READS_PER_ACCOUNT: '8', BILLSBY_READS_PER_PROCESS: '16' }),
      {} as EventLog,
    );
    expect(deps.webex.billsby).toMatchObject({ readsPerAccount: 8, readsPerProcess: 16 });
  });

  it('BILL_ENGAGEMENT_POST_TO is an account id; empty is unset', () => {
    expect(parseConfig({ BILL_ENGAGEMENT_POST_TO: 'acct-1' }).BILL_ENGAGEMENT_POST_TO).toBe('acct-1');
    expect(parseConfig({ BILL_ENGAGEMENT_POST_TO: '' }).BILL_ENGAGEMENT_POST_TO).toBeUndefined();
    expect(() => parseConfig({ BILL_ENGAGEMENT_POST_TO: 'two words' })).toThrow(
      /BILL_ENGAGEMENT_POST_TO: must be an account id/,
    );
  });

  it('DATABASE_URL must be a PostgreSQL URL; EVENT_LOG_MAX_UNDELIVERED a positive whole number', () => {
    expect(parseConfig({}).DATABASE_URL).toBeUndefined();
    expect(parseConfig({}).EVENT_LOG_MAX_UNDELIVERED).toBe(1_000_000);
    expect(parseConfig({ DATABASE_URL: 'postgres://u:p@db:5432/events' }).DATABASE_URL).toBe(
      'postgres://u:p@db:5432/events',
    );
    expect(() => parseConfig({ DATABASE_URL: 'mysql://db/events' })).toThrow(
      /DATABASE_URL: must be a postgres/,
    );
    expect(() => parseConfig({ EVENT_LOG_MAX_UNDELIVERED: '0' })).toThrow(/EVENT_LOG_MAX_UNDELIVERED/);
    expect(() => parseConfig({ EVENT_LOG_MAX_UNDELIVERED: 'lots' })).toThrow(/EVENT_LOG_MAX_UNDELIVERED/);
  });

  it('metrics listeners: loopback, ports 9464 (gateway), 9465 (worker), 9466 (Temporal SDK); 0 picks a free one', () => {
    expect(parseConfig({})).toMatchObject({
      METRICS_HOST: '127.0.0.1',
      METRICS_PORT: 9464,
      WORKER_METRICS_PORT: 9465,
      TEMPORAL_METRICS_PORT: 9466,
      ALERT_UNDELIVERED_AGE_SECONDS: 900,
    });
    expect(parseConfig({ METRICS_PORT: '0', WORKER_METRICS_PORT: '0' })).toMatchObject({
      METRICS_PORT: 0,
      WORKER_METRICS_PORT: 0,
    });
    expect(() => parseConfig({ METRICS_PORT: '70000' })).toThrow('METRICS_PORT: must be at most 65535');
    expect(() => parseConfig({ TEMPORAL_METRICS_PORT: 'x' })).toThrow(
      'TEMPORAL_METRICS_PORT: must be a port number',
    );
    expect(() => parseConfig({ ALERT_UNDELIVERED_AGE_SECONDS: '0' })).toThrow(
      'ALERT_UNDELIVERED_AGE_SECONDS: must be at least 1',
    );
  });

  it('EVENT_PAYLOAD_RETENTION_DAYS: 30 by default, a whole number of days from 0', () => {
    expect(parseConfig({}).EVENT_PAYLOAD_RETENTION_DAYS).toBe(30);
    expect(parseConfig({ EVENT_PAYLOAD_RETENTION_DAYS: '0' }).EVENT_PAYLOAD_RETENTION_DAYS).toBe(0);
    expect(parseConfig({ EVENT_PAYLOAD_RETENTION_DAYS: '400' }).EVENT_PAYLOAD_RETENTION_DAYS).toBe(400);
    expect(() => parseConfig({ EVENT_PAYLOAD_RETENTION_DAYS: '-1' })).toThrow(
      'EVENT_PAYLOAD_RETENTION_DAYS: must be 0 or more',
    );
    expect(() => parseConfig({ EVENT_PAYLOAD_RETENTION_DAYS: '1.5' })).toThrow(
      'EVENT_PAYLOAD_RETENTION_DAYS: must be a whole number of days',
    );
  });

  it('GATEWAY_TRUST_PROXY: unset trusts nobody; addresses, CIDR ranges or range names; never everyone, never a hop count (issue 23)', () => {
    expect(parseConfig({}).GATEWAY_TRUST_PROXY).toBeUndefined();
    expect(parseConfig({ GATEWAY_TRUST_PROXY: '' }).GATEWAY_TRUST_PROXY).toBeUndefined();
    expect(parseConfig({ GATEWAY_TRUST_PROXY: '10.203.0.2' }).GATEWAY_TRUST_PROXY).toEqual(['10.203.0.2']);
    expect(
      parseConfig({ GATEWAY_TRUST_PROXY: ' 10.0.0.0/8, fd00::/8 ,::1,loopback, 192.168.1.1/32' })
        .GATEWAY_TRUST_PROXY,
    ).toEqual(['10.0.0.0/8', 'fd00::/8', '::1', 'loopback', '192.168.1.1/32']);
    for (const bad of [
      'true',
      '*',
      '1',
      '2',
      '0.0.0.0/0',
      '::/0',
      '10.0.0.0/33',
      'fd00::/129',
      'proxy',
      '10.0.0',
      '10.0.0.1/8/8',
      ',',
    ]) {
      expect(() => parseConfig({ GATEWAY_TRUST_PROXY: bad })).toThrow(
        /GATEWAY_TRUST_PROXY: must be the reverse proxy's addresses or CIDR ranges/,
      );
    }
  });

  it('an empty URL variable means unset: its default applies (.env.example leaves PUBLIC_BASE_URL empty)', () => {
    expect(parseConfig({ PUBLIC_BASE_URL: '' }).PUBLIC_BASE_URL).toBe('http://localhost:3000');
    expect(parseConfig({ WEBEX_API_BASE_URL: ' ' }).WEBEX_API_BASE_URL).toBe('https://webexapis.com/v1');
  });

  it('PUBLIC_BASE_URL: plain http only on loopback, unless ALLOW_INSECURE_PUBLIC_URL=1 (issue 23)', () => {
    for (const ok of [
      'http://localhost:3000',
      'http://127.0.0.1:8080',
      'http://[::1]:3000',
      'https://hooks.example.com',
    ]) {
      expect(parseConfig({ PUBLIC_BASE_URL: ok }).PUBLIC_BASE_URL).toBe(ok);
    }
    expect(() => parseConfig({ PUBLIC_BASE_URL: 'http://hooks.example.com' })).toThrow(
      /PUBLIC_BASE_URL: must be https:\/\/ unless its host is loopback.*ALLOW_INSECURE_PUBLIC_URL=1/,
    );
    expect(
      parseConfig({ PUBLIC_BASE_URL: 'http://hooks.example.com', ALLOW_INSECURE_PUBLIC_URL: '1' })
        .PUBLIC_BASE_URL,
    ).toBe('http://hooks.example.com');
    expect(() => parseConfig({ ALLOW_INSECURE_PUBLIC_URL: 'yes' })).toThrow(
      'ALLOW_INSECURE_PUBLIC_URL: must be 1 or unset',
    );
  });

  it('DELIVERY_SWEEP_AFTER_SECONDS: 30 by default, a whole number of seconds from 1 to 3600', () => {
    expect(parseConfig({}).DELIVERY_SWEEP_AFTER_SECONDS).toBe(30);
    expect(parseConfig({ DELIVERY_SWEEP_AFTER_SECONDS: '1' }).DELIVERY_SWEEP_AFTER_SECONDS).toBe(1);
    expect(parseConfig({ DELIVERY_SWEEP_AFTER_SECONDS: '3600' }).DELIVERY_SWEEP_AFTER_SECONDS).toBe(3600);
    for (const bad of ['0', '3601']) {
      expect(() => parseConfig({ DELIVERY_SWEEP_AFTER_SECONDS: bad })).toThrow(
        'DELIVERY_SWEEP_AFTER_SECONDS: must be 1 to 3600',
      );
    }
    expect(() => parseConfig({ DELIVERY_SWEEP_AFTER_SECONDS: '2.5' })).toThrow(
      'DELIVERY_SWEEP_AFTER_SECONDS: must be a whole number of seconds',
    );
  });
});
