/**
 * npm run package -- [--stage dev|prod]: the deployable artifacts (the CloudFormation
 * template and one zip per function) in .local/package/<stage>, built in a work folder of
 * its own (.esbuild-package-<stage>), so it never touches a running `npm run dev`.
 */
import { parseCommandLine, runToExit } from './lib/cli';
import { packageStage } from './lib/deploy/package';

const usage = (message: string): never => {
  console.error(`${message}\nusage: npm run package -- [--stage dev|prod]`);
  process.exit(2);
};
const { values } = parseCommandLine({ options: { stage: { type: 'string', default: 'dev' } } }, usage);
const stage = values.stage ?? 'dev';
if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage))
  usage(`--stage ${stage}: a stage name is lower-case letters, digits and -`);

runToExit(
  'package',
  async () => {
    console.log(`[package] serverless package --stage ${stage} (about a minute)`);
    const packaged = await packageStage(stage);
    console.log(
      `[package] ${Object.keys(packaged.zips).length} functions and the template in ${packaged.dir}`,
    );
    return 0;
  },
  async () => undefined,
);
