/** The models in aws-models/ are botocore's, unedited, and name every operation the emulators serve. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLOUDFORMATION_ACTIONS } from '../../../../src/local/emulators/cloudformation';
import { DRS_OPERATIONS } from '../../../../src/local/emulators/drs';
import { KMS_OPERATIONS } from '../../../../src/local/emulators/kms';
import { loadServiceModel } from '../../../../src/local/emulators/models';
import type { ModelServiceName } from '../../../../src/local/emulators/models';
import { S3_OPERATIONS } from '../../../../src/local/emulators/s3';
import { operations } from '../../../../src/local/emulators/stepfunctions/operations';
import type { OperationDeps } from '../../../../src/local/emulators/stepfunctions/operations';

const CLOUDFORMATION_OPERATIONS = Object.keys(CLOUDFORMATION_ACTIONS);

const MODELS = join(__dirname, '../../../../aws-models');

interface Source {
  botocoreVersion: string;
  models: Record<ModelServiceName, { file: string; sha256: string }>;
}

const source = JSON.parse(readFileSync(join(MODELS, 'SOURCE.json'), 'utf8')) as Source;

/** What each emulator answers (the Step Functions table is built without running anything). */
const SERVED: Record<ModelServiceName, readonly string[]> = {
  cloudformation: CLOUDFORMATION_OPERATIONS,
  drs: DRS_OPERATIONS,
  kms: KMS_OPERATIONS,
  lambda: ['Invoke'],
  s3: S3_OPERATIONS,
  sns: ['Publish', 'CreateTopic'],
  stepfunctions: Object.keys(operations({} as OperationDeps)),
  sts: ['AssumeRole', 'GetCallerIdentity'],
};

describe('aws-models', () => {
  it.each(Object.keys(SERVED) as ModelServiceName[])('%s: the file is the one SOURCE.json recorded from botocore', (service) => {
    const entry = source.models[service];
    expect(
      createHash('sha256')
        .update(readFileSync(join(MODELS, entry.file)))
        .digest('hex'),
    ).toBe(entry.sha256);
  });

  it.each(Object.keys(SERVED) as ModelServiceName[])('%s: every operation the emulator serves is in the model', (service) => {
    const model = loadServiceModel(service);
    expect(SERVED[service].filter((operation) => !model.operations[operation])).toEqual([]);
  });

  it('counts 44 served operations in all', () => {
    expect(Object.values(SERVED).reduce((total, names) => total + names.length, 0)).toBe(44);
  });
});
