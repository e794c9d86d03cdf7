// Owns "who is told what, when": turns what happened (a finished run, a drill, the watchdog's look at the
// clock) into problems that start, last and end (notification.rules decides), records each message with a
// delivery per channel that wants it, and works the delivery queue in the background with retries. No
// caller ever waits on a channel: cycles emit an event and go on.
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { PluginLogger } from '../logging/plugin.logger';
import { OnEvent } from '@nestjs/event-emitter';
import { CLOCK, Clock } from '../../clock/clock';
import { registerSecret } from '../../logging/line.logger';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';
import { readDeleted } from '../cycle/cycle-run.store';
import { channelKinds, readEmailSettings } from './channel-settings';
import { NotificationChannel, NotificationDelivery } from './notification.entities';
import {
  CYCLE_FINISHED_EVENT,
  CycleFinishedEvent,
  DRILL_FAILED_EVENT,
  DRILL_PASSED_EVENT,
  DrillFailedEvent,
} from './notification.events';
import type { NotificationMessage, WebhookFormat } from './notification.formats';
import {
  channelWants,
  decideCondition,
  eventName,
  KIND_INFO,
  NOTIFICATION_KINDS,
  NotificationKind,
  observationsForRun,
  Phase,
  retryDelayMs,
  severityOf,
  START_DELAY_MS,
} from './notification.rules';
import { DeliveryError, NotificationSenders, ReadyChannel } from './notification.senders';
import { decryptChannelSecret } from './notification-secret.cipher';
import { NotificationStore } from './notification.store';

/** What an observation knows beyond "there or not": the sentence for the message, the server, the run. */
export interface ObservationContext {
  detail: string;
  server?: { id: number | null; name: string | null };
  run?: Record<string, unknown> | null;
}

export type TestOutcome = { ok: true; message: string } | { ok: false; message: string };

@Injectable()
export class NotificationService implements OnModuleDestroy {
  private readonly logger = new PluginLogger('Notifications');
  private readonly pending = new Set<Promise<unknown>>();
  private working: Promise<void> | null = null;
  // One observation at a time in this process: each opens transactions on the one SQLite connection.
  private observing: Promise<unknown> = Promise.resolve();
  private again = false;
  private stopped = false;

  constructor(
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly store: NotificationStore,
    private readonly senders: NotificationSenders,
  ) {
    registerSecret(options.smtpPassword);
  }

  // ---- what happened -------------------------------------------------------------------------------------

  @OnEvent(CYCLE_FINISHED_EVENT)
  onCycleFinished(event: CycleFinishedEvent): void {
    this.track(this.observeRun(event));
  }

  @OnEvent(DRILL_PASSED_EVENT)
  onDrillPassed(): void {
    this.track(this.observe({ 'drill.failed': false }, { detail: 'A restore drill passed.' }));
  }

  @OnEvent(DRILL_FAILED_EVENT)
  onDrillFailed(event: Partial<DrillFailedEvent>): void {
    this.track(this.observe({ 'drill.failed': true }, { detail: event?.error ?? 'A restore drill failed.' }));
  }

  private async observeRun(e: CycleFinishedEvent): Promise<void> {
    const { run } = e;
    const facts = {
      trigger: run.trigger,
      status: run.status,
      errorCode: run.errorCode,
      retentionBlocked: e.retentionBlocked,
    };
    const runView = {
      id: run.id,
      trigger: run.trigger,
      status: run.status,
      startedAt: run.startedAt.toISOString(),
      finishedAt: run.finishedAt?.toISOString() ?? null,
      imageId: run.imageId,
      actionId: run.actionId,
      errorCode: run.errorCode,
      deletedCount: readDeleted(run).length,
      requestCount: run.requestCount,
    };
    const observations = observationsForRun(facts);
    // Retention's doubt is worded by its note, not by the run's outcome.
    await this.observe(
      observations,
      { detail: e.message, server: { id: run.serverId, name: e.serverName }, run: runView },
      { 'retention.blocked': run.pruneNote ?? e.message },
    );
  }

  /**
   * Feeds observations of problems (true there, false gone, null: time passed) through the collapse rule and
   * queues the messages it asks for. Safe to call from any process: each problem is decided in a transaction.
   */
  observe(
    observations: Partial<Record<NotificationKind, boolean | null>>,
    ctx: ObservationContext,
    details: Partial<Record<NotificationKind, string>> = {},
  ): Promise<number> {
    const next = this.observing.then(() => this.observeNow(observations, ctx, details));
    this.observing = next.catch(() => undefined);
    return next;
  }

