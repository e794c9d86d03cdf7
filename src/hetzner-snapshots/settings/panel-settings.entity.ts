import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The admin's settings for this server: one row, id 1, read and written only by PanelSettingsStore. The token is only ever stored encrypted. */
@Entity('panel_settings')
export class PanelSettings {
  @PrimaryColumn({ type: 'integer' }) id!: number;

  /** v1:<iv>:<tag>:<ciphertext>, AES-256-GCM, base64; see connection/token.vault.ts */
  @Column({ name: 'token_encrypted', type: 'text', nullable: true }) tokenEncrypted!: string | null;
  @Column({ name: 'token_last4', type: 'varchar', length: 4, nullable: true }) tokenLast4!: string | null;
  @Column({ name: 'token_saved_at', type: 'datetime', nullable: true }) tokenSavedAt!: Date | null;
  @Column({ name: 'token_checked_at', type: 'datetime', nullable: true }) tokenCheckedAt!: Date | null;
  /** Outcome of the last check: read_write | read_only | unauthorized | wrong_project | unreachable */
  @Column({ name: 'token_check_result', type: 'varchar', length: 32, nullable: true }) tokenCheckResult!:
    string | null;

  @Column({ name: 'schedule_enabled', type: 'boolean' }) scheduleEnabled!: boolean;
  /** '6h' | 'daily@03:30' | 'weekly@mon@03:30' | 'cron:<expression>' (see snapshot-schedule.ts) */
  @Column({ type: 'varchar', length: 200 }) frequency!: string;
  @Column({ name: 'retention_days', type: 'integer' }) retentionDays!: number;
  @Column({ name: 'keep_min', type: 'integer' }) keepMin!: number;
  /** JSON {hourly,daily,weekly,monthly} or null when the tiered policy is off; read by parseRetentionPolicy */
  @Column({ name: 'retention_tiers', type: 'text', nullable: true }) retentionTiers!: string | null;
  @Column({ name: 'webhook_url', type: 'varchar', length: 2000, nullable: true }) webhookUrl!: string | null;
  @Column({ name: 'updated_at', type: 'datetime' }) updatedAt!: Date;
}
