import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('admins')
export class Admin {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 64, unique: true }) username!: string;
  /** scrypt$N$r$p$salt$hash, see password.hasher.ts */
  @Column({ name: 'password_hash', type: 'varchar' }) passwordHash!: string;
  @Column({ name: 'created_at', type: 'datetime' }) createdAt!: Date;
  @Column({ name: 'password_changed_at', type: 'datetime' }) passwordChangedAt!: Date;
}
