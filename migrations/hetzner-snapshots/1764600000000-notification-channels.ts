import { MigrationInterface, QueryRunner } from 'typeorm';

const ALL_EVENTS =
  'cycle.failed,snapshots.overdue,token.rejected,limit.reached,drill.failed,retention.blocked';

/**
 * Notification channels, their events, deliveries (queue and record) and the state of each problem. The
 * single webhook of panel_settings becomes the first channel (generic JSON, as it was, now for every event);
 * the column is emptied, not dropped, so down() can put it back and panel_settings keeps one owner.
 */
export class NotificationChannels1764600000000 implements MigrationInterface {
  name = 'NotificationChannels1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "notification_channels" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "name" varchar(100) NOT NULL,
      "kind" varchar(20) NOT NULL,
      "format" varchar(20) NOT NULL,
      "enabled" boolean NOT NULL,
      "events" text NOT NULL,
      "url" varchar(2000),
      "email_json" text,
      "secret_encrypted" text,
      "created_at" datetime NOT NULL,
      "updated_at" datetime NOT NULL)`);
    await q.query(`CREATE TABLE "notification_events" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "kind" varchar(40) NOT NULL,
      "event" varchar(60) NOT NULL,
      "phase" varchar(20) NOT NULL,
      "severity" varchar(20) NOT NULL,
      "title" text NOT NULL,
      "message_json" text NOT NULL,
      "created_at" datetime NOT NULL)`);
    await q.query(
      `CREATE INDEX "IDX_notification_events_created_at" ON "notification_events" ("created_at")`,
    );
    await q.query(`CREATE TABLE "notification_deliveries" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "event_id" integer NOT NULL,
      "channel_id" integer NOT NULL,
      "channel_name" varchar(100) NOT NULL,
      "status" varchar(20) NOT NULL,
      "attempts" integer NOT NULL DEFAULT (0),
      "failed_attempts" integer NOT NULL DEFAULT (0),
      "next_attempt_at" datetime,
      "last_attempt_at" datetime,
      "last_error" text,
      "created_at" datetime NOT NULL,
      "finished_at" datetime)`);
    await q.query(
      `CREATE INDEX "IDX_notification_deliveries_event_id" ON "notification_deliveries" ("event_id")`,
    );
    await q.query(
      `CREATE INDEX "IDX_notification_deliveries_channel_id" ON "notification_deliveries" ("channel_id")`,
    );
    await q.query(
      `CREATE INDEX "IDX_notification_deliveries_status" ON "notification_deliveries" ("status")`,
    );
    await q.query(
      `CREATE INDEX "IDX_notification_deliveries_next_attempt_at" ON "notification_deliveries" ("next_attempt_at")`,
    );
    await q.query(`CREATE TABLE "notification_conditions" (
      "kind" varchar(40) PRIMARY KEY NOT NULL,
      "active" boolean NOT NULL,
      "since" datetime,
      "notified_at" datetime,
      "last_sent_at" datetime,
      "detail" text)`);
    // The webhook as it was: generic JSON, no signature. Failures and recoveries were all it heard; it now
    // hears every problem, which is what an admin who set it wanted.
    await q.query(
      `INSERT INTO "notification_channels" ("name", "kind", "format", "enabled", "events", "url", "created_at", "updated_at")
       SELECT 'Webhook', 'webhook', 'generic', 1, ?, "webhook_url", datetime('now'), datetime('now')
       FROM "panel_settings" WHERE "id" = 1 AND "webhook_url" IS NOT NULL AND trim("webhook_url") <> ''`,
      [ALL_EVENTS],
    );
    await q.query(`UPDATE "panel_settings" SET "webhook_url" = NULL WHERE "id" = 1`);
    // A failure already announced by the old webhook stays announced: the next success says "recovered".
    await q.query(
      `INSERT INTO "notification_conditions" ("kind", "active", "since", "notified_at", "last_sent_at", "detail")
       SELECT 'cycle.failed', 1, "finished_at", "finished_at", "finished_at", "error_message" FROM "cycle_runs"
       WHERE "id" = (SELECT "id" FROM "cycle_runs" WHERE "trigger" <> 'prune' AND "status" <> 'running'
                     ORDER BY "started_at" DESC, "id" DESC LIMIT 1)
         AND "status" <> 'succeeded'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // The oldest generic webhook goes back where the single webhook lived; other channels cannot.
    await q.query(
      `UPDATE "panel_settings" SET "webhook_url" = (
         SELECT "url" FROM "notification_channels" WHERE "kind" = 'webhook' AND "format" = 'generic' AND "enabled" = 1
         ORDER BY "id" LIMIT 1)
       WHERE "id" = 1`,
    );
    await q.query(`DROP TABLE "notification_conditions"`);
    await q.query(`DROP TABLE "notification_deliveries"`);
    await q.query(`DROP TABLE "notification_events"`);
    await q.query(`DROP TABLE "notification_channels"`);
  }
}
