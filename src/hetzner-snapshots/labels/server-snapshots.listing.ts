// How this server's snapshots are listed, for every page and command that shows them (the snapshots page,
// `snapshot list`, `doctor`): one rule, so what they show and what they spend cannot drift apart.
import type { HcloudApi, HcloudImage } from '../hcloud';
import { selectors } from './snapshot-labels';

/**
 * This server's snapshots, newest first. `byLabel` (once the backfill is done): the panel's own by the server
 * label, and those made elsewhere (which carry no label of ours) from the list of everything not the panel's,
 * filtered by created_from, so the panel's snapshots of other servers are never listed. Otherwise every
 * snapshot of the project, filtered by created_from.
 */
export async function listSnapshotsOfServer(
  api: Pick<HcloudApi, 'listImages'>,
  serverId: number,
  opts: { byLabel: boolean },
): Promise<HcloudImage[]> {
  const ofThisServer = (image: HcloudImage) =>
    image.type === 'snapshot' && image.created_from?.id === serverId;
  if (!opts.byLabel)
    return (await api.listImages({ type: 'snapshot', sort: 'created:desc' })).filter(ofThisServer);
  const own = await api.listImages({
    type: 'snapshot',
    sort: 'created:desc',
    label_selector: selectors.panelOfServer(serverId),
  });
  const elsewhere = await api.listImages({
    type: 'snapshot',
    sort: 'created:desc',
    label_selector: selectors.madeElsewhere(),
  });
  return [...own.filter((image) => image.type === 'snapshot'), ...elsewhere.filter(ofThisServer)].sort(
    (a, b) => Date.parse(b.created) - Date.parse(a.created) || b.id - a.id,
  );
}
