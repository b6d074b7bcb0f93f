import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type PlanIssue, type RecoveryPlan, validatePlan } from '../domain/plan';

export type PlanFileResult = { ok: true; plans: RecoveryPlan[] } | { ok: false; issues: PlanIssue[] };

/**
 * Where a file fails to parse, without quoting it: parsers quote the offending line (JSON.parse a snippet, YAML
 * the whole line with a caret), and a plan file may hold its target's ExternalId.
 */
const parseProblem = (error: unknown, text: string): string => {
  const yamlPosition = (error as { linePos?: Array<{ line: number; col: number }>; code?: string }).linePos?.[0];
  if (yamlPosition)
    return `not valid YAML (${(error as { code?: string }).code ?? 'parse error'}) at line ${yamlPosition.line}, column ${yamlPosition.col}`;
  const offset = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  if (offset === undefined) return /end of JSON input/.test(String(error)) ? 'not valid JSON: it ends too early' : 'not valid JSON';
  const before = text.slice(0, Number(offset)).split('\n');
  return `not valid JSON at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
};

const parseText = (path: string, text: string): unknown => {
  // YAML is a superset of JSON, but JSON files get JSON's stricter parser and its error positions.
  return extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
};

/**
 * Reads recovery plans from a JSON or YAML file: one plan, a list of plans, or `{ plans: [...] }`.
 * Every problem is reported with the path of the field it concerns; nothing is returned unless all are valid.
 */
export const readPlanFile = (path: string): PlanFileResult => {
  let document: unknown;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, issues: [{ path: '(file)', message: error instanceof Error ? error.message : String(error) }] };
  }
  try {
    document = parseText(path, text);
  } catch (error) {
    return { ok: false, issues: [{ path: '(file)', message: parseProblem(error, text) }] };
  }
  const listed = (document as { plans?: unknown } | null)?.plans;
  const candidates = Array.isArray(document) ? document : Array.isArray(listed) ? listed : [document];
  const many = candidates.length > 1 || Array.isArray(document) || Array.isArray(listed);
  if (candidates.length === 0) return { ok: false, issues: [{ path: 'plans', message: 'the file holds no plan' }] };
  const plans: RecoveryPlan[] = [];
  const issues: PlanIssue[] = [];
  candidates.forEach((candidate, index) => {
    const validation = validatePlan(candidate);
    if (validation.ok) plans.push(validation.plan);
    else issues.push(...validation.issues.map((issue) => ({ ...issue, path: many ? `plans.${index}.${issue.path}` : issue.path })));
  });
  const seen = new Set<string>();
  for (const plan of plans) {
    if (seen.has(plan.planId)) issues.push({ path: 'planId', message: `plan ${plan.planId} appears twice in the file` });
    seen.add(plan.planId);
  }
  return issues.length ? { ok: false, issues } : { ok: true, plans };
};
