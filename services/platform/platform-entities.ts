/** The TypeORM entity schemas of every area, for the platform's DataSource. */
import type { EntitySchema } from 'typeorm';
import { ApiKeyEntity } from '../accounts/api-key.entity';
import { RefreshTokenEntity } from '../accounts/refresh-token.entity';
import { UserEntity } from '../accounts/user.entity';
import { BoardEntity } from '../boards/board.entity';
import { CredentialEntity } from '../credentials/credential.entity';
import { ImageEntity } from '../images/image.entity';
import { ModelEntity } from '../models/model.entity';
import { InstalledPackEntity } from '../plugins/installed-pack.entity';
import { WorkflowVersionEntity } from '../workflows/workflow-version.entity';
import { WorkflowEntity } from '../workflows/workflow.entity';

export const PLATFORM_ENTITIES: readonly EntitySchema[] = [
  UserEntity,
  RefreshTokenEntity,
  ApiKeyEntity,
  BoardEntity,
  ImageEntity,
  WorkflowEntity,
  WorkflowVersionEntity,
  ModelEntity,
  InstalledPackEntity,
  CredentialEntity,
] as unknown as readonly EntitySchema[];
