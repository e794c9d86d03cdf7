import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Hetzner requests this panel (every process on this data folder) made, per UTC minute; kept two hours. */
@Entity('api_usage')
export class ApiUsageMinute {
  /** Minutes since the epoch. */
  @PrimaryColumn({ type: 'integer' }) minute!: number;
  @Column({ type: 'integer', default: 0 }) requests!: number;
}

/** The project's request budget as the last answer from Hetzner told it: one row, id 1. */
@Entity('api_budget')
export class ApiBudget {
  @PrimaryColumn({ type: 'integer' }) id!: number;
  @Column({ name: 'limit_total', type: 'integer' }) limit!: number;
  @Column({ type: 'integer' }) remaining!: number;
  @Column({ name: 'reset_at', type: 'datetime' }) resetAt!: Date;
  @Column({ name: 'seen_at', type: 'datetime' }) seenAt!: Date;
}
