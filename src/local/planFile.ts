import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type PlanIssue, type RecoveryPlan, validatePlan } from '../domain/plan';

export type PlanFileResult = { ok: true; plans: RecoveryPlan[] } | { ok: false; issues: PlanIssue[] };

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
  try {
    document = parseText(path, readFileSync(path, 'utf8'));
  } catch (error) {
    return { ok: false, issues: [{ path: '(file)', message: error instanceof Error ? error.message : String(error) }] };
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
