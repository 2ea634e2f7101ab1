import {
  type CatalogueEntry,
  type CatalogueField,
  type CatalogueInput,
  checkFields,
  directInputs,
  fromGraphJson,
  isOutdated,
  nextNodeId,
  reaches,
  socketInputs,
  paletteGroups,
  toGraphJson,
  widgetFor,
} from './workflow-graph';

const out = (kind: CatalogueField['kind'], cardinality: CatalogueField['cardinality'] = 'single', schema: CatalogueField['schema'] = {}): CatalogueField => ({
  name: 'value',
  title: 'Value',
  kind,
  cardinality,
  schema,
});
const inp = (kind: CatalogueField['kind'], extra: Partial<CatalogueInput> = {}): CatalogueInput => ({ ...out(kind), input: 'any', required: false, ...extra });

/** What the catalogue says of every plain node type (engine/catalogue.ts) besides its fields. */
export const entryMeta = {
  classification: 'stable',
  needs: { gpu: false, models: [], network: false },
  useCache: true,
  inputSchema: { type: 'object' },
} as const satisfies Partial<CatalogueEntry>;

export const ADD: CatalogueEntry = {
  type: 'core.add',
  title: 'Add',
  description: 'Adds two numbers: A + B.',
  category: 'math',
  tags: ['plus'],
  version: '1.1.0',
  ...entryMeta,
  inputs: [
    { ...inp('float'), name: 'a', title: 'A', default: 0 },
    { ...inp('float'), name: 'b', title: 'B', default: 0 },
  ],
  outputs: [{ ...out('float'), title: 'Sum' }],
};

describe('checkFields (the engine rule)', () => {
  it('lets an integer feed a float and widens numbers to strings', () => {
    expect(checkFields(out('integer'), inp('float')).ok).toBeTrue();
    expect(checkFields(out('float'), inp('string'))).toEqual({ ok: true, casts: ['to_string'] });
  });

  it('refuses a string into a float, with the reason', () => {
    const result = checkFields(out('string'), inp('float'));
    expect(result.ok).toBeFalse();
    expect(!result.ok && result.reason).toBe('a string output cannot feed a float input');
  });

  it('refuses a collection into a single input and names the Iterate node', () => {
    const result = checkFields(out('image', 'collection'), inp('image'));
    expect(!result.ok && result.reason).toContain('Iterate');
  });

  it('compares enum options read from the schema', () => {
    expect(checkFields(out('enum', 'single', { enum: ['a', 'z'] }), inp('enum', { schema: { enum: ['a', 'b'] } })).ok).toBeFalse();
    expect(checkFields(out('enum', 'single', { enum: ['a'] }), inp('enum', { schema: { enum: ['a', 'b'] } })).ok).toBeTrue();
  });

  it('refuses any edge into a typed-only input', () => {
    expect(checkFields(out('integer'), inp('integer', { input: 'direct' })).ok).toBeFalse();
  });
});

describe('widgets', () => {
  it('follows the hint, then the kind', () => {
    expect(widgetFor(inp('integer', { ui: { widget: 'seed' } }))).toBe('seed');
    expect(widgetFor(inp('float', { ui: { slider: { min: 0, max: 1 } } }))).toBe('slider');
    expect(widgetFor(inp('string', { ui: { multiline: true } }))).toBe('textarea');
    expect(widgetFor(inp('enum'))).toBe('select');
    expect(widgetFor(inp('image'))).toBe('image');
    expect(widgetFor(inp('latents'))).toBe('none');
  });

  it('leaves connection-only and hidden inputs out of the inspector', () => {
    const entry: CatalogueEntry = { ...ADD, inputs: [inp('float', { name: 'x', input: 'connection' }), inp('float', { name: 'y', ui: { hidden: true } }), inp('float', { name: 'z' })] };
    expect(directInputs(entry).map((input) => input.name)).toEqual(['z']);
  });

  it('gives hidden inputs no socket either: the platform sets them (a trigger payload)', () => {
    const entry: CatalogueEntry = { ...ADD, inputs: [inp('any', { name: 'payload', ui: { hidden: true } }), inp('float', { name: 'a' }), inp('float', { name: 'typed', input: 'direct' })] };
    expect(socketInputs(entry).map((input) => input.name)).toEqual(['a']);
  });
});

