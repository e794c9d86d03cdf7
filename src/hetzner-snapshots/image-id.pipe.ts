// The one reading of an id in a path (`/snapshots/:id/...`, `/drills/:id`), for every controller that has one.
import { Injectable, NotFoundException, PipeTransform } from '@nestjs/common';

/** Anything but a positive whole number (at most 15 digits) is no page at all: 404 before the handler runs. */
@Injectable()
export class ImageIdPipe implements PipeTransform<string, number> {
  transform(raw: string): number {
    if (!/^[1-9]\d{0,14}$/.test(raw)) throw new NotFoundException();
    return Number(raw);
  }
}
