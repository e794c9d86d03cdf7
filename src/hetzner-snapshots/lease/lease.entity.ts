import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A named lock shared by every process on this database (server and CLI), with an owner and an expiry. */
@Entity('leases')
export class Lease {
  @PrimaryColumn({ type: 'varchar', length: 100 }) name!: string;
  @Column({ type: 'varchar', length: 200 }) owner!: string;
  @Column({ name: 'acquired_at', type: 'datetime' }) acquiredAt!: Date;
  @Column({ name: 'expires_at', type: 'datetime' }) expiresAt!: Date;
}
