// Remembers the snapshot actions this process started, so the page can show their progress and notice the
// moment they end without listing every snapshot again every few seconds: one GET /actions/{id} per action
// at most every 5 s, and the list is refreshed only once the action has ended.
import { Injectable } from '@nestjs/common';
import { describeHcloudError, HcloudAction, HcloudActionFailedError, isHcloudError } from '../hcloud';
import { isActionPollDue } from './snapshot-list.freshness';

export interface TrackedAction {
  actionId: number;
  imageId: number;
  serverId: number;
  progress: number;
  startedAt: Date;
}

export interface EndedAction {
  tracked: TrackedAction;
  ok: boolean;
  /** For a failed action: what went wrong, for a person. */
  message: string | null;
}

// A snapshot of a big disk can take an hour; one still "running" after a day is something we lost track of.
const GIVE_UP_AFTER_MS = 24 * 3_600_000;
const SHOW_FAILURE_FOR_MS = 15 * 60_000;

@Injectable()
export class OwnActionsTracker {
  private readonly running = new Map<number, TrackedAction>();
  private readonly failures: { serverId: number; at: Date; message: string }[] = [];
  private lastPollAt: Date | null = null;
  private polling: Promise<EndedAction[]> | null = null;

  add(action: HcloudAction, imageId: number, serverId: number, now: Date): void {
    this.running.set(action.id, {
      actionId: action.id,
      imageId,
      serverId,
      progress: action.progress,
      startedAt: now,
    });
    // Its state is known as of now (Hetzner just answered with it): the first poll can wait its 5 s.
    this.lastPollAt = now;
  }

  runningOn(serverId: number): TrackedAction[] {
    return [...this.running.values()].filter((a) => a.serverId === serverId);
  }

  /** Progress (0..100) of images this process is creating. */
  progressByImage(serverId: number): Map<number, number> {
    return new Map(this.runningOn(serverId).map((a) => [a.imageId, a.progress]));
  }

  recentFailures(serverId: number, now: Date): string[] {
    return this.failures
      .filter((f) => f.serverId === serverId && now.getTime() - f.at.getTime() < SHOW_FAILURE_FOR_MS)
      .map((f) => f.message);
  }

  /**
   * Polls every running action once, when the last poll is at least 5 s old (or `force`). Concurrent
   * callers share one round of polls. Returns the actions that ended in this round; `onEnded` runs once per
   * round that ended any (before anyone sees the result), so their follow-up is not repeated per caller.
   */
  poll(
    getAction: (id: number) => Promise<HcloudAction>,
    now: Date,
    opts: { force?: boolean; onEnded?: (ended: EndedAction[]) => Promise<void> } = {},
  ): Promise<EndedAction[]> {
    if (this.running.size === 0) return Promise.resolve([]);
    if (this.polling) return this.polling;
    if (!opts.force && !isActionPollDue(this.lastPollAt, now)) return Promise.resolve([]);
    this.lastPollAt = now;
    const round = async () => {
      const ended = await this.pollAll(getAction, now);
      if (ended.length > 0) await opts.onEnded?.(ended);
      return ended;
    };
    this.polling = round().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async pollAll(getAction: (id: number) => Promise<HcloudAction>, now: Date): Promise<EndedAction[]> {
    const ended: EndedAction[] = [];
    for (const tracked of [...this.running.values()]) {
      if (now.getTime() - tracked.startedAt.getTime() > GIVE_UP_AFTER_MS) {
        this.running.delete(tracked.actionId);
        continue;
      }
      let action: HcloudAction;
      try {
        action = await getAction(tracked.actionId);
      } catch (err) {
        // A gone action will never report again; anything else (network, rate limit) is retried next round.
        if (isHcloudError(err, 'not_found')) this.running.delete(tracked.actionId);
        continue;
      }
      tracked.progress = action.progress;
      if (action.status === 'running') continue;
      this.running.delete(tracked.actionId);
      const ok = action.status === 'success';
      const message = ok ? null : describeHcloudError(new HcloudActionFailedError(action));
      if (message) this.failures.push({ serverId: tracked.serverId, at: now, message });
      ended.push({ tracked, ok, message });
    }
    while (this.failures.length > 20) this.failures.shift();
    return ended;
  }
}
