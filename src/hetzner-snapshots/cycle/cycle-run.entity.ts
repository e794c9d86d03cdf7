import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type CycleRunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';
export type CycleRunTrigger = 'schedule' | 'catch-up' | 'cli' | 'page' | 'resume' | 'prune';

/** One automatic-snapshot cycle (create, wait, prune), recorded as it goes so a restart can resume it. */
@Entity('cycle_runs')
export class CycleRun {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 20 }) trigger!: CycleRunTrigger;
  @Index() @Column({ type: 'varchar', length: 20 }) status!: CycleRunStatus;
  /** creating | waiting | pruning | done */
  @Column({ type: 'varchar', length: 20 }) phase!: string;
  @Index() @Column({ name: 'started_at', type: 'datetime' }) startedAt!: Date;
  @Column({ name: 'finished_at', type: 'datetime', nullable: true }) finishedAt!: Date | null;
  @Column({ name: 'server_id', type: 'integer', nullable: true }) serverId!: number | null;
  @Column({ name: 'image_id', type: 'integer', nullable: true }) imageId!: number | null;
  @Column({ name: 'action_id', type: 'integer', nullable: true }) actionId!: number | null;
  /** JSON list of {id, description, created, reason} deleted by this run */
  @Column({ type: 'text', default: '[]' }) deleted!: string;
  /** Why pruning did or did not happen, in plain words */
  @Column({ name: 'prune_note', type: 'text', nullable: true }) pruneNote!: string | null;
  @Column({ name: 'error_code', type: 'varchar', length: 100, nullable: true }) errorCode!: string | null;
  @Column({ name: 'error_message', type: 'text', nullable: true }) errorMessage!: string | null;
  @Column({ name: 'request_count', type: 'integer', default: 0 }) requestCount!: number;
  /** JSON {pre?: {exitCode, output, durationMs}, post?: {...}} of the consistency hooks */
  @Column({ name: 'hooks_json', type: 'text', nullable: true }) hooksJson!: string | null;
  /** How long the snapshot took by Hetzner's action times (started → finished), once confirmed. */
  @Column({ name: 'snapshot_ms', type: 'integer', nullable: true }) snapshotMs!: number | null;
}
