import { ServiceBroker } from 'moleculer';
import { renderPrometheus, renderRegistry } from './prometheus-text';

describe('Prometheus text rendering', () => {
  it('writes counters and gauges with escaped labels and HELP, NaN for missing values', () => {
    const text = renderPrometheus(
      [
        { type: 'counter', name: 'jobs.done.total', description: 'Jobs done\nso far', values: [{ labels: { queue: 'a"b\\c' }, value: 3 }] },
        { type: 'gauge', name: 'queue-depth', values: [{ labels: {}, value: null }] },
        { type: 'gauge', name: 'empty', values: [] },
      ],
      { nodeID: 'n1' },
    );
    expect(text).toBe(
      [
        '# HELP jobs_done_total Jobs done\\nso far',
        '# TYPE jobs_done_total counter',
        'jobs_done_total{nodeID="n1",queue="a\\"b\\\\c"} 3',
        '# HELP queue_depth queue-depth',
        '# TYPE queue_depth gauge',
        'queue_depth{nodeID="n1"} NaN',
        '',
      ].join('\n'),
    );
  });

  it('writes histograms with buckets in order, +Inf, _sum and _count, and quantile-only ones as summaries', () => {
    const text = renderPrometheus([
      { type: 'histogram', name: 'latency', values: [{ labels: { route: 'x' }, count: 4, sum: 2.5, buckets: { '1': 3, '5': 4, '0.5': 1 }, quantiles: { '0.5': 0.4 } }] },
      { type: 'histogram', name: 'size', values: [{ labels: {}, count: 2, sum: 10, quantiles: { '0.5': 4, '0.99': 6 } }] },
    ]);
    expect(text.split('\n')).toEqual([
      '# HELP latency latency',
      '# TYPE latency histogram',
      'latency_bucket{route="x",le="0.5"} 1',
      'latency_bucket{route="x",le="1"} 3',
      'latency_bucket{route="x",le="5"} 4',
      'latency_bucket{route="x",le="+Inf"} 4',
      'latency_sum{route="x"} 2.5',
      'latency_count{route="x"} 4',
      '# HELP size size',
      '# TYPE size summary',
      'size{quantile="0.5"} 4',
      'size{quantile="0.99"} 6',
      'size_sum 10',
      'size_count 2',
      '',
    ]);
  });

  it("renders a broker's registry with its namespace and node as labels", async () => {
    const broker = new ServiceBroker({ namespace: 'spec', nodeID: 'render-spec', logger: false, metrics: { enabled: true, collectProcessMetrics: false } });
    await broker.start();
    try {
      broker.metrics.register({ name: 'spec.widgets', type: 'gauge', labelNames: ['color'] });
      broker.metrics.set('spec.widgets', 7, { color: 'red' });
      broker.metrics.register({ name: 'spec.build', type: 'info' });
      broker.metrics.set('spec.build', 'v1.2');
      const text = renderRegistry(broker.metrics);
      expect(text).toContain('spec_widgets{namespace="spec",nodeID="render-spec",color="red"} 7\n');
      expect(text).toContain('spec_build{namespace="spec",nodeID="render-spec",value="v1.2"} 1\n');
    } finally {
      await broker.stop();
    }
  });
});
