package dev.baton.engine.internal.definition;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.EnvironmentVariables;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Environment variables in PostgreSQL, each tenant's under row-level security, bounded in name, size and number. */
public final class EnvironmentStore implements EnvironmentVariables {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private final TenantTransactions tx;
    private final JdbcClient jdbc;
    private final int maxVariables;
    private final int maxValueLength;

    public EnvironmentStore(TenantTransactions tx, JdbcClient jdbc, int maxVariables, int maxValueLength) {
        this.tx = tx;
        this.jdbc = jdbc;
        this.maxVariables = maxVariables;
        this.maxValueLength = maxValueLength;
    }

    @Override
    public List<Variable> list(TenantId tenant) {
        return tx.read(tenant, () -> jdbc.sql("SELECT name, value FROM environment_variables ORDER BY name")
                .query((rs, i) -> new Variable(rs.getString(1), rs.getString(2))).list());
    }

    @Override
    public Optional<String> get(TenantId tenant, String name) {
        return tx.read(tenant, () -> jdbc.sql("SELECT value FROM environment_variables WHERE name = ?").param(name)
                .query(String.class).optional());
    }

    @Override
    public void put(TenantId tenant, String name, String value, String by) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw EngineException.invalid("name", "an environment variable's name is a letter or '_' followed by "
                    + "letters, digits or '_', at most 128 characters");
        }
        if (value == null) {
            throw EngineException.invalid("value", "is required");
        }
        if (value.length() > maxValueLength) {
            throw EngineException.invalid("value", "must be at most " + maxValueLength + " characters");
        }
        tx.run(tenant, () -> {
            boolean exists = jdbc.sql("SELECT 1 FROM environment_variables WHERE name = ?").param(name)
                    .query(Integer.class).optional().isPresent();
            if (!exists && jdbc.sql("SELECT count(*) FROM environment_variables").query(Long.class).single()
                    >= maxVariables) {
                throw EngineException.invalid("name", "a tenant may keep at most " + maxVariables
                        + " environment variables");
            }
            jdbc.sql("""
                    INSERT INTO environment_variables (tenant_id, name, value, updated_by) VALUES (?, ?, ?, ?)
                    ON CONFLICT (tenant_id, name) DO UPDATE SET value = EXCLUDED.value,
                        updated_by = EXCLUDED.updated_by, updated_at = now()""")
                    .params(tenant.value(), name, value, by).update();
        });
    }

    @Override
    public Optional<String> delete(TenantId tenant, String name) {
        return tx.write(tenant, () -> jdbc.sql("DELETE FROM environment_variables WHERE name = ? RETURNING value")
                .param(name).query(String.class).optional());
    }

    /** Every variable of the tenant the current transaction is bound to, for {@code ${env.name}}. */
    public Map<String, Object> current() {
        Map<String, Object> values = new LinkedHashMap<>();
        jdbc.sql("SELECT name, value FROM environment_variables").query((rs, i) -> values.put(rs.getString(1),
                rs.getString(2))).list();
        return values;
    }
}
