import type { RecoveryPlan } from '../domain/plan';
import { targetRoleArn } from '../local/planTargetTrust';

export interface InventoryEntry {
  sourceServerID: string;
  hostname: string;
}

/**
 * A running stack's DRS emulator must know a plan's servers before a start can launch them: those it does not
 * know yet are registered, with the inventory's hostnames (others get one made from their id, as the stack does).
 */
export const registerWithRunningDrs = async (
  drsEndpoint: string,
  plans: RecoveryPlan[],
  inventory: InventoryEntry[] = [],
): Promise<void> => {
  const listed = await fetch(`${drsEndpoint}/__emulator/source-servers`);
  if (!listed.ok) throw new Error(`The running DRS emulator did not list its source servers: ${listed.status}`);
  const known = (await listed.json()) as { sourceServers: Array<{ sourceServerID: string }> };
  const registered = new Set(known.sourceServers.map((server) => server.sourceServerID));
  const hostnames = new Map(inventory.map((server) => [server.sourceServerID, server.hostname]));
  const missing = [...new Set(plans.flatMap((plan) => plan.waves.flatMap((wave) => wave.sourceServerIds)))]
    .filter((sourceServerID) => !registered.has(sourceServerID))
    .map((sourceServerID) => ({ sourceServerID, hostname: hostnames.get(sourceServerID) ?? `host-${sourceServerID.slice(2, 8)}` }));
  if (missing.length === 0) return;
  const response = await fetch(`${drsEndpoint}/__emulator/source-servers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sourceServers: missing }),
  });
  if (!response.ok) throw new Error(`The running DRS emulator refused the plan's servers: ${await response.text()}`);
};

/** A running stack's STS emulator must trust a plan's target role (with its ExternalId) before a start can assume it. */
export const trustWithRunningSts = async (stsEndpoint: string, plans: RecoveryPlan[], defaultRoleName: string): Promise<void> => {
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
