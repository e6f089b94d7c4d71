package dev.baton.platform;

import dev.baton.authz.AuthzConfiguration;
import dev.baton.catalog.CatalogConfiguration;
import dev.baton.connections.ConnectionsConfiguration;
import dev.baton.coordination.CoordinationConfiguration;
import dev.baton.console.ConsoleConfiguration;
import dev.baton.engine.EngineConfiguration;
import dev.baton.events.EventsConfiguration;
import dev.baton.listeners.ListenersConfiguration;
import dev.baton.metrics.MetricsConfiguration;
import dev.baton.objectstore.ObjectStoreConfiguration;
import dev.baton.schedules.SchedulesConfiguration;
import dev.baton.searchindex.SearchIndexConfiguration;
import dev.baton.tasks.ReusableTasksConfiguration;
import dev.baton.tenancy.TenancyConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** The runnable platform: the engine behind the REST API and the web console, on PostgreSQL. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({TenancyConfiguration.class, EngineConfiguration.class, AuthzConfiguration.class,
        CatalogConfiguration.class, ConnectionsConfiguration.class, ReusableTasksConfiguration.class,
        EventsConfiguration.class, SchedulesConfiguration.class, ConsoleConfiguration.class,
        CoordinationConfiguration.class, ObjectStoreConfiguration.class, MetricsConfiguration.class,
        SearchIndexConfiguration.class, ListenersConfiguration.class})
public class BatonApplication {

    public static void main(String[] args) {
        SpringApplication.run(BatonApplication.class, args);
    }
}
