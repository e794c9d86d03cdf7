import { MigrationInterface, QueryRunner } from 'typeorm';

/** The snapshot plugin's tables: settings, audit trail, cached snapshot list, cycle runs, leases. */
export class HetznerSnapshotsInitial1763852400001 implements MigrationInterface {
  name = 'HetznerSnapshotsInitial1763852400001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "panel_settings" (
      "id" integer PRIMARY KEY NOT NULL,
      "token_encrypted" text,
      "token_last4" varchar(4),
      "token_saved_at" datetime,
      "token_checked_at" datetime,
      "token_check_result" varchar(32),
      "schedule_enabled" boolean NOT NULL,
      "frequency" varchar(200) NOT NULL,
      "retention_days" integer NOT NULL,
      "keep_min" integer NOT NULL,
      "retention_tiers" text,
      "webhook_url" varchar(2000),
      "updated_at" datetime NOT NULL)`);
    // Defaults a new install starts from: four snapshots a day, kept a week, never fewer than three.
    await q.query(
      `INSERT INTO "panel_settings" ("id", "schedule_enabled", "frequency", "retention_days", "keep_min", "updated_at")
       VALUES (1, 0, '6h', 7, 3, datetime('now'))`,
    );
    await q.query(`CREATE TABLE "audit_entries" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "at" datetime NOT NULL,
      "actor" varchar(100) NOT NULL,
      "action" varchar(100) NOT NULL,
      "changes" text NOT NULL)`);
    await q.query(`CREATE INDEX "IDX_audit_entries_at" ON "audit_entries" ("at")`);
    await q.query(`CREATE TABLE "snapshot_list_cache" (
      "server_id" integer PRIMARY KEY NOT NULL,
      "images_json" text NOT NULL,
      "fetched_at" datetime,
      "last_error" text,
      "last_error_at" datetime,
      "pricing_json" text,
      "pricing_fetched_at" datetime,
      "server_json" text)`);
    await q.query(`CREATE TABLE "cycle_runs" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "trigger" varchar(20) NOT NULL,
      "status" varchar(20) NOT NULL,
      "phase" varchar(20) NOT NULL,
      "started_at" datetime NOT NULL,
      "finished_at" datetime,
      "server_id" integer,
      "image_id" integer,
      "action_id" integer,
      "deleted" text NOT NULL DEFAULT ('[]'),
      "prune_note" text,
      "error_code" varchar(100),
      "error_message" text,
      "request_count" integer NOT NULL DEFAULT (0),
      "hooks_json" text)`);
    await q.query(`CREATE INDEX "IDX_cycle_runs_status" ON "cycle_runs" ("status")`);
    await q.query(`CREATE INDEX "IDX_cycle_runs_started_at" ON "cycle_runs" ("started_at")`);
    await q.query(`CREATE TABLE "leases" (
      "name" varchar(100) PRIMARY KEY NOT NULL,
      "owner" varchar(200) NOT NULL,
      "acquired_at" datetime NOT NULL,
      "expires_at" datetime NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "leases"`);
    await q.query(`DROP INDEX "IDX_cycle_runs_started_at"`);
    await q.query(`DROP INDEX "IDX_cycle_runs_status"`);
    await q.query(`DROP TABLE "cycle_runs"`);
    await q.query(`DROP TABLE "snapshot_list_cache"`);
    await q.query(`DROP INDEX "IDX_audit_entries_at"`);
    await q.query(`DROP TABLE "audit_entries"`);
    await q.query(`DROP TABLE "panel_settings"`);
  }
}
