/** What a plugin adds to the host's layout: navigation entries and warnings shown on every page. */
export interface NavItem {
  label: string;
  href: string;
}

export interface Banner {
  kind: 'warning' | 'error' | 'info';
  message: string;
  href?: string;
  linkText?: string;
}

export interface LayoutContributor {
  navItems(): NavItem[];
  banners(): Promise<Banner[]>;
}

export const LAYOUT_CONTRIBUTORS = Symbol('LAYOUT_CONTRIBUTORS');
