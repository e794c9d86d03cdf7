import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('admins')
export class Admin {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 64, unique: true }) username!: string;
  /** scrypt$N$r$p$salt$hash, see password.hasher.ts */
  @Column({ name: 'password_hash', type: 'varchar' }) passwordHash!: string;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt!: Date;
  @Column({ name: 'password_changed_at', type: 'datetime' }) passwordChangedAt!: Date;
  @Column({ name: 'last_sign_in_at', type: 'datetime', nullable: true }) lastSignInAt!: Date | null;
  /** The confirmed TOTP secret, AES-256-GCM with the two-factor purpose key; null when 2FA is off. */
  @Column({ name: 'totp_secret', type: 'text', nullable: true }) totpSecret!: string | null;
  /** A secret shown as a QR code and not yet confirmed with a first code. */
  @Column({ name: 'totp_pending_secret', type: 'text', nullable: true }) totpPendingSecret!: string | null;
  @Column({ name: 'totp_enabled_at', type: 'datetime', nullable: true }) totpEnabledAt!: Date | null;
  /** The newest 30-second step a code was accepted for: a code is never accepted twice. */
  @Column({ name: 'totp_last_step', type: 'integer', nullable: true }) totpLastStep!: number | null;
}
