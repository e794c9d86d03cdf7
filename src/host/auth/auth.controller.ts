import { Body, Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { validateForm } from '../../forms/form-validation';
// The one way the panel writes a time (server time zone with its abbreviation), shared with the plugin's pages.
import { formatPanelTime } from '../../hetzner-snapshots/time/panel-time.format';
import { setFlash } from '../web/flash';
import { Public } from '../web/public.decorator';
import { CSRF_COOKIE, PanelRequest, PENDING_COOKIE, SESSION_COOKIE } from '../web/request-context';
import { Admin } from './admin.entity';
import { AuthError, AuthService, SignedIn } from './auth.service';
import {
  ChangePasswordDto,
  DisableTwoFactorDto,
  LoginDto,
  SecondFactorDto,
  SetupDto,
} from './credentials.dto';
import { HostAuditStore } from './host-audit.store';
import { TwoFactorService } from './two-factor.service';

const BARE = 'layouts/bare';

/** Only a local path may be a post-login destination, never another site. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(next) && !next.startsWith('/login')
    ? next
    : '/';
}

const statusFor = (err: AuthError) =>
  err.code === 'throttled' ? 429 : err.code === 'invalid-code' ? 401 : 400;

@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly twoFactor: TwoFactorService,
    private readonly audit: HostAuditStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private setSessionCookie(res: Response, signed: SignedIn): void {
    res.cookie(SESSION_COOKIE, signed.cookieValue, {
      httpOnly: true,
      sameSite: 'strict',
      secure: res.locals.secure,
      path: '/',
      // The absolute cap; the idle timeout is enforced on the server, which extends it on every visit.
      expires: signed.expiresAt,
    });
  }

  @Public()
  @Get('login')
  async loginPage(@Req() req: PanelRequest, @Res() res: Response, @Query('next') next?: string) {
    if (!(await this.auth.hasAdmin())) return res.redirect(303, '/setup');
    if (req.admin) return res.redirect(303, safeNext(next));
    res.render('host/login', { title: 'Sign in', layout: BARE, next: safeNext(next) });
  }

  @Public()
  @Post('login')
  async login(@Req() req: PanelRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const next = safeNext(body?.next);
    const form = validateForm(LoginDto, { username: body?.username, password: body?.password });
    if (!form.ok)
      return res.status(400).render('host/login', {
        title: 'Sign in',
        layout: BARE,
        errors: form.errors,
        values: form.values,
        next,
      });
    try {
      const result = await this.auth.signIn({
        ...form.value,
        address: req.ip ?? 'unknown',
        binding: String(req.cookies?.[CSRF_COOKIE] ?? ''),
      });
      if (result.kind === 'second-factor') {
        res.cookie(PENDING_COOKIE, result.pendingCookie, {
          httpOnly: true,
          sameSite: 'strict',
          secure: res.locals.secure,
          path: '/login',
          expires: result.expiresAt,
        });
        return res.redirect(303, `/login/code?next=${encodeURIComponent(next)}`);
      }
      this.setSessionCookie(res, result);
      return res.redirect(303, next);
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      const status = err.code === 'throttled' ? 429 : 401;
      return res.status(status).render('host/login', {
        title: 'Sign in',
        layout: BARE,
        error: err.message,
        values: { username: form.value.username },
        next,
      });
    }
  }

  @Public()
  @Get('login/code')
  async codePage(@Req() req: PanelRequest, @Res() res: Response, @Query('next') next?: string) {
    const found = await this.auth.pendingSignIn(req.cookies?.[PENDING_COOKIE], req.cookies?.[CSRF_COOKIE]);
    if (!found) return res.redirect(303, '/login');
    res.render('host/login-code', { title: 'Two-factor code', layout: BARE, next: safeNext(next) });
  }

  @Public()
  @Post('login/code')
  async code(@Req() req: PanelRequest, @Res() res: Response, @Body() body: Record<string, unknown>) {
    const next = safeNext(body?.next);
    const render = (status: number, extra: object) =>
      res
        .status(status)
        .render('host/login-code', { title: 'Two-factor code', layout: BARE, next, ...extra });
    const expired = () => {
      res.clearCookie(PENDING_COOKIE, { path: '/login' });
      setFlash(
        res,
        { kind: 'error', message: 'That sign-in has expired. Enter your password again.' },
        res.locals.secure,
      );
      return res.redirect(303, '/login');
    };
    // Without a live code step there is nothing to validate: back to the password.
    if (!(await this.auth.pendingSignIn(req.cookies?.[PENDING_COOKIE], req.cookies?.[CSRF_COOKIE])))
      return expired();
    const form = validateForm(SecondFactorDto, { code: body?.code });
    if (!form.ok) return render(400, { errors: form.errors });
    try {
      const signed = await this.auth.completeSecondFactor({
        pendingCookie: req.cookies?.[PENDING_COOKIE],
        binding: req.cookies?.[CSRF_COOKIE],
        code: form.value.code,
        address: req.ip ?? 'unknown',
      });
      res.clearCookie(PENDING_COOKIE, { path: '/login' });
      this.setSessionCookie(res, signed);
      return res.redirect(303, next);
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      if (err.code === 'pending-expired') return expired();
      return render(statusFor(err), { errors: { code: err.message } });
    }
  }

  @Post('logout')
  async logout(@Req() req: PanelRequest, @Res() res: Response) {
    await this.auth.signOut(req.sessionCookie);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    setFlash(res, { kind: 'info', message: 'You are signed out.' }, res.locals.secure);
    res.redirect(303, '/login');
  }

  @Public()
  @Get('setup')
  async setupPage(@Res() res: Response) {
    if (await this.auth.hasAdmin()) return res.redirect(303, '/login');
    res.render('host/setup', { title: 'First-run setup', layout: BARE });
  }

  @Public()
  @Post('setup')
  async setup(@Req() req: PanelRequest, @Res() res: Response, @Body() body: unknown) {
    if (await this.auth.hasAdmin()) return res.redirect(303, '/login');
    const form = validateForm(SetupDto, body);
    const render = (status: number, extra: object) =>
      res.status(status).render('host/setup', { title: 'First-run setup', layout: BARE, ...extra });
    if (!form.ok) return render(400, { errors: form.errors, values: form.values });
    if (form.value.password !== form.value.passwordRepeat)
      return render(400, {
        errors: { passwordRepeat: 'The two passwords differ.' },
        values: { setupCode: form.value.setupCode, username: form.value.username },
      });
    try {
      await this.auth.completeSetup({ ...form.value, address: req.ip ?? 'unknown' });
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      if (err.code === 'setup-done') return res.redirect(303, '/login');
      const field =
        err.code === 'bad-setup-code' || err.code === 'throttled'
          ? 'setupCode'
          : err.code === 'weak-password'
            ? 'password'
            : 'username';
      return render(err.code === 'throttled' ? 429 : 400, {
        errors: { [field]: err.message },
        values: { username: form.value.username },
      });
    }
    setFlash(
      res,
      { kind: 'success', message: `Admin "${form.value.username}" created. Sign in to continue.` },
      res.locals.secure,
    );
    res.redirect(303, '/login');
  }

  /** Everything the account page shows; `extra` carries a form's errors. */
  private async renderAccount(res: Response, admin: Admin, status: number, extra: object = {}) {
    const time = (d: Date | null) => (d ? formatPanelTime(d, this.config.timeZone) : 'never');
    const [admins, entries, setup, recoveryLeft] = await Promise.all([
      this.auth.listAdmins(),
      this.audit.recent(),
      this.twoFactor.pendingSetup(admin),
      this.twoFactor.unusedRecoveryCodes(admin.id),
    ]);
    res.status(status).render('host/account', {
      title: 'Account',
      twoFactor: {
        on: admin.totpSecret !== null,
        since: time(admin.totpEnabledAt),
        recoveryLeft,
        setup,
      },
      admins: admins.map((a) => ({
        username: a.username,
        you: a.id === admin.id,
        lastSignIn: time(a.lastSignInAt),
        twoFactor: a.twoFactor,
      })),
      audit: entries.map((e) => ({ at: time(e.at), actor: e.actor, detail: e.detail })),
      ...extra,
    });
  }

  @Get('account')
  async accountPage(@Req() req: PanelRequest, @Res() res: Response) {
    await this.renderAccount(res, req.admin!, 200);
  }

  @Post('account/password')
  async changePassword(@Req() req: PanelRequest, @Res() res: Response, @Body() body: unknown) {
    const form = validateForm(ChangePasswordDto, body);
    const render = (errors: Record<string, string>, status = 400) =>
      this.renderAccount(res, req.admin!, status, { errors });
    if (!form.ok) return render(form.errors);
    if (form.value.password !== form.value.passwordRepeat)
      return render({ passwordRepeat: 'The two passwords differ.' });
    try {
      await this.auth.changePassword(req.admin!.id, form.value.currentPassword, form.value.password);
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      return render(
        {
          [['invalid-credentials', 'throttled'].includes(err.code) ? 'currentPassword' : 'password']:
            err.message,
        },
        statusFor(err),
      );
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    setFlash(
      res,
      {
        kind: 'success',
        message: 'Password changed. Every session has ended: sign in with the new password.',
      },
      res.locals.secure,
    );
    res.redirect(303, '/login');
  }

  @Post('account/2fa/start')
  async startTwoFactor(@Req() req: PanelRequest, @Res() res: Response) {
    try {
      await this.twoFactor.begin(req.admin!.id);
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      setFlash(res, { kind: 'error', message: err.message }, res.locals.secure);
    }
    res.redirect(303, '/account#two-factor');
  }

  @Post('account/2fa/confirm')
  async confirmTwoFactor(@Req() req: PanelRequest, @Res() res: Response, @Body() body: unknown) {
    const form = validateForm(SecondFactorDto, body);
    if (!form.ok) return this.renderAccount(res, req.admin!, 400, { errors: form.errors });
    try {
      const codes = await this.twoFactor.confirm(req.admin!, form.value.code);
      // Shown once: never cached, never shown again.
      res.setHeader('Cache-Control', 'no-store');
      return res.status(200).render('host/recovery-codes', { title: 'Recovery codes', codes });
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      return this.renderAccount(res, req.admin!, statusFor(err), { errors: { code: err.message } });
    }
  }

  @Post('account/2fa/disable')
  async disableTwoFactor(@Req() req: PanelRequest, @Res() res: Response, @Body() body: unknown) {
    const form = validateForm(DisableTwoFactorDto, body);
    if (!form.ok) return this.renderAccount(res, req.admin!, 400, { errors: form.errors });
    const admin = req.admin!;
    try {
      await this.auth.checkCurrentPassword(admin, form.value.confirmPassword);
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      return this.renderAccount(res, admin, statusFor(err), { errors: { confirmPassword: err.message } });
    }
    await this.twoFactor.disable(admin, `admin:${admin.username}`, 'disabled');
    setFlash(res, { kind: 'success', message: 'Two-factor sign-in is off.' }, res.locals.secure);
    res.redirect(303, '/account#two-factor');
  }
}
