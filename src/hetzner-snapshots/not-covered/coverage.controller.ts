import { pluginView } from '../hetzner-snapshots.views';
import { Controller, Get, Inject, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../project-root';
import {
  HETZNER_SNAPSHOTS_OPTIONS,
  HetznerSnapshotsModuleOptions,
  pagePath,
} from '../hetzner-snapshots.options';
import { PluginAccessGuard } from '../plugin-access.guard';

/** docs/VOLUMES.md, shown as it is written (one copy of the guide: the docs file). */
@Controller('guide')
@UseGuards(PluginAccessGuard)
export class CoverageController {
  constructor(@Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions) {}

  @Get('volumes')
  volumesGuide(@Res() res: Response) {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'VOLUMES.md'), 'utf8');
    res.render(pluginView('guide'), {
      layout: this.options.layout,
      title: 'Backing up volumes',
      basePath: pagePath(this.options.routePrefix, '/snapshots'),
      text,
    });
  }
}
