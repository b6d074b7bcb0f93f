import { readPlanFile } from '../../local/planFile';
import { type PlanTarget, type RecoveryPlan, totalServers, withoutExternalId } from '../../domain/plan';
import { openLedger } from '../ledgerAccess';
import { targetRoleArn } from '../../local/planTargetTrust';
import { UsageError } from '../exitCodes';
import { jsonForTerminal, shown } from '../render/terminalText';

/** A running serve's DRS emulator must know a plan's servers before a start can launch them. */
const registerWithRunningDrs = async (drsEndpoint: string, plans: RecoveryPlan[]): Promise<void> => {
  const known = (await (await fetch(`${drsEndpoint}/__emulator/source-servers`)).json()) as {
    sourceServers: Array<{ sourceServerID: string }>;
  };
  const registered = new Set(known.sourceServers.map((server) => server.sourceServerID));
  const missing = plans
    .flatMap((plan) => plan.waves.flatMap((wave) => wave.sourceServerIds))
    .filter((sourceServerID) => !registered.has(sourceServerID))
    .map((sourceServerID) => ({ sourceServerID, hostname: `host-${sourceServerID.slice(2, 8)}` }));
  if (missing.length === 0) return;
  const response = await fetch(`${drsEndpoint}/__emulator/source-servers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sourceServers: missing }),
  });
  if (!response.ok) throw new Error(`The running DRS emulator refused the plan's servers: ${await response.text()}`);
};

/** A running serve's STS emulator must trust a plan's target role (with its ExternalId) before a start can assume it. */
const trustWithRunningSts = async (stsEndpoint: string, plans: RecoveryPlan[], defaultRoleName: string): Promise<void> => {
  for (const { target } of plans) {
    if (!target) continue;
    const response = await fetch(`${stsEndpoint}/__emulator/roles`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        roleArn: targetRoleArn(target, defaultRoleName),
        ...(target.externalId ? { externalId: target.externalId } : {}),
      }),
    });
    if (!response.ok) throw new Error(`The running STS emulator refused the plan's target role: ${response.status}`);
  }
};

/** `drs-ledger plans load <file>`: validated plans into the plans table; an invalid file writes nothing. */
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
    for (const plan of read.plans) {
      out.write(`Loaded ${shown(plan.planId)} "${shown(plan.planName)}": ${plan.waves.length} waves, ${totalServers(plan)} servers\n`);
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
