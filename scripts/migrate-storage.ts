/**
 * `npm run storage:migrate`: copies the data dir's images, models and packs into the bucket of the
 * PINKSEA_S3_* settings (PINKSEA_STORAGE=s3), before the platform is started on S3. Run it with
 * the same settings as the platform, ideally while it is stopped; run it again at any time: what
 * the bucket already holds is skipped, so an interrupted run carries on where it stopped.
 *
 *   npm run storage:migrate -- [--dry-run] [--only images,models,packs] [--concurrency 4]
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config';
import { isStorageArea, STORAGE_AREAS, type StorageArea } from '../services/storage/data-dir-files';
import { describeProgress, migrateDataDir, migrationTarget, type FileOutcome } from '../services/storage/migrate-data-dir';

const USAGE = `Usage: npm run storage:migrate -- [--dry-run] [--only ${STORAGE_AREAS.join(',')}] [--concurrency N]

Copies <PINKSEA_DATA_DIR>/{${STORAGE_AREAS.join(',')}} into the bucket named by PINKSEA_S3_BUCKET
(with PINKSEA_STORAGE=s3 and the other PINKSEA_S3_* settings of the platform). Objects already in
the bucket with the same size are skipped, so it can be stopped (Ctrl-C) and run again. A pack
folder with no tarball is packed into one, as nodes on S3 unpack packs from tarballs. The data dir
is only read; the embedded database and the secrets stay where they are.

  --dry-run        list what would be copied, copy nothing
  --only AREAS     only these areas, separated by commas
  --concurrency N  files copied at once (default 4)`;

/** How many not-copyable files the summary names. */
const LISTED_UNSUPPORTED = 20;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { 'dry-run': { type: 'boolean', default: false }, only: { type: 'string' }, concurrency: { type: 'string', default: '4' }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const areas = parseAreas(values.only);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new RangeError(`--concurrency: expected a whole number from 1 to 64, got "${values.concurrency}"`);
  const dryRun = values['dry-run'];

  const config = loadConfig();
  const target = migrationTarget(config);
  const interrupt = new AbortController();
  process.once('SIGINT', () => {
    console.log('\nStopping: copies under way are abandoned (the bucket keeps none of them); run it again to carry on.');
    interrupt.abort();
    process.once('SIGINT', () => process.exit(130));
  });

  console.log(`${dryRun ? 'Dry run: would copy' : 'Copying'} ${areas.join(', ')} from ${config.dataDir} to ${target.description}`);
  try {
    const report = await migrateDataDir({
      dataDir: config.dataDir,
      target,
      areas,
      dryRun,
      concurrency,
      signal: interrupt.signal,
      onFile: printFile,
      onProgress: (progress) => console.log(`  … ${describeProgress(progress, { dryRun })}`),
    });
    console.log(`${report.interrupted ? 'Interrupted' : report.failure ? 'Stopped' : 'Done'}: ${describeProgress(report, { dryRun })}`);
    if (report.unsupported.length > 0) {
      console.log(`${report.unsupported.length} file(s) were not copied; the platform on S3 will not find them:`);
      for (const file of report.unsupported.slice(0, LISTED_UNSUPPORTED)) console.log(`  ${file.path}: ${file.reason}`);
      if (report.unsupported.length > LISTED_UNSUPPORTED) console.log(`  … and ${report.unsupported.length - LISTED_UNSUPPORTED} more`);
    }
    if (report.failure) {
      console.error(`Copying ${report.failure.path} failed: ${report.failure.message}\nRun the command again to carry on from there.`);
      return 1;
    }
    return report.interrupted ? 130 : 0;
  } finally {
    target.close?.();
  }
}

function parseAreas(only: string | undefined): StorageArea[] {
  if (only === undefined) return [...STORAGE_AREAS];
  const names = only.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !isStorageArea(name));
  if (names.length === 0 || unknown.length > 0) throw new RangeError(`--only: expected some of ${STORAGE_AREAS.join(', ')}, got "${only}"`);
  return names.filter(isStorageArea);
}

/** A dry run's list, pack tarballs made, and files deleted under the copy; the rest shows in the progress lines. */
function printFile(file: FileOutcome): void {
  if (file.outcome === 'would-copy') console.log(`  would copy ${file.path} (${file.size} bytes)${file.key === file.path ? '' : ` as ${file.key}`}`);
  else if (file.outcome === 'would-pack') console.log(`  would pack the pack folder ${file.path} (it has no tarball) into ${file.key} (${file.size} bytes)`);
  else if (file.outcome === 'packed') console.log(`  packed the pack folder ${file.path} (it had no tarball) into ${file.key}`);
  else if (file.outcome === 'vanished') console.log(`  ${file.path} was deleted while the copy ran; skipped`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
