import {
  AlreadyExistsException,
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DryRunOperationException,
  GetPublicKeyCommand,
  InvalidKeyUsageException,
  KMSClient,
  KMSInvalidSignatureException,
  ListAliasesCommand,
  NotFoundException,
  SignCommand,
  type SignCommandInput,
  UnsupportedOperationException,
  VerifyCommand,
} from '@aws-sdk/client-kms';
import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey, verify as verifyWithNode } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '../../../src/local/emulators/clock';
import { type KmsEmulator, startKmsEmulator } from '../../../src/local/emulators/kms';
import { rejectionOf } from './support';

const SIGNER_KEY_ID = 'AKIADIGESTWRITER0001';

/** The real KMSClient; only the endpoint differs from AWS. */
const kmsClient = (endpoint: string, accessKeyId = SIGNER_KEY_ID): KMSClient =>
  new KMSClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 1 });

const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

/** What an auditor runs, with the public key from GetPublicKey and the signature from Sign: true when openssl says "Verified OK". */
const opensslVerifies = (folder: string, publicKeyDer: Uint8Array, signature: Uint8Array, message: Uint8Array): boolean => {
  const pem = createPublicKey({ key: Buffer.from(publicKeyDer), format: 'der', type: 'spki' }).export({ format: 'pem', type: 'spki' });
  writeFileSync(join(folder, 'pub.pem'), pem);
  writeFileSync(join(folder, 'sig.der'), signature);
  writeFileSync(join(folder, 'message'), message);
  const run = spawnSync('openssl', ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'sig.der', 'message'], {
    cwd: folder,
    encoding: 'utf8',
  });
  if (run.status === 0) expect(run.stdout.trim()).toBe('Verified OK');
  else expect(run.stdout.trim()).toBe('Verification failure');
  return run.status === 0;
};

