import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Restore drills: one row per drill (drill_runs) and the drill settings (drill_settings, one row); and what the
 * panel learned about the project's limits when Hetzner refused a create (project_limits, one row per resource).
 */
export class RestoreDrills1764600000100 implements MigrationInterface {
  name = 'RestoreDrills1764600000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "drill_runs" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "trigger" varchar(20) NOT NULL,
      "actor" varchar(120) NOT NULL,
      "status" varchar(20) NOT NULL,
      "step" varchar(20) NOT NULL,
      "image_id" integer NOT NULL,
      "image_size_gb" real,
      "panel_server_id" integer NOT NULL,
      "server_type" varchar(40) NOT NULL,
      "location" varchar(40) NOT NULL,
      "port" integer,
      "estimated_minutes" integer NOT NULL,
      "estimated_cost" real NOT NULL,
      "hourly_price" real NOT NULL,
      "currency" varchar(8) NOT NULL,
      "started_at" datetime NOT NULL,
      "drill_server_id" integer,
      "server_created_at" datetime,
      "running_at" datetime,
      "boot_seconds" integer,
      "port_result" varchar(10),
      "server_deleted_at" datetime,
      "finished_at" datetime,
      "cost" real,
      "error_message" text,
      "request_count" integer NOT NULL DEFAULT (0))`);
    await q.query(`CREATE INDEX "IDX_drill_runs_status" ON "drill_runs" ("status")`);
    await q.query(`CREATE INDEX "IDX_drill_runs_image_id" ON "drill_runs" ("image_id")`);
    await q.query(`CREATE INDEX "IDX_drill_runs_started_at" ON "drill_runs" ("started_at")`);
    await q.query(`CREATE INDEX "IDX_drill_runs_drill_server_id" ON "drill_runs" ("drill_server_id")`);
    await q.query(`CREATE TABLE "drill_settings" (
      "id" integer PRIMARY KEY NOT NULL,
      "port" integer CHECK ("port" IS NULL OR ("port" BETWEEN 1 AND 65535)),
      "schedule" varchar(20) NOT NULL CHECK ("schedule" IN ('off', 'weekly', 'monthly')),
      "updated_at" datetime NOT NULL)`);
    await q.query(`CREATE TABLE "project_limits" (
      "resource" varchar(20) PRIMARY KEY NOT NULL,
      "refused_at" datetime NOT NULL,
      "limit_value" integer,
      "count_at_refusal" integer,
      "message" text NOT NULL)`);
    // Off by default: a drill costs money and the port may sit behind a firewall.
    await q.query(
      `INSERT INTO "drill_settings" ("id", "port", "schedule", "updated_at") VALUES (1, NULL, 'off', datetime('now'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "project_limits"`);
    await q.query(`DROP TABLE "drill_settings"`);
    await q.query(`DROP INDEX "IDX_drill_runs_drill_server_id"`);
    await q.query(`DROP INDEX "IDX_drill_runs_started_at"`);
    await q.query(`DROP INDEX "IDX_drill_runs_image_id"`);
    await q.query(`DROP INDEX "IDX_drill_runs_status"`);
    await q.query(`DROP TABLE "drill_runs"`);
  }
}
