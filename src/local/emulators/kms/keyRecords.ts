/** What the KMS emulator keeps of a key and an alias (saved as kms-emulator.json in the data folder). */

/** The key kinds the emulator creates: what the digest signer needs, and a symmetric key to be refused by Sign. */
export type EmulatedKeySpec = 'ECC_NIST_P256' | 'SYMMETRIC_DEFAULT';
export type EmulatedKeyUsage = 'SIGN_VERIFY' | 'ENCRYPT_DECRYPT';

export interface KeyRecord {
  /** A UUID, as KMS key ids are. */
  keyId: string;
  arn: string;
  /** Epoch milliseconds. */
  createdAt: number;
  description: string;
  keySpec: EmulatedKeySpec;
  keyUsage: EmulatedKeyUsage;
  tags: Array<{ TagKey: string; TagValue: string }>;
  /**
   * The private key as PKCS#8 PEM (ECC_NIST_P256 only). An emulator may keep it in a file: the point is
   * that signatures are real P-256 ECDSA, checkable by anyone with the public key.
   */
  privateKeyPem?: string;
}

export interface AliasRecord {
  /** `alias/<name>`. */
  aliasName: string;
  targetKeyId: string;
  createdAt: number;
  lastUpdatedAt: number;
}

export interface KmsStateFile {
  version: 1;
  keys: KeyRecord[];
  aliases: AliasRecord[];
}
