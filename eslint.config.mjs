// @ts-check
/**
 * Lint rules, most of them there to hold the lines CONVENTIONS.md draws:
 * - engine/ is the pure core (§1): no Node built-ins, no I/O or framework packages, nothing from
 *   services/, nodes/ or config/, not even as types;
 * - services and nodes throw the typed errors of engine/errors.ts, never a bare Error (§7);
 * - only config/ reads process.env (§10); scripts/ and specs may too, as entry points and tests;
 * - node packs never import services/ (nodes see the narrow NodeContext, §3), and services/ use a
 *   pack only through its public entry (`nodes/<pack>`, its index.ts), never its internals (§5).
 * scripts/lint-boundary.spec.ts checks that these rules fire where they should and nowhere else.
 */
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const TS_FILES = ['**/*.ts', '**/*.mts', '**/*.cts'];
const CODE_FILES = [...TS_FILES, '**/*.js', '**/*.mjs', '**/*.cjs'];
const SPEC_FILES = ['**/*.spec.ts'];

const PURE_ENGINE =
  'engine/ is the pure core (CONVENTIONS §1): no I/O, no Node built-ins, no framework or service code, not even as types. ' +
  'Declare an interface in engine/ and let services/ or nodes/ implement it (see engine/node-context.ts).';

/**
 * Packages that do I/O or belong to a framework; their subpaths (typeorm/...) are banned too. A pure
 * data structure from a well-kept library is fine (CONVENTIONS §19): the invocation cache is lru-cache.
 */
const IO_PACKAGES = ['moleculer', 'typeorm', 'pg', 'bullmq', 'ioredis', 'sharp', 'onnxruntime-node', 'axios', 'nats', 'socket.io'];

/** Every Node built-in, bare (`fs`, `fs/promises`, `http`, `child_process`) and as `node:*`. */
const BUILTIN_PATHS = builtinModules
  .filter((name) => !name.startsWith('_') && !name.startsWith('node:'))
  .map((name) => ({ name, message: PURE_ENGINE }));

/**
 * The engine's import boundary. Specs may also use the node SDK's test helpers and real node packs
 * (`nodes/...`, `@pinksea/...`) to exercise the engine end to end; services/ and config/ stay out.
 */
function engineImports({ forSpecs }) {
  const outside = forSpecs ? 'services|config' : 'services|nodes|config';
  return [
    'error',
    {
      paths: BUILTIN_PATHS,
      patterns: [
        { regex: '^node:', message: PURE_ENGINE },
        { regex: `^(${IO_PACKAGES.map(escapeRegex).join('|')})(/|$)`, message: PURE_ENGINE },
        { regex: '^@angular/', message: PURE_ENGINE },
        { regex: `^(\\.\\./)+(${outside})(/|$)`, message: PURE_ENGINE },
        ...(forSpecs ? [] : [{ regex: '^@pinksea/', message: PURE_ENGINE }]),
      ],
    },
  ];
}

/** What no-restricted-imports cannot see: require(), import() and `import x = require()`. */
const ENGINE_DYNAMIC_IMPORTS = [
  'error',
  { selector: "CallExpression[callee.type='Identifier'][callee.name='require']", message: PURE_ENGINE },
  { selector: 'ImportExpression', message: PURE_ENGINE },
  { selector: 'TSImportEqualsDeclaration > TSExternalModuleReference', message: PURE_ENGINE },
  { selector: 'TSImportType', message: PURE_ENGINE },
];

const PACK_BOUNDARY =
  'A node pack sees the platform only through the NodeContext its nodes are given (CONVENTIONS §3): ' +
  'nothing in nodes/ imports services/. Specs may, to load a pack as the platform does.';

const PACK_ENTRY =
  "services/ use a pack through its public entry (nodes/<pack>, its index.ts) or its manifest's nodes, never its internals, " +
  'so a pack can change inside and be unloaded and reloaded (CONVENTIONS §5). Export what you need from the index.';

/**
 * Paths into a pack from services/<folder>/: `../../nodes/<pack>/...` (`../nodes/` is services/nodes,
 * the node catalogue service). The SDK (nodes/sdk) is not a pack and is allowed.
 */
const PACK_INTERNALS = [
  { regex: '^(\\.\\./){2,}nodes/(?!sdk(/|$))[^/]+/(?!index$).', message: PACK_ENTRY },
  { regex: '^@pinksea/nodes-[^/]+/', message: PACK_ENTRY },
];

const TYPED_ERRORS =
  'Throw a typed error from engine/errors.ts (NodeError, PackError, ...) so the fault is classified: ' +
  'a bare Error becomes a 500 with no field to point at (CONVENTIONS §7).';

export default defineConfig(
  // The studio is linted and type-checked by its own build (studio/tsconfig*.json, strict templates).
  { ignores: ['**/node_modules/', '**/dist/', '**/.data/', '**/coverage/', 'studio/**', '.angular/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: CODE_FILES,
    rules: {
      // Matches tsc's noUnused*: a leading underscore marks a value left unused on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: CODE_FILES,
    ignores: ['config/**', 'scripts/**', ...SPEC_FILES],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Only config/ reads process.env (CONVENTIONS §10): add a typed setting there and pass it in.',
        },
      ],
    },
  },
  {
    files: ['engine/**'],
    ignores: SPEC_FILES,
    rules: { 'no-restricted-imports': engineImports({ forSpecs: false }), 'no-restricted-syntax': ENGINE_DYNAMIC_IMPORTS },
  },
  {
    files: SPEC_FILES.map((glob) => `engine/${glob}`),
    rules: { 'no-restricted-imports': engineImports({ forSpecs: true }), 'no-restricted-syntax': ENGINE_DYNAMIC_IMPORTS },
  },
  {
    files: ['services/**', 'nodes/**', 'plugins/**'],
    ignores: SPEC_FILES,
    rules: {
      'no-restricted-syntax': [
        'error',
        // Only Error itself: a RangeError or TypeError for a caller's misuse of a helper says what it is.
        { selector: "ThrowStatement > NewExpression[callee.name='Error']", message: TYPED_ERRORS },
        { selector: "ThrowStatement > CallExpression[callee.name='Error']", message: TYPED_ERRORS },
      ],
    },
  },
  {
    files: ['nodes/**'],
    ignores: SPEC_FILES,
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\./)+services(/|$)', message: PACK_BOUNDARY }] }] },
  },
  {
    files: ['services/**'],
    ignores: SPEC_FILES,
    rules: { 'no-restricted-imports': ['error', { patterns: PACK_INTERNALS }] },
  },
  {
    // The plugin host loads pack files with require(): unlike ESM, the CommonJS cache can forget a
    // module, which is what lets a pack unload and reload without a restart (CONVENTIONS §5).
    files: ['services/plugins/**'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

function escapeRegex(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
