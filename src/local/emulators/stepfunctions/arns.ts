const ARN = /^arn:aws[a-zA-Z-]*:states:([a-z0-9-]+):(\d{12}):(stateMachine|execution|express|activity):(.+)$/;

export interface StatesArn {
  region: string;
  accountId: string;
  resourceType: string;
  resource: string;
}

export const parseStatesArn = (arn: string): StatesArn | undefined => {
  const match = ARN.exec(arn);
  if (!match) return undefined;
  const [, region, accountId, resourceType, resource] = match as unknown as [string, string, string, string, string];
  return { region, accountId, resourceType, resource };
};

export const stateMachineArnOf = (region: string, accountId: string, name: string): string =>
  `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;

/** arn:...:stateMachine:sm -> arn:...:execution:sm:name */
export const executionArnOf = (stateMachineArn: string, name: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/** Step Functions names: 1-80 characters, no whitespace, brackets, wildcards, specials or control characters. */
const FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;
export const isValidName = (name: string): boolean => name.length >= 1 && name.length <= 80 && !FORBIDDEN.test(name);
