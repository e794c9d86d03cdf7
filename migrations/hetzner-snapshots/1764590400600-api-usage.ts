import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * api_usage: Hetzner requests per minute made by every process of this panel, so `doctor` and the snapshots
 * page can say what the panel spent in the last hour. api_budget: the RateLimit-* headers last seen, so
 * background work can wait while the project's shared budget is low.
 */
export class ApiUsage1764590400600 implements MigrationInterface {
  name = 'ApiUsage1764590400600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "api_usage" (
      "minute" integer PRIMARY KEY NOT NULL,
      "requests" integer NOT NULL DEFAULT (0))`);
    await q.query(`CREATE TABLE "api_budget" (
      "id" integer PRIMARY KEY NOT NULL,
      "limit_total" integer NOT NULL,
      "remaining" integer NOT NULL,
      "reset_at" datetime NOT NULL,
      "seen_at" datetime NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "api_budget"`);
    await q.query(`DROP TABLE "api_usage"`);
  }
}
