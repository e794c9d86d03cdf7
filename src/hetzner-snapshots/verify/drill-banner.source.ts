// A failed drill is loud: while the newest finished drill failed, every page carries a banner to its record.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { HetznerSnapshotsBanner as Banner } from '../status/layout-contribution';
import {
  HETZNER_SNAPSHOTS_OPTIONS,
  HetznerSnapshotsModuleOptions,
  pagePath,
} from '../hetzner-snapshots.options';
import { PanelLayoutContributor } from '../status/panel-layout.contributor';
import { DrillRunStore } from './drill-run.store';

@Injectable()
export class DrillBannerSource implements OnModuleInit {
  constructor(
    private readonly layout: PanelLayoutContributor,
    private readonly store: DrillRunStore,
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
  ) {}

  onModuleInit(): void {
    this.layout.addBannerSource(() => this.banners());
  }

  async banners(): Promise<Banner[]> {
    const latest = await this.store.latestFinished();
    if (!latest || latest.status !== 'failed') return [];
    return [
      {
        kind: 'error',
        message: `The last restore drill FAILED (snapshot ${latest.imageId}): ${latest.errorMessage ?? 'no reason recorded'}`,
        href: pagePath(this.options.routePrefix, `/drills/${latest.id}`),
        linkText: 'See the drill',
      },
    ];
  }
}
