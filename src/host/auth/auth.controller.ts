import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { validateForm } from '../../forms/form-validation';
import { setFlash } from '../web/flash';
import { Public } from '../web/public.decorator';
import { PanelRequest, SESSION_COOKIE } from '../web/request-context';
import { AuthError, AuthService } from './auth.service';
import { ChangePasswordDto, LoginDto, SetupDto } from './credentials.dto';

const BARE = 'layouts/bare';

/** Only a local path may be a post-login destination, never another site. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(next) && !next.startsWith('/login')
    ? next
    : '/';
}

@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

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
      const signed = await this.auth.signIn({ ...form.value, address: req.ip ?? 'unknown' });
      res.cookie(SESSION_COOKIE, signed.cookieValue, {
        httpOnly: true,
        sameSite: 'strict',
        secure: res.locals.secure,
        path: '/',
        expires: signed.expiresAt,
      });
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
  async setup(@Res() res: Response, @Body() body: unknown) {
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
      await this.auth.completeSetup(form.value);
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      const field =
        err.code === 'bad-setup-code' ? 'setupCode' : err.code === 'weak-password' ? 'password' : 'username';
      return render(400, { errors: { [field]: err.message }, values: { username: form.value.username } });
    }
    setFlash(
      res,
      { kind: 'success', message: `Admin "${form.value.username}" created. Sign in to continue.` },
      res.locals.secure,
    );
    res.redirect(303, '/login');
  }

  @Get('account')
  accountPage(@Res() res: Response) {
    res.render('host/account', { title: 'Account' });
  }

  @Post('account/password')
  async changePassword(@Req() req: PanelRequest, @Res() res: Response, @Body() body: unknown) {
    const form = validateForm(ChangePasswordDto, body);
    const render = (errors: Record<string, string>) =>
      res.status(400).render('host/account', { title: 'Account', errors });
    if (!form.ok) return render(form.errors);
    if (form.value.password !== form.value.passwordRepeat)
      return render({ passwordRepeat: 'The two passwords differ.' });
    try {
      await this.auth.changePassword(req.admin!.id, form.value.currentPassword, form.value.password);
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      return render({ [err.code === 'invalid-credentials' ? 'currentPassword' : 'password']: err.message });
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
}
