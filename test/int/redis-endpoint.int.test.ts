import '../support/env';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { CreateReplicationGroupCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { beforeAll, describe, expect, it } from 'vitest';
import { discoverRedisEndpoint, withLogin } from '#shared/platform/clients/redis-endpoint';

// moto_server (PyPI) plays the ElastiCache control plane on loopback: a real API endpoint
// speaking the ElastiCache query protocol, not a stub in this process.
const MOTO = `http://127.0.0.1:${process.env.OSHOP_MOTO_PORT ?? 15050}`;
const client = new ElastiCacheClient({
  endpoint: MOTO,
  region: 'us-east-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});
const groupId = () => `oshop-${randomUUID().slice(0, 8)}`;

describe('ElastiCache endpoint discovery (DescribeReplicationGroups on moto_server)', () => {
  beforeAll(() => {
    execFileSync('bash', ['scripts/stack.sh', 'moto-up'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }, 180_000);

  it('uses the primary endpoint of a non-cluster group', async () => {
    const id = groupId();
    await client.send(
      new CreateReplicationGroupCommand({
        ReplicationGroupId: id,
        ReplicationGroupDescription: 'hot deals',
        Engine: 'redis',
        CacheNodeType: 'cache.t4g.micro',
        NumCacheClusters: 2,
      }),
    );
    const endpoint = await discoverRedisEndpoint(client, id);
    expect(endpoint.cluster).toBe(false);
    expect(endpoint.url).toMatch(new RegExp(`^redis://master\\.${id}\\..+:6379$`));
  });

  it('uses the configuration endpoint and TLS of a cluster-mode group with encryption in transit', async () => {
    const id = groupId();
    await client.send(
      new CreateReplicationGroupCommand({
        ReplicationGroupId: id,
        ReplicationGroupDescription: 'hot deals, sharded',
        Engine: 'redis',
        CacheNodeType: 'cache.r7g.large',
        ClusterMode: 'enabled',
        NumNodeGroups: 3,
        ReplicasPerNodeGroup: 1,
        TransitEncryptionEnabled: true,
      }),
    );
    const endpoint = await discoverRedisEndpoint(client, id);
    expect(endpoint.cluster).toBe(true);
    expect(endpoint.url).toMatch(new RegExp(`^rediss://clustercfg\\.${id}\\..+:6379$`));
    expect(withLogin(endpoint, { password: 'tok/en' }).url).toMatch(/^rediss:\/\/:tok%2Fen@clustercfg\./);
    expect(withLogin(endpoint, { username: 'oshop-hotdeal', password: 'p' }).url).toMatch(
      /^rediss:\/\/oshop-hotdeal:p@clustercfg\./,
    );
  });

  it('says which group it could not find', async () => {
    await expect(discoverRedisEndpoint(client, 'no-such-group')).rejects.toThrow(/no-such-group|not found/i);
  });
});
