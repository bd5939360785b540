// serverless-iam-roles-per-function gives every function its own role but leaves the
// framework's shared default role in the template (it copies it as a template). Unused, it
// would still be deployed, with the VPC managed policy and logs on every function's group.
// This drops it when nothing refers to it.
class DropUnusedDefaultRole {
  constructor(serverless) {
    this.hooks = {
      'before:package:finalize': () => {
        const provider = serverless.getProvider('aws');
        const resources = serverless.service.provider.compiledCloudFormationTemplate.Resources;
        const name = provider.naming.getRoleLogicalId();
        if (!resources[name]) return;
        const others = Object.entries(resources).filter(([key]) => key !== name);
        const ref = new RegExp(`"(Ref|Fn::GetAtt)":\\s*\\[?\\s*"${name}"|"DependsOn":[^\\]]*"${name}"`);
        if (others.some(([, resource]) => ref.test(JSON.stringify(resource)))) return;
        delete resources[name];
      },
    };
  }
}
module.exports = DropUnusedDefaultRole;
