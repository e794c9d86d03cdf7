// Owns two-factor sign-in for admins: a secret shown once as a QR code, confirmed with a first code, then
// kept encrypted (never shown again); ten one-time recovery codes stored as hashes; checking a code at
// sign-in (throttled, and a code is never accepted twice); turning it off, and the console's reset.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { CLOCK, Clock } from '../../clock/clock';
import { SECRET_KEYS, SecretKeys } from '../../secrets/secret-keys';
import { Admin } from './admin.entity';
import { atomically, sqliteTime } from './atomic-sqlite';
import { AuthError } from './auth.error';
import { HostAuditStore } from './host-audit.store';
import { describeWait } from './login-throttle.policy';
import { LoginThrottleStore } from './login-throttle.store';
import { throttleKeys } from './throttle-keys';
import {
  decryptTotpSecret,
  encryptTotpSecret,
  hashRecoveryCode,
  looksLikeRecoveryCode,
  matchTotpStep,
  newRecoveryCodes,
  newTotpSecret,
  TotpSecretUnreadableError,
  totpUri,
} from './totp';
import { PendingSignIn, RecoveryCode } from './two-factor.entities';

export interface TwoFactorSetup {
  /** The secret in base32, for typing into an app that cannot scan; shown only until confirmed. */
  secret: string;
  /** An inline SVG drawn here: no external QR service, nothing but markup. */
  qrSvg: string;
}

@Injectable()
export class TwoFactorService {
  private readonly logger = new Logger('TwoFactor');

