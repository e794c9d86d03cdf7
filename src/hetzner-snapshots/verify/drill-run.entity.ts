import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type DrillStatus = 'running' | 'passed' | 'failed';
/** The named steps of a drill, in order; a restart finds an unfinished one by its step. */
export type DrillStep = 'creating' | 'booting' | 'checking' | 'deleting' | 'done';
export type DrillTrigger = 'page' | 'cli' | 'schedule';

/** One restore drill: a temporary server made from a snapshot, booted, checked, deleted. */
@Entity('drill_runs')
export class DrillRun {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 20 }) trigger!: DrillTrigger;
  @Column({ type: 'varchar', length: 120 }) actor!: string;
  @Index() @Column({ type: 'varchar', length: 20 }) status!: DrillStatus;
  @Column({ type: 'varchar', length: 20 }) step!: DrillStep;
  @Index() @Column({ name: 'image_id', type: 'integer' }) imageId!: number;
  @Column({ name: 'image_size_gb', type: 'real', nullable: true }) imageSizeGb!: number | null;
  /** The server the snapshot belongs to (this panel's server). */
  @Column({ name: 'panel_server_id', type: 'integer' }) panelServerId!: number;
  @Column({ name: 'server_type', type: 'varchar', length: 40 }) serverType!: string;
  @Column({ type: 'varchar', length: 40 }) location!: string;
  @Column({ name: 'port', type: 'integer', nullable: true }) port!: number | null;
  @Column({ name: 'estimated_minutes', type: 'integer' }) estimatedMinutes!: number;
  /** Gross, in `currency`, stated before the drill started. */
  @Column({ name: 'estimated_cost', type: 'real' }) estimatedCost!: number;
  @Column({ name: 'hourly_price', type: 'real' }) hourlyPrice!: number;
  @Column({ type: 'varchar', length: 8 }) currency!: string;
  @Index() @Column({ name: 'started_at', type: 'datetime' }) startedAt!: Date;
  /** Written the moment Hetzner answers the create: what the clean-up after a crash goes by. */
  @Index() @Column({ name: 'drill_server_id', type: 'integer', nullable: true }) drillServerId!:
    number | null;
  @Column({ name: 'server_created_at', type: 'datetime', nullable: true }) serverCreatedAt!: Date | null;
  @Column({ name: 'running_at', type: 'datetime', nullable: true }) runningAt!: Date | null;
  @Column({ name: 'boot_seconds', type: 'integer', nullable: true }) bootSeconds!: number | null;
  /** open | closed | null (not checked) */
  @Column({ name: 'port_result', type: 'varchar', length: 10, nullable: true }) portResult!: string | null;
  @Column({ name: 'server_deleted_at', type: 'datetime', nullable: true }) serverDeletedAt!: Date | null;
  @Column({ name: 'finished_at', type: 'datetime', nullable: true }) finishedAt!: Date | null;
  /** Gross, recorded after the server was deleted (every started hour it existed). */
  @Column({ type: 'real', nullable: true }) cost!: number | null;
  @Column({ name: 'error_message', type: 'text', nullable: true }) errorMessage!: string | null;
  @Column({ name: 'request_count', type: 'integer', default: 0 }) requestCount!: number;
}

/** The drill settings: one row, id 1. Their own table, so the drill store is their only owner. */
@Entity('drill_settings')
export class DrillSettings {
  @PrimaryColumn({ type: 'integer' }) id!: number;
  /** A TCP port that must answer on the drill server; null: not checked (a firewall may block it). */
  @Column({ type: 'integer', nullable: true }) port!: number | null;
  /** off | weekly | monthly (see DRILL_SCHEDULES) */
  @Column({ type: 'varchar', length: 20 }) schedule!: string;
  @Column({ name: 'updated_at', type: 'datetime' }) updatedAt!: Date;
}
