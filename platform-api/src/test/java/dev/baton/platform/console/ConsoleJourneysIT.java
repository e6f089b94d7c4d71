package dev.baton.platform.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.authz.access.AccessPolicy;
import dev.baton.authz.access.ResourceType;
import dev.baton.authz.api.Role;
import dev.baton.authz.identity.ExternalIssuers;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Task;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.listeners.ListenerDef;
import dev.baton.listeners.StatusListeners;
import dev.baton.platform.PlatformIT;
import dev.baton.tenancy.TenantId;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The console's journeys in a real Chromium: sign in, build a workflow from the catalog, start it and watch it
 * complete, retry a failed one, manage a team member and an application key, read the audit trail and the metrics;
 * and a person without a role sees no control for it and is refused when posting it anyway. Each page looked at is
 * saved under {@code target/console-screenshots}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleJourneysIT extends PlatformIT {

    private static final String PASSWORD = "correct horse battery";
    private static Browser browser;
    private static String suffix;
    /** The workflow the retry journey retried, for the metrics journey. */
    private static String retried;

    @Autowired AccessPolicy policy;
    @Autowired ExternalIssuers external;
    @Autowired StatusListeners statusListeners;

    private String team;
    private String admin;
    private String viewer;
    private UUID viewerId;

    @BeforeEach
    void people() {
        if (suffix == null) {
            suffix = UUID.randomUUID().toString().substring(0, 6);
            String t = "console-ops-" + suffix;
            identities.createTeam(TENANT, t, "Operations");
            UUID a = identities.createUser(TENANT, "ada-" + suffix, "Ada Admin", PASSWORD, true);
            identities.addMember(TENANT, t, a, EnumSet.of(Role.TEAM_ADMIN, Role.AUTHOR, Role.OPERATOR));
            UUID v = identities.createUser(TENANT, "vic-" + suffix, "Vic Viewer", PASSWORD, false);
            identities.addMember(TENANT, t, v, EnumSet.of(Role.VIEWER));
            identities.createUser(TENANT, "nia-" + suffix, "Nia New", PASSWORD, false);
            identities.createTeam(TENANT, "partners-" + suffix, "Partners");
        }
        team = "console-ops-" + suffix;
        admin = "ada-" + suffix;
        viewer = "vic-" + suffix;
        viewerId = identities.users(TENANT).stream().filter(u -> u.login().equals(viewer)).findFirst().orElseThrow()
                .id();
        if (browser == null) {
            browser = new Browser("http://127.0.0.1:" + port);
        }
        browser.forgetCookies();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    private void signIn(String login) {
        browser.open("/console");
        assertThat(browser.heading()).isEqualTo("Sign in to Baton");
        browser.type("#username", login);
        // the keyboard alone signs in: Enter in the password field submits the form
        browser.type("#password", PASSWORD + Keys.ENTER);
        browser.waitUntil(10, "the console after sign-in", () -> browser.url().endsWith("/console/workflows"));
    }

    /** Waits for the execution page (which reloads itself while the workflow runs) to show {@code status}. */
    private void awaitPageStatus(String status) {
        browser.waitUntil(30, "the execution to show " + status, () -> {
            try {
                return browser.find("h1 .status").getText().equals(status);
            } catch (StaleElementReferenceException | org.openqa.selenium.NoSuchElementException reloading) {
                return false;
            }
        });
    }

    @Test
    @Order(1)
    void signInBuildAWorkflowFromTheCatalogStartItAndWatchItComplete() {
        browser.open("/console");
        assertThat(browser.url()).contains("/login");
        browser.screenshot("01-sign-in");
        browser.type("#username", admin);
        browser.type("#password", "wrong password!");
        browser.click("form button[type=submit]");
        assertThat(browser.text()).contains("Wrong login or password.");
        signIn(admin);
        assertThat(browser.text()).contains("Ada Admin", "Compose from the catalog");

        browser.open("/console/catalog");
        assertThat(browser.text()).contains("Reshape JSON with jq", "Send an HTTP request".substring(0, 4));
        browser.screenshot("03-catalog");
        browser.open("/console/catalog/json-jq-transform");
        assertThat(browser.heading()).startsWith("Reshape JSON with jq");
        assertThat(browser.text()).contains("Input contract", "queryExpression");
        browser.screenshot("04-catalog-entry");

        browser.press("Use in a workflow");
        assertThat(browser.heading()).isEqualTo("Compose a workflow from the catalog");
        String name = "greeting-" + suffix;
        browser.type("#name", name);
        browser.type("#ref-0", "greet");
        browser.fill("#input-0", "{\"queryExpression\": \".greeting + \\\", \\\" + .name\", \"greeting\": \"Hello\", "
                + "\"name\": \"${workflow.input.name}\"}");
        browser.press("Add a step");
        browser.chooseValue("#entry-1", "noop@1");
        browser.type("#ref-1", "done");
        browser.screenshot("05-compose");
        browser.press("Compose and check");
        assertThat(browser.heading()).isEqualTo("New workflow definition");
        assertThat(browser.text()).contains("Composed from the catalog");
        browser.waitUntil(10, "the server's validation", () -> browser.find("#validation").getText()
                .equals("Valid definition."));
        browser.chooseValue("#team", team);
        browser.screenshot("06-editor");
        browser.press("Save");
        browser.waitUntil(10, "the saved definition's page",
                () -> browser.url().endsWith("/console/workflows/" + name));
        assertThat(browser.all("svg .node title")).extracting(e -> e.getAttribute("textContent"))
                .containsExactly("greet (JSON_JQ_TRANSFORM)", "done (NOOP)");
        assertThat(browser.text()).contains("Owner team: " + team);
        browser.screenshot("07-workflow");

        browser.press("Start");
        assertThat(browser.heading()).isEqualTo("Start " + name + " v1");
        browser.type("#in-name", "Ada");
        browser.screenshot("08-start");
        browser.click("form.card button[type=submit]");
        awaitPageStatus("COMPLETED");
        assertThat(browser.text()).contains("\"name\" : \"Ada\"");
        assertThat(browser.all("svg .node.t-COMPLETED")).hasSize(2);
        assertThat(browser.all("svg rect.bar.b-COMPLETED")).hasSize(2);
        browser.screenshot("09-execution");
        browser.click("table a[href*='/tasks/']");
        assertThat(browser.heading()).startsWith("greet");
        assertThat(browser.text()).contains("Attempts", "\"Hello, Ada\"");
        browser.screenshot("10-task");

        browser.open("/console/workflows");
        assertThat(browser.text()).contains(name);
        browser.screenshot("02-workflows");
    }

    @Test
    @Order(2)
    void retryAFailedExecutionUntilItCompletes() {
        String worker = unique("charge_card");
        registerTask(worker, "\"retryCount\": 0");
        String name = unique("payment");
        retried = name;
        registerWorkflow("{\"name\":\"" + name + "\",\"version\":1,\"tasks\":[{\"name\":\"" + worker
                + "\",\"taskReferenceName\":\"charge\",\"type\":\"SIMPLE\"}]}");
        policy.claim(TENANT, ResourceType.WORKFLOW_DEF, name, team);
        UUID id = start(name, Map.of("amount", 12));
        fail(poll(worker), "card declined");
        awaitStatus(id, WorkflowStatus.FAILED, Duration.ofSeconds(10));

        signIn(admin);
        browser.open("/console/executions");
        browser.type("#workflowType", name);
        browser.chooseValue("#status", "FAILED");
        browser.click("form[role=search] button");
        assertThat(browser.all("tbody tr")).hasSize(1);
        browser.screenshot("11-executions");
        browser.click("tbody a[href*='/console/executions/']");
        assertThat(browser.find("h1 .status").getText()).isEqualTo("FAILED");
        assertThat(browser.text()).contains("card declined");
        browser.press("Retry");
        assertThat(browser.text()).contains("Retrying the failed task.");

        complete(poll(worker), Map.of("receipt", "r-1"));
        awaitPageStatus("COMPLETED");
        // both attempts stay visible: the failed one and the one that completed
        assertThat(browser.all("svg rect.bar.b-FAILED")).hasSize(1);
        assertThat(browser.all("svg rect.bar.b-COMPLETED")).hasSize(1);
        assertThat(browser.all("tbody tr")).extracting(e -> e.findElement(By.cssSelector("td:nth-child(3)"))
                .getText() + " " + e.findElement(By.cssSelector("td:nth-child(4)")).getText() + " "
                + e.findElement(By.cssSelector("td:last-child")).getText())
                .containsExactly("FAILED 1 card declined", "COMPLETED 2 ");
        assertThat(browser.text()).contains("charge (attempt 2)");
        browser.screenshot("12-retried-execution");
    }

    @Test
    @Order(3)
    void manageATeamMemberAndAnApplicationKey() throws Exception {
        signIn(admin);
        browser.open("/console/admin");
        assertThat(browser.text()).contains(team);
        browser.screenshot("13-administration");
        browser.click("a[href='/console/admin/teams/" + team + "']");
        assertThat(browser.heading()).isEqualTo("Team " + team);
        browser.choose("#userId", "Nia New (nia-" + suffix + ")");
        browser.click("input[name=roles][value=OPERATOR]");
        browser.press("Save member");
        assertThat(browser.text()).contains("Member saved.");
        assertThat(browser.all("tbody tr")).extracting(e -> e.getText())
                .anySatisfy(row -> assertThat(row).contains("nia-" + suffix, "OPERATOR"));
        browser.screenshot("14-team");

        // a grant lets the partners' team read and start the team's workflow
        String workflow = "greeting-" + suffix;
        browser.open("/console/workflows/" + workflow);
        browser.type("#grant-team", "partners-" + suffix);
        browser.click("input[name=access][value=EXECUTE]");
        browser.press("Grant");
        assertThat(browser.text()).contains("Team partners-" + suffix + " granted [EXECUTE].");
        assertThat(policy.grants(TENANT, ResourceType.WORKFLOW_DEF, workflow)).singleElement()
                .satisfies(g -> assertThat(g.team()).isEqualTo("partners-" + suffix));

        browser.open("/console/admin/applications");
        String app = "billing-worker-" + suffix;
        browser.type("#app-name", app);
        browser.chooseValue("#app-team", team);
        browser.click("input[name=roles][value=WORKER]");
        browser.press("Create application");
        assertThat(browser.heading()).isEqualTo("Application " + app);
        browser.press("Create access key");
        String keyId = browser.find("#key-id").getText();
        String secret = browser.find("#key-secret").getText();
        assertThat(browser.text()).contains("it is shown this once");
        browser.screenshot("15-application-key");
        HttpResponse<String> token = call("POST", "/api/token", null,
                JSON.writeValueAsString(Map.of("keyId", keyId, "keySecret", secret)));
        assertThat(token.statusCode()).as("the shown secret signs in").isEqualTo(200);

        browser.open("/console/admin/applications");
        browser.press(app);
        assertThat(browser.text()).doesNotContain(secret);
        browser.click("button[aria-label='Revoke key " + keyId + "']");
        assertThat(browser.text()).contains("Key " + keyId + " revoked.");
        assertThat(call("POST", "/api/token", null, JSON.writeValueAsString(Map.of("keyId", keyId,
                "keySecret", secret))).statusCode()).isEqualTo(401);
    }

    @Test
    @Order(4)
    void readTheAuditTrailAndVerifyItsChain() {
        signIn(admin);
        browser.open("/console/audit");
        assertThat(browser.heading()).isEqualTo("Audit trail");
        browser.type("#action", "PUT /api/teams/{team}/members/{userId}");
        browser.press("Filter");
        assertThat(browser.all("tbody tr")).extracting(e -> e.getText())
                .anySatisfy(row -> assertThat(row).contains("Ada Admin", team, "SUCCEEDED 200", "127.0.0.1"));
        browser.press("Verify the chain");
        assertThat(browser.find("p[role=status]").getText()).startsWith("The chain is intact");
        browser.screenshot("16-audit");
    }

    @Test
    @Order(5)
    void readTheMetrics() {
        signIn(admin);
        browser.open("/console/metrics");
        assertThat(browser.heading()).isEqualTo("Metrics");
        assertThat(browser.all("svg polyline.series")).hasSize(3);
        assertThat(browser.all("section[aria-labelledby=durations] tbody tr")).extracting(e -> e.getText())
                .anySatisfy(row -> assertThat(row).startsWith("greeting-" + suffix + " 1 "));
        browser.screenshot("17-metrics");
        // the payment retried in the second journey: one retried attempt (other tests share the tenant, so the
        // page is narrowed to it)
        browser.type("#workflowType", retried);
        browser.press("Show");
        assertThat(browser.find("section[aria-labelledby=most-retried]").getText()).contains(retried + " 1 retry");
        assertThat(browser.find("section[aria-labelledby=durations]").getText()).contains(retried + " 1 ");

        // at phone width nothing but the tables (which scroll inside themselves) is wider than the screen
        for (String page : List.of("/console/workflows", "/console/metrics", "/console/executions",
                "/console/workflows/greeting-" + suffix, "/console/catalog")) {
            browser.open(page);
            assertThat(browser.fitsWidth(390)).as("%s at 390 px", page).isTrue();
        }
    }

    @Test
    @Order(6)
    void aViewerSeesNoControlsAndIsRefusedWhenPostingAnyway() {
        String name = unique("watched");
        // a tenant's text is shown as text: markup in a description never becomes markup on the page
        String markup = "<img src=x onerror=\\\"document.title='owned'\\\">";
        registerWorkflow("{\"name\":\"" + name + "\",\"version\":1,\"description\":\"" + markup + "\","
                + "\"tasks\":[{\"name\":\"wait\",\"taskReferenceName\":\"hold\",\"type\":\"WAIT\"}]}");
        policy.claim(TENANT, ResourceType.WORKFLOW_DEF, name, team);
        UUID id = start(name, Map.of());

        signIn(viewer);
        assertThat(browser.shows("Compose from the catalog")).isFalse();
        assertThat(browser.shows("Administration")).isFalse();
        assertThat(browser.shows("Audit")).isFalse();
        browser.open("/console/workflows/" + name);
        assertThat(browser.text()).contains("<img src=x onerror=\"document.title='owned'\">");
        assertThat(browser.has("main img")).isFalse();
        assertThat(browser.script("return document.title")).isNotEqualTo("owned");
        assertThat(browser.shows("Start")).isFalse();
        assertThat(browser.shows("Edit")).isFalse();
        browser.open("/console/executions/" + id);
        assertThat(browser.find("h1 .status").getText()).isEqualTo("RUNNING");
        assertThat(browser.shows("Terminate")).isFalse();
        assertThat(browser.shows("Pause")).isFalse();
        assertThat(browser.has("input[name=ids]")).isFalse();
        browser.screenshot("18-viewer-execution");

        assertThat(browser.post("/console/executions/" + id + "/terminate", "", true)).isEqualTo(403);
        assertThat(workflow(id).getStatus()).isEqualTo(WorkflowStatus.RUNNING);

        assertThat(browser.post("/console/executions/" + id + "/terminate", "", false))
                .as("a post without the CSRF token").isEqualTo(403);
        browser.open("/console/admin/teams/" + team);
        assertThat(browser.has("form[aria-label='Add or change a member']")).isFalse();
        assertThat(browser.post("/console/admin/teams/" + team + "/members",
                "userId=" + viewerId + "&roles=TEAM_ADMIN", true)).isEqualTo(403);
        assertThat(identities.members(TENANT, team)).filteredOn(m -> m.userId().equals(viewerId))
                .extracting(m -> m.roles()).containsExactly(java.util.Set.of(Role.VIEWER));

        // every other change a viewer's pages do not offer, posted anyway: the API refuses each, nothing changes
        String sneaky = "sneaky-" + suffix;
        Map<String, String> crafted = new java.util.LinkedHashMap<>();
        crafted.put("/console/workflows", "isNew=true&json=" + java.net.URLEncoder.encode("{\"name\":\"" + sneaky
                + "\",\"version\":1,\"tasks\":[{\"name\":\"n\",\"taskReferenceName\":\"n\",\"type\":\"NOOP\"}]}",
                java.nio.charset.StandardCharsets.UTF_8));
        crafted.put("/console/workflows/" + name + "/start", "version=1");
        crafted.put("/console/workflows/" + name + "/grants", "team=" + team + "&access=UPDATE");
        crafted.put("/console/executions/" + id + "/pause", "");
        crafted.put("/console/admin/teams", "name=" + sneaky);
        crafted.put("/console/admin/users", "login=" + sneaky + "&password=long+enough+password");
        crafted.put("/console/admin/applications", "name=" + sneaky + "&team=" + team + "&roles=OPERATOR");
        crafted.put("/console/admin/identity-providers", "issuer=https%3A%2F%2Fidp.example&audience=baton%3Adefault");
        crafted.forEach((path, form) -> assertThat(browser.post(path, form, true)).as(path).isEqualTo(403));
        assertThat(metadata.workflowDef(TENANT, sneaky, null)).isEmpty();
        assertThat(workflows.running(TENANT, name, null)).containsExactly(id);
        assertThat(workflow(id).getStatus()).isEqualTo(WorkflowStatus.RUNNING);
        assertThat(policy.grants(TENANT, ResourceType.WORKFLOW_DEF, name)).isEmpty();
        assertThat(identities.teamExists(TENANT, sneaky)).isFalse();
        assertThat(identities.users(TENANT)).noneMatch(u -> u.login().equals(sneaky));
        assertThat(identities.applications(TENANT)).noneMatch(a -> a.name().equals(sneaky));
        // a bulk action answers per execution: the viewer's is refused, and the page says so
        browser.open("/console/executions");
        assertThat(browser.post("/console/executions/bulk", "action=terminate&ids=" + id, true)).isEqualTo(200);
        assertThat(workflow(id).getStatus()).isEqualTo(WorkflowStatus.RUNNING);
    }

    @Test
    @Order(7)
    void signInThroughTheTenantsOwnIdentityProvider() {
        MockOAuth2Server issuer = new MockOAuth2Server();
        issuer.start();
        try {
            String realm = "corp-" + suffix;
            String url = issuer.issuerUrl(realm).toString();
            String name = unique("shipping");
            registerWorkflow("{\"name\":\"" + name + "\",\"version\":1,\"tasks\":[{\"name\":\"wait\","
                    + "\"taskReferenceName\":\"hold\",\"type\":\"WAIT\"}]}");
            policy.claim(TENANT, ResourceType.WORKFLOW_DEF, name, team);
            UUID id = start(name, Map.of());
            external.register(TENANT, new ExternalIssuers.Provider(TENANT, null, url, "baton:default", "email",
                    "name", "groups", List.of(new ExternalIssuers.GroupMapping("shipping-ops", team,
                            java.util.Set.of(Role.OPERATOR))), null, "baton-console", true));
            issuer.enqueueCallback(new DefaultOAuth2TokenCallback(realm, "u-42", "JWT", List.of("baton:default"),
                    Map.of("email", "grace@example.com", "name", "Grace Hopper", "groups", List.of("shipping-ops")),
                    600));

            browser.open("/console");
            browser.click("a[href='/console/sign-in/organisation']");
            browser.type("#tenant", "default");
            browser.press("Find its identity providers");
            browser.screenshot("19-organisation-sign-in");
            browser.press("Sign in with " + url);
            browser.waitUntil(10, "the console after signing in at the tenant's issuer",
                    () -> browser.url().endsWith("/console/workflows"));
            assertThat(browser.find(".who").getText()).contains("Grace Hopper");

            // her group makes her an operator of the team: she sees its execution's controls and they work
            browser.open("/console/executions/" + id);
            browser.type("#reason", "moved to another carrier");
            browser.press("Terminate");
            assertThat(browser.find("h1 .status").getText()).isEqualTo("TERMINATED");
            assertThat(workflow(id).getReasonForIncompletion()).isEqualTo("moved to another carrier");
        } finally {
            issuer.shutdown();
        }
    }

    @Test
    @Order(8)
    void aTokenForAnotherTenantFromTheSameIssuerDoesNotSignIn() {
        MockOAuth2Server issuer = new MockOAuth2Server();
        issuer.start();
        try {
            String realm = "shared-" + suffix;
            String url = issuer.issuerUrl(realm).toString();
            TenantId other = createTenant("other-" + suffix);
            external.register(TENANT, new ExternalIssuers.Provider(TENANT, null, url, "baton:default", "sub",
                    "name", null, List.of(), null, "baton-console", true));
            external.register(other, new ExternalIssuers.Provider(other, null, url, "baton:" + other.value(), "sub",
                    "name", null, List.of(), null, "baton-console", true));
            // the issuer hands out a token meant for the other tenant to someone signing in to this one
            issuer.enqueueCallback(new DefaultOAuth2TokenCallback(realm, "mallory", "JWT",
                    List.of("baton:" + other.value()), Map.of(), 600));

            browser.open("/console/sign-in/organisation?tenant=default");
            browser.press("Sign in with " + url);
            assertThat(browser.text()).contains("The identity provider's token is not one this tenant accepts.");
            browser.open("/console/workflows");
            assertThat(browser.url()).contains("/login");
        } finally {
            issuer.shutdown();
        }
    }

    @Test
    @Order(9)
    void anIssuerWhoseDiscoveryDocumentIsMalformedIsRefusedWithAReason() throws Exception {
        // the discovery document is the tenant's issuer's to write: a broken authorization endpoint is a refusal
        com.sun.net.httpserver.HttpServer broken = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        String url = "http://127.0.0.1:" + broken.getAddress().getPort() + "/broken-" + suffix;
        broken.createContext("/", exchange -> {
            byte[] document = JSON.writeValueAsBytes(Map.of("issuer", url, "jwks_uri", url + "/keys",
                    "authorization_endpoint", "http://[not a url", "token_endpoint", url + "/token"));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, document.length);
            exchange.getResponseBody().write(document);
            exchange.close();
        });
        broken.start();
        try {
            ExternalIssuers.Provider p = external.register(TENANT, new ExternalIssuers.Provider(TENANT, null, url,
                    "baton:default:broken-" + suffix, "sub", "name", null, List.of(), null, "baton-console", true));
            browser.open("/console/sign-in/oidc/" + p.id() + "?tenant=default");
            assertThat(browser.text()).contains("The identity provider cannot be used to sign in now: the issuer's "
                    + "authorization endpoint is not a URL");
        } finally {
            broken.stop(0);
        }
    }

    @Test
    @Order(10)
    void dryRunADefinitionThenForkAndUpgradeExecutions() {
        String worker = unique("pack");
        registerTask(worker, "\"retryCount\": 0");
        String name = unique("shipping");
        registerWorkflow("{\"name\":\"" + name + "\",\"version\":1,\"tasks\":[{\"name\":\"" + worker
                + "\",\"taskReferenceName\":\"pack\",\"inputParameters\":{\"box\":\"${workflow.input.box}\"}},"
                + "{\"name\":\"route\",\"taskReferenceName\":\"route\",\"type\":\"SWITCH\","
                + "\"evaluatorType\":\"value-param\",\"expression\":\"w\",\"inputParameters\":"
                + "{\"w\":\"${pack.output.weight}\"},\"decisionCases\":{\"heavy\":[{\"name\":\"truck\","
                + "\"taskReferenceName\":\"truck\",\"type\":\"SET_VARIABLE\",\"inputParameters\":"
                + "{\"by\":\"truck\"}}]},\"defaultCase\":[{\"name\":\"post\",\"taskReferenceName\":\"post\","
                + "\"type\":\"SET_VARIABLE\",\"inputParameters\":{\"by\":\"post\"}}]}]}");
        registerWorkflow("{\"name\":\"" + name + "\",\"version\":2,\"tasks\":[{\"name\":\"" + worker
                + "\",\"taskReferenceName\":\"pack\"},{\"name\":\"done\",\"taskReferenceName\":\"done\","
                + "\"type\":\"SET_VARIABLE\",\"inputParameters\":{\"v\":2}}]}");
        policy.claim(TENANT, ResourceType.WORKFLOW_DEF, name, team);
        signIn(admin);

        browser.open("/console/workflows/" + name + "/dry-run?version=1");
        assertThat(browser.heading()).isEqualTo("Dry run " + name + " v1");
        browser.fill("#input", "{\"box\": \"B-7\"}");
        browser.fill("#taskOutputs", "{\"pack\": {\"output\": {\"weight\": \"heavy\"}}}");
        browser.press("Dry run");
        assertThat(browser.find("h2 .status").getText()).isEqualTo("COMPLETED");
        assertThat(browser.all("#dry-run-tasks tbody tr")).extracting(e -> e.findElement(By.cssSelector("td"))
                .getText() + " " + e.findElement(By.cssSelector("td:nth-child(5)")).getText())
                .containsExactly("pack given", "route evaluated", "truck evaluated");
        assertThat(browser.find("#dry-run-tasks tbody tr td:nth-child(6)").getText()).contains("\"box\" : \"B-7\"");
        browser.screenshot("30-dry-run");

        UUID failed = workflows.start(TENANT, StartWorkflowRequest.of(name, 1, Map.of("box", "B-1")));
        fail(poll(worker), "no boxes left");
        awaitStatus(failed, WorkflowStatus.FAILED, Duration.ofSeconds(10));
        browser.open("/console/executions/" + failed);
        browser.click("#fork summary");
        browser.fill("#forkInput", "{\"box\": \"B-2\"}");
        browser.press("Fork");
        assertThat(browser.text()).contains("Forked from " + failed + "; the original is unchanged.");
        String forkId = browser.url().substring(browser.url().lastIndexOf('/') + 1);
        assertThat(forkId).isNotEqualTo(failed.toString());
        Task again = poll(worker);
        assertThat(again.getWorkflowInstanceId().toString()).isEqualTo(forkId);
        assertThat(again.getInputData()).isEqualTo(Map.of("box", "B-2"));
        complete(again, Map.of("weight", "light"));
        awaitPageStatus("COMPLETED");
        assertThat(workflow(failed).getStatus()).isEqualTo(WorkflowStatus.FAILED);
        browser.screenshot("31-forked-execution");

        UUID running = workflows.start(TENANT, StartWorkflowRequest.of(name, 1, Map.of("box", "B-3")));
        browser.open("/console/executions/" + running);
        browser.click("#upgrade summary");
        browser.press("Check");
        assertThat(browser.find("#upgrade-verdict").getText())
                .isEqualTo("Safe: every task has a place and the upgraded execution can complete.");
        assertThat(browser.all("#upgrade-places tbody tr")).extracting(WebElement::getText)
                .containsExactly("pack SCHEDULED pack");
        browser.screenshot("32-upgrade-check");
        browser.press("Upgrade");
        assertThat(browser.text()).contains("Upgraded to version 2.");
        assertThat(workflow(running).getWorkflowVersion()).isEqualTo(2);
        complete(poll(worker), Map.of());
        awaitPageStatus("COMPLETED");
        assertThat(workflow(running).getTasks()).extracting(Task::getReferenceTaskName)
                .containsExactly("pack", "done");
    }

    @Test
    @Order(11)
    void sendAListenersDeadLettersAgain() {
        String name = "shipped-" + suffix;
        statusListeners.add(TENANT, new ListenerDef(name, List.of("workflow.FAILED"), List.of(), null,
                "nats:console." + suffix, null, true), team, "test");
        String dead = ownerQuery("INSERT INTO listener_deliveries (tenant_id, listener_name, event, payload, status, "
                + "attempts, last_status, last_error, next_attempt_at) VALUES ('default', ?, 'workflow.FAILED', "
                + "'{}', 'DEAD', 10, 503, 'receiver down', now() + interval '1 day') RETURNING id::text", name);
        signIn(admin);
        browser.open("/console/listeners");
        assertThat(browser.all("#listeners tbody tr")).extracting(WebElement::getText)
                .anySatisfy(row -> assertThat(row).startsWith(name + " workflow.FAILED all nats:console."));
        browser.open("/console/listeners/" + name);
        assertThat(browser.all("#deliveries tbody tr")).extracting(e -> e.getText())
                .singleElement().satisfies(row -> assertThat(row)
                        .startsWith("workflow.FAILED DEAD 10 503 receiver down"));
        browser.screenshot("33-dead-letters");
        browser.press("Send all dead letters again");
        assertThat(browser.text()).contains("Sending 1 dead letters again.");
        assertThat(ownerQuery("SELECT status FROM listener_deliveries WHERE id = ?::uuid", dead))
                .isIn("PENDING", "DELIVERED");
        assertThat(browser.find("#deliveries tbody tr").getText()).isEqualTo("None.");
    }
}
