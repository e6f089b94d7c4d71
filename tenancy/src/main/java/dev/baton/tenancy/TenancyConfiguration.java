package dev.baton.tenancy;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/** Provides the tenant-bound transactions every module runs its SQL in. */
@Configuration(proxyBeanMethods = false)
public class TenancyConfiguration {

    @Bean
    TenantTransactions tenantTransactions(PlatformTransactionManager transactionManager, JdbcClient jdbc) {
        return new TenantTransactions(transactionManager, jdbc);
    }

    @Bean
    Tenants tenants(JdbcClient jdbc, TenantTransactions tx) {
        return new Tenants(jdbc, tx, Clock.systemUTC());
    }
}
