import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { respond } from '#shared/api/handlers';
import { routes } from '#shared/api/routes';
import { config } from '#shared/platform/config';
import { NotFoundError } from '#shared/platform/errors';
import { once } from '#shared/platform/memo';
import { opsPage } from '#shared/ops/ops-page';

/**
 * The live operations page, local stage only (serverless.yml leaves it out of every other
 * stage; here it answers 404 elsewhere). uPlot comes from the project's node_modules (npm),
 * read once and served inside the page: the browser fetches nothing from anywhere else.
 */
const chartLibrary = once(() => {
  const dist = join(process.cwd(), 'node_modules', 'uplot', 'dist');
  return {
    js: readFileSync(join(dist, 'uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(join(dist, 'uPlot.min.css'), 'utf8'),
  };
});

export const handler = respond(
  routes.opsPage,
  () => undefined,
  async () => {
    if (!config.isLocal || !config.metrics.file)
      throw new NotFoundError('No operations page on this stage: see the CloudWatch dashboard');
    return opsPage(chartLibrary());
  },
);
