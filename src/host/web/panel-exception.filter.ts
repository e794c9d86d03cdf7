import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { NotSignedInException } from './admin.guard';

/** Renders the host's error page; used by the filter and by middleware that fails before routing. */
export function renderErrorPage(res: Response, status: number, message: string): void {
  if (res.headersSent) return;
  res.status(status).render('host/error', {
    title: titleFor(status),
    status,
    message,
    layout: res.locals.admin ? undefined : 'layouts/bare',
  });
}

function titleFor(status: number): string {
  if (status === 404) return 'Page not found';
  if (status === 403) return 'Not allowed';
  if (status === 413) return 'Too large';
  if (status >= 500) return 'Something went wrong';
  return 'That did not work';
}

/** Turns anything thrown in a controller into a page a person understands, never a stack trace. */
@Catch()
export class PanelExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');
  constructor(private readonly secureFor: (req: Request) => boolean) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    if (exception instanceof NotSignedInException) {
      const next =
        exception.returnTo !== '/' && exception.returnTo.startsWith('/')
          ? `?next=${encodeURIComponent(exception.returnTo)}`
          : '';
      return res.redirect(303, `/login${next}`);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const message = status === 404 ? 'There is no page at this address.' : exception.message;
      return renderErrorPage(res, status, message);
    }
    this.logger.error(
      `${req.method} ${req.path} failed: ${exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception)}`,
    );
    renderErrorPage(
      res,
      500,
      'The panel hit an unexpected error. It has been logged; try again, and if it persists run "snapshot-panel doctor".',
    );
  }
}
