import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the cached snapshot list was actually fetched. `fetched_at` doubles as the "stale" marker (others set
 * it to NULL after their own changes), so without this column a failed refresh could no longer say how old
 * the list it shows is.
 */
export class SnapshotListListedAt1763900000400 implements MigrationInterface {
  name = 'SnapshotListListedAt1763900000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "snapshot_list_cache" ADD COLUMN "listed_at" datetime`);
    await q.query(`UPDATE "snapshot_list_cache" SET "listed_at" = "fetched_at"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "snapshot_list_cache" DROP COLUMN "listed_at"`);
  }
}
