import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last list of this server's snapshots fetched from Hetzner, so page views do not spend the API budget. */
@Entity('snapshot_list_cache')
export class SnapshotListCache {
  @PrimaryColumn({ name: 'server_id', type: 'integer' }) serverId!: number;
  /** JSON array of HcloudImage as Hetzner returned them */
  @Column({ name: 'images_json', type: 'text' }) imagesJson!: string;
  /** When the list was last fetched; NULL marks it stale (see markSnapshotListStale), so it is refreshed on the next view. */
  @Column({ name: 'fetched_at', type: 'datetime', nullable: true }) fetchedAt!: Date | null;
  /** When images_json was fetched; never cleared, so a stale list can still say how old it is. */
  @Column({ name: 'listed_at', type: 'datetime', nullable: true }) listedAt!: Date | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError!: string | null;
  @Column({ name: 'last_error_at', type: 'datetime', nullable: true }) lastErrorAt!: Date | null;
  /** JSON {pricePerGbMonth, currency, serverMonthly} from GET /pricing, refreshed rarely */
  @Column({ name: 'pricing_json', type: 'text', nullable: true }) pricingJson!: string | null;
  @Column({ name: 'pricing_fetched_at', type: 'datetime', nullable: true }) pricingFetchedAt!: Date | null;
  /** JSON of the server as last seen (name, server_type, status) */
  @Column({ name: 'server_json', type: 'text', nullable: true }) serverJson!: string | null;
}
