import { Inject, Injectable } from '@nestjs/common';
import type {
  HetznerSnapshotsBanner as Banner,
  HetznerSnapshotsLayoutContribution,
  HetznerSnapshotsNavItem as NavItem,
} from './layout-contribution';
import {
  HETZNER_SNAPSHOTS_OPTIONS,
  HetznerSnapshotsModuleOptions,
  pagePath,
} from '../hetzner-snapshots.options';

export type BannerSource = () => Promise<Banner[]>;

/**
 * The plugin's part of the host layout: its navigation, and warnings for every page collected from the
 * feature folders (each registers a source on start, so this file does not depend on them).
 */
@Injectable()
export class PanelLayoutContributor implements HetznerSnapshotsLayoutContribution {
  private readonly sources: BannerSource[] = [];

  constructor(@Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions) {}

  addBannerSource(source: BannerSource): void {
    this.sources.push(source);
  }

  navItems(): NavItem[] {
    const p = (path: string) => pagePath(this.options.routePrefix, path);
    return [
      { label: 'Snapshots', href: p('/snapshots') },
      { label: 'History', href: p('/history') },
      { label: 'Drills', href: p('/drills') },
      { label: 'Settings', href: p('/settings') },
    ];
  }

  async banners(): Promise<Banner[]> {
    const all = await Promise.all(this.sources.map((s) => s().catch(() => [] as Banner[])));
    return all.flat();
  }
}
