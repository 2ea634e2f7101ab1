/**
 * The blob store the configuration asks for: the data dir by default, S3-compatible object storage
 * with PINKSEA_STORAGE=s3. Checked before the platform starts, so a missing bucket or an unwritable
 * folder stops it with the setting named, not the first upload.
 */
import path from 'node:path';
import type { PinkseaConfig } from '../../config/config';
import type { BlobStore } from './blob-store';
import { LocalBlobStore } from './local-blob-store';
import { S3BlobStore } from './s3-blob-store';

type StorageConfig = Pick<PinkseaConfig, 'dataDir' | 'storage' | 's3Bucket' | 's3Region' | 's3Endpoint' | 's3ForcePathStyle' | 's3AccessKeyId' | 's3SecretAccessKey' | 's3Prefix'>;

export function createBlobStore(config: StorageConfig): BlobStore {
  if (config.storage !== 's3') return new LocalBlobStore(path.resolve(config.dataDir));
  return new S3BlobStore({
    bucket: config.s3Bucket,
    region: config.s3Region,
    ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}),
    forcePathStyle: config.s3ForcePathStyle,
    ...(config.s3AccessKeyId ? { credentials: { accessKeyId: config.s3AccessKeyId, secretAccessKey: config.s3SecretAccessKey } } : {}),
    ...(config.s3Prefix ? { prefix: config.s3Prefix } : {}),
  });
}
