import type { Json } from './context';
import type { KmsHome } from './keyIds';
import type { KeyRecord } from './keyRecords';

/** The signing algorithms of a SIGN_VERIFY ECC_NIST_P256 key: KMS offers only ECDSA_SHA_256 for that curve. */
export const P256_SIGNING_ALGORITHMS = ['ECDSA_SHA_256'] as const;

/** The algorithms a key offers, under the member names DescribeKey and GetPublicKey use. */
export const keyAlgorithms = (key: KeyRecord): Json =>
  key.keyUsage === 'SIGN_VERIFY' ? { SigningAlgorithms: [...P256_SIGNING_ALGORITHMS] } : { EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'] };

/** KeyMetadata as CreateKey and DescribeKey return it (CreationDate in epoch seconds, as the JSON protocol carries timestamps). */
export const keyMetadata = (key: KeyRecord, home: KmsHome): Json => ({
  AWSAccountId: home.accountId,
  KeyId: key.keyId,
  Arn: key.arn,
  CreationDate: key.createdAt / 1000,
  Enabled: true,
  Description: key.description,
  KeyUsage: key.keyUsage,
  KeyState: 'Enabled',
  Origin: 'AWS_KMS',
  KeyManager: 'CUSTOMER',
  CustomerMasterKeySpec: key.keySpec,
  KeySpec: key.keySpec,
  ...keyAlgorithms(key),
  MultiRegion: false,
});
