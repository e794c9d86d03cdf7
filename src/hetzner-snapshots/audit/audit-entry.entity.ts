import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who changed which setting when. Values of the token are never recorded, only that it changed. */
@Entity('audit_entries')
export class AuditEntry {
  @PrimaryGeneratedColumn() id!: number;
  @Index() @Column({ type: 'datetime' }) at!: Date;
  /** "admin:alice", "cli", "system" */
  @Column({ type: 'varchar', length: 100 }) actor!: string;
  @Column({ type: 'varchar', length: 100 }) action!: string;
  /** JSON list of {field, from, to} */
  @Column({ type: 'text' }) changes!: string;
}
