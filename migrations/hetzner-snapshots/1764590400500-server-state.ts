import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * server_state: whether the one-time server-label backfill has completed (until then retention keeps the wide,
 * created_from-filtered listing) and the server's cached name. cycle_runs.snapshot_ms: how long each confirmed
 * snapshot took, by Hetzner's action times, so the cycle places its first poll near the expected end.
 */
export class ServerState1764590400500 implements MigrationInterface {
  name = 'ServerState1764590400500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "server_state" (
      "server_id" integer PRIMARY KEY NOT NULL,
      "labels_backfilled_at" datetime,
      "labels_backfill_count" integer NOT NULL DEFAULT (0),
      "server_name" varchar(255),
      "server_name_at" datetime)`);
    await q.query(`ALTER TABLE "cycle_runs" ADD COLUMN "snapshot_ms" integer`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "cycle_runs" DROP COLUMN "snapshot_ms"`);
    await q.query(`DROP TABLE "server_state"`);
  }
}
