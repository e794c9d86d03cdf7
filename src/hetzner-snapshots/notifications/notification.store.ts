// Owns the notification tables: channels, events, deliveries (the queue and its record) and the state of
// each problem. Everything else asks this store; nobody else queries these columns.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, IsNull, LessThanOrEqual, Not, Repository } from 'typeorm';
import {
  NotificationChannel,
  NotificationCondition,
  NotificationDelivery,
  NotificationEventRecord,
} from './notification.entities';
import type { NotificationMessage } from './notification.formats';
import { CLEAR_CONDITION, ConditionState } from './notification.rules';

/** A delivery is claimed for this long; a process that dies while sending leaves it to be tried again then. */
export const DELIVERY_CLAIM_MS = 2 * 60_000;

export interface EventWithDeliveries {
  event: NotificationEventRecord;
  deliveries: NotificationDelivery[];
}

@Injectable()
export class NotificationStore {
  constructor(
    @InjectRepository(NotificationChannel) private readonly channels: Repository<NotificationChannel>,
    @InjectRepository(NotificationEventRecord) private readonly events: Repository<NotificationEventRecord>,
    @InjectRepository(NotificationDelivery) private readonly deliveries: Repository<NotificationDelivery>,
    @InjectRepository(NotificationCondition) private readonly conditions: Repository<NotificationCondition>,
  ) {}

  // ---- channels ------------------------------------------------------------------------------------------

  listChannels(): Promise<NotificationChannel[]> {
    return this.channels.find({ order: { id: 'ASC' } });
  }

  findChannel(id: number): Promise<NotificationChannel | null> {
    return this.channels.findOneBy({ id });
  }

  /** Saves a channel and whatever else `also` writes (its audit entry) in one transaction: all or nothing. */
  async saveChannel(
    channel: Partial<NotificationChannel>,
    also: (m: EntityManager, saved: NotificationChannel) => Promise<void> = async () => undefined,
  ): Promise<NotificationChannel> {
    return this.channels.manager.transaction(async (m) => {
      const repo = m.getRepository(NotificationChannel);
      const saved = await repo.save(repo.create(channel));
      await also(m, saved);
      return saved;
    });
  }

  async deleteChannel(
    id: number,
    also: (m: EntityManager) => Promise<void> = async () => undefined,
  ): Promise<boolean> {
    return this.channels.manager.transaction(async (m) => {
      const result = await m.getRepository(NotificationChannel).delete({ id });
      // Its queued deliveries cannot go anywhere now; they are closed, their record kept.
      await m
        .getRepository(NotificationDelivery)
        .update(
          { channelId: id, status: 'pending' },
          { status: 'failed', lastError: 'The channel was removed.', nextAttemptAt: null },
        );
      if ((result.affected ?? 0) > 0) await also(m);
      return (result.affected ?? 0) > 0;
    });
  }

  // ---- conditions and events -----------------------------------------------------------------------------

  /** Reads a problem's state, lets `decide` choose, and writes what it returned, in one transaction. */
  async withCondition<T>(
    kind: string,
    decide: (
      state: ConditionState & { detail: string | null },
      m: EntityManager,
    ) => Promise<{ next: ConditionState; detail: string | null; result: T }>,
  ): Promise<T> {
    return this.conditions.manager.transaction(async (m) => {
      const repo = m.getRepository(NotificationCondition);
      const row = await repo.findOneBy({ kind });
      const state = row
        ? {
            active: row.active,
            since: row.since,
            notifiedAt: row.notifiedAt,
            lastSentAt: row.lastSentAt,
            detail: row.detail,
          }
        : { ...CLEAR_CONDITION, detail: null };
      const { next, detail, result } = await decide(state, m);
      await repo.save(repo.create({ kind, ...next, detail }));
      return result;
    });
  }

  activeConditions(): Promise<NotificationCondition[]> {
    return this.conditions.find({ where: { active: true }, order: { kind: 'ASC' } });
  }

