import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** One unused recovery code of an admin; only its SHA-256 is stored, and it is deleted when used. */
@Entity('recovery_codes')
export class RecoveryCode {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ name: 'admin_id', type: 'integer' }) adminId!: number;
  @Column({ name: 'code_hash', type: 'varchar', length: 64 }) codeHash!: string;
}

/** Password right, code still to come: grants nothing but the code form, for a few minutes, in one browser. */
@Entity('pending_sign_ins')
export class PendingSignIn {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 }) tokenHash!: string;
  @Column({ name: 'admin_id', type: 'integer' }) adminId!: number;
  /** SHA-256 of the browser's pre-session (CSRF) cookie: the state is useless in another browser. */
  @Column({ name: 'binding_hash', type: 'varchar', length: 64 }) bindingHash!: string;
  @Column({ type: 'varchar', length: 100 }) address!: string;
  @Column({ name: 'expires_at', type: 'datetime' }) expiresAt!: Date;
}

/** Addresses an admin has signed in from: a new one is written to the audit trail. */
@Entity('admin_addresses')
export class AdminAddress {
  @PrimaryColumn({ name: 'admin_id', type: 'integer' }) adminId!: number;
  @PrimaryColumn({ type: 'varchar', length: 100 }) address!: string;
  @Column({ name: 'first_seen_at', type: 'datetime' }) firstSeenAt!: Date;
  @Column({ name: 'last_seen_at', type: 'datetime' }) lastSeenAt!: Date;
}

/** The host's audit trail: sign-ins from new addresses, 2FA on/off, admins removed. */
@Entity('host_audit_entries')
export class HostAuditEntry {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'datetime' }) at!: Date;
  @Column({ type: 'varchar', length: 100 }) actor!: string;
  @Column({ type: 'varchar', length: 64 }) action!: string;
  @Column({ type: 'text' }) detail!: string;
}
