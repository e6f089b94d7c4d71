package dev.baton.catalog;

import dev.baton.catalog.internal.CatalogContracts;
import dev.baton.catalog.internal.CatalogStore;
import dev.baton.catalog.internal.Entries;
import dev.baton.catalog.internal.Schemas;
import dev.baton.engine.api.MetadataService;
import dev.baton.engine.api.TaskStatistics;
import dev.baton.engine.api.TaskTypes;
import dev.baton.tenancy.TenantTransactions;
import java.time.Clock;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wires the catalog, and answers the engine's contract checks with it. */
@Configuration(proxyBeanMethods = false)
public class CatalogConfiguration {

    @Bean
    CatalogStore catalogStore(JdbcClient jdbc) {
        return new CatalogStore(jdbc);
    }

    @Bean
    Schemas contractSchemas() {
        return new Schemas();
    }

    @Bean
    Entries catalogEntries(CatalogStore store, List<BuiltInEntry> builtIns) {
        return new Entries(store, builtIns);
    }

    @Bean
    CatalogContracts taskContracts(Entries entries, Schemas schemas) {
        return new CatalogContracts(entries, schemas);
    }

    @Bean
    Catalog catalog(TenantTransactions tx, CatalogStore store, Entries entries, Schemas schemas, TaskTypes taskTypes,
            MetadataService metadata, TaskStatistics statistics) {
        return new Catalog(tx, store, entries, schemas, taskTypes, metadata, statistics, Clock.systemUTC());
    }

    @Bean
    Composer composer(Catalog catalog, MetadataService metadata) {
        return new Composer(catalog, metadata);
    }

    @Bean
    BuiltInEntry noopEntry() {
        return BuiltInEntries.load(CatalogConfiguration.class, "/catalog/noop.json");
    }

    @Bean
    BuiltInEntry lambdaEntry() {
        return BuiltInEntries.load(CatalogConfiguration.class, "/catalog/lambda.json");
    }

    @Bean
    BuiltInEntry jsonTransformEntry() {
        return BuiltInEntries.load(CatalogConfiguration.class, "/catalog/json-jq-transform.json");
    }

    @Bean
    BuiltInEntry waitEntry() {
        return BuiltInEntries.load(CatalogConfiguration.class, "/catalog/wait.json");
    }
}
