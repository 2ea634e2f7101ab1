/**
 * Which pack tarballs a record still names, for the scheduler's sweep of objects without one
 * (storage-housekeeping.service.ts): an install killed between storing `packs/<name>/<version>.tgz`
 * and recording the pack, or an uninstall whose object removal failed, leaves such a tarball.
 */
import type { OrphanSweep } from '../storage/orphan-objects';
import type { InstalledPack } from './installed-packs';
import { packTarballKey } from './stored-packs';

export function packOrphanSweep(packs: { list(): Promise<readonly Pick<InstalledPack, 'name' | 'version'>[]> }): OrphanSweep {
  return {
    prefix: 'packs/',
    async keep(keys) {
      const recorded = new Set((await packs.list()).map((pack) => packTarballKey(pack.name, pack.version)));
      // Only tarballs are this sweep's to judge.
      return new Set(keys.filter((key) => recorded.has(key) || !key.endsWith('.tgz')));
    },
  };
}
