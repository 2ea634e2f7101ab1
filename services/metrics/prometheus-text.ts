/**
 * The broker's metrics in Prometheus' text exposition format (0.0.4), for the gateway to serve.
 * Not Moleculer's Prometheus reporter: that one opens an HTTP server of its own (port 3030), and it
 * writes a histogram's _sum and _count only when quantiles are on and its buckets out of order.
 * This renders the registry's plain snapshots, which also travel between nodes as they are.
 */
import type { MetricRegistry } from 'moleculer';

/** Prometheus' media type for the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** One metric as `MetricRegistry.list()` gives it. */
export interface MetricSnapshot {
  readonly type: string;
  readonly name: string;
  readonly description?: string;
  readonly unit?: string;
  readonly values: readonly MetricSample[];
}

interface MetricSample {
  readonly labels?: Readonly<Record<string, unknown>>;
  readonly value?: unknown;
  readonly count?: number;
  readonly sum?: number;
  readonly buckets?: Readonly<Record<string, number>>;
  readonly quantiles?: Readonly<Record<string, number>>;
}

/** This process's metrics, labelled with the namespace and node they come from. */
export function renderRegistry(registry: MetricRegistry): string {
  const broker = registry.broker;
  return renderPrometheus(registry.list() as unknown as MetricSnapshot[], { namespace: broker.namespace, nodeID: broker.nodeID });
}

export function renderPrometheus(metrics: readonly MetricSnapshot[], defaultLabels: Readonly<Record<string, string>> = {}): string {
  const lines: string[] = [];
  for (const metric of metrics) {
    // A label per date part and no use to a scraper (the stock reporter skips them too).
    if (metric.name.startsWith('os.datetime') || metric.values.length === 0) continue;
    const name = metricName(metric.name);
    const help = metric.description || metric.name + (metric.unit ? ` (${metric.unit})` : '');
    const type = metric.type === 'counter' ? 'counter' : metric.type === 'histogram' ? histogramType(metric) : 'gauge';
    lines.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`);
    for (const sample of metric.values) {
      const labels = { ...defaultLabels, ...sample.labels };
      if (metric.type === 'info') lines.push(`${name}${labelText({ ...labels, value: sample.value })} 1`);
      else if (type === 'histogram') lines.push(...histogramLines(name, labels, sample));
      else if (type === 'summary') lines.push(...summaryLines(name, labels, sample));
      else lines.push(`${name}${labelText(labels)} ${number(sample.value)}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** Moleculer's histograms may have buckets, quantiles or both; buckets make it a Prometheus histogram. */
function histogramType(metric: MetricSnapshot): 'histogram' | 'summary' {
  return metric.values.some((sample) => sample.buckets) ? 'histogram' : 'summary';
}

function histogramLines(name: string, labels: Readonly<Record<string, unknown>>, sample: MetricSample): string[] {
  const bounds = Object.entries(sample.buckets ?? {})
    .map(([bound, count]) => [Number(bound), count] as const)
    .sort(([a], [b]) => a - b);
  return [
    ...bounds.map(([bound, count]) => `${name}_bucket${labelText({ ...labels, le: String(bound) })} ${number(count)}`),
    `${name}_bucket${labelText({ ...labels, le: '+Inf' })} ${number(sample.count)}`,
    `${name}_sum${labelText(labels)} ${number(sample.sum)}`,
    `${name}_count${labelText(labels)} ${number(sample.count)}`,
  ];
}

function summaryLines(name: string, labels: Readonly<Record<string, unknown>>, sample: MetricSample): string[] {
  return [
    ...Object.entries(sample.quantiles ?? {}).map(([quantile, value]) => `${name}${labelText({ ...labels, quantile })} ${number(value)}`),
    `${name}_sum${labelText(labels)} ${number(sample.sum)}`,
    `${name}_count${labelText(labels)} ${number(sample.count)}`,
  ];
}

function metricName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/^([0-9])/, '_$1');
}

function labelText(labels: Readonly<Record<string, unknown>>): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key.replace(/[^a-zA-Z0-9_]/g, '_')}="${escapeLabel(value)}"`);
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
}

function escapeLabel(value: unknown): string {
  return String(value ?? '').replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function number(value: unknown): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value !== 'number' || Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
