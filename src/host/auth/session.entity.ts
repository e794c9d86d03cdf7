import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A server-side session; the cookie holds a random token and only its SHA-256 is stored here. */
@Entity('sessions')
export class Session {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 }) tokenHash!: string;
  @Column({ name: 'admin_id', type: 'integer' }) adminId!: number;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt!: Date;
  @Column({ name: 'last_seen_at', type: 'datetime' }) lastSeenAt!: Date;
  @Column({ name: 'expires_at', type: 'datetime' }) expiresAt!: Date;
}
