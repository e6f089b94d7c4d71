package dev.baton.ops.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import tools.jackson.databind.JsonNode;

/**
 * The fault harness ({@code bin/faults}): three server nodes on one PostgreSQL, one Redis and one OpenSearch node of
 * its own, on loopback, under a steady load of mixed workflows started, worked and searched through whichever node
 * answers (as behind a balancer); then one node is killed (SIGKILL) and started again, PostgreSQL is restarted, Redis
 * is stopped and started, and the search node is killed and replaced by an empty one (the index then rebuilt).
 * Afterwards every workflow started must have completed exactly once, none lost or duplicated, and no task may have
 * been completed twice. Prints and writes the figures and each fault's recovery time. Bounded: about six minutes on
 * a small machine.
 */
final class FaultHarness {

    private static final long STARTED = System.nanoTime();
    private static final int SECONDS = 300;
    private static final List<String> TYPES = List.of("fault_a", "fault_b", "fault_c");

    private final Path work;
    private final Path jar;
    private final int pgPort;
    private final int redisPort;
    private final int searchPort;
    private Process search;
    private final AtomicLong searchesAnswered = new AtomicLong();
    private final AtomicLong searchesFailed = new AtomicLong();
    private final List<Node> nodes = new CopyOnWriteArrayList<>();
    private final AtomicInteger nextNode = new AtomicInteger();
    private final AtomicBoolean starting = new AtomicBoolean(true);
    private final AtomicBoolean working = new AtomicBoolean(true);
    private final Map<String, String> started = new ConcurrentHashMap<>();
    private final Set<String> lostStarts = ConcurrentHashMap.newKeySet();
    private final Set<String> completedTasks = ConcurrentHashMap.newKeySet();
    private final AtomicLong acceptedTwice = new AtomicLong();
    private final AtomicLong staleReports = new AtomicLong();
    private final AtomicLong failedCalls = new AtomicLong();
    private final AtomicLongArray completionsPerSecond = new AtomicLongArray(SECONDS + 240);
    private final List<Map<String, Object>> faults = new ArrayList<>();
    private EmbeddedPostgres postgres;
    private Long searchRecovery;
    private volatile long pgDownFrom = Long.MAX_VALUE;
    private volatile long pgDownUntil = Long.MAX_VALUE;
    private final AtomicLong searchesFailedWithDatabaseDown = new AtomicLong();
    /** The harness's second at which the load began; the faults' times count from it. */
    private volatile long loadStarted;
    private Process redis;
    private String keyId;
    private String keySecret;

    /** One server node as the clients see it: its process and a token of the tenant's administrator. */
    private record Node(String name, JarProcess process, String token) {}

    private FaultHarness(Path work, Path jar) throws IOException {
        this.work = work;
        this.jar = jar;
        this.pgPort = freePort();
        this.redisPort = freePort();
        this.searchPort = freePort();
    }

    static void main(String[] args) throws Exception {
        Path jar = Path.of("platform-api/target/baton-platform-api-0.1.0-SNAPSHOT.jar");
        Path out = Path.of("ops/target/faults.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--platform-jar" -> jar = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --platform-jar <jar>, --out <json>");
            }
        }
        FaultHarness h = new FaultHarness(Files.createTempDirectory("baton-faults-"), jar);
        Map<String, Object> report;
        try {
            report = h.run();
        } finally {
            h.stopAll();
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        System.out.println("\nwritten to " + out.toAbsolutePath());
        if (!Boolean.TRUE.equals(report.get("passed"))) {
            System.exit(1);
        }
    }

