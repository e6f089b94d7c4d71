package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Tenant isolation enforced by PostgreSQL row-level security, not only by the Java code. */
class TenantIsolationIT extends PlatformIT {

    private static final TenantId OTHER = TenantId.of("other-tenant");

    @Autowired TenantTransactions tx;
    @Autowired JdbcClient jdbc;

    @BeforeAll
    static void secondTenant() throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword())) {
            c.createStatement().execute("INSERT INTO tenants (id, name) VALUES ('other-tenant', 'Other') "
                    + "ON CONFLICT DO NOTHING");
        }
    }

    @Test
    void aQueryWithoutAnyTenantConditionSeesOnlyTheCurrentTenantsRows() {
        String name = unique("isolated");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"h","taskReferenceName":"h","type":"HUMAN"}]}""".formatted(name));
        UUID mine = start(name, Map.of("secret", "default's"));
        UUID theirs = workflows.start(OTHER, new StartWorkflowRequest(name, null, null, Map.of("secret", "other's"),
                null, JSON.readValue("""
                        {"name":"%s","tasks":[{"name":"h","taskReferenceName":"h","type":"HUMAN"}]}""".formatted(name),
                        dev.baton.engine.api.definition.WorkflowDef.class), null, null, null, null));

        List<UUID> seenByOther = tx.read(OTHER, () -> jdbc.sql("SELECT id FROM workflows").query(UUID.class).list());
        assertThat(seenByOther).contains(theirs).doesNotContain(mine);
        List<UUID> seenByDefault = tx.read(TENANT, () -> jdbc.sql("SELECT id FROM workflows").query(UUID.class).list());
        assertThat(seenByDefault).contains(mine).doesNotContain(theirs);
        List<String> taskTenants = tx.read(OTHER, () -> jdbc.sql("SELECT DISTINCT tenant_id FROM tasks").query(String.class).list());
        assertThat(taskTenants).containsExactly("other-tenant");
    }

    @Test
    void outsideATenantTransactionNoTenantRowIsVisible() {
        start(registerAndStart(), Map.of());
        assertThat(jdbc.sql("SELECT count(*) FROM workflows").query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM tasks").query(Long.class).single()).isZero();
    }

    @Test
    void anotherTenantsWorkflowIsNotFoundAndItsTasksAreNeverPolled() {
        String worker = unique("private_worker");
        registerTask(worker, "\"retryCount\":0");
        String name = unique("private");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"%s","taskReferenceName":"w"}]}""".formatted(name, worker));
        UUID mine = start(name, Map.of());
        assertThatThrownBy(() -> workflows.get(OTHER, mine, true)).isInstanceOf(EngineException.class)
                .hasMessage("workflow " + mine + " not found");
        assertThatThrownBy(() -> workflows.terminate(OTHER, mine, "hostile")).isInstanceOf(EngineException.class)
                .hasMessage("workflow " + mine + " not found");
        assertThat(tasks.poll(OTHER, worker, "thief", null, 10, Duration.ofMillis(100))).isEmpty();
        assertThat(tasks.poll(TENANT, worker, "owner", null, 10, Duration.ZERO)).hasSize(1);
    }

    @Test
    void rowsCannotBeWrittenIntoAnotherTenant() {
        assertThatThrownBy(() -> tx.run(OTHER, () -> jdbc.sql(
                "INSERT INTO task_defs (tenant_id, name, definition) VALUES ('default', 'smuggled', '{}')").update()))
                .rootCause().hasMessageContaining("new row violates row-level security policy for table \"task_defs\"");
    }

    private String registerAndStart() {
        String name = unique("plain");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"h","taskReferenceName":"h","type":"HUMAN"}]}""".formatted(name));
        return name;
    }
}
