/** The `installed_packs` table (migrations/1764201600400-InstalledPacks.ts) as a TypeORM entity schema. */
import { EntitySchema } from 'typeorm';
import type { PackSource } from './installed-packs';

export interface InstalledPackRow {
  name: string;
  version: string;
  description: string;
  source: PackSource;
  installPath: string;
  nodeTypes: string[];
  enabled: boolean;
  installedBy: string | null;
  installedAt: Date;
}

export const InstalledPackEntity = new EntitySchema<InstalledPackRow>({
  name: 'InstalledPack',
  tableName: 'installed_packs',
  columns: {
    name: { type: 'text', primary: true },
    version: { type: 'text' },
    description: { type: 'text' },
    source: { type: 'text' },
    installPath: { name: 'install_path', type: 'text' },
    nodeTypes: { name: 'node_types', type: 'jsonb' },
    enabled: { type: 'boolean', default: true },
    installedBy: { name: 'installed_by', type: 'uuid', nullable: true },
    installedAt: { name: 'installed_at', type: 'timestamptz', createDate: true },
  },
});
