package dev.baton.schedules;

import dev.baton.engine.api.CompositionPolicy;
import dev.baton.engine.api.Leadership;
import dev.baton.engine.api.WorkflowService;
import dev.baton.schedules.internal.ScheduleRunner;
import dev.baton.schedules.internal.ScheduleStore;
import dev.baton.tenancy.TenantTransactions;
import dev.baton.tenancy.Tenants;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** Wires the schedules and the runner that fires them. */
@Configuration(proxyBeanMethods = false)
public class SchedulesConfiguration {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Bean
    ScheduleStore scheduleStore(JdbcClient jdbc) {
        return new ScheduleStore(jdbc, JSON);
    }

    @Bean
    Schedules schedules(TenantTransactions tx, ScheduleStore store, Clock clock,
            @Value("${baton.scheduler.max-schedules-per-tenant:1000}") int perTenant,
            @Value("${baton.scheduler.min-interval:PT10S}") Duration minInterval) {
        return new Schedules(tx, store, clock, new Schedules.Limits(perTenant, minInterval));
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    ScheduleRunner scheduleRunner(JdbcClient jdbc, TenantTransactions tx, ScheduleStore store,
            WorkflowService workflows, ObjectProvider<CompositionPolicy> composition, Tenants tenants, Clock clock,
            Leadership leadership, @Value("${baton.scheduler.interval:PT1S}") Duration interval,
            @Value("${baton.scheduler.keep-executions:P7D}") Duration keep) {
        return new ScheduleRunner(jdbc, tx, store, workflows, composition.getIfAvailable(() -> CompositionPolicy.OPEN),
                tenants, clock, leadership, interval, keep);
    }
}