  /** Records one message and queues it for each channel given; inside the caller's transaction when one is passed. */
  async recordEvent(
    input: {
      kind: string;
      phase: string;
      message: NotificationMessage;
      channels: NotificationChannel[];
      now: Date;
      /** false: not for the background queue (a test, sent by its caller at once) */
      queue?: boolean;
    },
    m?: EntityManager,
  ): Promise<{ event: NotificationEventRecord; deliveries: NotificationDelivery[] }> {
    const manager = m ?? this.events.manager;
    const events = manager.getRepository(NotificationEventRecord);
    const deliveries = manager.getRepository(NotificationDelivery);
    const event = await events.save(
      events.create({
        kind: input.kind,
        event: input.message.event,
        phase: input.phase,
        severity: input.message.severity,
        title: input.message.title,
        messageJson: JSON.stringify(input.message),
        createdAt: input.now,
      }),
    );
    const queued = await deliveries.save(
      input.channels.map((c) =>
        deliveries.create({
          eventId: event.id,
          channelId: c.id,
          channelName: c.name,
          status: 'pending',
          attempts: 0,
          failedAttempts: 0,
          nextAttemptAt: input.queue === false ? null : input.now,
          lastAttemptAt: null,
          lastError: null,
          createdAt: input.now,
          finishedAt: null,
        }),
      ),
    );
    return { event, deliveries: queued };
  }

  findEvent(id: number): Promise<NotificationEventRecord | null> {
    return this.events.findOneBy({ id });
  }

  // ---- the queue -----------------------------------------------------------------------------------------

  dueDeliveries(now: Date, limit = 20): Promise<NotificationDelivery[]> {
    return this.deliveries.find({
      where: { status: 'pending', nextAttemptAt: LessThanOrEqual(now) },
      order: { nextAttemptAt: 'ASC', id: 'ASC' },
      take: limit,
    });
  }

  /** Takes a due delivery for one attempt; false when another process (or loop) took it first. */
  async claim(delivery: NotificationDelivery, now: Date): Promise<boolean> {
    const result = await this.deliveries
      .createQueryBuilder()
      .update(NotificationDelivery)
      .set({
        attempts: delivery.attempts + 1,
        lastAttemptAt: now,
        nextAttemptAt: new Date(now.getTime() + DELIVERY_CLAIM_MS),
      })
      .where('id = :id AND status = :status AND attempts = :attempts', {
        id: delivery.id,
        status: 'pending',
        attempts: delivery.attempts,
      })
      .execute();
    if ((result.affected ?? 0) === 0) return false;
    delivery.attempts += 1;
    delivery.lastAttemptAt = now;
    return true;
  }

  async delivered(delivery: NotificationDelivery, now: Date): Promise<void> {
    await this.deliveries.update(
      { id: delivery.id },
      { status: 'sent', nextAttemptAt: null, finishedAt: now, lastError: null },
    );
  }

  /** A failed attempt: tried again at `retryAt`, or given up (null), with the reason kept. */
  async attemptFailed(
    delivery: NotificationDelivery,
    input: { error: string; retryAt: Date | null; now: Date },
  ) {
    await this.deliveries.update(
      { id: delivery.id },
      {
        status: input.retryAt ? 'pending' : 'failed',
        nextAttemptAt: input.retryAt,
        failedAttempts: delivery.failedAttempts + 1,
        lastError: input.error,
        finishedAt: input.retryAt ? null : input.now,
      },
    );
  }

  // ---- reading -------------------------------------------------------------------------------------------

  async recentEvents(limit: number): Promise<EventWithDeliveries[]> {
    const events = await this.events.find({ order: { createdAt: 'DESC', id: 'DESC' }, take: limit });
    if (events.length === 0) return [];
    const deliveries = await this.deliveries.find({
      where: { eventId: In(events.map((e) => e.id)) },
      order: { id: 'ASC' },
    });
    return events.map((event) => ({ event, deliveries: deliveries.filter((d) => d.eventId === event.id) }));
  }

  /** The channel's newest attempted delivery (sent, given up, or failed and waiting for its next try). */
  lastDelivery(channelId: number): Promise<NotificationDelivery | null> {
    return this.deliveries.findOne({
      where: { channelId, lastAttemptAt: Not(IsNull()) },
      order: { lastAttemptAt: 'DESC', id: 'DESC' },
    });
  }

  /** Failed attempts so far, per channel kind, for the metrics. */
  async failedAttemptsByChannel(): Promise<{ channelId: number; channelName: string; failed: number }[]> {
    const rows = await this.deliveries
      .createQueryBuilder('d')
      .select('d.channel_id', 'channelId')
      .addSelect('MAX(d.channel_name)', 'channelName')
      .addSelect('SUM(d.failed_attempts)', 'failed')
      .groupBy('d.channel_id')
      .getRawMany<{ channelId: number; channelName: string; failed: number }>();
    return rows.map((r) => ({
      channelId: Number(r.channelId),
      channelName: r.channelName,
      failed: Number(r.failed),
    }));
  }

  pendingCount(): Promise<number> {
    return this.deliveries.countBy({ status: 'pending', finishedAt: IsNull() });
  }
}
