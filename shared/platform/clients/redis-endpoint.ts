import { DescribeReplicationGroupsCommand, type ElastiCacheClient } from '@aws-sdk/client-elasticache';

export interface RedisEndpoint {
  url: string;
  cluster: boolean;
}

/**
 * Finds a replication group's endpoint through the ElastiCache API: the configuration
 * endpoint of a cluster-mode group, else the primary endpoint. TLS (rediss://) when the
 * group encrypts in transit; the AUTH token, if any, is added by the caller.
 */
export async function discoverRedisEndpoint(
  client: ElastiCacheClient,
  replicationGroupId: string,
): Promise<RedisEndpoint> {
  const out = await client.send(
    new DescribeReplicationGroupsCommand({ ReplicationGroupId: replicationGroupId }),
  );
  const group = out.ReplicationGroups?.[0];
  if (!group) throw new Error(`ElastiCache replication group ${replicationGroupId} not found`);
  const scheme = group.TransitEncryptionEnabled ? 'rediss' : 'redis';
  const endpoint = group.ClusterEnabled
    ? group.ConfigurationEndpoint
    : group.NodeGroups?.[0]?.PrimaryEndpoint;
  if (!endpoint?.Address)
    throw new Error(`ElastiCache replication group ${replicationGroupId} has no endpoint yet`);
  return {
    url: `${scheme}://${endpoint.Address}:${endpoint.Port ?? 6379}`,
    cluster: group.ClusterEnabled === true,
  };
}

/** With a password (AUTH token), as ioredis takes it in the URL. */
export function withLogin(endpoint: RedisEndpoint, login: RedisLogin): RedisEndpoint {
  if (!login.password) return endpoint;
  const url = new URL(endpoint.url);
  if (login.username) url.username = login.username;
  url.password = login.password;
  return { ...endpoint, url: url.toString() };
}

/** An ElastiCache RBAC user (username and password), or the AUTH token alone (no username). */
export interface RedisLogin {
  username?: string | undefined;
  password: string | undefined;
}
