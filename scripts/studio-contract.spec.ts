/**
 * Keeps the one contract between server and studio (CONVENTIONS §17) honest: the studio takes the
 * server's types with type-only imports, so its bundle never holds server code, and its program
 * never pulls in a server runtime package (which would also bring Node's globals into browser code).
 */
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const STUDIO_SRC = path.join(ROOT, 'studio', 'src');

/** Packages only the server runs; none belongs in the studio's program, not even as types. */
const SERVER_PACKAGES = ['moleculer', 'typeorm', 'pg', 'bullmq', 'ioredis', 'sharp', 'onnxruntime-node', 'nats', 'socket.io', '@types/node'];

function studioProgram(): ts.Program {
  const configPath = path.join(ROOT, 'studio', 'tsconfig.app.json');
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!config) throw new TypeError(`cannot read ${configPath}`);
  return ts.createProgram({ rootNames: config.fileNames, options: config.options });
}

/** `file: specifier` for each import or re-export of server code (services/, nodes/) that is not type-only. */
function valueImportsOfServerCode(program: ts.Program): string[] {
  const found: string[] = [];
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.startsWith(STUDIO_SRC + path.sep)) continue;
    for (const statement of file.statements) {
      const isImport = ts.isImportDeclaration(statement);
      if (!isImport && !ts.isExportDeclaration(statement)) continue;
      const specifier = statement.moduleSpecifier;
      if (!specifier || !ts.isStringLiteral(specifier)) continue;
      const target = path.resolve(path.dirname(file.fileName), specifier.text);
      if (!/^(services|nodes)(\/|$)/.test(path.relative(ROOT, target))) continue;
      const typeOnly = isImport ? statement.importClause?.isTypeOnly === true : statement.isTypeOnly;
      if (!typeOnly) found.push(`${path.relative(ROOT, file.fileName)}: ${specifier.text}`);
    }
  }
  return found;
}

describe('the studio takes the server contract as types only (CONVENTIONS §17)', () => {
  let program: ts.Program;
  beforeAll(() => {
    program = studioProgram();
  }, 60_000);

  it('imports server code (services/, nodes/) with `import type` or `export type` only', () => {
    expect(valueImportsOfServerCode(program)).toEqual([]);
  });

  it('pulls no server runtime package into its program', () => {
    const packages = program
      .getSourceFiles()
      .map((file) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file.fileName)?.[1])
      .filter((name): name is string => name !== undefined && SERVER_PACKAGES.includes(name));
    expect([...new Set(packages)]).toEqual([]);
  });
});
