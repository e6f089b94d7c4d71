package dev.baton.platform.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.flyway.autoconfigure.FlywayDataSource;
import dev.baton.tasks.database.ReservedDatabase;
import dev.baton.tenancy.TenantBindingDataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * Two connection pools: a small one as the schema owner, for migrations only, and the application's pool as an
 * ordinary role that row-level security applies to.
 */
@Configuration(proxyBeanMethods = false)
public class DataSourceConfiguration {

    @Bean(destroyMethod = "close")
    EmbeddedDatabase embeddedDatabase(DatabaseProperties properties) {
        if (!properties.isEmbedded()) {
            return new EmbeddedDatabase(null, properties.url());
        }
        EmbeddedPostgresLauncher launcher = EmbeddedPostgresLauncher.start(
                Path.of(properties.embedded().dataDirectory()), properties.embedded().port());
        return new EmbeddedDatabase(launcher, launcher.jdbcUrl());
    }

    @Bean(destroyMethod = "close")
    @FlywayDataSource
    HikariDataSource ownerDataSource(DatabaseProperties properties, EmbeddedDatabase database) {
        HikariDataSource owner = pool("baton-owner", database.url(), properties.ownerUsername(),
                properties.ownerPassword(), 2);
        DatabaseRoles.ensureApplicationRole(owner, properties.appUsername(), properties.appPassword());
        return owner;
    }

    @Bean(destroyMethod = "close")
    HikariDataSource appPool(DatabaseProperties properties, EmbeddedDatabase database,
            @Qualifier("ownerDataSource") DataSource roleCreatedFirst,
            @Value("${baton.search.url:}") String searchIndex) {
        HikariConfig config = config("baton-app", database.url(), properties.appUsername(), properties.appPassword(),
                properties.poolSize());
        if (!searchIndex.isBlank()) {
            // with an execution index, every change to a workflow notes it in the index's outbox (V30)
            config.setConnectionInitSql("SET baton.search_feed = 'on'");
        }
        HikariDataSource app = new HikariDataSource(config);
        DatabaseRoles.verifyApplicationRole(app);
        return app;
    }

    /** The application's pool as everything uses it: each transaction binds its tenant with its first statement. */
    @Bean
    @Primary
    TenantBindingDataSource dataSource(@Qualifier("appPool") HikariDataSource appPool) {
        return new TenantBindingDataSource(appPool);
    }

    /** The platform's own database and roles, which no tenant's DATABASE_QUERY task may reach. */
    @Bean
    ReservedDatabase reservedDatabase(DatabaseProperties properties, EmbeddedDatabase database) {
        return new ReservedDatabase(database.url(), java.util.Set.of(properties.ownerUsername(),
                properties.appUsername()));
    }

    private static HikariDataSource pool(String name, String url, String user, String password, int size) {
        return new HikariDataSource(config(name, url, user, password, size));
    }

    private static HikariConfig config(String name, String url, String user, String password, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(2, size));
        return config;
    }

    /** The database in use: the embedded one we started, or an external one. */
    public record EmbeddedDatabase(EmbeddedPostgresLauncher launcher, String url) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (launcher != null) {
                launcher.close();
            }
        }
    }
}
