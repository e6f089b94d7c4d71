package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.ExecutionQuery;
import dev.baton.engine.api.execution.SearchResult;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.engine.api.execution.WorkflowSummary;
import dev.baton.tenancy.TenantId;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Execution search over more executions than it counts: totals are capped, pages stay newest first. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchAtScaleIT extends PlatformIT {

    private static final int COPIES = 10_050;

    private TenantId tenant;
    private String name;
    private UUID original;

    @BeforeAll
    void manyFinishedExecutionsOfOneWorkflow() throws Exception {
        name = unique("scale");
        registerWorkflow("""
                {"name":"%s","tasks":[{"name":"setv","taskReferenceName":"v","type":"SET_VARIABLE",
                  "inputParameters":{"x":1}}]}""".formatted(name));
        original = start(name, Map.of("colour", "vermilion"));
        awaitStatus(original, WorkflowStatus.COMPLETED, Duration.ofSeconds(10));
        tenant = createTenant("scale-" + UUID.randomUUID().toString().substring(0, 8));
        try (Connection c = DriverManager.getConnection(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword()); Statement s = c.createStatement()) {
            List<String> columns = new ArrayList<>();
            try (var rs = s.executeQuery("SELECT column_name FROM information_schema.columns "
                    + "WHERE table_name = 'workflows' AND column_name <> 'search_vector' ORDER BY ordinal_position")) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
            String values = String.join(", ", columns.stream().map(col -> switch (col) {
                case "tenant_id" -> "'" + tenant.value() + "'";
                case "id" -> "gen_random_uuid()";
                case "correlation_id" -> "'copy-' || g";
                case "created_at" -> "created_at - g * interval '1 second'";
                default -> col;
            }).toList());
            // written as the owner, as a restore would: the trigger fills the search words of every row
            s.execute("INSERT INTO workflows (" + String.join(", ", columns) + ") SELECT " + values
                    + " FROM workflows, generate_series(1, " + COPIES + ") g WHERE id = '" + original + "'");
            s.execute("ANALYZE workflows");
        }
    }

    @Test
    void aSearchMatchingMoreThanItCountsReportsTheCapAndTheNewestPage() {
        SearchResult<WorkflowSummary> byType = workflows.search(tenant, query(List.of(name), null, null, 0));
        assertThat(byType.totalHits()).isEqualTo(10_000);
        assertThat(byType.results()).hasSize(20);
        List<Instant> times = byType.results().stream().map(r -> Instant.parse(r.startTime())).toList();
        assertThat(times).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(byType.results().get(0).correlationId()).isEqualTo("copy-1");

        SearchResult<WorkflowSummary> byText = workflows.search(tenant, query(null, null, "vermilion", 0));
        assertThat(byText.totalHits()).isEqualTo(10_000);
        assertThat(byText.results()).extracting(WorkflowSummary::correlationId).startsWith("copy-1", "copy-2");
    }

    @Test
    void aSearchMatchingFewerThanTheCapCountsExactly() {
        assertThat(workflows.search(tenant, query(null, "copy-42", null, 0)).totalHits()).isEqualTo(1);
        assertThat(workflows.search(tenant, query(null, null, "copy-4242", 0)).totalHits())
                .as("free text matches the correlation id's words").isEqualTo(1);
        assertThat(workflows.search(tenant, query(null, null, "ultramarine", 0)).totalHits()).isZero();
    }

    @Test
    void theSearchWordsFollowAChangedReason() throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabase.url(), TestDatabase.adminUser(),
                TestDatabase.adminPassword()); Statement s = c.createStatement()) {
            s.execute("UPDATE workflows SET reason = 'cobalt shortage' WHERE tenant_id = '" + tenant.value()
                    + "' AND correlation_id = 'copy-7'");
        }
        assertThat(workflows.search(tenant, query(null, null, "cobalt", 0)).results())
                .extracting(WorkflowSummary::correlationId).containsExactly("copy-7");
    }

    private static ExecutionQuery query(List<String> types, String correlationId, String freeText, int start) {
        return new ExecutionQuery(types, null, null, correlationId, null, null, freeText, "startTime", false, start,
                20);
    }
}