    private Map<String, Object> run() throws Exception {
        startPostgres();
        startRedis();
        startSearchNode();
        progress("PostgreSQL on %d, Redis on %d and OpenSearch on %d started", pgPort, redisPort, searchPort);
        for (int i = 1; i <= 3; i++) {
            nodes.add(startNode("node-" + i));
        }
        progress("three nodes started");
        register(nodes.get(0));

        List<Thread> threads = new ArrayList<>();
        AtomicLong sequence = new AtomicLong();
        for (int i = 0; i < 2; i++) {
            threads.add(Thread.ofPlatform().name("starter-" + i).start(() -> starter(sequence)));
        }
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofPlatform().name("worker-" + i).start(this::worker));
        }
        threads.add(Thread.ofPlatform().name("searcher").start(this::searcher));
        loadStarted = elapsed();
        progress("load started: about 20 workflows a second, half of them with a 2 s timer");

        after(20);
        Node victim = nodes.get(2);
        long t0 = now();
        victim.process().kill();
        nodes.remove(victim);
        progress("killed %s (SIGKILL)", victim.name());
        Thread.sleep(15_000);
        nodes.add(startNode("node-3b"));
        fault("node killed (SIGKILL), restarted 15 s later", t0, now());

        after(20);
        t0 = now();
        pgDownFrom = t0;
        postgres.close();
        progress("PostgreSQL stopped");
        Thread.sleep(5_000);
        startPostgres();
        progress("PostgreSQL started again");
        pgDownUntil = now() + 15; // and the pools' new connections
        fault("PostgreSQL restarted (down 5 s)", t0, now());

        after(20);
        t0 = now();
        redis.destroyForcibly();
        redis.waitFor();
        progress("Redis stopped");
        Thread.sleep(10_000);
        startRedis();
        progress("Redis started again");
        fault("Redis stopped for 10 s", t0, now());

        after(20);
        t0 = now();
        search.destroyForcibly();
        search.waitFor();
        progress("search node killed");
        Thread.sleep(10_000);
        startSearchNode();
        progress("an empty search node started");
        Node any = pick();
        HttpResponse<String> rebuild = any.process().http().send("POST", "/actuator/searchindex", any.token(), null);
        Http.expect(rebuild, 200);
        progress("index rebuild asked: %s", rebuild.body());
        fault("search node killed, an empty one 10 s later", t0, now());
        long caughtUp = awaitIndexCaughtUp();
        searchRecovery = caughtUp < 0 ? null : caughtUp - t0;

        after(20);
        starting.set(false);
        progress("starts stopped after %d workflows; waiting for all to complete", started.size());
        long drainDeadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < drainDeadline && unfinished() > 0) {
            Thread.sleep(1_000);
        }
        working.set(false);
        for (Thread t : threads) {
            t.join(10_000);
        }
        return verify();
    }

    // ---- load ------------------------------------------------------------------------------------------------

    private void starter(AtomicLong sequence) {
        while (starting.get()) {
            long i = sequence.incrementAndGet();
            String key = "fault-" + i;
            String flow = i % 2 == 0 ? "fault_linear" : "fault_timer";
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            boolean done = false;
            while (!done && System.nanoTime() < deadline) {
                Node n = pick();
                try {
                    // the same idempotency key on every retry: a start whose answer was lost is not made twice
                    HttpResponse<String> r = n.process().http().send("POST", "/api/workflow", n.token(),
                            Map.of("name", flow, "input", Map.of("i", i), "correlationId", key,
                                    "idempotencyKey", key, "idempotencyStrategy", "RETURN_EXISTING"));
                    if (r.statusCode() == 200) {
                        started.put(key, r.body());
                        done = true;
                    } else {
                        failedCalls.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    failedCalls.incrementAndGet();
                }
                if (!done) {
                    pause(200);
                }
            }
            if (!done) {
                lostStarts.add(key);
            }
            pause(100); // two starters: about 20 workflows a second
        }
    }

    private void worker() {
        int turn = 0;
        while (working.get()) {
            String type = TYPES.get(turn++ % TYPES.size());
            Node n = pick();
            List<JsonNode> tasks = new ArrayList<>();
            try {
                HttpResponse<String> r = n.process().http().send("GET", "/api/tasks/poll/batch/" + type
                        + "?workerid=" + Thread.currentThread().getName() + "&count=5&timeout=500", n.token(), null);
                if (r.statusCode() == 200) {
                    Http.JSON.readTree(r.body()).forEach(tasks::add);
                } else {
                    failedCalls.incrementAndGet();
                    pause(100);
                }
            } catch (RuntimeException e) {
                failedCalls.incrementAndGet();
                pause(100);
            }
            for (JsonNode task : tasks) {
                complete(task);
            }
        }
    }

    /** Reports a task done, again through other nodes while no answer comes; counts what the servers accepted. */
    private void complete(JsonNode task) {
        String taskId = task.get("taskId").asString();
        Map<String, Object> body = Map.of("workflowInstanceId", task.get("workflowInstanceId").asString(),
                "taskId", taskId, "workerId", Thread.currentThread().getName(), "status", "COMPLETED",
                "outputData", Map.of("by", Thread.currentThread().getName()));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && working.get()) {
            Node n = pick();
            try {
                HttpResponse<String> r = n.process().http().send("POST", "/api/tasks", n.token(), body);
                if (r.statusCode() == 200) {
                    if (!completedTasks.add(taskId)) {
                        acceptedTwice.incrementAndGet();
                    }
                    completionsPerSecond.incrementAndGet((int) Math.min(SECONDS + 239, elapsed()));
                    return;
                }
                if (r.statusCode() == 409) {
                    staleReports.incrementAndGet(); // already reported (an answer lost) or timed out and handed on
                    return;
                }
                failedCalls.incrementAndGet();
            } catch (RuntimeException e) {
                failedCalls.incrementAndGet();
            }
            pause(200);
        }
    }

    /** Searches twice a second through the nodes in turn; every search must be answered, index or not. */
    private void searcher() {
        while (working.get()) {
            Node n = pick();
            try {
                HttpResponse<String> r = n.process().http().send("GET", "/api/workflow/search?size=5&query="
                        + java.net.URLEncoder.encode("workflowType IN (fault_linear)",
                                java.nio.charset.StandardCharsets.UTF_8), n.token(), null);
                long at = elapsed();
                boolean databaseDown = at >= pgDownFrom && at <= pgDownUntil;
                (r.statusCode() == 200 ? searchesAnswered
                        : databaseDown ? searchesFailedWithDatabaseDown : searchesFailed).incrementAndGet();
            } catch (RuntimeException e) {
                failedCalls.incrementAndGet(); // the node itself away (killed or starting): not a search's fault
            }
            pause(500);
        }
    }

    /** Seconds of the harness when the index answered again with nothing waiting, or -1 after 90 s. */
    private long awaitIndexCaughtUp() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            Node n = pick();
            try {
                HttpResponse<String> r = n.process().http().send("GET", "/actuator/searchindex", n.token(), null);
                JsonNode state = Http.JSON.readTree(r.body());
                if (r.statusCode() == 200 && state.path("answering").asBoolean()
                        && state.path("waiting").asLong() == 0) {
                    return elapsed();
                }
            } catch (RuntimeException e) {
                failedCalls.incrementAndGet();
            }
            Thread.sleep(500);
        }
        return -1;
    }

    private Node pick() {
        List<Node> live = nodes;
        return live.get(Math.floorMod(nextNode.getAndIncrement(), live.size()));
    }

    // ---- the platform and its dependencies --------------------------------------------------------------------

    /** Starts PostgreSQL on its port and data directory; the second time on the data the first one left. */
    private void startPostgres() throws IOException {
        // never cleaned: zonky would delete the data directory when it stops, and the restart needs it
        postgres = EmbeddedPostgres.builder().setDataDirectory(work.resolve("postgres"))
                .setCleanDataDirectory(false).setPort(pgPort).setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "300").start();
    }

    private void startRedis() throws IOException, InterruptedException {
        redis = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("redis.log").toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", redisPort)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("Redis did not start; see " + work.resolve("redis.log"));
    }

    /** An empty OpenSearch node in a process of its own, from this harness's own jar. */
    private void startSearchNode() throws IOException, InterruptedException {
        String jarPath = System.getProperty("java.class.path");
        search = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m",
                "-cp", jarPath, "-Dloader.main=" + SearchNodeMain.class.getName(),
                "org.springframework.boot.loader.launch.PropertiesLauncher", String.valueOf(searchPort),
                Files.createTempDirectory(work, "opensearch-").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("search.log").toFile())).start();
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!search.isAlive()) {
                throw new IllegalStateException("the search node exited; see " + work.resolve("search.log"));
            }
            try {
                if (client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                        + searchPort + "/_cluster/health")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the search node did not start; see " + work.resolve("search.log"));
    }

    private Node startNode(String name) throws IOException, InterruptedException {
        Path credentials = work.resolve("initial-credentials");
        JarProcess p = JarProcess.start(jar, List.of("-Xmx512m"), List.of(
                "--baton.database.url=jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres",
                "--baton.database.owner-username=postgres", "--baton.database.pool-size=20",
                "--baton.redis.url=redis://127.0.0.1:" + redisPort,
                "--baton.search.url=http://127.0.0.1:" + searchPort,
                "--baton.auth.initial-credentials-file=" + credentials,
                "--logging.level.root=WARN"), work.resolve(name + ".log"), "/actuator/health");
        if (keyId == null) {
            Properties creds = new Properties();
            try (var in = Files.newBufferedReader(credentials)) {
                creds.load(in);
            }
            keyId = creds.getProperty("BATON_KEY_ID");
            keySecret = creds.getProperty("BATON_KEY_SECRET");
        }
        HttpResponse<String> r = p.http().send("POST", "/api/token", null,
                Map.of("keyId", keyId, "keySecret", keySecret));
        Http.expect(r, 200);
        return new Node(name, p, Http.JSON.readTree(r.body()).get("token").asString());
    }

    private static void register(Node n) {
        List<Map<String, Object>> defs = new ArrayList<>();
        for (String t : TYPES) {
            defs.add(Map.of("name", t, "retryCount", 3, "retryLogic", "FIXED", "retryDelaySeconds", 1,
                    "responseTimeoutSeconds", 10, "timeoutSeconds", 0));
        }
        Http.expect(n.process().http().send("POST", "/api/metadata/taskdefs", n.token(), defs), 200);
        Http.expect(n.process().http().send("POST", "/api/metadata/workflow", n.token(), Map.of(
                "name", "fault_linear", "tasks", List.of(simple("fault_a"), simple("fault_b"), simple("fault_c")))),
                200);
        Http.expect(n.process().http().send("POST", "/api/metadata/workflow", n.token(), Map.of(
                "name", "fault_timer", "tasks", List.of(simple("fault_a"),
                        Map.of("name", "nap", "taskReferenceName", "nap", "type", "WAIT",
                                "inputParameters", Map.of("duration", "2s")),
                        simple("fault_b")))), 200);
    }

    private static Map<String, Object> simple(String type) {
        return Map.of("name", type, "taskReferenceName", type, "type", "SIMPLE");
    }

    private void stopAll() throws InterruptedException {
        starting.set(false);
        working.set(false);
        for (Node n : nodes) {
            n.process().kill();
        }
        if (redis != null) {
            redis.destroyForcibly();
        }
        if (search != null) {
            search.destroyForcibly();
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                progress("PostgreSQL did not stop cleanly: %s", e.getMessage());
            }
        }
    }

    // ---- verdict -----------------------------------------------------------------------------------------------

    private long unfinished() {
        return query("SELECT count(*) FROM workflows WHERE status NOT IN ('COMPLETED', 'FAILED', 'TERMINATED', "
                + "'TIMED_OUT')");
    }

    private Map<String, Object> verify() {
        Map<String, Object> r = new LinkedHashMap<>();
        long workflows = query("SELECT count(*) FROM workflows");
        long completed = query("SELECT count(*) FROM workflows WHERE status = 'COMPLETED'");
        long duplicated = query("SELECT count(*) FROM (SELECT correlation_id FROM workflows GROUP BY correlation_id "
                + "HAVING count(*) > 1) d");
        long missing = started.keySet().stream().filter(k -> query("SELECT count(*) FROM workflows WHERE "
                + "correlation_id = '" + k + "'") == 0).count();
        long tasksCompletedTwice = query("SELECT count(*) FROM (SELECT workflow_id, ref_name FROM tasks "
                + "WHERE status = 'COMPLETED' GROUP BY workflow_id, ref_name HAVING count(*) > 1) d");
        r.put("startedAt", Instant.now().toString());
        r.put("workflowsStarted", started.size());
        r.put("startsNeverAnswered", lostStarts.size());
        r.put("workflowsInDatabase", workflows);
        r.put("workflowsCompleted", completed);
        r.put("workflowsNotCompleted", workflows - completed);
        r.put("workflowsLost", missing);
        r.put("workflowsDuplicated", duplicated);
        r.put("tasksCompletedTwice", tasksCompletedTwice);
        r.put("reportsAcceptedTwice", acceptedTwice.get());
        r.put("staleReportsRefused", staleReports.get());
        r.put("failedCallsRetried", failedCalls.get());
        r.put("searchesAnswered", searchesAnswered.get());
        r.put("searchesFailed", searchesFailed.get());
        r.put("searchesFailedWhilePostgresWasDown", searchesFailedWithDatabaseDown.get());
        r.put("indexCaughtUpSecondsAfterSearchNodeKilled", searchRecovery);
        long indexed = indexedLinear();
        long linear = query("SELECT count(*) FROM workflows WHERE name = 'fault_linear'");
        r.put("fault_linearInDatabase", linear);
        r.put("fault_linearInIndex", indexed);
        r.put("faults", faults);
        List<Long> perSecond = new ArrayList<>();
        for (long sec = loadStarted; sec < Math.min(elapsed(), SECONDS + 239); sec++) {
            perSecond.add(completionsPerSecond.get((int) sec));
        }
        r.put("tasksCompletedPerSecondOfLoad", perSecond);
        boolean passed = lostStarts.isEmpty() && missing == 0 && duplicated == 0 && tasksCompletedTwice == 0
                && acceptedTwice.get() == 0 && completed == workflows && workflows == started.size()
                && searchesFailed.get() == 0 && searchRecovery != null && indexed == Math.min(linear, 10_000);
        r.put("passed", passed);
        System.out.println();
        r.forEach((k, v) -> {
            if (!k.equals("faults")) {
                System.out.printf(Locale.ROOT, "%-24s %s%n", k, v);
            }
        });
        for (Map<String, Object> f : faults) {
            System.out.printf(Locale.ROOT, "%-46s recovered %s s after it began (%s s of outage)%n",
                    f.get("fault"), f.get("recoverySeconds"), f.get("outageSeconds"));
        }
        return r;
    }

    /**
     * Records a fault and when throughput came back: the first second after {@code began} from which three seconds
     * in a row completed at least half as many tasks a second as the ten seconds before it.
     */
    private void fault(String what, long began, long ended) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("fault", what);
        f.put("atSecondOfLoad", began - loadStarted);
        f.put("outageSeconds", ended - began);
        f.put("pendingRecovery", true);
        faults.add(f);
        Thread.ofPlatform().daemon().start(() -> {
            double before = 0;
            for (long s = Math.max(0, began - 10); s < began; s++) {
                before += completionsPerSecond.get((int) s);
            }
            double baseline = before / Math.min(10, Math.max(1, began));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                long current = elapsed();
                for (long s = began; s + 3 <= current; s++) {
                    if (completionsPerSecond.get((int) s) >= baseline / 2
                            && completionsPerSecond.get((int) s + 1) >= baseline / 2
                            && completionsPerSecond.get((int) s + 2) >= baseline / 2) {
                        f.put("recoverySeconds", s - began);
                        f.remove("pendingRecovery");
                        return;
                    }
                }
                pause(1_000);
            }
        });
    }

    /** The index's count of fault_linear workflows, once nothing waits for it (as the index answers searches). */
    private long indexedLinear() {
        try {
            awaitIndexCaughtUp();
            Thread.sleep(2_000); // the index's refresh
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Node n = pick();
        HttpResponse<String> r = n.process().http().send("GET", "/api/workflow/search?size=1&query="
                + java.net.URLEncoder.encode("workflowType IN (fault_linear)", java.nio.charset.StandardCharsets.UTF_8),
                n.token(), null);
        Http.expect(r, 200);
        return Http.JSON.readTree(r.body()).get("totalHits").asLong();
    }

    private long query(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres",
                "postgres", ""); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("could not run " + sql, e);
        }
    }

    /** Waits {@code seconds} after the previous fault ended (or the load began), so faults never overlap. */
    private void after(long seconds) throws InterruptedException {
        Thread.sleep(seconds * 1000);
    }

    private static long now() {
        return elapsed();
    }

    private static long elapsed() {
        return (System.nanoTime() - STARTED) / 1_000_000_000L;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void progress(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%6.1f s] %s%n", (System.nanoTime() - STARTED) / 1e9,
                String.format(Locale.ROOT, format, args));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
