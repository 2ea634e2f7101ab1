/**
 * The broker event sent when images land on a board (moved there, or uploaded into it): the
 * `image.saved` event triggers of automations listen to it. Emitted, so one automations instance
 * of the cluster handles each.
 */
export const IMAGE_ON_BOARD = 'images.on-board';

export interface ImageOnBoard {
  readonly ownerId: string;
  readonly imageName: string;
  readonly boardId: string;
}
