import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What the panel remembers about the server it manages, between processes: one row per server id. */
@Entity('server_state')
export class ServerState {
  @PrimaryColumn({ name: 'server_id', type: 'integer' }) serverId!: number;
  /** When every snapshot of the panel made from this server carried the server label; NULL until then. */
  @Column({ name: 'labels_backfilled_at', type: 'datetime', nullable: true })
  labelsBackfilledAt!: Date | null;
  /** How many existing snapshots the backfill labelled so far (it may take more than one run). */
  @Column({ name: 'labels_backfill_count', type: 'integer', default: 0 }) labelsBackfillCount!: number;
  /** The server's name, for snapshot descriptions, and when it was last read from Hetzner. */
  @Column({ name: 'server_name', type: 'varchar', length: 255, nullable: true }) serverName!: string | null;
  @Column({ name: 'server_name_at', type: 'datetime', nullable: true }) serverNameAt!: Date | null;
}
