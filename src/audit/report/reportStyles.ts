/** The report's only stylesheet, inlined: system fonts, no external resources, readable on screen and paper. */
export const REPORT_CSS = `
:root { --ink: #1d2939; --muted: #667085; --line: #e4e7ec; --soft: #f5f6f8; --accent: #344054; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: var(--soft); color: var(--ink); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 24px auto; background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 28px 36px 36px; }
header.masthead { border-bottom: 2px solid var(--ink); padding-bottom: 14px; margin-bottom: 20px; }
.eyebrow { font-size: 12px; letter-spacing: .12em; text-transform: uppercase; color: var(--muted); font-weight: 600; }
h1 { font-size: 26px; margin: 4px 0 6px; }
h2 { font-size: 17px; margin: 30px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 18px 0 8px; color: var(--accent); }
.meta { color: var(--muted); }
td code { white-space: nowrap; }
code, .mono { font-family: ui-monospace, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
.hash { word-break: break-all; }
.pill { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 700; letter-spacing: .03em; border: 1px solid transparent; }
.pill.good { background: #e7f6ee; color: #146c43; border-color: #b7e2c8; }
.pill.bad { background: #fdecec; color: #a4161a; border-color: #f5c2c2; }
.pill.neutral { background: #eef1f5; color: #475467; border-color: #d0d5dd; }
.pill.warn { background: #fff5db; color: #7a5b00; border-color: #f3dc93; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(165px, 1fr)); gap: 12px; margin: 4px 0 8px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: #fcfcfd; }
.card .label { font-size: 11.5px; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); font-weight: 600; }
.card .value { font-size: 22px; font-weight: 700; margin: 2px 0; }
.card .value .small { font-size: 17px; }
.card .sub { font-size: 12.5px; color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 16px; font-size: 12.5px; color: var(--muted); margin: 4px 0 6px; }
.legend span::before { content: ""; display: inline-block; width: 14px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; background: var(--swatch); }
.legend span.line::before { height: 0; border-top: 2px dashed var(--swatch); background: none; vertical-align: 3px; }
.chart { border: 1px solid var(--line); border-radius: 8px; padding: 8px 6px 2px; }
.note { font-size: 12.5px; color: var(--muted); margin: 6px 0 0; }
dl.facts { display: grid; grid-template-columns: 210px 1fr; margin: 0; border-top: 1px solid var(--line); }
dl.facts dt, dl.facts dd { margin: 0; padding: 7px 10px; border-bottom: 1px solid var(--line); }
dl.facts dt { color: var(--muted); font-weight: 600; background: #fafbfc; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 6px 9px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f2f4f7; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #475467; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed td { background: #fff6f6; }
.empty { color: var(--muted); font-style: italic; }
.simulated { border: 2px dashed #b08800; background: #fff8e1; color: #5c4400; border-radius: 8px; padding: 10px 14px; margin: 0 0 14px; }
.simulated strong { letter-spacing: .08em; margin-right: 6px; }
.actor { font-size: 12px; white-space: nowrap; }
.actor.verified { color: #146c43; font-weight: 700; }
.actor.unverified { color: #7a5b00; font-style: italic; }
.actor.system { color: var(--muted); }
.claim { font-size: 12px; color: var(--muted); }
td .actor-name { overflow-wrap: anywhere; }
ul.definitions { padding-left: 18px; color: #344054; }
ul.problems { padding-left: 18px; color: #a4161a; }
dl.facts dd, ul.problems li { overflow-wrap: anywhere; }
footer { margin-top: 28px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 10px; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { background: #fff; font-size: 11.5px; }
  main { margin: 0; border: 0; padding: 0; max-width: none; }
  h2 { break-after: avoid; }
  tr, .card, .chart, dl.facts { break-inside: avoid; }
  .chart { border: 0; padding: 0; }
}
`;