  private async observeNow(
    observations: Partial<Record<NotificationKind, boolean | null>>,
    ctx: ObservationContext,
    details: Partial<Record<NotificationKind, string>>,
  ): Promise<number> {
    const now = this.clock.now();
    let queued = 0;
    const channels = await this.store.listChannels();
    for (const kind of NOTIFICATION_KINDS) {
      const observed = observations[kind];
      if (observed === undefined) continue;
      const detail = details[kind] ?? ctx.detail;
      queued += await this.store.withCondition(kind, async (state, m) => {
        const decision = decideCondition({ state, observed, now, startDelayMs: START_DELAY_MS[kind] });
        const keptDetail = observed === true ? detail : state.detail;
        if (!decision.send)
          return { next: decision.next, detail: decision.next.active ? keptDetail : null, result: 0 };
        const message = this.message(kind, decision.send, {
          ...ctx,
          detail: observed === null ? (state.detail ?? detail) : detail,
          since: decision.next.since ?? state.since,
        });
        const wanting = channels.filter((c) =>
          channelWants({ enabled: c.enabled, events: channelKinds(c) }, kind),
        );
        await this.store.recordEvent({ kind, phase: decision.send, message, channels: wanting, now }, m);
        this.logger.log(`${message.event} (${decision.send}): queued for ${wanting.length} channel(s)`);
        return {
          next: decision.next,
          detail: decision.next.active ? keptDetail : null,
          result: wanting.length,
        };
      });
    }
    if (queued > 0) this.kick();
    return queued;
  }

  /** Reminders and delayed starts of problems that last while nothing new is observed (the watchdog calls it). */
  async remind(): Promise<void> {
    const active = await this.store.activeConditions();
    const obs: Partial<Record<NotificationKind, null>> = {};
    for (const c of active)
      if ((NOTIFICATION_KINDS as readonly string[]).includes(c.kind)) obs[c.kind as NotificationKind] = null;
    if (Object.keys(obs).length > 0) await this.observe(obs, { detail: '' });
  }

  private message(
    kind: NotificationKind,
    phase: Phase,
    ctx: ObservationContext & { since: Date | null },
  ): NotificationMessage {
    const info = KIND_INFO[kind];
    let text = ctx.detail;
    if (phase === 'ended') text = `${info.endLabel}. ${ctx.detail}`.trim();
    if (phase === 'reminder')
      text = `Still not resolved${ctx.since ? ` since ${ctx.since.toISOString()}` : ''}: ${ctx.detail}`;
    return {
      event: eventName(kind, phase),
      kind,
      phase,
      severity: severityOf(kind, phase),
      title: phase === 'ended' ? info.endLabel : info.label,
      message: text,
      at: this.clock.now().toISOString(),
      server: ctx.server ?? { id: this.options.hcloud.serverId, name: null },
      run: ctx.run ?? null,
    };
  }

  // ---- a test message ------------------------------------------------------------------------------------

  /** Sends a test message to one channel now, once, and records it like any other delivery. */
  async sendTest(channelId: number): Promise<TestOutcome> {
    const channel = await this.store.findChannel(channelId);
    if (!channel) return { ok: false, message: `There is no notification channel ${channelId}.` };
    const now = this.clock.now();
    const message: NotificationMessage = {
      event: 'test',
      kind: 'test',
      phase: 'test',
      severity: 'info',
      title: 'Test message from Snapshot Panel',
      message: `This is a test of the channel "${channel.name}". If you read this, the panel can reach you here.`,
      at: now.toISOString(),
      server: { id: this.options.hcloud.serverId, name: null },
      run: null,
    };
    const { deliveries } = await this.store.recordEvent({
      kind: 'test',
      phase: 'test',
      message,
      channels: [channel],
      now,
      queue: false,
    });
    const [delivery] = deliveries;
    // A test is tried once, while the admin waits; it is not retried.
    const error = await this.attempt(delivery, channel, message, { retry: false });
    return error
      ? { ok: false, message: `The test to "${channel.name}" failed: ${error}` }
      : { ok: true, message: `The test message to "${channel.name}" was delivered.` };
  }

