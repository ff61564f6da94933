/**
 * deploy/prometheus/alerts.yml, deploy/prometheus/prometheus.yml and deploy/grafana/dashboard.json
 * use exactly the metric names (and label names) the gateway and the worker register, and the
 * scrape targets are the ports docker-compose.yml gives the listeners. The Temporal SDK's names
 * they use are checked against the SDK's real exporter in test/e2e/metrics.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseConfig } from '../../config/env';
import { GatewayMetrics } from '../../metrics/gateway-metrics';
import { METRIC, METRIC_PREFIX } from '../../metrics/names';
import { WorkerMetrics } from '../../metrics/worker-metrics';
import { DEFAULT_UNDELIVERED_ALERT_SECONDS } from '../../gateway/integration/alerts';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string };
}
const alerts = parse(read('deploy/prometheus/alerts.yml')) as { groups: { name: string; rules: Rule[] }[] };
const rules = alerts.groups.flatMap((g) => g.rules);

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string; refId: string }[];
  datasource?: { type: string; uid: string };
}
const dashboard = JSON.parse(read('deploy/grafana/dashboard.json')) as {
  title: string;
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; type: string }[] };
};
const panelExprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
const expressions = [...rules.map((r) => r.expr), ...panelExprs];

/** Every series name the product registers, with a histogram's _bucket/_sum/_count, and its label names. */
function registered(): Map<string, Set<string>> {
  const names = new Map<string, Set<string>>();
  for (const registry of [new GatewayMetrics().registry, new WorkerMetrics().registry]) {
    for (const metric of registry.getMetricsAsArray() as unknown as {
      name: string;
      labelNames: string[];
      constructor: { name: string };
    }[]) {
      const labels = new Set([...(names.get(metric.name) ?? []), ...metric.labelNames]);
      names.set(metric.name, labels);
      if (metric.constructor.name === 'Histogram') {
        names.set(`${metric.name}_bucket`, new Set([...labels, 'le']));
        names.set(`${metric.name}_sum`, labels);
        names.set(`${metric.name}_count`, labels);
      }
    }
  }
  return names;
}

/** Product metric names in a PromQL expression, each with the label names its selector and `by` use. */
function productSeries(expr: string): { name: string; labels: string[] }[] {
  const found: { name: string; labels: string[] }[] = [];
  for (const match of expr.matchAll(new RegExp(`\\b(${METRIC_PREFIX}[a-z0-9_]+)(\\{([^}]*)\\})?`, 'g'))) {
    const labels = [...(match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map(
      (m) => m[1]!,
    );
    found.push({ name: match[1]!, labels });
  }
  return found;
}

describe('deploy/: alert rules and dashboard', () => {
  const names = registered();

  test('the product registers every metric of metrics/names.ts', () => {
    for (const name of Object.values(METRIC))
      expect({ name, registered: names.has(name) }).toEqual({ name, registered: true });
  });

  test('every product metric name the rules and the dashboard use is registered, with its labels', () => {
    const used = expressions.flatMap(productSeries);
    expect(used.length).toBeGreaterThan(10);
    for (const { name, labels } of used) {
      expect({ name, registered: names.has(name) }).toEqual({ name, registered: true });
      const known = names.get(name) ?? new Set();
      expect({ name, unknownLabels: labels.filter((l) => !known.has(l)) }).toEqual({
        name,
        unknownLabels: [],
      });
    }
  });

  test('`by (...)` groups only by labels the metrics have', () => {
    for (const expr of expressions) {
      const series = productSeries(expr);
      if (series.length === 0) continue;
      const allowed = new Set(series.flatMap(({ name }) => [...(names.get(name) ?? [])]));
      for (const match of expr.matchAll(/\bby \(([^)]*)\)/g)) {
        const grouped = match[1]!.split(',').map((l) => l.trim());
        expect({ expr, unknown: grouped.filter((l) => !allowed.has(l)) }).toEqual({ expr, unknown: [] });
      }
    }
  });

  test('other names are only the Temporal SDK’s (temporal_) or Prometheus’ own', () => {
    const ident = /\b([a-z_][a-z0-9_]*)\s*(\{|\[)/g;
    for (const expr of expressions) {
      for (const [, name] of expr.matchAll(ident)) {
        expect({ expr, name, ok: name!.startsWith(METRIC_PREFIX) || name!.startsWith('temporal_') }).toEqual({
          expr,
          name,
          ok: true,
        });
      }
    }
  });

  test('the alert rules are complete, named once, and alert on reauthorization and old undelivered events', () => {
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule).toMatchObject({
        alert: expect.stringMatching(/^[A-Z][A-Za-z]+$/),
        expr: expect.any(String),
        labels: { severity: expect.stringMatching(/^(info|warning|critical)$/) },
        annotations: { summary: expect.any(String) },
      });
    }
    const reauth = rules.find((r) => r.alert === 'WebexReauthorizationRequired')!;
    expect(reauth.expr).toContain(`${METRIC.integrations}{status="reauthorization_required"}`);
    const waiting = rules.find((r) => r.alert === 'UndeliveredEventsWaiting')!;
    expect(waiting.expr).toContain(METRIC.oldestUndeliveredAge);
    // The same threshold as the status API's alerts by default.
    expect(waiting.expr).toMatch(new RegExp(`> ${DEFAULT_UNDELIVERED_ALERT_SECONDS}$`));
    expect(parseConfig({}).ALERT_UNDELIVERED_AGE_SECONDS).toBe(DEFAULT_UNDELIVERED_ALERT_SECONDS);
  });

  test('the dashboard is a Grafana dashboard on a Prometheus data source variable', () => {
    expect(dashboard).toMatchObject({ title: expect.any(String), uid: 'billsby-pipeline' });
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource' }),
    );
    const ids = dashboard.panels.map((p) => (p as unknown as { id: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect({ title: panel.title, datasource: panel.datasource }).toEqual({
        title: panel.title,
        datasource: { type: 'prometheus', uid: '${datasource}' },
      });
      expect(panel.targets?.length).toBeGreaterThan(0);
    }
    // Shows every product metric family at least once.
    const shown = new Set(
      panelExprs.flatMap(productSeries).map(({ name }) => name.replace(/_(bucket|sum|count)$/, '')),
    );
    const families = Object.values(METRIC).filter((name) => name !== METRIC.scrapeErrors);
    expect(families.filter((name) => !shown.has(name))).toEqual([]);
  });

  test('prometheus.yml loads alerts.yml and scrapes the compose services on the listeners’ default ports', () => {
    const config = parse(read('deploy/prometheus/prometheus.yml')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    expect(config.rule_files).toEqual(['alerts.yml']);
    const targets = config.scrape_configs.flatMap((s) => s.static_configs.flatMap((c) => c.targets));
    const defaults = parseConfig({});
    expect(targets.sort()).toEqual(
      [
        `gateway:${defaults.METRICS_PORT}`,
        `worker:${defaults.WORKER_METRICS_PORT}`,
        `worker:${defaults.TEMPORAL_METRICS_PORT}`,
      ].sort(),
    );
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, unknown>;
    };
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['gateway', 'worker']));
  });
});
