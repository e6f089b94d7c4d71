package dev.baton.tasks.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.baton.engine.spi.InputException;
import org.junit.jupiter.api.Test;

/** Which database URLs a tenant's connection may use, and the URL the task connects with. */
class JdbcTargetTest {

    @Test
    void postgresqlAndMariadbUrlsAreTakenApartAndRebuiltForTheCheckedAddress() {
        JdbcTarget pg = JdbcTarget.parse("jdbc:postgresql://db.internal.example/shop?sslmode=require", "url");
        assertThat(pg).isEqualTo(new JdbcTarget("postgresql", "db.internal.example", 5432, "shop", "require"));
        assertThat(pg.url("10.1.2.3")).isEqualTo("jdbc:postgresql://10.1.2.3:5432/shop?sslmode=require");
        JdbcTarget my = JdbcTarget.parse("jdbc:mariadb://127.0.0.1:3307/orders", "url");
        assertThat(my.url("::1")).isEqualTo("jdbc:mariadb://[::1]:3307/orders");
    }

    @Test
    void otherDriversDriverPropertiesUsersInTheUrlAndMissingDatabasesAreRefused() {
        assertThat(refusal("jdbc:h2:mem:x")).contains("must be a jdbc:postgresql:// or jdbc:mariadb:// URL");
        assertThat(refusal("jdbc:postgresql://h/db?socketFactory=x&socketFactoryArg=y"))
                .contains("no driver property but sslmode, not 'socketFactory'");
        assertThat(refusal("jdbc:mariadb://h/db?allowLoadLocalInfile=true"))
                .contains("not 'allowLoadLocalInfile'");
        assertThat(refusal("jdbc:postgresql://admin:pw@h/db")).contains("no user");
        assertThat(refusal("jdbc:postgresql://h/")).contains("must name a database");
        assertThat(refusal("postgresql://h/db")).contains("must be a jdbc:");
    }

    private static String refusal(String url) {
        return catchThrowableOfType(InputException.class, () -> JdbcTarget.parse(url, "url")).getMessage();
    }
}
