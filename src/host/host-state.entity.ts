import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Small key/value facts the host keeps (for example the hash of the first-run setup code). */
@Entity('host_state')
export class HostState {
  @PrimaryColumn({ type: 'varchar', length: 100 }) key!: string;
  @Column({ type: 'text' }) value!: string;
  @Column({ name: 'updated_at', type: 'datetime' }) updatedAt!: Date;
}
