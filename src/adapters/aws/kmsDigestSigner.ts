import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { type AppConfig, clientOptions } from '../../config';
import { DIGEST_SIGNATURE_ALGORITHM } from '../../domain/digest';
import type { DigestPublicKey, DigestSigner } from '../../ports/digestSigner';

/**
 * The digest key in AWS KMS (an asymmetric ECC_NIST_P256 key). Sign sends the SHA-256 of the digest
 * (MessageType DIGEST): a digest of any size signs in one call, and the signature is the one KMS would make
 * over the whole message with MessageType RAW, which `openssl dgst -sha256 -verify` checks.
 */
export class KmsDigestKey implements DigestSigner, DigestPublicKey {
  private readonly client: KMSClient;
  /** A key's public half never changes: read once per process. */
  private publicKey: Promise<Buffer> | undefined;

  constructor(
    config: AppConfig,
    readonly keyId: string,
  ) {
    this.client = new KMSClient({ ...clientOptions(config, config.endpoints.kms), maxAttempts: 3 });
  }

  async signSha256(sha256: Buffer): Promise<Buffer> {
    const output = await this.client.send(
      new SignCommand({ KeyId: this.keyId, Message: sha256, MessageType: 'DIGEST', SigningAlgorithm: DIGEST_SIGNATURE_ALGORITHM }),
    );
    if (!output.Signature) throw new Error('KMS Sign returned no signature');
    return Buffer.from(output.Signature);
  }

  publicKeyDer(): Promise<Buffer> {
    this.publicKey ??= this.readPublicKey().catch((error: unknown) => {
      this.publicKey = undefined;
      throw error;
    });
    return this.publicKey;
  }

  private async readPublicKey(): Promise<Buffer> {
    const output = await this.client.send(new GetPublicKeyCommand({ KeyId: this.keyId }));
    if (!output.PublicKey) throw new Error('KMS GetPublicKey returned no key');
    if (output.KeySpec !== 'ECC_NIST_P256')
      throw new Error(`The digest key ${this.keyId} is ${output.KeySpec ?? 'of no spec'}, not ECC_NIST_P256`);
    return Buffer.from(output.PublicKey);
  }

  /** The key's ARN, as digests name it (an alias or id given in configuration resolves to it). */
  async keyArn(): Promise<string> {
    const output = await this.client.send(new GetPublicKeyCommand({ KeyId: this.keyId }));
    if (!output.KeyId) throw new Error('KMS GetPublicKey returned no key id');
    return output.KeyId;
  }

  destroy(): void {
    this.client.destroy();
  }
}
