import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type ChannelKind = 'email' | 'webhook';
export type ChannelFormat = 'email' | 'generic' | 'slack' | 'discord' | 'ntfy';

/** A place messages go: an SMTP mailbox or a webhook in one of four formats. Secrets only encrypted. */
@Entity('notification_channels')
export class NotificationChannel {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 100 }) name!: string;
  @Column({ type: 'varchar', length: 20 }) kind!: ChannelKind;
  @Column({ type: 'varchar', length: 20 }) format!: ChannelFormat;
  @Column({ type: 'boolean' }) enabled!: boolean;
  /** Comma-separated NotificationKind list */
  @Column({ type: 'text' }) events!: string;
  /** Webhook URL (its path may be a secret of its own: never logged, shown only in the edit form) */
  @Column({ type: 'varchar', length: 2000, nullable: true }) url!: string | null;
  /** E-mail: JSON {host, port, security, username, from, to[], passwordSource} */
  @Column({ name: 'email_json', type: 'text', nullable: true }) emailJson!: string | null;
  /** HMAC secret, ntfy token or SMTP password: v1:<iv>:<tag>:<ciphertext> (notification-secret.cipher) */
  @Column({ name: 'secret_encrypted', type: 'text', nullable: true }) secretEncrypted!: string | null;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'datetime' }) updatedAt!: Date;
}

/** One message the panel decided to send (a problem started, is reminded or ended, or a test). */
@Entity('notification_events')
export class NotificationEventRecord {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 40 }) kind!: string;
  @Column({ type: 'varchar', length: 60 }) event!: string;
  @Column({ type: 'varchar', length: 20 }) phase!: string;
  @Column({ type: 'varchar', length: 20 }) severity!: string;
  @Column({ type: 'text' }) title!: string;
  /** The NotificationMessage as JSON, exactly as every channel renders it */
  @Column({ name: 'message_json', type: 'text' }) messageJson!: string;
  @Index() @Column({ name: 'created_at', type: 'datetime' }) createdAt!: Date;
}

export type DeliveryStatus = 'pending' | 'sent' | 'failed';

/** One event to one channel: the queue (pending, with the next try's time) and the record of how it went. */
@Entity('notification_deliveries')
export class NotificationDelivery {
  @PrimaryGeneratedColumn() id!: number;
  @Index() @Column({ name: 'event_id', type: 'integer' }) eventId!: number;
  @Index() @Column({ name: 'channel_id', type: 'integer' }) channelId!: number;
  /** The channel's name when queued: the record stays readable after the channel is removed. */
  @Column({ name: 'channel_name', type: 'varchar', length: 100 }) channelName!: string;
  @Index() @Column({ type: 'varchar', length: 20 }) status!: DeliveryStatus;
  @Column({ type: 'integer', default: 0 }) attempts!: number;
  @Column({ name: 'failed_attempts', type: 'integer', default: 0 }) failedAttempts!: number;
  @Index() @Column({ name: 'next_attempt_at', type: 'datetime', nullable: true }) nextAttemptAt!: Date | null;
  @Column({ name: 'last_attempt_at', type: 'datetime', nullable: true }) lastAttemptAt!: Date | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError!: string | null;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt!: Date;
  @Column({ name: 'finished_at', type: 'datetime', nullable: true }) finishedAt!: Date | null;
}

/** What is known about each problem: there or not, since when, and when it was last told (collapsing). */
@Entity('notification_conditions')
export class NotificationCondition {
  @PrimaryColumn({ type: 'varchar', length: 40 }) kind!: string;
  @Column({ type: 'boolean' }) active!: boolean;
  @Column({ type: 'datetime', nullable: true }) since!: Date | null;
  @Column({ name: 'notified_at', type: 'datetime', nullable: true }) notifiedAt!: Date | null;
  @Column({ name: 'last_sent_at', type: 'datetime', nullable: true }) lastSentAt!: Date | null;
  /** The latest detail (the run's error), for the reminder's text */
  @Column({ type: 'text', nullable: true }) detail!: string | null;
}

export const notificationEntities = [
  NotificationChannel,
  NotificationEventRecord,
  NotificationDelivery,
  NotificationCondition,
];
