/** The KMS operations the emulator serves, by the name after `TrentService.` in X-Amz-Target. */
export const KMS_OPERATIONS = ['CreateKey', 'DescribeKey', 'GetPublicKey', 'Sign', 'Verify', 'CreateAlias', 'ListAliases'] as const;

export type KmsOperationName = (typeof KMS_OPERATIONS)[number];

export const isKmsOperation = (name: string): name is KmsOperationName => (KMS_OPERATIONS as readonly string[]).includes(name);
