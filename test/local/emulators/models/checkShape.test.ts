/** The shape checker on small shapes, then on DRS's real model: every kind of constraint, named by its path. */
import {
  awsValidationMessage,
  checkShape,
  describeViolation,
  loadServiceModel,
  type ServiceModel,
  type ShapeCheckOptions,
} from '../../../../src/local/emulators/models';

const model: ServiceModel = {
  service: 'drs',
  metadata: { protocol: 'rest-json', apiVersion: '2020-02-26', serviceId: 'test' },
  operations: {},
  shapes: {
    Request: {
      type: 'structure',
      required: ['id', 'items'],
      members: {
        id: { shape: 'Id' },
        items: { shape: 'Items' },
        count: { shape: 'Count' },
        state: { shape: 'State' },
        tags: { shape: 'Tags' },
        on: { shape: 'Flag' },
        at: { shape: 'Time' },
        data: { shape: 'Data' },
        ratio: { shape: 'Ratio' },
        choice: { shape: 'Choice' },
        secret: { shape: 'Secret' },
      },
    },
    Id: { type: 'string', min: 19, max: 19, pattern: 's-[0-9a-zA-Z]{17}' },
    Items: { type: 'list', member: { shape: 'Id' }, min: 1, max: 2 },
    Count: { type: 'integer', min: 1, max: 10 },
    State: { type: 'string', enum: ['ON', 'OFF'] },
    Tags: { type: 'map', key: { shape: 'TagKey' }, value: { shape: 'TagValue' }, max: 1 },
    TagKey: { type: 'string', min: 1 },
    TagValue: { type: 'string', max: 3 },
    Flag: { type: 'boolean' },
    Time: { type: 'timestamp' },
    Data: { type: 'blob', max: 4 },
    Ratio: { type: 'double', min: 0, max: 1 },
    Choice: { type: 'structure', union: true, members: { a: { shape: 'State' }, b: { shape: 'Count' } } },
    Secret: { type: 'string', sensitive: true, max: 2 },
  },
};

const json: ShapeCheckOptions = { text: false, unknownMembers: 'report', timestampFormat: 'unixTimestamp' };
const ID = 's-1234567890abcdefg';
const valid = {
  id: ID,
  items: [ID],
  count: 3,
  state: 'ON',
  tags: { k: 'v' },
  on: true,
  at: 1767258000,
  data: 'AAEC',
  ratio: 0.5,
  choice: { a: 'OFF' },
};

const problems = (value: unknown, options: ShapeCheckOptions = json): string[] =>
  checkShape(model, 'Request', value, options).map(describeViolation);

describe('checkShape', () => {
  it('accepts a value that keeps every constraint', () => {
    expect(problems(valid)).toEqual([]);
  });

  it('names each violation by its path', () => {
    expect(
      problems({
        items: [],
        count: 11,
        state: 'MAYBE',
        tags: { '': 'long', other: 'x' },
        on: 'yes',
        at: 'yesterday',
        data: Buffer.from('12345').toString('base64'),
        ratio: 2,
        choice: { a: 'ON', b: 1 },
        secret: 'abc',
      }),
    ).toEqual([
      'Request.id: required, missing',
      'Request.items: 0 items, at least 1',
      'Request.count: 11, at most 10',
      "Request.state: 'MAYBE' is not one of ON, OFF",
      'Request.tags: 2 entries, at most 1',
      'Request.tags key "": 0 characters, at least 1',
      'Request.tags[""]: 4 characters, at most 3',
      'Request.on: expected a boolean, got a string',
      "Request.at: 'yesterday' is not a unixTimestamp timestamp",
      'Request.data: 5 bytes, at most 4',
      'Request.ratio: 2, at most 1',
      'Request.choice: 2 members set, a union takes exactly 1',
      'Request.secret: 3 characters, at most 2',
    ]);
  });

  it('counts a length in code points: a surrogate pair is one character, a lone surrogate one too', () => {
    expect(problems({ ...valid, tags: { k: '\u{1F600}\u{1F600}\u{1F600}' } })).toEqual([]);
    expect(problems({ ...valid, tags: { k: '\u{1F600}\u{1F600}\uD800\uDC00' } })).toEqual([]);
    expect(problems({ ...valid, tags: { k: '\u{1F600}\uD800\uDC00\uDFFFa' } })).toEqual(['Request.tags["k"]: 4 characters, at most 3']);
    expect(problems({ ...valid, tags: { k: '\uD800\uD800\uD800\uD800' } })).toEqual(['Request.tags["k"]: 4 characters, at most 3']);
  });

  it('checks strings for length and the whole of the pattern, in list members too', () => {
    expect(problems({ ...valid, items: [ID, 's-short', `x${ID.slice(1)}`] })).toEqual([
      'Request.items: 3 items, at most 2',
      'Request.items[1]: 7 characters, at least 19',
      "Request.items[1]: 's-short' does not match s-[0-9a-zA-Z]{17}",
      `Request.items[2]: '${`x${ID.slice(1)}`}' does not match s-[0-9a-zA-Z]{17}`,
    ]);
  });

  it('reports members the model lacks in answers, and ignores them in requests as AWS does', () => {
    expect(problems({ ...valid, extra: 1 })).toEqual(['Request.extra: not a member of Request']);
    expect(problems({ ...valid, extra: 1 }, { ...json, unknownMembers: 'ignore' })).toEqual([]);
  });

  it('reads text scalars where the protocol carries them as text (awsQuery, headers)', () => {
    const text: ShapeCheckOptions = { text: true, unknownMembers: 'report', timestampFormat: 'iso8601' };
    const asText = { id: ID, items: [ID], count: '3', on: 'true', at: '2026-01-01T09:00:00Z', ratio: '0.25' };
    expect(problems(asText, text)).toEqual([]);
    expect(problems({ ...asText, count: 'three', on: 'yes', at: '1767258000' }, text)).toEqual([
      'Request.count: expected an integer, got a string',
      'Request.on: expected a boolean, got a string',
      "Request.at: '1767258000' is not a iso8601 timestamp",
    ]);
  });

  it("words a request's violations as AWS's ValidationException does, never quoting a sensitive value", () => {
    const violations = checkShape(model, 'Request', { items: [], secret: 'abc' }, json);
    expect(awsValidationMessage(violations)).toBe(
      '3 validation errors detected: ' +
        "Value null at 'id' failed to satisfy constraint: Member must not be null; " +
        "Value '[]' at 'items' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value at 'secret' failed to satisfy constraint: Member must have length less than or equal to 2",
    );
  });

  it("on DRS's own model: StartRecovery's list of servers, and a Job without its required jobID", () => {
    const drs = loadServiceModel('drs');
    const servers = Array.from({ length: 201 }, (_, i) => ({ sourceServerID: `s-${String(i).padStart(17, '0')}` }));
    expect(checkShape(drs, 'StartRecoveryRequest', { sourceServers: servers }, json).map(describeViolation)).toEqual([
      'StartRecoveryRequest.sourceServers: 201 items, at most 200',
    ]);
    const job = { type: 'REBOOT', status: 'STARTED', creationDateTime: 'now' };
    expect(checkShape(drs, 'Job', job, json).map(describeViolation)).toEqual([
      'Job.jobID: required, missing',
      "Job.type: 'REBOOT' is not one of LAUNCH, TERMINATE, CREATE_CONVERTED_SNAPSHOT",
      'Job.creationDateTime: 3 characters, at least 19',
      "Job.creationDateTime: 'now' does not match [1-9][0-9]*-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([0-1][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?Z",
    ]);
  });
});
