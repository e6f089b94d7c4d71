package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Tenant isolation enforced by PostgreSQL row-level security, not only by the Java code. */
class TenantIsolationIT extends PlatformIT {

    private static final TenantId OTHER = TenantId.of("other-tenant");

    @Autowired TenantTransactions tx;
    @Autowired JdbcClient jdbc;

    @BeforeEach
    void secondTenant() {
        // after the application context (and so the schema) exists, whichever test class runs first
        createTenant(OTHER.value());
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
        UUID mine = start(oneTaskWorkflow(worker, "\"retryCount\":0"), Map.of());
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

    @Test
    void everyTableWithATenantColumnIsGuardedByRowLevelSecurity() {
        List<String> tables = jdbc.sql("""
                SELECT c.table_name FROM information_schema.columns c
                 WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' ORDER BY c.table_name""")
                .query(String.class).list();
        assertThat(tables).contains("workflows", "tasks", "users", "teams", "applications", "application_keys",
                "audit_log", "resource_owners", "grants", "identity_providers");
        List<String> unguarded = jdbc.sql("""
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'public' AND c.relname = ANY (?::text[])
                   AND (NOT c.relrowsecurity OR NOT EXISTS (
                        SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'tenant_isolation'))""")
                .param(tables.toArray(String[]::new)).query(String.class).list();
        assertThat(unguarded).as("tables with tenant rows but no tenant_isolation policy").isEmpty();
    }

    @Test
    void identityAndAuditRowsOfAnotherTenantAreInvisibleToAQueryWithoutATenantCondition() {
        identities.createTeam(OTHER, unique("hidden-team").toLowerCase(), null);
        identities.createUser(OTHER, unique("hidden-user").toLowerCase(), "Hidden", "a long enough password", false);
        token(adminKey(OTHER)); // signs in, which writes to the other tenant's audit trail
        for (String table : List.of("teams", "users", "applications", "application_keys", "audit_log")) {
            assertThat(tx.read(OTHER, () -> jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single()))
                    .as("the other tenant sees its own %s", table).isPositive();
            List<String> seen = tx.read(TENANT, () -> jdbc.sql("SELECT DISTINCT tenant_id FROM " + table)
                    .query(String.class).list());
            assertThat(seen).as(table).doesNotContain(OTHER.value());
        }
    }

    @Test
    void aTransactionsTenantIsBoundWithItsFirstStatementNotBefore() {
        assertThat(tx.read(OTHER, () -> jdbc.sql("SELECT current_setting('baton.tenant_id', true)")
                .query(String.class).single())).isEqualTo(OTHER.value());
        // nothing was sent when the transaction began: a caller that claims the binding finds the connection unbound
        String claimed = tx.read(OTHER, TenantTransactions::claimBinding);
        assertThat(claimed).isEqualTo(OTHER.value());
        assertThat(tx.read(OTHER, () -> {
            TenantTransactions.claimBinding();
            return jdbc.sql("SELECT coalesce(current_setting('baton.tenant_id', true), '')").query(String.class)
                    .single();
        })).isEmpty();
    }

    @Test
    void aClaimedButUnboundTransactionSeesNoTenantRows() {
        start(registerAndStart(), Map.of());
        assertThat(tx.read(TENANT, () -> {
            TenantTransactions.claimBinding();
            return jdbc.sql("SELECT count(*) FROM workflows").query(Long.class).single();
        })).isZero();
    }

    @Test
    void aTenantLeftPendingEndsWithItsTransaction() {
        for (int i = 0; i < 30; i++) {
            tx.run(OTHER, () -> { });
            tx.run(OTHER, () -> jdbc.sql("SELECT 1").query(Integer.class).single());
        }
        // every pooled connection has been through transactions that left their tenant pending or bound
        for (int i = 0; i < 30; i++) {
            assertThat(jdbc.sql("SELECT coalesce(current_setting('baton.tenant_id', true), '')").query(String.class)
                    .single()).isEmpty();
        }
    }

    @Test
    void aTaskQueuedByOneTenantIsNeverHandedToAnotherTenantsWaitingWorker() throws Exception {
        String worker = unique("coveted_worker");
        String name = oneTaskWorkflow(worker, "\"retryCount\":0");
        // the other tenant's worker waits on a queue of the same name, known empty, ready to be handed tasks
        var thief = pollInBackground(OTHER, worker, "thief", 5, Duration.ofMillis(1_500));
        sleep(200);
        UUID mine = start(name, Map.of());
        assertThat(thief.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEmpty();
        assertThat(tasks.poll(TENANT, worker, "owner", null, 5, Duration.ZERO)).singleElement()
                .satisfies(t -> assertThat(t.getWorkflowInstanceId()).isEqualTo(mine));
    }

    private String registerAndStart() {
        String name = unique("plain");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"h","taskReferenceName":"h","type":"HUMAN"}]}""".formatted(name));
        return name;
    }
}
