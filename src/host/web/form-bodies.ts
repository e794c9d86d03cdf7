// How request bodies are read: every form of the panel is an ordinary urlencoded HTML form, so that is the only
// body it parses. Anything else (JSON, multipart, text) is refused with 415 before a byte is parsed: a deeply
// nested JSON body once reached the form validation and overflowed the stack, an unauthenticated 500.
import express, { NextFunction, Request, Response } from 'express';
import { renderErrorPage } from './panel-exception.filter';

export const FORM_BODY_LIMITS = { bytes: '64kb', fields: 200 } as const;

export function formBodies() {
  // extended: false parses with querystring, which never nests: "a[b][c]=1" is one field named "a[b][c]",
  // so there is no depth to limit; parameterLimit bounds the field count.
  const urlencoded = express.urlencoded({
    extended: false,
    limit: FORM_BODY_LIMITS.bytes,
    parameterLimit: FORM_BODY_LIMITS.fields,
  });
  return (req: Request, res: Response, next: NextFunction) => {
    // req.is() is null without a body (a GET, or a POST with nothing in it): nothing to read.
    const type = req.is('application/x-www-form-urlencoded');
    if (type === null) return next();
    if (type === false)
      return renderErrorPage(
        res,
        415,
        'This panel only accepts its own web forms (sent as application/x-www-form-urlencoded).',
      );
    urlencoded(req, res, (err?: { status?: number }) => {
      if (!err) return next();
      if (err.status === 413)
        return renderErrorPage(res, 413, 'That form was far larger than any form of this panel accepts.');
      renderErrorPage(res, 400, 'That request could not be read.');
    });
  };
}
