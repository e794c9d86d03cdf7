import { MigrationInterface, QueryRunner } from 'typeorm';

/** The standalone host's tables: admins, their sessions, login throttling and small host facts. */
export class HostInitial1763852400000 implements MigrationInterface {
  name = 'HostInitial1763852400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "admins" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "username" varchar(64) NOT NULL,
      "password_hash" varchar NOT NULL,
      "created_at" datetime NOT NULL,
      "password_changed_at" datetime NOT NULL,
      CONSTRAINT "UQ_admins_username" UNIQUE ("username"))`);
    await q.query(`CREATE TABLE "sessions" (
      "token_hash" varchar(64) PRIMARY KEY NOT NULL,
      "admin_id" integer NOT NULL,
      "created_at" datetime NOT NULL,
      "last_seen_at" datetime NOT NULL,
      "expires_at" datetime NOT NULL,
      CONSTRAINT "FK_sessions_admin" FOREIGN KEY ("admin_id") REFERENCES "admins" ("id") ON DELETE CASCADE)`);
    await q.query(`CREATE INDEX "IDX_sessions_admin" ON "sessions" ("admin_id")`);
    await q.query(`CREATE TABLE "login_throttle" (
      "key" varchar(200) PRIMARY KEY NOT NULL,
      "failures" integer NOT NULL,
      "first_failure_at" datetime NOT NULL,
      "locked_until" datetime)`);
    await q.query(`CREATE TABLE "host_state" (
      "key" varchar(100) PRIMARY KEY NOT NULL,
      "value" text NOT NULL,
      "updated_at" datetime NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "host_state"`);
    await q.query(`DROP TABLE "login_throttle"`);
    await q.query(`DROP INDEX "IDX_sessions_admin"`);
    await q.query(`DROP TABLE "sessions"`);
    await q.query(`DROP TABLE "admins"`);
  }
}
