import type { AutomationRun, WorkflowVersion } from '../core/api-types';
import type { CatalogueEntry } from '../workflows/workflow-graph';
import { drawableImages, imageLabel, imageNames, nodeInputs, nodeOutputs, prettyValue } from './run-values';

const entry = (type: string, inputs: [string, string, boolean?][], outputs: [string, string][]): CatalogueEntry =>
  ({
    type,
    title: type,
    inputs: inputs.map(([name, title, hidden]) => ({ name, title, kind: 'any', cardinality: 'single', schema: {}, ...(hidden ? { ui: { hidden: true } } : {}) })),
    outputs: outputs.map(([name, title]) => ({ name, title, kind: 'any', cardinality: 'single', schema: {} })),
  }) as unknown as CatalogueEntry;

const catalogue = new Map<string, CatalogueEntry>([
  ['trigger.webhook', entry('trigger.webhook', [['mode', 'Answer'], ['payload', 'Payload', true]], [['body', 'Body'], ['image', 'Image']])],
  ['image.resize', entry('image.resize', [['image', 'Image'], ['width', 'Width'], ['height', 'Height']], [['image', 'Image'], ['width', 'Width']])],
]);
const graph: WorkflowVersion['graph'] = {
  nodes: [
    { id: 'hook', type: 'trigger.webhook', inputs: { mode: 'sync', payload: { secret: 'never shown' } } },
    { id: 'resize', type: 'image.resize', inputs: { height: 8, width: 16 } },
  ],
  edges: [{ source: { nodeId: 'hook', field: 'image' }, destination: { nodeId: 'resize', field: 'image' } }],
};
const names: Record<string, string> = { hook: 'Webhook Trigger', resize: 'Resize' };
const name = (id: string) => names[id] ?? id;

describe('run values', () => {
  const run: Pick<AutomationRun, 'nodes'> = {
    nodes: [
      { nodeId: 'hook', type: 'trigger.webhook', status: 'completed', outputs: { body: {}, image: { imageName: 'in.png', width: 64, height: 64 } } },
      { nodeId: 'resize', type: 'image.resize', status: 'completed', outputs: { width: 16, image: { imageName: 'out.png' } } },
    ],
  };

  it("shows a node's typed inputs and, for a connection, what the upstream node gave, in the catalogue's order", () => {
    const rows = nodeInputs('resize', graph, run, catalogue, name);
    expect(rows.map((row) => row.title)).toEqual(['Image', 'Width', 'Height']);
    expect(rows[0]).toEqual(jasmine.objectContaining({ from: 'Webhook Trigger · Image', known: true, images: ['in.png'], image: 'Image 64×64' }));
    expect(rows[1]!.text).toBe('16');
  });

  it("leaves out hidden inputs (the trigger's payload), and says when an upstream value was not kept", () => {
    expect(nodeInputs('hook', graph, run, catalogue, name).map((row) => row.field)).toEqual(['mode']);
    const lost = nodeInputs('resize', graph, { nodes: [] }, catalogue, name)[0]!;
    expect(lost).toEqual(jasmine.objectContaining({ known: false, text: 'not kept', images: [] }));
    expect(nodeInputs('nobody', graph, run, catalogue, name)).toEqual([]);
  });

  it('lists outputs by their titles, and a truncated record whole', () => {
    expect(nodeOutputs(run.nodes[1]!, catalogue).map((row) => [row.title, row.text])).toEqual([
      ['Image', '{\n  "imageName": "out.png"\n}'],
      ['Width', '16'],
    ]);
    expect(nodeOutputs({ nodeId: 'x', type: 'image.resize', status: 'completed', outputs: { truncated: true, bytes: 9000, preview: '{' } }, catalogue)[0]!.title).toBe('All outputs');
    expect(nodeOutputs({ nodeId: 'x', type: 'image.resize', status: 'failed' }, catalogue)).toEqual([]);
  });

  it('labels a value that is one image reference alone, and nothing else', () => {
    expect(imageLabel({ imageName: 'a', width: 16, height: 8 })).toBe('Image 16×8');
    expect(imageLabel({ imageName: 'a' })).toBe('Image');
    expect(imageLabel({ imageName: 'a', caption: 'x' })).toBeUndefined();
    expect(imageLabel([{ imageName: 'a' }])).toBeUndefined();
  });

  it('pretty-prints JSON and finds image names anywhere in a value', () => {
    expect(prettyValue('plain text')).toBe('plain text');
    expect(prettyValue({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(prettyValue(undefined)).toBe('—');
    expect(imageNames({ list: [{ imageName: 'a' }, { nested: { imageName: 'b' } }], other: 1 })).toEqual(['a', 'b']);
  });

  it("draws a queued run's images, and of an inline run only the response image it kept", () => {
    expect(drawableImages({ mode: 'queue', output: null })('anything')).toBeTrue();
    const inline = drawableImages({ mode: 'inline', output: { status: 200, body: null, image: { imageName: 'out.png', kept: true } } });
    expect(inline('out.png')).toBeTrue();
    expect(inline('in.png')).toBeFalse();
    expect(drawableImages({ mode: 'inline', output: { status: 200, body: null, image: { imageName: 'out.png', kept: false } } })('out.png')).toBeFalse();
  });
});
