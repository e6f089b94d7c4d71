package dev.baton.tasks;

import dev.baton.catalog.BuiltInEntries;
import dev.baton.catalog.BuiltInEntry;
import dev.baton.connections.Vault;
import dev.baton.tasks.container.ContainerHandler;
import dev.baton.tasks.database.DatabaseQueryHandler;
import dev.baton.tasks.database.ReservedDatabase;
import dev.baton.tasks.email.EmailHandler;
import dev.baton.tasks.http.HttpAllowList;
import dev.baton.tasks.http.HttpTaskHandler;
import dev.baton.tenancy.TenantTransactions;
import dev.baton.tenancy.outbound.OutboundAddressPolicy;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The reusable task types, each a task handler the engine picks up and an entry in every tenant's catalog. */
@Configuration(proxyBeanMethods = false)
public class ReusableTasksConfiguration {

    @Bean
    DatabaseQueryHandler databaseQueryHandler(Vault vault, OutboundAddressPolicy outbound,
            ObjectProvider<ReservedDatabase> reserved,
            @Value("${baton.tasks.database.max-rows:10000}") int maxRows,
            @Value("${baton.tasks.database.max-timeout-seconds:300}") int maxTimeoutSeconds) {
        return new DatabaseQueryHandler(vault, outbound, reserved.getIfAvailable(() -> new ReservedDatabase(null,
                java.util.Set.of())), maxRows, maxTimeoutSeconds);
    }

    @Bean
    EmailHandler emailHandler(Vault vault, OutboundAddressPolicy outbound,
            @Value("${baton.tasks.email.timeout:PT30S}") Duration timeout) {
        return new EmailHandler(vault, outbound, timeout);
    }

    @Bean
    BuiltInEntry emailEntry() {
        return BuiltInEntries.load(EmailHandler.class, "/catalog/email.json");
    }

    @Bean
    ContainerHandler containerHandler(Vault vault, OutboundAddressPolicy outbound,
            @Value("${baton.tasks.container.max-timeout-seconds:3600}") int maxTimeoutSeconds,
            @Value("${baton.tasks.container.poll-interval:PT1S}") Duration pollInterval) {
        return new ContainerHandler(vault, outbound, maxTimeoutSeconds, pollInterval);
    }

    @Bean
    BuiltInEntry containerEntry() {
        return BuiltInEntries.load(ContainerHandler.class, "/catalog/container.json");
    }

    @Bean
    BuiltInEntry databaseQueryEntry() {
        return BuiltInEntries.load(DatabaseQueryHandler.class, "/catalog/database-query.json");
    }

    @Bean
    BuiltInEntry httpEntry() {
        return BuiltInEntries.load(HttpTaskHandler.class, "/catalog/http.json");
    }

    /**
     * HTTP tasks get their own client under the same address rule as every outbound call; their limits
     * ({@code baton.tasks.http.*}) default to the outbound ones, with a longer read allowed since APIs can be slow.
     */
    @Bean
    HttpAllowList httpAllowList(TenantTransactions tx, JdbcClient jdbc) {
        return new HttpAllowList(tx, jdbc);
    }

    @Bean
    HttpTaskHandler httpTaskHandler(HttpAllowList allowList,
            @Value("${baton.tasks.http.allow-http:${baton.outbound.allow-http:false}}") boolean allowHttp,
            @Value("${baton.tasks.http.allowed-ranges:${baton.outbound.allowed-ranges:}}") List<String> ranges,
            @Value("${baton.tasks.http.connect-timeout:PT5S}") Duration connectTimeout,
            @Value("${baton.tasks.http.max-read-timeout:PT60S}") Duration maxReadTimeout,
            @Value("${baton.tasks.http.max-response-bytes:1048576}") long maxResponseBytes,
            @Value("${baton.tasks.http.max-connections:200}") int maxConnections,
            @Value("${baton.tasks.http.max-connections-per-host:50}") int maxPerHost) {
        OutboundAddressPolicy policy = new OutboundAddressPolicy(new OutboundAddressPolicy.Settings(allowHttp, ranges,
                connectTimeout, maxReadTimeout, maxResponseBytes), maxConnections, maxPerHost);
        return new HttpTaskHandler(policy, allowList, connectTimeout, maxReadTimeout);
    }
}