describe('graph JSON', () => {
  const nodes = [
    { id: 'integer-1', type: 'core.integer', version: '1.0.0', inputs: { value: 7 }, position: { x: 10.4, y: 20 } },
    { id: 'add-1', type: 'core.add', version: '1.0.0', inputs: { a: 1, b: 2 }, position: { x: 300, y: 40 } },
  ];
  const edges = [{ source: { nodeId: 'integer-1', field: 'value' }, destination: { nodeId: 'add-1', field: 'a' } }];

  it('writes the engine graph, drops values an edge overrides, keeps positions under ui', () => {
    const json = toGraphJson(nodes, edges);
    expect(json.nodes[1]).toEqual({ id: 'add-1', type: 'core.add', version: '1.0.0', inputs: { b: 2 } });
    expect(json.edges).toEqual(edges);
    expect(json.ui?.positions['integer-1']).toEqual({ x: 10, y: 20 });
  });

  it('round-trips through fromGraphJson', () => {
    const parsed = fromGraphJson(JSON.parse(JSON.stringify(toGraphJson(nodes, edges))));
    expect(parsed.problems).toEqual([]);
    expect(parsed.nodes.map((node) => [node.id, node.position])).toEqual([
      ['integer-1', { x: 10, y: 20 }],
      ['add-1', { x: 300, y: 40 }],
    ]);
    expect(parsed.edges).toEqual(edges);
  });

  it('prefers the library layout, grids nodes without one, and reports bad parts', () => {
    const parsed = fromGraphJson(
      { nodes: [{ id: 'a', type: 't' }, { id: 'b', type: 't' }, { type: 'x' }], edges: [{ source: { nodeId: 'a', field: 'o' }, destination: { nodeId: 'zz', field: 'i' } }, {}] },
      { positions: { a: { x: 5, y: 6 } } },
    );
    expect(parsed.nodes.map((node) => node.position)).toEqual([{ x: 5, y: 6 }, { x: 260, y: 0 }]);
    expect(parsed.edges).toEqual([]);
    expect(parsed.problems.length).toBe(3);
    expect(fromGraphJson('nope').problems).toEqual(['expected a graph with a `nodes` list']);
  });
});

describe('palette and versions', () => {
  it('groups by category and searches title, type, description and tags', () => {
    const integer: CatalogueEntry = { ...ADD, type: 'core.integer', title: 'Integer', category: 'primitives', tags: [] };
    expect(paletteGroups([ADD, integer], '').map((group) => group.category)).toEqual(['math', 'primitives']);
    expect(paletteGroups([ADD, integer], 'plus').flatMap((group) => group.entries.map((entry) => entry.type))).toEqual(['core.add']);
  });

  it('marks older saved versions, numerically', () => {
    expect(isOutdated('1.0.0', '1.1.0')).toBeTrue();
    expect(isOutdated('1.10.0', '1.9.0')).toBeFalse();
    expect(isOutdated(undefined, '2.0.0')).toBeFalse();
  });

  it('makes short unique node ids', () => {
    expect(nextNodeId('core.add', new Set(['add-1']))).toBe('add-2');
  });

  it('tells whether one node is downstream of another, through cycles of links without looping', () => {
    const links = [
      { source: 'a', target: 'b' },
      { source: 'b', target: 'c' },
      { source: 'c', target: 'b' },
    ];
    expect(reaches(links, 'a', 'c')).toBeTrue();
    expect(reaches(links, 'c', 'a')).toBeFalse();
    expect(reaches(links, 'd', 'a')).toBeFalse();
  });
});
