import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two-factor sign-in (encrypted TOTP secret, last used time step, hashed recovery codes), the half-signed-in
 * state between password and code, each admin's last sign-in and known addresses, and the host's audit trail.
 */
export class HostTwoFactorAndSignIns1764590400000 implements MigrationInterface {
  name = 'HostTwoFactorAndSignIns1764590400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "admins" ADD COLUMN "last_sign_in_at" datetime`);
    await q.query(`ALTER TABLE "admins" ADD COLUMN "totp_secret" text`);
    await q.query(`ALTER TABLE "admins" ADD COLUMN "totp_pending_secret" text`);
    await q.query(`ALTER TABLE "admins" ADD COLUMN "totp_enabled_at" datetime`);
    await q.query(`ALTER TABLE "admins" ADD COLUMN "totp_last_step" integer`);
    await q.query(`CREATE TABLE "recovery_codes" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "admin_id" integer NOT NULL,
      "code_hash" varchar(64) NOT NULL,
      CONSTRAINT "FK_recovery_codes_admin" FOREIGN KEY ("admin_id") REFERENCES "admins" ("id") ON DELETE CASCADE)`);
    await q.query(`CREATE INDEX "IDX_recovery_codes_admin" ON "recovery_codes" ("admin_id")`);
    await q.query(`CREATE TABLE "pending_sign_ins" (
      "token_hash" varchar(64) PRIMARY KEY NOT NULL,
      "admin_id" integer NOT NULL,
      "binding_hash" varchar(64) NOT NULL,
      "address" varchar(100) NOT NULL,
      "expires_at" datetime NOT NULL,
      CONSTRAINT "FK_pending_sign_ins_admin" FOREIGN KEY ("admin_id") REFERENCES "admins" ("id") ON DELETE CASCADE)`);
    await q.query(`CREATE TABLE "admin_addresses" (
      "admin_id" integer NOT NULL,
      "address" varchar(100) NOT NULL,
      "first_seen_at" datetime NOT NULL,
      "last_seen_at" datetime NOT NULL,
      PRIMARY KEY ("admin_id", "address"),
      CONSTRAINT "FK_admin_addresses_admin" FOREIGN KEY ("admin_id") REFERENCES "admins" ("id") ON DELETE CASCADE)`);
    await q.query(`CREATE TABLE "host_audit_entries" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "at" datetime NOT NULL,
      "actor" varchar(100) NOT NULL,
      "action" varchar(64) NOT NULL,
      "detail" text NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "host_audit_entries"`);
    await q.query(`DROP TABLE "admin_addresses"`);
    await q.query(`DROP TABLE "pending_sign_ins"`);
    await q.query(`DROP INDEX "IDX_recovery_codes_admin"`);
    await q.query(`DROP TABLE "recovery_codes"`);
    for (const column of [
      'totp_last_step',
      'totp_enabled_at',
      'totp_pending_secret',
      'totp_secret',
      'last_sign_in_at',
    ])
      await q.query(`ALTER TABLE "admins" DROP COLUMN "${column}"`);
  }
}
