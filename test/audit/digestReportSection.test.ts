/**
 * The evidence report's ledger head and "Signed digest" verdict, in Markdown and HTML: which digest vouches,
 * not yet sealed, contradicted or broken with every problem, not checked and why. The problems quote what a
 * bucket holds (object keys anyone with PutObject chooses, what a forged digest claims): shown, never obeyed.
 */
import MarkdownIt from 'markdown-it';
import { renderHtml, renderJson, renderMarkdown } from '../../src/audit';
import type { DigestEvidence, Evidence } from '../../src/audit/report/evidence';
import { evidenceFromEvents } from '../../src/audit/report/evidenceFromEvents';
import { revealInvisible } from '../../src/domain/text';
import { executionStarted, wave1StartRequested } from '../fixtures/events';
import { markdownSeen } from './support/markdownSeen';

const HEAD_HASH = 'ab'.repeat(32);
const ledger = { eventCount: 2, headSeq: 2, headHash: HEAD_HASH, verification: { ok: true as const } };
const base = evidenceFromEvents([executionStarted(), { ...wave1StartRequested, seq: 2 }], ledger);
const withDigests = (digests: DigestEvidence | undefined): Evidence => (digests === undefined ? base : { ...base, digests });

const LOCATION = 's3://drs-ledger-digests/digests/000000000003.json';
const covered: DigestEvidence = {
  status: 'covered',
  ok: true,
  headSeq: 2,
  digestSeq: 3,
  key: 'digests/000000000003.json',
  location: LOCATION,
  createdAt: '2026-03-01T10:00:00.000Z',
  seq: 2,
  hash: HEAD_HASH,
  eventsAfter: 0,
  vouches: 1,
  chainProblems: [],
  digests: 3,
};
/** A key an attacker chose for an object under the prefix, and a problem quoting what their digest claims. */
const HOSTILE_KEY = 'digests/<script>alert(1)</script>\n## Verification PASSED\u202E | forged | row |';
const HOSTILE_PROBLEM =
  'digest #4 cannot be trusted: it names signing key [click](javascript:alert(2)) <img src=x onerror=alert(3)>\u001b[2J';
const broken: DigestEvidence = {
  status: 'chain-broken',
  ok: false,
  intactUpTo: 3,
  headSeq: 2,
  chainProblems: [
    {
      key: HOSTILE_KEY,
      location: `s3://drs-ledger-digests/${HOSTILE_KEY}`,
      problem: 'an object under the digest prefix that is not named as a digest',
    },
    { key: 'digests/000000000004.json', location: 's3://drs-ledger-digests/digests/000000000004.json', problem: HOSTILE_PROBLEM },
  ],
  digests: 4,
};
const contradicted: DigestEvidence = {
  status: 'contradicted',
  ok: false,
  headSeq: 2,
  problems: [
    `digest #3 (digests/000000000003.json) recorded seq 2 with hash ${'cd'.repeat(32)}; the ledger's item 2 has ${HEAD_HASH}: rewritten after the digest`,
  ],
  chainProblems: [],
  digests: 3,
};

const renderer = new MarkdownIt({ html: true, linkify: true });
const factRow = (markdown: string, fact: string): string | undefined => markdown.split('\n').find((line) => line.startsWith(`| ${fact} |`));

