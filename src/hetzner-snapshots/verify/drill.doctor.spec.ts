import { judgeDrillServers } from './drill.doctor';

const left = {
  server: { id: 9, name: 'snapshot-panel-drill-1-2', labels: {}, created: '' },
  reason: 'its id is in the drill records',
};

describe('judgeDrillServers', () => {
  it.each([
    [{ leftovers: [], drillRunning: false }, 'OK', 'No restore drill server is left over.'],
    [
      { leftovers: [], drillRunning: true },
      'OK',
      'A restore drill is running now; no drill server is left over from an earlier one.',
    ],
    [
      { leftovers: [left], drillRunning: false },
      'FAIL',
      '1 restore drill server(s) left over: snapshot-panel-drill-1-2 (id 9; its id is in the drill records). They cost money by the hour.',
    ],
    [{ error: 'no token' }, 'WARN', 'Not checked: no token'],
  ])('%j', (facts, level, message) => {
    expect(judgeDrillServers(facts)).toMatchObject({ level, message });
  });
});