describe('KMS emulator, through the real KMSClient', () => {
  let folder: string;
  let emulator: KmsEmulator;
  let kms: KMSClient;

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'kms-emulator-'));
    emulator = await startKmsEmulator({ clock: manualClock(Date.UTC(2026, 10, 30, 12, 0, 0)).now });
    kms = kmsClient(emulator.endpoint);
  });

  afterEach(async () => {
    kms.destroy();
    await emulator.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const signingKey = async (): Promise<string> => {
    const { KeyMetadata } = await kms.send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Description: 'digest signer' }),
    );
    return KeyMetadata!.KeyId!;
  };

  const sign = (input: Partial<SignCommandInput> & Pick<SignCommandInput, 'KeyId' | 'Message'>) =>
    kms.send(new SignCommand({ SigningAlgorithm: 'ECDSA_SHA_256', ...input }));

  it('creates a P-256 signing key and describes it as KMS does', async () => {
    const keyId = await signingKey();

    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(KeyMetadata).toEqual({
      AWSAccountId: '000000000000',
      KeyId: keyId,
      Arn: `arn:aws:kms:us-east-1:000000000000:key/${keyId}`,
      CreationDate: new Date(Date.UTC(2026, 10, 30, 12, 0, 0)),
      Enabled: true,
      Description: 'digest signer',
      KeyUsage: 'SIGN_VERIFY',
      KeyState: 'Enabled',
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      CustomerMasterKeySpec: 'ECC_NIST_P256',
      KeySpec: 'ECC_NIST_P256',
      SigningAlgorithms: ['ECDSA_SHA_256'],
      MultiRegion: false,
    });
    expect(keyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('signs a RAW message with a DER ECDSA signature that openssl verifies with the public key, and no other message', async () => {
    const keyId = await signingKey();
    const message = Buffer.from('{"digest":1,"heads":[["exec-1",25,"8e62"]]}');

    const signed = await sign({ KeyId: keyId, Message: message, MessageType: 'RAW' });
    const { PublicKey, KeySpec, KeyUsage, SigningAlgorithms } = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));

    expect(signed.KeyId).toBe(`arn:aws:kms:us-east-1:000000000000:key/${keyId}`);
    expect(signed.SigningAlgorithm).toBe('ECDSA_SHA_256');
    expect(Buffer.from(signed.Signature!)[0]).toBe(0x30); // a DER SEQUENCE of r and s
    expect([KeySpec, KeyUsage, SigningAlgorithms]).toEqual(['ECC_NIST_P256', 'SIGN_VERIFY', ['ECDSA_SHA_256']]);
    expect(opensslVerifies(folder, PublicKey!, signed.Signature!, message)).toBe(true);
    expect(opensslVerifies(folder, PublicKey!, signed.Signature!, Buffer.from('{"digest":1,"heads":[["exec-1",25,"8e63"]]}'))).toBe(false);
  });

  it('signs a DIGEST without hashing it again: node:crypto verifies it as a signature of the message', async () => {
    const keyId = await signingKey();
    const message = Buffer.alloc(10_000, 'a'); // too long to send RAW
    const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    const publicKey = createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' });

    const { Signature } = await sign({ KeyId: keyId, Message: sha256(message), MessageType: 'DIGEST' });

    expect(publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(verifyWithNode('sha256', message, publicKey, Buffer.from(Signature!))).toBe(true);
    expect(verifyWithNode('sha256', sha256(message), publicKey, Buffer.from(Signature!))).toBe(false);
    expect(opensslVerifies(folder, PublicKey!, Signature!, message)).toBe(true);
  });

  it('verifies a signature across message types, and refuses one that does not match with KMSInvalidSignatureException', async () => {
    const keyId = await signingKey();
    const message = Buffer.from('head 25:8e62');
    const { Signature } = await sign({ KeyId: keyId, Message: message });

    const valid = await kms.send(
      new VerifyCommand({ KeyId: keyId, Message: sha256(message), MessageType: 'DIGEST', Signature, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    expect(valid).toMatchObject({ SignatureValid: true, SigningAlgorithm: 'ECDSA_SHA_256', KeyId: expect.stringContaining(keyId) });

    const forged = await rejectionOf(
      kms.send(new VerifyCommand({ KeyId: keyId, Message: Buffer.from('head 25:0000'), Signature, SigningAlgorithm: 'ECDSA_SHA_256' })),
    );
    expect(forged).toBeInstanceOf(KMSInvalidSignatureException);
    expect(forged.$metadata.httpStatusCode).toBe(400);
    const garbage = await rejectionOf(
      kms.send(new VerifyCommand({ KeyId: keyId, Message: message, Signature: Buffer.from('not DER'), SigningAlgorithm: 'ECDSA_SHA_256' })),
    );
    expect(garbage).toBeInstanceOf(KMSInvalidSignatureException);
    // Another key's signature of the same message is no signature of this key.
    const otherKey = await signingKey();
    const other = await sign({ KeyId: otherKey, Message: message });
    expect(
      await rejectionOf(
        kms.send(new VerifyCommand({ KeyId: keyId, Message: message, Signature: other.Signature, SigningAlgorithm: 'ECDSA_SHA_256' })),
      ),
    ).toBeInstanceOf(KMSInvalidSignatureException);
  });

  it('takes RAW messages up to 4,096 bytes and refuses longer ones with ValidationException, as KMS does', async () => {
    const keyId = await signingKey();

    await expect(sign({ KeyId: keyId, Message: Buffer.alloc(4096, 1) })).resolves.toMatchObject({ SigningAlgorithm: 'ECDSA_SHA_256' });
    const refused = await rejectionOf(sign({ KeyId: keyId, Message: Buffer.alloc(4097, 1) }));

    expect(refused.name).toBe('ValidationException');
    expect(refused.$metadata.httpStatusCode).toBe(400);
    expect(refused.message).toBe(
      "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096",
    );
  });

  it('refuses a DIGEST that is not 32 bytes long', async () => {
    const keyId = await signingKey();

    const refused = await rejectionOf(sign({ KeyId: keyId, Message: Buffer.alloc(31), MessageType: 'DIGEST' }));

    expect(refused.name).toBe('ValidationException');
    expect(refused.message).toBe('Digest is invalid length for algorithm ECDSA_SHA_256.');
  });

  it('refuses to sign with a key whose usage is not SIGN_VERIFY, or with an algorithm the key does not offer', async () => {
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    expect([KeyMetadata!.KeySpec, KeyMetadata!.KeyUsage, KeyMetadata!.EncryptionAlgorithms]).toEqual([
      'SYMMETRIC_DEFAULT',
      'ENCRYPT_DECRYPT',
      ['SYMMETRIC_DEFAULT'],
    ]);

    const wrongUsage = await rejectionOf(sign({ KeyId: KeyMetadata!.KeyId!, Message: Buffer.from('x') }));
    expect(wrongUsage).toBeInstanceOf(InvalidKeyUsageException);
    expect(wrongUsage.message).toBe(`${KeyMetadata!.Arn!} key usage is ENCRYPT_DECRYPT which is not valid for Sign.`);
    expect(await rejectionOf(kms.send(new GetPublicKeyCommand({ KeyId: KeyMetadata!.KeyId! })))).toBeInstanceOf(
      UnsupportedOperationException,
    );

    const keyId = await signingKey();
    const wrongAlgorithm = await rejectionOf(sign({ KeyId: keyId, Message: Buffer.from('x'), SigningAlgorithm: 'RSASSA_PSS_SHA_256' }));
    expect(wrongAlgorithm).toBeInstanceOf(InvalidKeyUsageException);
    expect(wrongAlgorithm.message).toBe('Algorithm RSASSA_PSS_SHA_256 is incompatible with key spec ECC_NIST_P256.');
  });

  it('answers NotFoundException for a key or alias it does not have, in this or another account', async () => {
    const keyId = await signingKey();
    const cases = [
      [
        '11111111-2222-3333-4444-555555555555',
        "Key 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555' does not exist",
      ],
      ['not-a-key', "Invalid keyId 'not-a-key'"],
      ['alias/missing', 'Alias arn:aws:kms:us-east-1:000000000000:alias/missing is not found.'],
      [`arn:aws:kms:us-east-1:111122223333:key/${keyId}`, `Key 'arn:aws:kms:us-east-1:111122223333:key/${keyId}' does not exist`],
    ];
    for (const [KeyId, message] of cases) {
      const refused = await rejectionOf(sign({ KeyId: KeyId!, Message: Buffer.from('x') }));
      expect(refused).toBeInstanceOf(NotFoundException);
      expect(refused.message).toBe(message);
    }
  });

  it('refuses key kinds it does not emulate, and usages KMS does not allow, rather than half-creating them', async () => {
    const rsa = await rejectionOf(kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' })));
    expect(rsa).toBeInstanceOf(UnsupportedOperationException);
    const eccDefaultUsage = await rejectionOf(kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256' })));
    expect(eccDefaultUsage.name).toBe('ValidationException');
    expect(eccDefaultUsage.message).toBe('KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec ECC_NIST_P256.');
    expect(emulator.keys()).toEqual([]);
  });

  it('answers a DryRun that would succeed with DryRunOperationException (412), signing nothing', async () => {
    const keyId = await signingKey();

    const dryRun = await rejectionOf(sign({ KeyId: keyId, Message: Buffer.from('x'), DryRun: true }));

    expect(dryRun).toBeInstanceOf(DryRunOperationException);
    expect(dryRun.$metadata.httpStatusCode).toBe(412);
  });

  it('signs through an alias name or alias ARN, lists aliases page by page, and refuses a second alias of the same name', async () => {
    const keyId = await signingKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/drs-ledger-digests', TargetKeyId: keyId }));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/another', TargetKeyId: keyId }));

    for (const KeyId of ['alias/drs-ledger-digests', 'arn:aws:kms:us-east-1:000000000000:alias/drs-ledger-digests']) {
      const { KeyId: signedWith } = await sign({ KeyId, Message: Buffer.from('x') });
      expect(signedWith).toBe(`arn:aws:kms:us-east-1:000000000000:key/${keyId}`);
    }
    const first = await kms.send(new ListAliasesCommand({ Limit: 1 }));
    const second = await kms.send(new ListAliasesCommand({ Limit: 1, Marker: first.NextMarker! }));
    expect([first.Aliases!.map((alias) => alias.AliasName), first.Truncated]).toEqual([['alias/another'], true]);
    expect([second.Aliases!.map((alias) => alias.AliasName), second.Truncated, second.NextMarker]).toEqual([
      ['alias/drs-ledger-digests'],
      false,
      undefined,
    ]);
    expect(second.Aliases![0]).toMatchObject({
      AliasArn: 'arn:aws:kms:us-east-1:000000000000:alias/drs-ledger-digests',
      TargetKeyId: keyId,
    });
    const again = await rejectionOf(kms.send(new CreateAliasCommand({ AliasName: 'alias/another', TargetKeyId: keyId })));
    expect(again).toBeInstanceOf(AlreadyExistsException);
  });

  it('logs who signed with which key, and refuses an unsigned request', async () => {
    const keyId = await signingKey();
    const intruder = kmsClient(emulator.endpoint, 'AKIAINTRUDER00000001');
    try {
      await intruder.send(new SignCommand({ KeyId: keyId, Message: Buffer.from('x'), SigningAlgorithm: 'ECDSA_SHA_256' }));
    } finally {
      intruder.destroy();
    }
    const unsigned = await fetch(emulator.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.Sign' },
      body: JSON.stringify({ KeyId: keyId, Message: 'eA==', SigningAlgorithm: 'ECDSA_SHA_256' }),
    });

    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    expect(
      emulator.requests().map(({ operation, callerAccessKeyId, keyId: named, outcome }) => [operation, callerAccessKeyId, named, outcome]),
    ).toEqual([
      ['CreateKey', SIGNER_KEY_ID, undefined, 'OK'],
      ['Sign', 'AKIAINTRUDER00000001', keyId, 'OK'],
      ['Sign', undefined, undefined, 'MissingAuthenticationTokenException'],
    ]);
  });

  it('fails the next Sign requests it is told to, then signs again', async () => {
    const keyId = await signingKey();
    emulator.faults.apply({ Sign: { count: 1 } });

    const failed = await rejectionOf(sign({ KeyId: keyId, Message: Buffer.from('x') }));

    expect(failed.name).toBe('KMSInternalException');
    expect(failed.$metadata.httpStatusCode).toBe(500);
    await expect(sign({ KeyId: keyId, Message: Buffer.from('x') })).resolves.toMatchObject({ SigningAlgorithm: 'ECDSA_SHA_256' });
  });
});

describe('KMS emulator: keys kept in a data folder', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'kms-emulator-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('verifies, after a restart on the same folder, what it signed before, with the same public key and aliases', async () => {
    const message = Buffer.from('digest 1');
    const first = await startKmsEmulator({ dataDir });
    const client1 = kmsClient(first.endpoint);
    const { KeyMetadata } = await client1.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
    await client1.send(new CreateAliasCommand({ AliasName: 'alias/digests', TargetKeyId: KeyMetadata!.KeyId! }));
    const { Signature } = await client1.send(
      new SignCommand({ KeyId: 'alias/digests', Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    const before = await client1.send(new GetPublicKeyCommand({ KeyId: 'alias/digests' }));
    client1.destroy();
    await first.close();

    expect(readdirSync(dataDir)).toEqual(['kms-emulator.json']);
    const second = await startKmsEmulator({ dataDir });
    const client2 = kmsClient(second.endpoint);
    try {
      const after = await client2.send(new GetPublicKeyCommand({ KeyId: 'alias/digests' }));
      expect(Buffer.from(after.PublicKey!)).toEqual(Buffer.from(before.PublicKey!));
      const verified = await client2.send(
        new VerifyCommand({ KeyId: KeyMetadata!.KeyId!, Message: message, Signature, SigningAlgorithm: 'ECDSA_SHA_256' }),
      );
      expect(verified.SignatureValid).toBe(true);
    } finally {
      client2.destroy();
      await second.close();
    }
  });
});
