// Copies AWS's published API models of the services the emulators speak (botocore's service-2.json,
// the same models every AWS SDK is generated from) into aws-models/, and records their origin and
// SHA-256 in aws-models/SOURCE.json. Run it after installing a newer botocore:
//   node scripts/refresh-aws-models.mjs [path/to/botocore/data]
// Without a path it asks python3 where botocore is. The emulators' tests use these models as the
// referee for every request and answer (src/local/emulators/models/), so they are copied, never edited.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Our name for each service -> botocore's folder and API version. */
const SERVICES = {
  cloudformation: 'cloudformation/2010-05-15',
  drs: 'drs/2020-02-26',
  kms: 'kms/2014-11-01',
  lambda: 'lambda/2015-03-31',
  s3: 's3/2006-03-01',
  sns: 'sns/2010-03-31',
  stepfunctions: 'stepfunctions/2016-11-23',
  sts: 'sts/2011-06-15',
};

const python = (code) => execFileSync('python3', ['-c', code], { encoding: 'utf8' }).trim();

const dataDir = process.argv[2] ?? join(python('import botocore, os; print(os.path.dirname(botocore.__file__))'), 'data');
const version = process.argv[2] ? 'unknown' : python('import botocore; print(botocore.__version__)');
const target = new URL('../aws-models/', import.meta.url).pathname;

const source = { origin: 'botocore (Apache-2.0), https://github.com/boto/botocore', botocoreVersion: version, models: {} };
for (const [service, folder] of Object.entries(SERVICES)) {
  const gz = join(dataDir, folder, 'service-2.json.gz');
  const plain = join(dataDir, folder, 'service-2.json');
  // Newer botocore ships its models gzipped; older ones (Debian's) as plain JSON.
  const bytes = existsSync(gz) ? readFileSync(gz) : gzipSync(readFileSync(plain));
  const file = `${service}-${folder.split('/')[1]}.json.gz`;
  writeFileSync(join(target, file), bytes);
  source.models[service] = {
    file,
    from: `botocore/data/${folder}/service-2.json`,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  console.log(`${file} <- ${folder}`);
}
writeFileSync(join(target, 'SOURCE.json'), `${JSON.stringify(source, null, 2)}\n`);
