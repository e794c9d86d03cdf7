/**
 * What the plugin adds to its host's layout: navigation entries and warnings for every page. The host asks
 * for it by the HETZNER_SNAPSHOTS_LAYOUT token and renders it in its own markup.
 */
export interface HetznerSnapshotsNavItem {
  label: string;
  href: string;
}

export interface HetznerSnapshotsBanner {
  kind: 'warning' | 'error' | 'info';
  message: string;
  href?: string;
  linkText?: string;
}

export interface HetznerSnapshotsLayoutContribution {
  navItems(): HetznerSnapshotsNavItem[];
  banners(): Promise<HetznerSnapshotsBanner[]>;
}
