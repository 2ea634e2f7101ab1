/**
 * Boards by use case: a user's named collections of images. Every method is scoped by owner;
 * another user's board or image is answered as missing (NotFoundError), and nothing changes.
 */
import type { Page, PageRequest } from '../kernel/page';

export interface BoardRecord {
  readonly id: string;
  readonly name: string;
  /** Images on the board, intermediates not counted (as the gallery hides them). */
  readonly imageCount: number;
  /** The newest image on the board, for its tile. */
  readonly coverImageName: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface BoardRecords {
  create(ownerId: string, name: string): Promise<BoardRecord>;
  find(ownerId: string, boardId: string): Promise<BoardRecord | undefined>;
  /** Newest first. */
  list(ownerId: string, page: PageRequest): Promise<Page<BoardRecord>>;
  rename(ownerId: string, boardId: string, name: string): Promise<BoardRecord | undefined>;
  /** Deletes the board; its images stay, on no board. Whether there was such a board. */
  delete(ownerId: string, boardId: string): Promise<boolean>;
  /** Puts the images on the board (from wherever they were); all or nothing. */
  /** The names of the images that moved onto the board (those already on it are left out). */
  addImages(ownerId: string, boardId: string, names: readonly string[]): Promise<string[]>;
  /** Takes the images off the board; those not on it are left as they are. All or nothing. */
  removeImages(ownerId: string, boardId: string, names: readonly string[]): Promise<number>;
}
