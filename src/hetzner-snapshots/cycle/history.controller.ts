import { Controller, Get, Inject, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { CLOCK, Clock } from '../../clock/clock';
import { validateForm } from '../../forms/form-validation';
import { HETZNER_SNAPSHOTS_OPTIONS, HetznerSnapshotsModuleOptions } from '../hetzner-snapshots.options';
import { pluginView } from '../hetzner-snapshots.views';
import { PluginAccessGuard } from '../plugin-access.guard';
import { HistoryQueryDto } from './history-query.dto';
import { HistoryPresenter } from './history.presenter';
import { HistorySections } from './history-sections';

/** GET /history: recent cycle runs with their details, the next runs and the last success. */
@Controller()
@UseGuards(PluginAccessGuard)
export class HistoryController {
  constructor(
    @Inject(HETZNER_SNAPSHOTS_OPTIONS) private readonly options: HetznerSnapshotsModuleOptions,
    private readonly presenter: HistoryPresenter,
    private readonly sections: HistorySections,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('history')
  async history(@Query() query: unknown, @Res() res: Response) {
    // A mistyped page number in a link is not worth an error page: it shows the first page.
    const form = validateForm(HistoryQueryDto, query);
    const view = await this.presenter.page(form.ok ? (form.value.page ?? 1) : 1, this.clock.now());
    res.render(pluginView('history'), {
      layout: this.options.layout,
      title: 'History',
      ...view,
      sections: await this.sections.load(),
    });
  }
}
