package dev.baton.tenancy;

import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/** Provides the tenant-bound transactions every module runs its SQL in. */
@Configuration(proxyBeanMethods = false)
public class TenancyConfiguration {

    /**
     * A tenant may hold three quarters of the connection pool at once (at least two connections), so one busy or
     * hostile tenant always leaves the rest to the others.
     */
    @Bean
    TenantTransactions tenantTransactions(PlatformTransactionManager transactionManager, JdbcClient jdbc,
            @Value("${baton.database.pool-size:20}") int poolSize,
            @Value("${baton.tenancy.max-concurrent-transactions:0}") int perTenant,
            @Value("${baton.tenancy.transaction-wait:PT10S}") Duration shareWait) {
        int share = perTenant > 0 ? perTenant : Math.max(2, poolSize * 3 / 4);
        return new TenantTransactions(transactionManager, jdbc, share, shareWait);
    }

    @Bean
    Tenants tenants(JdbcClient jdbc, TenantTransactions tx) {
        return new Tenants(jdbc, tx, Clock.systemUTC());
    }
}
