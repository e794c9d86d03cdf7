// Reads what previewRetention needs (the cached list, its prices, this server's id) without asking Hetzner,
// so typing in the settings form never spends the shared API budget.
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../../clock/clock';
import { HetznerConnectionService } from '../connection/hetzner-connection.service';
import type { RetentionPolicy } from '../retention/retention.policy';
import { previewRetention, RetentionPreview } from './retention-preview';
import { SnapshotListStore } from '../snapshot-list/snapshot-list.store';

@Injectable()
export class RetentionPreviewService {
  constructor(
    private readonly lists: SnapshotListStore,
    private readonly connection: HetznerConnectionService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async preview(input: {
    policy: RetentionPolicy;
    runsPerDay: number;
    nextRuns: Date[];
  }): Promise<RetentionPreview> {
    const serverId = await this.knownServerId();
    const cached = serverId === null ? null : await this.lists.read(serverId);
    return previewRetention({
      ...input,
      images: cached?.images ?? null,
      serverId,
      pricing: cached?.pricing ?? null,
      now: this.clock.now(),
      timeZone: this.connection.timeZone,
    });
  }

  private async knownServerId(): Promise<number | null> {
    try {
      return await this.connection.serverId();
    } catch {
      return null;
    }
  }
}
