import { readPlanFile } from '../../local/planFile';
import { type PlanTarget, totalServers, withoutExternalId } from '../../domain/plan';
import { openLedger } from '../ledgerAccess';
import { registerWithRunningDrs, trustWithRunningSts } from '../runningStackPlans';
import { UsageError } from '../exitCodes';
import { jsonForTerminal, shown } from '../render/terminalText';

/** `drs-ledger plans load <file>`: validated plans into the plans table (the local one, or with --stage the stack's); an invalid file writes nothing. */
export const loadPlans = async (dataDir: string, file: string, out: NodeJS.WritableStream): Promise<number> => {
  const read = readPlanFile(file);
  if (!read.ok) {
    throw new UsageError(
      `${file} is not a valid recovery plan file; nothing was loaded:\n${read.issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n')}`,
    );
  }
  const ledger = await openLedger(dataDir);
  try {
    for (const plan of read.plans) await ledger.plans.put(plan);
    if (ledger.serve) await registerWithRunningDrs(ledger.serve.drs, read.plans);
    if (ledger.serve?.sts) await trustWithRunningSts(ledger.serve.sts, read.plans, ledger.config.crossAccountRoleName);
    // A deployed stack's DRS knows its own source servers; the plan is only stored (in the table its outputs name).
    const where = ledger.stack ? ` into ${ledger.stack.plansTable} (stack ${ledger.stack.stackName}, ${ledger.stack.region})` : '';
    for (const plan of read.plans) {
      out.write(
        `Loaded ${shown(plan.planId)} "${shown(plan.planName)}"${shown(where)}: ${plan.waves.length} waves, ${totalServers(plan)} servers\n`,
      );
    }
    return 0;
  } finally {
    await ledger.close();
  }
};

const describeTarget = (target: PlanTarget): string =>
  `account ${shown(target.accountId)}, ${shown(target.region)}` +
  (target.roleName ? `, role ${shown(target.roleName)}` : '') +
  (target.externalId === undefined ? '' : ', with an ExternalId');

export const listPlans = async (dataDir: string, json: boolean, out: NodeJS.WritableStream): Promise<number> => {
  const ledger = await openLedger(dataDir);
  try {
    const plans = await ledger.plans.list();
    if (json) {
      // The ExternalId is the plan store's alone: the CLI never shows it (a listing is not a way to read it back).
      for (const plan of plans) out.write(`${jsonForTerminal(withoutExternalId(plan))}\n`);
      return 0;
    }
    if (plans.length === 0) out.write('No plans loaded. Load one with: drs-ledger plans load <file>\n');
    for (const plan of plans) {
      out.write(
        `${shown(plan.planId)}  "${shown(plan.planName)}"  ${plan.waves.length} waves, ${totalServers(plan)} servers` +
          (plan.rtoTargetMinutes ? `, RTO target ${shown(plan.rtoTargetMinutes)}m` : '') +
          '\n',
      );
      if (plan.target) out.write(`  target: ${describeTarget(plan.target)}\n`);
      plan.waves.forEach((wave, index) =>
        out.write(
          `  ${index + 1}. ${shown(wave.waveName)} (${wave.sourceServerIds.length} servers)${wave.pauseBeforeWave ? ' · pause before' : ''}\n`,
        ),
      );
    }
    return 0;
  } finally {
    await ledger.close();
  }
};