  constructor(
    @InjectRepository(Admin) private readonly admins: Repository<Admin>,
    @InjectRepository(RecoveryCode) private readonly recovery: Repository<RecoveryCode>,
    @InjectRepository(PendingSignIn) private readonly pending: Repository<PendingSignIn>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly throttles: LoginThrottleStore,
    private readonly audit: HostAuditStore,
    @Inject(SECRET_KEYS) private readonly keys: SecretKeys,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A new secret waiting for its first code; replaces one that was never confirmed. */
  async begin(adminId: number): Promise<void> {
    const admin = await this.admins.findOneByOrFail({ id: adminId });
    if (admin.totpSecret) throw new AuthError('two-factor-on', 'Two-factor sign-in is already on.');
    await this.admins.update(
      { id: adminId },
      { totpPendingSecret: encryptTotpSecret(newTotpSecret(), this.keys.twoFactorEncryption) },
    );
  }

  /** What the setup step shows; null when no setup is under way. */
  async pendingSetup(admin: Admin): Promise<TwoFactorSetup | null> {
    if (admin.totpSecret || !admin.totpPendingSecret) return null;
    let secret: string;
    try {
      secret = decryptTotpSecret(admin.totpPendingSecret, this.keys.twoFactorEncryption);
    } catch (err) {
      // The key changed since setup began: the admin simply starts again.
      if (err instanceof TotpSecretUnreadableError) return null;
      throw err;
    }
    // Loaded only while an admin sets up two-factor sign-in: idle memory is measured (bench/README).
    const QRCode = await import('qrcode');
    const qrSvg = await QRCode.toString(totpUri(secret, admin.username), {
      type: 'svg',
      margin: 2,
      errorCorrectionLevel: 'M',
    });
    return { secret, qrSvg };
  }

  /** The first code turns it on; returns the recovery codes, to be shown this once. */
  async confirm(admin: Admin, code: string): Promise<string[]> {
    if (admin.totpSecret) throw new AuthError('two-factor-on', 'Two-factor sign-in is already on.');
    if (!admin.totpPendingSecret)
      throw new AuthError('two-factor-off', 'Start the setup again: no two-factor setup is under way.');
    const secret = decryptTotpSecret(admin.totpPendingSecret, this.keys.twoFactorEncryption);
    const step = this.claimed(admin, () => matchTotpStep(secret, code.trim(), this.clock.now()));
    const codes = newRecoveryCodes();
    atomically(this.dataSource, (db) => {
      db.prepare(
        `UPDATE "admins" SET "totp_secret" = "totp_pending_secret", "totp_pending_secret" = NULL,
           "totp_enabled_at" = ?, "totp_last_step" = ? WHERE "id" = ?`,
      ).run(sqliteTime(this.clock.now()), step, admin.id);
      db.prepare(`DELETE FROM "recovery_codes" WHERE "admin_id" = ?`).run(admin.id);
      const insert = db.prepare(`INSERT INTO "recovery_codes" ("admin_id", "code_hash") VALUES (?, ?)`);
      for (const c of codes) insert.run(admin.id, hashRecoveryCode(c));
    });
    await this.audit.record(`admin:${admin.username}`, 'two-factor.enabled', 'two-factor sign-in turned on');
    return codes;
  }

  /** The sign-in code step: a TOTP code for a step newer than any used before, or an unused recovery code. */
  async verifySignInCode(admin: Admin, code: string): Promise<void> {
    const given = code.trim();
    this.claimed(admin, () => {
      if (/^\d{6}$/.test(given)) {
        const step = matchTotpStep(this.signInSecret(admin), given, this.clock.now());
        if (step === null) return null;
        // One statement: of two requests with the same code, only one moves the step forward.
        const moved = atomically(this.dataSource, (db) =>
          db
            .prepare(
              `UPDATE "admins" SET "totp_last_step" = ? WHERE "id" = ? AND ("totp_last_step" IS NULL OR "totp_last_step" < ?)`,
            )
            .run(step, admin.id, step),
        ).changes;
        return moved === 1 ? step : null;
      }
      if (!looksLikeRecoveryCode(given)) return null;
      const used = atomically(this.dataSource, (db) =>
        db
          .prepare(`DELETE FROM "recovery_codes" WHERE "admin_id" = ? AND "code_hash" = ?`)
          .run(admin.id, hashRecoveryCode(given)),
      ).changes;
      if (used === 1) this.logger.warn(`admin "${admin.username}" signed in with a recovery code`);
      return used === 1 ? 0 : null;
    });
  }

  /** The confirmed secret; a key that changed since setup leaves the recovery codes and `reset-2fa`. */
  private signInSecret(admin: Admin): string {
    try {
      return decryptTotpSecret(admin.totpSecret!, this.keys.twoFactorEncryption);
    } catch (err) {
      if (!(err instanceof TotpSecretUnreadableError)) throw err;
      this.logger.error(`the two-factor secret of "${admin.username}" cannot be decrypted: ${err.message}`);
      throw new AuthError(
        'invalid-code',
        `${err.message} Use a recovery code, or on the server run: snapshot-panel admin reset-2fa --username ${admin.username}`,
      );
    }
  }

  /**
   * Runs a code check under the admin's code throttle (claimed before the check); the check's result when
   * right, a coded error when wrong or throttled.
   */
  private claimed(admin: Admin, check: () => number | null): number {
    const keys = [throttleKeys.twoFactorCodes(admin.id)];
    const claim = this.throttles.claim(keys, this.clock.now());
    if (!claim.allowed) throw new AuthError('throttled', describeWait(claim.waitMs, 'codes'));
    const result = check();
    if (result !== null) {
      this.throttles.succeeded({ reset: keys, giveBack: [] });
      return result;
    }
    this.logger.warn(`wrong two-factor code for "${admin.username}"`);
    if (claim.waitMs > 0) throw new AuthError('throttled', describeWait(claim.waitMs, 'codes'));
    throw new AuthError(
      'invalid-code',
      'That code is not right, or was already used. Enter the current code from your app, or a recovery code.',
    );
  }

  async unusedRecoveryCodes(adminId: number): Promise<number> {
    return this.recovery.countBy({ adminId });
  }

  /** Off, from the account page (after the current password) or the console (`admin reset-2fa`). */
  async disable(admin: Admin, actor: string, how: 'disabled' | 'reset'): Promise<boolean> {
    const wasOn = admin.totpSecret !== null || admin.totpPendingSecret !== null;
    await this.admins.update(
      { id: admin.id },
      { totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null },
    );
    await this.recovery.delete({ adminId: admin.id });
    await this.pending.delete({ adminId: admin.id });
    this.throttles.clear({ keys: [throttleKeys.twoFactorCodes(admin.id)] });
    if (wasOn)
      await this.audit.record(
        actor,
        how === 'reset' ? 'two-factor.reset' : 'two-factor.disabled',
        `two-factor sign-in of "${admin.username}" turned off`,
      );
    return wasOn;
  }
}
