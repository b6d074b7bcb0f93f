/** The drill's progress output: what changed, in reading order, as lines, JSON, or a redrawn block. */
import { Writable } from 'node:stream';
import { replayView } from '../../projections/projectExecutionView';
import { changesBetween, describeChange, ProgressPrinter } from '../../src/cli/render/progress';
import type { Details } from '../../src/cli/render/details';
import { at, observeLaunched, recordWaveStarted, start } from '../fixtures/commands';
import { serversOf } from '../fixtures/plan';
import { givenCommands } from '../support/deciderSpec';

const viewAfter = (...commands: Parameters<typeof givenCommands>): Details => replayView(givenCommands(...commands).events) as Details;

const capture = () => {
  let text = '';
  return {
    stream: new Writable({
      write(chunk, _encoding, callback) {
        text += String(chunk);
        callback();
      },
    }),
    text: () => text,
  };
};

describe('progress', () => {
  const started = viewAfter(start(), recordWaveStarted(1, at(1)));
  const launched = viewAfter(start(), recordWaveStarted(1, at(1)), observeLaunched(1, at(2)));

  it('lists everything on the first look: the execution, then the running wave and its servers', () => {
    const changes = changesBetween(undefined, started);
    expect(changes[0]).toMatchObject({ kind: 'execution', status: 'RUNNING' });
    expect(changes[1]).toMatchObject({ kind: 'wave', waveNumber: 1, status: 'IN_PROGRESS' });
    expect(changes.slice(2).map((change) => change.kind === 'server' && change.serverId)).toEqual(serversOf(1));
  });

  it('then only what changed, each wave before its servers and the execution last', () => {
    const changes = changesBetween(started, launched);
    expect(changes.map((change) => change.kind)).toEqual(['wave', 'server', 'server', 'wave']);
    expect(describeChange(changes[1] as never)).toMatch(/^ {2}wave 1 server s-db\d+: LAUNCHED/);
    expect(describeChange(changes[3] as never)).toBe('wave 2 applications: STARTING');
  });

  it('writes plain lines, JSON lines, or a block redrawn in place', () => {
    const plain = capture();
    const lines = new ProgressPrinter('plain', plain.stream);
    lines.update(started);
    lines.update(launched);
    expect(plain.text()).toContain('wave 1 databases: COMPLETED');
    expect(plain.text()).not.toContain('\u001b[');

    const json = capture();
    new ProgressPrinter('json', json.stream).update(launched);
    for (const line of json.text().trim().split('\n')) expect(JSON.parse(line)).toHaveProperty('type', 'progress');

    const tty = capture();
    const block = new ProgressPrinter('tty', tty.stream);
    block.update(started);
    block.update(launched);
    expect(tty.text()).toMatch(/\u001b\[\d+A/); // the second update moves up over the first
    expect(tty.text()).toContain('●');
  });
});
