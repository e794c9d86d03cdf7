// Owns the server_state table: per managed server, whether the server-label backfill has completed (and how
// many snapshots it labelled) and the server's cached name. The cycle, the snapshots page and the backfill
// ask this store; none of them reads the table itself.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ServerState } from './server-state.entity';

/** A cached name older than this is read again from Hetzner (a rename shows in descriptions within a day). */
export const SERVER_NAME_MAX_AGE_MS = 24 * 3_600_000;

export interface LabelBackfillState {
  completedAt: Date | null;
  labelled: number;
}

@Injectable()
export class ServerStateStore {
  constructor(@InjectRepository(ServerState) private readonly repo: Repository<ServerState>) {}

  async labelBackfill(serverId: number): Promise<LabelBackfillState> {
    const row = await this.repo.findOneBy({ serverId });
    return { completedAt: row?.labelsBackfilledAt ?? null, labelled: row?.labelsBackfillCount ?? 0 };
  }

  /** True once every snapshot of the panel made from this server is known to carry the server label. */
  async labelsBackfilled(serverId: number): Promise<boolean> {
    return (await this.labelBackfill(serverId)).completedAt !== null;
  }

  /** One more snapshot labelled, saved at once so an interrupted backfill still knows its count. */
  async countLabelled(serverId: number): Promise<void> {
    await this.ensure(serverId);
    await this.repo.increment({ serverId }, 'labelsBackfillCount', 1);
  }

  async completeLabelBackfill(serverId: number, at: Date): Promise<LabelBackfillState> {
    const row = await this.ensure(serverId);
    row.labelsBackfilledAt = at;
    await this.repo.save(row);
    return { completedAt: at, labelled: row.labelsBackfillCount };
  }

  /** The cached name when it is younger than SERVER_NAME_MAX_AGE_MS at `now`, else null. */
  async freshServerName(serverId: number, now: Date): Promise<string | null> {
    const row = await this.repo.findOneBy({ serverId });
    if (!row?.serverName || !row.serverNameAt) return null;
    const age = now.getTime() - row.serverNameAt.getTime();
    return age >= 0 && age < SERVER_NAME_MAX_AGE_MS ? row.serverName : null;
  }

  /** The last name seen, however old: for webhooks and resumed runs, which must not ask Hetzner for it. */
  async lastServerName(serverId: number): Promise<string | null> {
    return (await this.repo.findOneBy({ serverId }))?.serverName ?? null;
  }

  async saveServerName(serverId: number, name: string, at: Date): Promise<void> {
    const row = await this.ensure(serverId);
    row.serverName = name;
    row.serverNameAt = at;
    await this.repo.save(row);
  }

  private async ensure(serverId: number): Promise<ServerState> {
    const existing = await this.repo.findOneBy({ serverId });
    if (existing) return existing;
    return this.repo.save(
      this.repo.create({
        serverId,
        labelsBackfilledAt: null,
        labelsBackfillCount: 0,
        serverName: null,
        serverNameAt: null,
      }),
    );
  }
}
