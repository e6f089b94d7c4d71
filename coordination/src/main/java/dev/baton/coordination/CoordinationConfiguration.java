package dev.baton.coordination;

import dev.baton.engine.spi.LeaderElection;
import dev.baton.engine.spi.PeerChannel;
import dev.baton.engine.spi.TaskLimiter;
import dev.baton.tenancy.RequestRates;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Redis through Redisson, when {@code baton.redis.url} names one ({@code redis://host:6379}): task limits, tenants'
 * API request rates, the channel that wakes pollers across nodes, and leader election. Without it every node coordinates through PostgreSQL alone, and nothing
 * here is made.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("baton.redis.url")
public class CoordinationConfiguration {

    @Bean(destroyMethod = "shutdown")
    RedissonClient redisson(@Value("${baton.redis.url}") String url,
            @Value("${baton.redis.password:}") String password) {
        Config config = new Config();
        var server = config.useSingleServer().setAddress(url);
        if (!password.isEmpty()) {
            server.setPassword(password);
        }
        return Redisson.create(config);
    }

    @Bean
    PeerChannel redisPeerChannel(RedissonClient redis, @Value("${baton.redis.key-prefix:baton:}") String prefix) {
        return new RedisPeerChannel(redis, prefix + "queues");
    }

    @Bean
    LeaderElection redisLeaderElection(RedissonClient redis,
            @Value("${baton.redis.key-prefix:baton:}") String prefix) {
        return new RedisLeaderElection(redis, prefix);
    }

    @Bean
    RequestRates redisRequestRates(RedissonClient redis, @Value("${baton.redis.key-prefix:baton:}") String prefix) {
        return new RedisRequestRates(redis, prefix);
    }

    @Bean
    TaskLimiter redisTaskLimiter(RedissonClient redis, @Value("${baton.redis.key-prefix:baton:}") String prefix) {
        return new RedisTaskLimiter(redis, prefix);
    }
}
