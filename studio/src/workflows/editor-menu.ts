/**
 * The editor's context menu: on the canvas, every node type by category (as the palette groups
 * them), added where the menu opened; on a node, delete and duplicate.
 */
import { paletteGroups, type CatalogueEntry } from './workflow-graph';

/** The context menu plugin's item shape (its types are not exported from the package root). */
export interface MenuItem {
  label: string;
  key: string;
  handler(): void;
  subitems?: MenuItem[];
}

export interface Menu {
  searchBar: boolean;
  list: MenuItem[];
}

export function canvasMenu(catalogue: readonly CatalogueEntry[], add: (type: string) => void): Menu {
  return {
    searchBar: true,
    list: paletteGroups(catalogue, '').map((group) => ({
      label: group.category,
      key: group.category,
      handler: () => undefined,
      subitems: group.entries.map((entry) => ({ label: entry.title, key: entry.type, handler: () => add(entry.type) })),
    })),
  };
}

export function nodeMenu(actions: { remove(): Promise<void>; duplicate(): Promise<void> }): Menu {
  return {
    searchBar: false,
    list: [
      { label: 'Delete', key: 'delete', handler: () => void actions.remove() },
      { label: 'Duplicate', key: 'duplicate', handler: () => void actions.duplicate() },
    ],
  };
}
