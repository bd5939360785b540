// The API's edge, where the framework has no setting for it:
// - functions named in custom.localOnlyFunctions (the dev issuer's sign-in) exist on the
//   local stage only: every other stage is packaged without them;
// - API Gateway throttling (and X-Ray tracing): the stage's rate and burst, and per kind of route (orders,
//   lookups) limits of their own, as the stage settings of the deployment the framework
//   creates (its logical id changes with every deploy, so it is found here);
// - the WAF web ACL's association with that stage (resources.yml), which can only be made
//   once the stage exists.
class Edge {
  constructor(serverless) {
    const stage = () => serverless.getProvider('aws').getStage();
    this.hooks = {
      initialize: () => {
        if (stage() === 'local') return;
        for (const name of serverless.service.custom?.localOnlyFunctions ?? [])
          delete serverless.service.functions[name];
      },
      // After resources.yml is merged into the template, before the template is written.
      'before:aws:package:finalize:saveServiceState': () => {
        const resources = serverless.service.provider.compiledCloudFormationTemplate.Resources;
        const deployment = Object.keys(resources).find((id) => id.startsWith('ApiGatewayDeployment'));
        if (!deployment) return;
        const { limits, routes } = serverless.service.custom.throttle;
        const limit = (l) => ({ ThrottlingRateLimit: Number(l.rate), ThrottlingBurstLimit: Number(l.burst) });
        const methodSettings = Object.entries(routes).flatMap(([kind, list]) =>
          list.map((route) => {
            const [method, path] = route.split(' ');
            // API Gateway names a method by its path with "/" written "~1".
            return {
              HttpMethod: method,
              ResourcePath: `/${path.replace(/\//g, '~1')}`,
              ...limit(limits[kind]),
            };
          }),
        );
        resources[deployment].Properties.StageDescription = {
          ...limit(limits.stage),
          // X-Ray on the stage, declared (provider.tracing.apiGateway is otherwise applied by
          // an API call after the deploy, where the template does not show it).
          TracingEnabled: Boolean(serverless.service.provider.tracing?.apiGateway),
          MethodSettings: [
            { HttpMethod: '*', ResourcePath: '/*', ...limit(limits.stage) },
            ...methodSettings,
          ],
        };
        const association = resources.ApiWebAclAssociation;
        if (association) {
          association.DependsOn = [deployment];
          association.Properties.ResourceArn = {
            'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}::/restapis/\${ApiGatewayRestApi}/stages/${stage()}`,
          };
        }
      },
    };
  }
}
module.exports = Edge;
