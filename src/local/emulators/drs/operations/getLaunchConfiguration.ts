import type { DrsContext, Json, OperationResult } from '../context';
import { DrsError } from '../errors';
import { stableLaunchTemplateId } from '../ids';
import { requiredString, SOURCE_SERVER_ID } from '../validation';

/**
 * POST /GetLaunchConfiguration -> 200 LaunchConfiguration. Unknown server, or one whose configuration the admin
 * API removed: ResourceNotFoundException. An incomplete one comes without its ec2LaunchTemplateID, as DRS shows a
 * server whose launch template is gone.
 */
export const getLaunchConfiguration = (context: DrsContext, body: Json): OperationResult => {
  const sourceServerID = requiredString(body, 'sourceServerID', SOURCE_SERVER_ID);
  const server = context.store.sourceServers.get(sourceServerID);
  const configuration = context.store.serverState(sourceServerID).launchConfiguration;
  if (!server || (configuration && 'missing' in configuration)) {
    throw new DrsError('ResourceNotFoundException', 404, `Launch configuration for source server ${sourceServerID} not found`, {
      resourceId: sourceServerID,
      resourceType: 'SOURCE_SERVER',
    });
  }
  const complete = !configuration;
  return {
    status: 200,
    body: {
      sourceServerID,
      name: server.hostname.slice(0, 128),
      ...(complete ? { ec2LaunchTemplateID: stableLaunchTemplateId(sourceServerID) } : {}),
      launchDisposition: 'STARTED',
      targetInstanceTypeRightSizingMethod: 'BASIC',
      copyPrivateIp: false,
      copyTags: true,
      licensing: { osByol: true },
      postLaunchEnabled: false,
    },
  };
};

/** Why a launch of the server fails at LAUNCH, when its launch configuration is missing or incomplete. */
export const launchConfigurationFailure = (context: DrsContext, sourceServerID: string): string | undefined => {
  const configuration = context.store.serverState(sourceServerID).launchConfiguration;
  if (!configuration) return undefined;
  if ('missing' in configuration) return `Launch configuration for source server ${sourceServerID} not found`;
  return `Launch configuration for source server ${sourceServerID} is incomplete (no EC2 launch template): ${configuration.problems.join('; ')}`;
};
