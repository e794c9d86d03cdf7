import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last time Hetzner refused a create for a project limit, per resource (snapshot, server). */
@Entity('project_limits')
export class ProjectLimit {
  /** snapshot | server */
  @PrimaryColumn({ type: 'varchar', length: 20 }) resource!: string;
  @Column({ name: 'refused_at', type: 'datetime' }) refusedAt!: Date;
  /** The number in the error's details, when Hetzner gave one. */
  @Column({ name: 'limit_value', type: 'integer', nullable: true }) limitValue!: number | null;
  /** How many this server had when it was refused (the panel's own count), when the caller knew it. */
  @Column({ name: 'count_at_refusal', type: 'integer', nullable: true }) countAtRefusal!: number | null;
  @Column({ type: 'text' }) message!: string;
}