  // ---- the queue -----------------------------------------------------------------------------------------

  /** Works the queue in the background: due deliveries now, the rest when their time comes. */
  kick(): void {
    if (this.stopped) return;
    if (this.working) {
      this.again = true;
      return;
    }
    this.working = this.processDue()
      .catch((err: unknown) => this.logger.warn(`delivery queue: ${(err as Error).message}`))
      .finally(() => {
        this.working = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
    this.track(this.working);
  }

  /** One pass over the deliveries due now; each is claimed first, so two processes never send one twice. */
  async processDue(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const due = await this.store.dueDeliveries(now);
      if (due.length === 0) return;
      let progressed = false;
      for (const delivery of due) {
        if (!(await this.store.claim(delivery, now))) continue;
        progressed = true;
        const [channel, event] = await Promise.all([
          this.store.findChannel(delivery.channelId),
          this.store.findEvent(delivery.eventId),
        ]);
        if (!channel || !event) {
          await this.store.attemptFailed(delivery, { error: 'The channel was removed.', retryAt: null, now });
          continue;
        }
        await this.attempt(delivery, channel, JSON.parse(event.messageJson) as NotificationMessage, {
          retry: true,
          claimed: true,
        });
      }
      if (!progressed) return;
    }
  }

  /** One try; returns the error text, or null when delivered. */
  private async attempt(
    delivery: NotificationDelivery,
    channel: NotificationChannel,
    message: NotificationMessage,
    opts: { retry: boolean; claimed?: boolean },
  ): Promise<string | null> {
    const now = this.clock.now();
    if (!opts.claimed && !(await this.store.claim(delivery, now))) return 'another process is sending it';
    let error: string | null = null;
    try {
      if (!channel.enabled) throw new DeliveryError('the channel is switched off');
      await this.senders.send(this.ready(channel), message);
    } catch (err) {
      error = err instanceof DeliveryError ? err.message : 'could not be sent';
      if (!(err instanceof DeliveryError))
        this.logger.warn(`delivery ${delivery.id}: ${(err as Error).message}`);
    }
    const finished = this.clock.now();
    if (!error) {
      await this.store.delivered(delivery, finished);
      this.logger.log(
        `${message.event} delivered to channel "${channel.name}" (attempt ${delivery.attempts})`,
      );
      return null;
    }
    const wait = opts.retry ? retryDelayMs(delivery.attempts) : null;
    const retryAt = wait === null ? null : new Date(finished.getTime() + wait);
    await this.store.attemptFailed(delivery, { error, retryAt, now: finished });
    this.logger.warn(
      `${message.event} to channel "${channel.name}" failed (attempt ${delivery.attempts}): ${error}` +
        (retryAt ? `; trying again in ${Math.round((wait as number) / 1000)} s` : '; not tried again'),
    );
    return error;
  }

  /** A channel with its secret decrypted (decryptChannelSecret registers it, so no log line can print it). */
  private ready(channel: NotificationChannel): ReadyChannel {
    const secret = channel.secretEncrypted
      ? decryptChannelSecret(channel.secretEncrypted, this.options.notificationSecretKey)
      : null;
    if (channel.kind === 'webhook') {
      if (!channel.url) throw new DeliveryError('the channel has no URL');
      return { kind: 'webhook', format: channel.format as WebhookFormat, url: channel.url, secret };
    }
    const email = readEmailSettings(channel);
    if (!email) throw new DeliveryError('the e-mail settings cannot be read; save the channel again');
    const password =
      email.passwordSource === 'environment'
        ? (this.options.smtpPassword ?? null)
        : email.passwordSource === 'stored'
          ? secret
          : null;
    if (email.passwordSource === 'environment' && !password)
      throw new DeliveryError('the password is to come from SMTP_PASSWORD, which is not set');
    return { kind: 'email', email, password };
  }

  // ---- lifetime ------------------------------------------------------------------------------------------

  private track(p: Promise<unknown>): void {
    const tracked = p.catch((err: unknown) => this.logger.warn(`notifications: ${(err as Error).message}`));
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  /** Waits until observations and deliveries under way are done (each send is bounded by its timeout). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async onModuleDestroy(): Promise<void> {
    // A CLI command closes its context right after its cycle: the first try of its messages goes out first.
    await this.flush();
    this.stopped = true;
  }
}
