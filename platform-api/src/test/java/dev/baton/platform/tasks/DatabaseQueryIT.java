package dev.baton.platform.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.TaskStatus;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.platform.PlatformIT;
import dev.baton.platform.TestDatabase;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DATABASE_QUERY against the real PostgreSQL and MariaDB of the build machine, each with a database and a role of
 * the test's own: rows back as JSON, read-only by default, writes when asked, timeouts, bad SQL, and the hostile
 * cases (the platform's own database, driver properties, values pasted into SQL, another team's connection).
 */
class DatabaseQueryIT extends PlatformIT {

    private static final Duration SHORT = Duration.ofSeconds(20);
    private static final String MARIADB = "jdbc:mariadb://127.0.0.1:3306/";
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String PG_DB = "shop_" + SUFFIX;
    private static final String MY_DB = "shop_" + SUFFIX;
    private static final String USER = "shop_" + SUFFIX;
    private static final String PASSWORD = "pw-" + UUID.randomUUID();

    @BeforeAll
    static void shops() throws Exception {
        String pgAdmin = TestDatabase.url().substring(0, TestDatabase.url().lastIndexOf('/') + 1) + "postgres";
        try (Connection c = DriverManager.getConnection(pgAdmin, TestDatabase.adminUser(), TestDatabase.adminPassword());
                Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            s.execute("CREATE DATABASE " + PG_DB + " OWNER " + USER);
        }
        String pgShop = pgAdmin.substring(0, pgAdmin.lastIndexOf('/') + 1) + PG_DB;
        try (Connection c = DriverManager.getConnection(pgShop, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE stock (sku text PRIMARY KEY, qty integer NOT NULL, price numeric(8,2))");
            s.execute("INSERT INTO stock VALUES ('A-1', 3, 12.50), ('B-2', 0, 4.00), ('C-3', 7, 1.25)");
        }
        try (Connection c = DriverManager.getConnection(MARIADB, "root", ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + MY_DB);
            s.execute("CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
            s.execute("GRANT ALL ON " + MY_DB + ".* TO '" + USER + "'@'%'");
            s.execute("CREATE TABLE " + MY_DB + ".stock (sku varchar(20) PRIMARY KEY, qty int NOT NULL)");
            s.execute("INSERT INTO " + MY_DB + ".stock VALUES ('A-1', 3), ('B-2', 0)");
        }
    }

    private TeamWorld world() {
        return TeamWorld.create(identities, this::token);
    }

    /** Connection names are the tenant's; each team's get its name appended. */
    private void connection(TeamWorld w, String base, String url, String user, String password) throws Exception {
        String name = base + "-" + w.team();
        HttpResponse<String> r = call("PUT", "/api/connections/" + name + "?team=" + w.team(), w.token(),
                JSON.writeValueAsString(Map.of("kind", "DATABASE", "settings", Map.of("url", url, "username", user),
                        "secretSettings", Map.of("password", password))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    }

    /** Registers a one-task workflow whose connection names get the team's name appended, as the helper above. */
    private String flow(TeamWorld w, String inputJson) throws Exception {
        return flowAsIs(w, inputJson.replaceAll("(\"connection\":\"[a-z0-9-]+)\"", "$1-" + w.team() + "\""));
    }

    private String flowAsIs(TeamWorld w, String inputJson) throws Exception {
        String name = unique("query");
        HttpResponse<String> r = call("POST", "/api/metadata/workflow?team=" + w.team(), w.token(), """
                {"name":"%s","version":1,"tasks":[{"name":"q","taskReferenceName":"q","type":"DATABASE_QUERY",
                  "inputParameters":%s}]}""".formatted(name, inputJson));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return name;
    }

    private Task run(TeamWorld w, String flow, Map<String, Object> input, WorkflowStatus expected) throws Exception {
        HttpResponse<String> started = call("POST", "/api/workflow/" + flow, w.token(), JSON.writeValueAsString(input));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        Workflow done = awaitStatus(UUID.fromString(started.body().replace("\"", "")), expected, SHORT);
        return taskByRef(done, "q");
    }

    private String pgUrl() {
        String base = TestDatabase.url();
        return base.substring(0, base.lastIndexOf('/') + 1) + PG_DB;
    }

    @Test
    void aParameterisedSelectOnPostgresqlReturnsRowsAsJson() throws Exception {
        TeamWorld w = world();
        connection(w, "shop-pg", pgUrl(), USER, PASSWORD);
        String flow = flow(w, """
                {"connection":"shop-pg","statement":"SELECT sku, qty, price FROM stock WHERE qty >= ? ORDER BY sku",
                 "parameters":["${workflow.input.min}"]}""");
        Task q = run(w, flow, Map.of("min", 1), WorkflowStatus.COMPLETED);
        assertThat(q.getOutputData().get("rows")).isEqualTo(List.of(
                Map.of("sku", "A-1", "qty", 3, "price", 12.5), Map.of("sku", "C-3", "qty", 7, "price", 1.25)));
        assertThat(q.getOutputData()).containsEntry("rowCount", 2).containsEntry("truncated", false)
                .containsEntry("columns", List.of("sku", "qty", "price"));
    }

    @Test
    void theSameTaskRunsOnMariadb() throws Exception {
        TeamWorld w = world();
        connection(w, "shop-my", MARIADB + MY_DB, USER, PASSWORD);
        String flow = flow(w, """
                {"connection":"shop-my","statement":"SELECT sku, qty FROM stock WHERE sku = ?",
                 "parameters":["${workflow.input.sku}"]}""");
        Task q = run(w, flow, Map.of("sku", "A-1"), WorkflowStatus.COMPLETED);
        assertThat(q.getOutputData().get("rows")).isEqualTo(List.of(Map.of("sku", "A-1", "qty", 3)));
    }

    @Test
    void queriesAreReadOnlyUnlessTheyAskToWrite() throws Exception {
        TeamWorld w = world();
        connection(w, "shop-pg", pgUrl(), USER, PASSWORD);
        String sku = "W-" + UUID.randomUUID().toString().substring(0, 6);
        String insert = "{\"connection\":\"shop-pg\",\"statement\":\"INSERT INTO stock VALUES (?, 1, 1)\","
                + "\"parameters\":[\"${workflow.input.sku}\"]%s}";
        Task refused = run(w, flow(w, insert.formatted("")), Map.of("sku", sku), WorkflowStatus.FAILED);
        assertThat(refused.getStatus()).isEqualTo(TaskStatus.FAILED_WITH_TERMINAL_ERROR);
        assertThat(refused.getReasonForIncompletion()).startsWith("the database answered SQLSTATE 25006");
        Task written = run(w, flow(w, insert.formatted(",\"write\":true")), Map.of("sku", sku),
                WorkflowStatus.COMPLETED);
        assertThat(written.getOutputData()).containsEntry("updateCount", 1);
        Task myRefused = run(w, flow(w, insert.formatted("").replace("shop-pg", "shop-my2")
                .replace("VALUES (?, 1, 1)", "VALUES (?, 1)")), Map.of("sku", sku), WorkflowStatus.FAILED);
        assertThat(myRefused.getReasonForIncompletion()).startsWith("input 'connection'");
    }

    @Test
    void aSlowStatementIsStoppedAtItsTimeoutAndBadSqlFailsForGood() throws Exception {
        TeamWorld w = world();
        connection(w, "shop-pg", pgUrl(), USER, PASSWORD);
        long began = System.nanoTime();
        Task slow = run(w, flow(w, """
                {"connection":"shop-pg","statement":"SELECT pg_sleep(10)","timeoutSeconds":1}"""), Map.of(),
                WorkflowStatus.FAILED);
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(8));
        assertThat(slow.getStatus()).isEqualTo(TaskStatus.FAILED);
        assertThat(slow.getReasonForIncompletion()).contains("57014");
        Task bad = run(w, flow(w, """
                {"connection":"shop-pg","statement":"SELEKT nothing"}"""), Map.of(), WorkflowStatus.FAILED);
        assertThat(bad.getStatus()).isEqualTo(TaskStatus.FAILED_WITH_TERMINAL_ERROR);
        assertThat(bad.getReasonForIncompletion()).startsWith("the database answered SQLSTATE 42601");
        Task truncated = run(w, flow(w, """
                {"connection":"shop-pg","statement":"SELECT sku FROM stock ORDER BY sku","maxRows":2}"""), Map.of(),
                WorkflowStatus.COMPLETED);
        assertThat(truncated.getOutputData()).containsEntry("rowCount", 2).containsEntry("truncated", true);
    }

    @Test
    void thePlatformsOwnDatabaseAndItsRolesAreOutOfReach() throws Exception {
        TeamWorld w = world();
        connection(w, "platform", TestDatabase.url(), USER, PASSWORD);
        connection(w, "app-role", pgUrl(), "baton_app", "baton_app");
        Task own = run(w, flow(w, "{\"connection\":\"platform\",\"statement\":\"SELECT * FROM tenants\"}"), Map.of(),
                WorkflowStatus.FAILED);
        assertThat(own.getStatus()).isEqualTo(TaskStatus.FAILED_WITH_TERMINAL_ERROR);
        assertThat(own.getReasonForIncompletion()).isEqualTo("connection 'platform-" + w.team() + "' host is the "
                + "platform's own database");
        Task role = run(w, flow(w, "{\"connection\":\"app-role\",\"statement\":\"SELECT 1\"}"), Map.of(),
                WorkflowStatus.FAILED);
        assertThat(role.getReasonForIncompletion()).contains("uses a role of the platform's own database");
    }

    @Test
    void driverPropertiesOtherDriversAndValuesPastedIntoSqlAreRefused() throws Exception {
        TeamWorld w = world();
        connection(w, "sneaky", pgUrl() + "?socketFactory=java.io.FileOutputStream&socketFactoryArg=/tmp/x", USER,
                PASSWORD);
        connection(w, "h2", "jdbc:h2:mem:x", USER, PASSWORD);
        Task sneaky = run(w, flow(w, "{\"connection\":\"sneaky\",\"statement\":\"SELECT 1\"}"), Map.of(),
                WorkflowStatus.FAILED);
        assertThat(sneaky.getReasonForIncompletion()).contains("may carry no driver property but sslmode, not "
                + "'socketFactory'");
        Task h2 = run(w, flow(w, "{\"connection\":\"h2\",\"statement\":\"SELECT 1\"}"), Map.of(),
                WorkflowStatus.FAILED);
        assertThat(h2.getReasonForIncompletion()).contains("must be a jdbc:postgresql:// or jdbc:mariadb:// URL");
        HttpResponse<String> pasted = call("POST", "/api/metadata/workflow?team=" + w.team(), w.token(), """
                {"name":"%s","version":1,"tasks":[{"name":"q","taskReferenceName":"q","type":"DATABASE_QUERY",
                  "inputParameters":{"connection":"shop-pg",
                    "statement":"SELECT * FROM stock WHERE sku = '${workflow.input.sku}'"}}]}"""
                .formatted(unique("injected")));
        assertThat(pasted.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(pasted.body()).get("field").asString())
                .isEqualTo("tasks[0].inputParameters.statement");
        HttpResponse<String> two = call("POST", "/api/metadata/workflow?team=" + w.team(), w.token(), """
                {"name":"%s","version":1,"tasks":[{"name":"q","taskReferenceName":"q","type":"DATABASE_QUERY",
                  "inputParameters":{"connection":"shop-pg","statement":"SELECT 1; DROP TABLE stock"}}]}"""
                .formatted(unique("two")));
        assertThat(two.statusCode()).isEqualTo(400);
    }

    @Test
    void anotherTeamsConnectionCannotBeUsedWithoutAGrant() throws Exception {
        TeamWorld owner = world();
        TeamWorld other = world();
        connection(owner, "owned", pgUrl(), USER, PASSWORD);
        String name = "owned-" + owner.team();
        String flow = flowAsIs(other, "{\"connection\":\"" + name + "\",\"statement\":\"SELECT 1 AS one\"}");
        Task refused = run(other, flow, Map.of(), WorkflowStatus.FAILED);
        assertThat(refused.getStatus()).isEqualTo(TaskStatus.FAILED_WITH_TERMINAL_ERROR);
        assertThat(refused.getReasonForIncompletion()).startsWith("input 'connection' team '" + other.team()
                + "' may not use connection '" + name + "'");
        String admin = adminToken();
        HttpResponse<String> granted = call("PUT", "/api/grants", admin, JSON.writeValueAsString(Map.of(
                "resourceType", "CONNECTION", "resourceName", name, "team", other.team(), "access",
                List.of("EXECUTE"))));
        assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
        Task allowed = run(other, flow, Map.of(), WorkflowStatus.COMPLETED);
        assertThat(allowed.getOutputData().get("rows")).isEqualTo(List.of(Map.of("one", 1)));
        HttpResponse<String> shown = call("GET", "/api/connections/" + name, owner.token(), null);
        assertThat(shown.body()).doesNotContain(PASSWORD).contains("\"secretSettingsSet\":[\"password\"]");
    }
}
