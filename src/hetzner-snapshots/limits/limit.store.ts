// The only reader and writer of `project_limits`: what the panel learned when Hetzner refused a create for a
// project limit, so it can warn before the next refusal instead of after it.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import {
  describeLimitError,
  isLimitError,
  LimitedResource,
  LimitWarning,
  limitsOf,
  nearLimitWarning,
} from './limit.rules';
import { ProjectLimit } from './project-limit.entity';

@Injectable()
export class LimitStore {
  constructor(@InjectRepository(ProjectLimit) private readonly limits: Repository<ProjectLimit>) {}

  /** Records a limit refusal (and ignores any other error): one row per resource, the latest wins. */
  async learn(
    err: unknown,
    opts: { resource: LimitedResource; count: number | null; at: Date },
  ): Promise<void> {
    if (!isLimitError(err)) return;
    const limit = limitsOf(err).find((l) => l.limit !== null)?.limit ?? null;
    await this.limits.save({
      resource: opts.resource,
      refusedAt: opts.at,
      limitValue: limit,
      countAtRefusal: opts.count,
      message: describeLimitError(err, opts.resource),
    });
  }

  /** The limit as the panel knows it: the error's number, else the count when it was refused; null if never. */
  async knownLimit(resource: LimitedResource): Promise<{ limit: number | null; refusedAt: Date } | null> {
    const row = await this.limits.findOneBy({ resource });
    return row ? { limit: row.limitValue ?? row.countAtRefusal, refusedAt: row.refusedAt } : null;
  }

  /**
   * A warning for the snapshots page and the restore checks: null while far from the known limit. A refusal
   * recorded without a count (the cycle does not list before it creates) takes the first count seen after it:
   * nothing is pruned to make room, so until someone deletes snapshots by hand it is the count at refusal.
   */
  async snapshotWarning(count: number): Promise<LimitWarning | null> {
    const row = await this.limits.findOneBy({ resource: 'snapshot' });
    if (!row) return null;
    if (row.limitValue === null && row.countAtRefusal === null) {
      await this.limits.update({ resource: 'snapshot', countAtRefusal: IsNull() }, { countAtRefusal: count });
      row.countAtRefusal = count;
    }
    return nearLimitWarning({ count, knownLimit: row.limitValue ?? row.countAtRefusal });
  }
}
