// The snapshot_list_cache table behind a small class: the last list of this server's snapshots, when it was
// fetched, the last error, and the rarely refreshed prices and server details. Nothing here talks to Hetzner.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { HcloudImage } from '../hcloud';
import { SnapshotListCache } from './snapshot-list-cache.entity';
import type { PricingInfo, ServerInfo } from './snapshot-pricing';

/**
 * Marks the cached list stale, so the next page view fetches it again. Other parts of the plugin (the
 * scheduler, CLI commands) call this after changing snapshots themselves.
 */
export async function markSnapshotListStale(
  repo: Repository<SnapshotListCache>,
  serverId: number,
): Promise<void> {
  await repo.update({ serverId }, { fetchedAt: null });
}

export interface CachedSnapshotList {
  serverId: number;
  /** This server's snapshots, newest first, as Hetzner returned them. */
  images: HcloudImage[];
  /** NULL: never fetched, or marked stale. */
  fetchedAt: Date | null;
  /** When `images` was fetched; NULL only when it never was. */
  listedAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  pricing: PricingInfo | null;
  server: ServerInfo | null;
  detailsFetchedAt: Date | null;
}

@Injectable()
export class SnapshotListStore {
  // Parsing thousands of images on every view would cost more than reading them; the text is the key.
  private parsed: { raw: string; images: HcloudImage[] } | null = null;

  constructor(@InjectRepository(SnapshotListCache) private readonly repo: Repository<SnapshotListCache>) {}

  async read(serverId: number): Promise<CachedSnapshotList | null> {
    const row = await this.repo.findOneBy({ serverId });
    if (!row) return null;
    return {
      serverId,
      images: this.parseImages(row.imagesJson),
      fetchedAt: row.fetchedAt,
      listedAt: row.listedAt,
      lastError: row.lastError,
      lastErrorAt: row.lastErrorAt,
      pricing: parseJson<PricingInfo>(row.pricingJson),
      server: parseJson<ServerInfo>(row.serverJson),
      detailsFetchedAt: row.pricingFetchedAt,
    };
  }

  /** A complete, fresh list. `stale` keeps it marked for another refresh (something changed meanwhile). */
  async saveListing(
    serverId: number,
    images: HcloudImage[],
    at: Date,
    opts: { stale: boolean },
  ): Promise<void> {
    const row = (await this.repo.findOneBy({ serverId })) ?? this.blank(serverId);
    row.imagesJson = JSON.stringify(images);
    row.listedAt = at;
    row.fetchedAt = opts.stale ? null : at;
    row.lastError = null;
    row.lastErrorAt = null;
    await this.repo.save(row);
  }

  /** A failed refresh: the last list stays as it was, with the message a person can act on. */
  async saveFailure(serverId: number, message: string, at: Date): Promise<void> {
    const row = (await this.repo.findOneBy({ serverId })) ?? this.blank(serverId);
    row.lastError = message;
    row.lastErrorAt = at;
    await this.repo.save(row);
  }

  async saveDetails(
    serverId: number,
    details: { pricing: PricingInfo | null; server: ServerInfo | null },
    at: Date,
  ): Promise<void> {
    const row = (await this.repo.findOneBy({ serverId })) ?? this.blank(serverId);
    if (details.pricing) row.pricingJson = JSON.stringify(details.pricing);
    if (details.server) row.serverJson = JSON.stringify(details.server);
    row.pricingFetchedAt = at;
    await this.repo.save(row);
  }

  markStale(serverId: number): Promise<void> {
    return markSnapshotListStale(this.repo, serverId);
  }

  private blank(serverId: number): SnapshotListCache {
    return this.repo.create({
      serverId,
      imagesJson: '[]',
      fetchedAt: null,
      listedAt: null,
      lastError: null,
      lastErrorAt: null,
      pricingJson: null,
      pricingFetchedAt: null,
      serverJson: null,
    });
  }

  private parseImages(raw: string): HcloudImage[] {
    if (this.parsed?.raw === raw) return this.parsed.images;
    const images = parseJson<HcloudImage[]>(raw) ?? [];
    this.parsed = { raw, images: Array.isArray(images) ? images : [] };
    return this.parsed.images;
  }
}

function parseJson<T>(raw: string | null): T | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}
