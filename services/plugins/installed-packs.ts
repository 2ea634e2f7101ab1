/**
 * The installed-packs store, named after its use cases: the installer records and forgets packs,
 * every node's pack host reads the enabled ones. The TypeORM repository implements it.
 */
export type PackSource = 'folder' | 'tarball';

export interface InstalledPack {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly source: PackSource;
  /**
   * `<dataDir>/packs/<name>/<version>/` on the node that installed it; every node keeps the pack at
   * that place under its own data dir (unpacked from the blob store's tarball where it lacks it).
   */
  readonly installPath: string;
  readonly nodeTypes: readonly string[];
  readonly enabled: boolean;
  readonly installedBy: string | null;
  readonly installedAt: Date;
}

export type NewInstalledPack = Omit<InstalledPack, 'installedAt' | 'enabled'>;

/** What every node needs: the packs it should have loaded. */
export interface EnabledPackReader {
  listEnabled(): Promise<InstalledPack[]>;
}

export interface InstalledPacks extends EnabledPackReader {
  list(): Promise<InstalledPack[]>;
  find(name: string): Promise<InstalledPack | undefined>;
  /** Refuses (ConflictError) a second row for a name. */
  insert(pack: NewInstalledPack): Promise<InstalledPack>;
  delete(name: string): Promise<boolean>;
}
