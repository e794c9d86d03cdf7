import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Failed guesses per key (see login-throttle.store.ts, its only reader and writer): the slow-down and the lock-out. */
@Entity('login_throttle')
export class LoginThrottle {
  @PrimaryColumn({ type: 'varchar', length: 200 }) key!: string;
  @Column({ type: 'integer' }) failures!: number;
  @Column({ name: 'first_failure_at', type: 'datetime' }) firstFailureAt!: Date;
  @Column({ name: 'locked_until', type: 'datetime', nullable: true }) lockedUntil!: Date | null;
}