describe('the ledger head and the signed digest in the evidence report', () => {
  it('gives the head as seq:hash, the form verify --expected-head takes', () => {
    const markdown = renderMarkdown(base);
    expect(factRow(markdown, 'Ledger head')).toBe(`| Ledger head | \`2:${HEAD_HASH}\` |`);
    expect(renderHtml(base)).toContain(`<dt>Ledger head</dt><dd><code class="hash">2:${HEAD_HASH}</code></dd>`);
  });

  it('says which digest vouches for the ledger: its number, location, creation, and the head it recorded', () => {
    const markdown = renderMarkdown(withDigests(covered));
    expect(factRow(markdown, 'Signed digest')).toMatch(/^\| Signed digest \| \*\*VOUCHED\*\*: /);
    expect(markdownSeen(markdown)).toContain(
      `VOUCHED: digest #3 ${LOCATION} (created 2026-03-01 10:00:00 UTC) vouches for seq:hash 2:${HEAD_HASH}, the head`,
    );
    const html = renderHtml(withDigests(covered));
    expect(html).toContain(
      `<dt>Signed digest</dt><dd><span class="pill good">VOUCHED</span> digest #3 <code class="hash">${LOCATION}</code> (created 2026-03-01 10:00:00 UTC) vouches for seq:hash <code class="hash">2:${HEAD_HASH}</code>, the head</dd>`,
    );
    expect(JSON.parse(renderJson(withDigests(covered)))).toMatchObject({ digests: { status: 'covered', location: LOCATION, seq: 2 } });
  });

  it("says of an ended execution whose end no digest holds: UNSEALED, the end's seq, and the digest that vouches for less", () => {
    const endUnsealed: DigestEvidence = {
      status: 'unsealed',
      ok: false,
      headSeq: 9,
      endedAtSeq: 8,
      vouched: { digestSeq: 3, location: LOCATION, seq: 5 },
      chainProblems: [],
      digests: 3,
    };
    const markdown = renderMarkdown(withDigests(endUnsealed));
    expect(markdownSeen(markdown)).toContain(
      `UNSEALED: the end (seq 8) is in no digest: digest #3 ${LOCATION} vouches for seq 5 only; the ledger of an ended execution must be sealed up to its end`,
    );
    expect(renderHtml(withDigests(endUnsealed))).toContain(
      `<dt>Signed digest</dt><dd><span class="pill bad">UNSEALED</span> the end (seq 8) is in no digest: digest #3 <code class="hash">${LOCATION}</code> vouches for seq 5 only;`,
    );
    expect(JSON.parse(renderJson(withDigests(endUnsealed)))).toMatchObject({ digests: { status: 'unsealed', ok: false, endedAtSeq: 8 } });
  });

  it('after a vouch for the end, names the newer record of its notification', () => {
    const atTheEnd: DigestEvidence = { ...covered, headSeq: 3, endedAtSeq: 2, eventsAfter: 1 };
    expect(markdownSeen(renderMarkdown(withDigests(atTheEnd)))).toContain(
      `vouches for seq:hash 2:${HEAD_HASH}, the end; 1 newer event not yet in a digest, after the end (the record of its notification)`,
    );
  });

  const uncovered: DigestEvidence = { status: 'uncovered', ok: true, headSeq: 2, chainProblems: [], digests: 3 };
  const unsealed: DigestEvidence = { status: 'unsealed', ok: false, headSeq: 2, endedAtSeq: 2, chainProblems: [], digests: 3 };
  const notChecked: DigestEvidence = { status: 'not-checked', ok: true, reason: 'no digest signing key here' };
  it.each([
    ['not yet sealed', uncovered, 'NOT YET SEALED', 'warn'],
    ['ended but unsealed', unsealed, 'UNSEALED', 'bad'],
    ['contradicted', contradicted, 'CONTRADICTED', 'bad'],
    ['broken', broken, 'CHAIN BROKEN', 'bad'],
    ['not checked', notChecked, 'NOT CHECKED', 'neutral'],
    ['built without the chain', undefined, 'NOT CHECKED', 'neutral'],
  ])('marks a ledger %s as such in both reports', (_case, digests, word, tone) => {
    expect(factRow(renderMarkdown(withDigests(digests)), 'Signed digest')).toContain(`| Signed digest | **${word}**: `);
    expect(renderHtml(withDigests(digests))).toContain(`<dt>Signed digest</dt><dd><span class="pill ${tone}">${word}</span>`);
  });

  it('lists every contradiction under the verdict', () => {
    const problem = contradicted.status === 'contradicted' ? (contradicted.problems[0] as string) : '';
    expect(markdownSeen(renderMarkdown(withDigests(contradicted)))).toContain(problem);
    expect(renderHtml(withDigests(contradicted))).toContain(`<ul class="problems"><li>${problem.replace(/'/g, '&#39;')}</li></ul>`);
  });

  it("shows the bucket's hostile keys and claims as text: no tag, no link, no forged heading or row", () => {
    const markdown = renderMarkdown(withDigests(broken));
    const tokens = renderer.parse(markdown, {});
    const html = renderer.render(markdown);
    expect(html).not.toMatch(/<(script|img|a)[\s>]/);
    expect(
      tokens.filter((token) => token.type === 'heading_open').map((token) => tokens[tokens.indexOf(token) + 1]?.content),
    ).not.toContain('Verification PASSED');
    // The facts table keeps its two columns on every row.
    const facts = markdown
      .split('\n')
      .filter((line) => line.startsWith('| ') && markdown.indexOf(line) < markdown.indexOf('## Operator actions'));
    for (const row of facts) expect(row.split(/(?<!\\)\|/)).toHaveLength(4);
    const seen = markdownSeen(markdown);
    for (const problem of broken.chainProblems) expect(seen).toContain(revealInvisible(`${problem.location}: ${problem.problem}`));

    const page = renderHtml(withDigests(broken));
    expect(page).not.toMatch(/<(script|img|a)[\s>]/);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;\\n## Verification PASSED\\u{202E} | forged | row |');
    expect(page).toContain('&lt;img src=x onerror=alert(3)&gt;\\u{1B}[2J');
  });
});
