package dev.baton.ops.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.HdrHistogram.Histogram;

/**
 * The benchmark: starts a PostgreSQL of its own (with pg_stat_statements, synchronous commit on) and the platform
 * jar against it, drives the workloads over HTTP, and prints a table and writes JSON.
 *
 * <p>{@code --short} is the CI smoke run (under two minutes; it fails only if the harness breaks, never on
 * timings); without it, the full run.
 */
public final class Benchmark {

    private record Options(boolean quick, Path platformJar, Path peerJar, Path out, int workers, int tenants,
            List<String> platformJvmArgs) {

        static Options parse(String[] args) {
            boolean quick = false;
            Path jar = Path.of("platform-api/target/baton-platform-api-0.1.0-SNAPSHOT.jar");
            Path peerJar = Path.of("ops/camunda-peer/target/baton-camunda-peer.jar");
            Path out = Path.of("ops/target/benchmark.json");
            int workers = 32;
            Integer tenants = null;
            List<String> jvmArgs = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--short" -> quick = true;
                    case "--platform-jar" -> jar = Path.of(args[++i]);
                    case "--peer-jar" -> peerJar = Path.of(args[++i]);
                    case "--out" -> out = Path.of(args[++i]);
                    case "--workers" -> workers = Integer.parseInt(args[++i]);
                    case "--tenants" -> tenants = Integer.parseInt(args[++i]);
                    // e.g. -XX:StartFlightRecording=filename=platform.jfr,settings=profile to profile the server
                    case "--platform-jvm-arg" -> jvmArgs.add(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; use --short, --platform-jar <jar>, --peer-jar <jar>, --out <json>, --workers <n>, "
                            + "--tenants <n>, --platform-jvm-arg <arg>");
                }
            }
            for (Path p : List.of(jar, peerJar)) {
                if (!Files.isRegularFile(p)) {
                    throw new IllegalArgumentException("no jar at " + p + "; build it first (bin/bench does)");
                }
            }
            // the short mode spreads the load over fewer tenants: making a hundred takes a fifth of its time
            return new Options(quick, jar, peerJar, out, workers, tenants != null ? tenants : quick ? 10 : 100,
                    List.copyOf(jvmArgs));
        }

        /** The load of the throughput runs: twice as many workflows in flight as workers, five tasks a poll. */
        Load load() {
            return new Load(2 * workers, workers, 5, warmup(), measure());
        }

        /**
         * How the client-library runs are set up: every number of clients with every fetch size, with a long poll
         * of 10 s (the full run tries the best cell with 5 s too); the short run, one cell.
         */
        List<ClientSetup> clientGrid() {
            if (quick) {
                return List.of(new ClientSetup(2, 10, 5_000));
            }
            List<ClientSetup> grid = new ArrayList<>();
            for (int clients : List.of(2, 4, 8)) {
                for (int maxTasks : List.of(10, 32)) {
                    grid.add(new ClientSetup(clients, maxTasks, 10_000));
                }
            }
            return grid;
        }

        /**
         * How the runs with the official Conductor client are set up: threads per task type (each batch poll asks
         * for as many tasks as there are threads), a long poll of 1 s, and update-v2; the full run tries the best
         * cell without update-v2 too.
         */
        List<ClientSetup> conductorGrid() {
            if (quick) {
                return List.of(new ClientSetup(2, 2, 1_000));
            }
            return List.of(new ClientSetup(2, 2, 1_000), new ClientSetup(4, 4, 1_000), new ClientSetup(8, 8, 1_000));
        }

        Duration warmup() {
            return Duration.ofSeconds(quick ? 1 : 10);
        }

        Duration measure() {
            return Duration.ofSeconds(quick ? 3 : 30);
        }
    }

    /**
     * Workers as a client library runs them: {@code clients} clients, each fetching up to {@code maxTasks} tasks
     * of every type with a long poll of {@code longPollMillis} and completing them in turn.
     */
    record ClientSetup(int clients, int maxTasks, long longPollMillis) {

        ClientSetup withLongPoll(long millis) {
            return new ClientSetup(clients, maxTasks, millis);
        }
    }

    private static final long STARTED = System.nanoTime();

    /** How a closed-loop run loads an engine: workflows kept in flight, workers, tasks per poll, durations. */
    record Load(int inflight, int workers, int batch, Duration warmup, Duration measure) {

        /** An engine's first run warms its JIT three times as long, so no engine is measured cold. */
        Load first() {
            return new Load(inflight, workers, batch, warmup.multipliedBy(3), measure);
        }
    }

    private Benchmark() {}

    /** A line of progress, stamped with the seconds since the benchmark began. */
    private static void progress(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%6.1f s] %s%n", (System.nanoTime() - STARTED) / 1e9,
                String.format(Locale.ROOT, format, args));
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("faults")) {
            FaultHarness.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        // "push" runs only the push-versus-poll step, "latency" only linear3 one at a time, "load" only linear3
        // under load driven the peer's way (2 clients x 32 tasks, 10 s long poll), each on a platform of its own so
        // that it can be profiled alone
        String only = args.length > 0 && List.of("push", "latency", "load").contains(args[0]) ? args[0] : null;
        Options o = Options.parse(only != null ? java.util.Arrays.copyOfRange(args, 1, args.length) : args);
        Path work = Files.createTempDirectory("baton-bench-");
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("mode", o.quick() ? "short" : "full");
        report.put("startedAt", Instant.now().toString());
        report.put("machine", Map.of("cpus", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version")));
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(work.resolve("postgres"))
                .setCleanDataDirectory(true).setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                .setServerConfig("max_connections", "300").start()) {
            String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
            Database db = new Database(url, pg.getPort());
            db.prepare();
            progress("PostgreSQL started");
            try (Platform platform = Platform.start(o.platformJar(), url, work, o.platformJvmArgs())) {
                progress("platform started");
                if ("push".equals(only)) {
                    Workload.LINEAR3.register(platform, platform.operatorToken());
                    report.put("pushVersusPoll", PushVersusPoll.measure(platform, platform.operatorToken(),
                            o.quick()));
                } else if ("latency".equals(only)) {
                    Workload.LINEAR3.register(platform, platform.operatorToken());
                    lowLoad(o, platform, List.of(platform.operatorToken()), db, Database.OURS); // warm-up
                    Map<String, Object> latency = lowLoad(o, platform, List.of(platform.operatorToken()), db,
                            Database.OURS);
                    report.put("latencyLinear3", latency);
                    System.out.println("linear3 one at a time: " + latency);
                } else if ("load".equals(only)) {
                    Workload.LINEAR3.register(platform, platform.operatorToken());
                    ClientSetup cell = new ClientSetup(2, 32, 10_000);
                    List<String> one = List.of(platform.operatorToken());
                    ourClientRun(o.load().first(), cell, platform, db, one); // warm-up
                    Map<String, Object> loaded = ourClientRun(o.load(), cell, platform, db, one);
                    report.put("loadLinear3", loaded);
                    report.put("topStatements", db.topStatements(15));
                    System.out.println("linear3 under load: " + loaded);
                } else {
                    run(o, platform, db, work, report);
                }
            }
        }
        Files.createDirectories(o.out().toAbsolutePath().getParent());
        Files.writeString(o.out(), Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        System.out.println("\nwritten to " + o.out().toAbsolutePath());
    }

    private static void run(Options o, Platform platform, Database db, Path work, Map<String, Object> report)
            throws Exception {
        List<String> one = List.of(platform.operatorToken());
        List<String> many = new ArrayList<>();
        for (int i = 0; i < o.tenants(); i++) {
            many.add(platform.createTenant(String.format("bench-%03d", i)));
        }
        for (Workload w : Workload.values()) {
            w.register(platform, platform.operatorToken());
            for (String token : many) {
                w.register(platform, token);
            }
        }
        progress("%d tenants made, workloads registered", many.size() + 1);

        List<Map<String, Object>> throughput = new ArrayList<>();
        Map<String, Object> linearRow = Map.of();
        for (Workload w : Workload.values()) {
            for (List<String> tenants : List.of(one, many)) {
                Load load = throughput.isEmpty() ? o.load().first() : o.load();
                Map<String, Object> row = throughput(load, platform, platform.server(), db, Database.OURS, w,
                        tenants, () -> platform.metric("jvm.gc.memory.allocated", null));
                throughput.add(row);
                if (w == Workload.LINEAR3 && tenants.size() == 1) {
                    linearRow = row;
                }
            }
        }
        report.put("throughput", throughput);
        report.put("heapUsedMiBAfterThroughput", round(platform.metric("jvm.memory.used", "area:heap") / (1 << 20)));

        double linearPeak = (double) linearRow.get("workflowsPerSecond");
        Map<String, Object> latency = lowLoad(o, platform, one, db, Database.OURS);
        double rate = Math.max(1, 0.8 * linearPeak);
        Driver.Run loaded = new Driver(platform, Workload.LINEAR3, one).openLoop(rate, o.workers(), o.measure());
        Map<String, Object> at80 = percentiles(loaded.latencyMicros());
        at80.put("startsPerSecond", round(rate));
        at80.put("achievedPerSecond", round(loaded.perSecond()));
        latency.put("at80PercentOfPeak", at80);
        report.put("latencyLinear3", latency);
        progress("latency measured");

        double ceiling = db.insertCeiling(o.workers(), o.quick() ? 5 : 20, work);
        double transitionsPerSecond = linearPeak * Workload.LINEAR3.transitions();
        report.put("limit", Map.of(
                "pgbenchSingleInsertTps", round(ceiling),
                "linear3TransitionsPerSecond", round(transitionsPerSecond),
                "fractionOfCeiling", round(transitionsPerSecond / ceiling),
                "linear3StatementsPerTransition", linearRow.get("statementsPerTransition")));
        progress("database ceiling measured: %.0f tps", ceiling);
        report.put("topStatements", db.topStatements(12));
        report.put("peer", peer(o, platform, one, db, work, linearRow, latency));
        List<Map<String, Object>> growth = growth(o, platform, db, one);
        report.put("growth", growth);
        report.put("retention", retention(o, platform, db, one,
                (double) growth.getLast().get("linear3WorkflowsPerSecond")));
        report.put("pushVersusPoll", PushVersusPoll.measure(platform, platform.operatorToken(), o.quick()));
        progress("push versus poll measured");
        print(report);
    }

    /** One closed-loop run of {@code w} on {@code engine}: throughput, and its cost from PostgreSQL and /proc. */
    private static Map<String, Object> throughput(Load load, Engine engine, JarProcess server, Database db,
            Database.Account account, Workload w, List<String> callers, DoubleSupplier allocatedBytes)
            throws Exception {
        return throughput(load, new Driver(engine, w, callers, load.batch()), Math.max(load.workers(),
                callers.size()), server, db, account, w, callers, allocatedBytes);
    }

    /** As above, with a driver set up by the caller ({@code workers} of its own polling threads, or clients). */
    private static Map<String, Object> throughput(Load load, Driver driver, int workers, JarProcess server,
            Database db, Database.Account account, Workload w, List<String> callers, DoubleSupplier allocatedBytes)
            throws Exception {
        Database.Counters before = db.counters(account);
        double cpuBefore = server.cpuSeconds();
        double allocBefore = allocatedBytes == null ? 0 : allocatedBytes.getAsDouble();
        Driver.Run run = driver.closedLoop(load.inflight(), workers, load.warmup(), load.measure());
        Database.Counters cost = db.counters(account).minus(before);
        double workflows = driver.totalCompleted();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("workload", w.name());
        row.put("tenants", callers.size());
        row.put("workers", workers);
        row.put("tasksPerPoll", load.batch());
        row.put("workflowsPerSecond", round(run.perSecond()));
        row.put("p50Ms", ms(run.latencyMicros(), 50));
        row.put("p99Ms", ms(run.latencyMicros(), 99));
        row.put("startCall", percentiles(driver.startCallMicros()));
        row.put("updateCall", percentiles(driver.updateCallMicros()));
        row.put("commitsPerWorkflow", round(cost.commits() / workflows));
        row.put("statementsPerWorkflow", round(cost.statements() / workflows));
        row.put("commitsPerTransition", round(cost.commits() / workflows / w.transitions()));
        row.put("statementsPerTransition", round(cost.statements() / workflows / w.transitions()));
        row.put("cpuSecondsPer1000", round((server.cpuSeconds() - cpuBefore) / workflows * 1000));
        row.put("postgresCpuMsPerWorkflow", round(cost.cpuSeconds() / workflows * 1000));
        if (allocatedBytes != null) {
            row.put("allocatedMiBPer1000", round((allocatedBytes.getAsDouble() - allocBefore) / workflows * 1000
                    / (1 << 20)));
        }
        progress("%-8s %3d tenant(s), %2d workers x %2d: %8.1f workflows/s", w, callers.size(), workers,
                load.batch(), run.perSecond());
        return row;
    }

    /** Linear3 one workflow at a time: latency without queueing, commits per workflow, long-poll delivery. */
    private static Map<String, Object> lowLoad(Options o, Engine engine, List<String> callers, Database db,
            Database.Account account) throws Exception {
        return lowLoad(o, new Driver(engine, Workload.LINEAR3, callers), db, account);
    }

    /** As above, with a driver set up by the caller. */
    private static Map<String, Object> lowLoad(Options o, Driver driver, Database db, Database.Account account)
            throws Exception {
        int count = o.quick() ? 30 : 500;
        Database.Counters before = db.counters(account);
        Map<String, Long> callsBefore = db.statementCalls(account);
        Driver.Run low = driver.oneAtATime(count);
        Database.Counters cost = db.counters(account).minus(before);
        Map<String, Long> callsAfter = db.statementCalls(account);
        Map<String, Object> lowLoad = percentiles(low.latencyMicros());
        lowLoad.put("commitsPerWorkflow", round((double) cost.commits() / count));
        lowLoad.put("statementsPerWorkflow", round((double) cost.statements() / count));
        lowLoad.put("postgresCpuMsPerWorkflow", round(cost.cpuSeconds() / count * 1000));
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("lowLoad", lowLoad);
        latency.put("deliveryLongPoll", percentiles(low.deliveryMicros()));
        // which statements a workflow cost, most frequent first: every tenant transaction begins with set_config
        Map<String, Object> perWorkflow = new LinkedHashMap<>();
        callsAfter.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - callsBefore.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(15)
                .forEach(e -> perWorkflow.put(e.getKey(), round((double) e.getValue() / count)));
        latency.put("statementsPerWorkflowByQuery", perWorkflow);
        return latency;
    }

    /**
     * Workload (a) driven as each engine's users drive it, best against best. The peer, Camunda 7, runs on its own
     * database in the same PostgreSQL with its own external-task client library; ours runs with the same number
     * of clients, each one long-polling worker per task type. Both go through the same grid
     * ({@link Options#clientGrid}); the ratios compare each engine's best cell, and each engine's one-at-a-time
     * latency with one client.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> peer(Options o, Platform platform, List<String> one, Database db, Path work,
            Map<String, Object> ours, Map<String, Object> ourLatency) throws Exception {
        Map<String, Object> peer = new LinkedHashMap<>();
        Load load = o.load();
        List<Map<String, Object>> peerRuns = new ArrayList<>();
        List<String> caller = List.of("peer");
        try (Camunda camunda = Camunda.start(o.peerJar(), db.peerJdbcUrl(), work)) {
            progress("peer started: Camunda %s", camunda.version());
            peer.put("engine", "Camunda " + camunda.version() + " (Spring Boot starter with REST API, history level "
                    + "full), driven by its external-task client " + Camunda.clientVersion());
            for (ClientSetup setup : o.clientGrid()) {
                peerRuns.add(clientRun(peerRuns.isEmpty() ? load.first() : load, setup, camunda.server(), db,
                        Database.PEER, caller, new Driver(camunda, Workload.LINEAR3, caller)
                                .workedBy(camunda.clients(Workload.LINEAR3, setup.clients(), setup.maxTasks(),
                                        setup.longPollMillis())), "camunda-external-task-client", null));
            }
            if (!o.quick()) {
                ClientSetup shorter = setupOf(best(peerRuns)).withLongPoll(5_000);
                peerRuns.add(clientRun(load, shorter, camunda.server(), db, Database.PEER, caller,
                        new Driver(camunda, Workload.LINEAR3, caller).workedBy(camunda.clients(Workload.LINEAR3,
                                shorter.clients(), shorter.maxTasks(), shorter.longPollMillis())),
                        "camunda-external-task-client", null));
            }
            peer.put("throughput", peerRuns);
            peer.putAll(lowLoad(o, new Driver(camunda, Workload.LINEAR3, caller).workedBy(camunda.clients(
                    Workload.LINEAR3, 1, 10, 10_000)), db, Database.PEER));
        }
        List<Map<String, Object>> ourRuns = new ArrayList<>();
        for (ClientSetup setup : o.clientGrid()) {
            ourRuns.add(ourClientRun(load, setup, platform, db, one));
        }
        if (!o.quick()) {
            ourRuns.add(ourClientRun(load, setupOf(best(ourRuns)).withLongPoll(5_000), platform, db, one));
        }
        peer.put("oursDrivenTheSameWay", ourRuns);
        List<Map<String, Object>> conductorRuns = new ArrayList<>();
        for (ClientSetup setup : o.conductorGrid()) {
            conductorRuns.add(conductorRun(load, setup, true, platform, db, one));
        }
        if (!o.quick()) {
            conductorRuns.add(conductorRun(load, setupOf(best(conductorRuns)), false, platform, db, one));
        }
        peer.put("oursWithConductorClient", conductorRuns);
        Map<String, Object> ourLowSameWay = lowLoad(o, new Driver(platform, Workload.LINEAR3, one, 10)
                .pollingFor(10_000), db, Database.OURS);
        peer.put("oursLowLoadWithOneClient", ourLowSameWay.get("lowLoad"));
        peer.put("oursLowLoadWithOneClientStatements", ourLowSameWay.get("statementsPerWorkflowByQuery"));
        Map<String, Object> ourLowConductor = lowLoad(o, new Driver(platform, Workload.LINEAR3, one)
                .workedBy(platform.conductorClients(Workload.LINEAR3, 1, 1_000, true)), db, Database.OURS);
        peer.put("oursLowLoadWithConductorClient", ourLowConductor.get("lowLoad"));
        peer.put("oursLowLoadWithConductorClientStatements", ourLowConductor.get("statementsPerWorkflowByQuery"));

        List<Map<String, Object>> allOurs = new ArrayList<>(ourRuns);
        allOurs.addAll(conductorRuns);
        Map<String, Object> ourBest = best(allOurs);
        Map<String, Object> peerBest = best(peerRuns);
        Map<String, Object> ourLow = java.util.stream.Stream.of(ourLowSameWay, ourLowConductor)
                .map(r -> (Map<String, Object>) r.get("lowLoad"))
                .min(java.util.Comparator.comparingDouble(r -> (double) r.get("p50Ms"))).orElseThrow();
        Map<String, Object> peerLow = (Map<String, Object>) peer.get("lowLoad");
        Map<String, Object> ratios = new LinkedHashMap<>();
        ratios.put("throughput", ratio(ourBest, peerBest, "workflowsPerSecond"));
        ratios.put("postgresCpuPerWorkflow", ratio(ourBest, peerBest, "postgresCpuMsPerWorkflow"));
        ratios.put("commitsPerWorkflow", ratio(ourBest, peerBest, "commitsPerWorkflow"));
        ratios.put("statementsPerWorkflow", ratio(ourBest, peerBest, "statementsPerWorkflow"));
        ratios.put("cpuSecondsPer1000", ratio(ourBest, peerBest, "cpuSecondsPer1000"));
        ratios.put("lowLoadP50", ratio(ourLow, peerLow, "p50Ms"));
        ratios.put("lowLoadP99", ratio(ourLow, peerLow, "p99Ms"));
        ratios.put("lowLoadCommitsPerWorkflow", ratio(ourLow, peerLow, "commitsPerWorkflow"));
        ratios.put("lowLoadPostgresCpuPerWorkflow", ratio(ourLow, peerLow, "postgresCpuMsPerWorkflow"));
        peer.put("bestPeer", peerBest);
        peer.put("bestOurs", ourBest);
        peer.put("oursToPeer", ratios);
        return peer;
    }

    /** One closed-loop run of linear3 with client-style workers, labelled with how they were set up. */
    private static Map<String, Object> clientRun(Load load, ClientSetup setup, JarProcess server, Database db,
            Database.Account account, List<String> callers, Driver driver, String drivenBy,
            DoubleSupplier allocatedBytes) throws Exception {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("drivenBy", drivenBy);
        row.put("clients", setup.clients());
        row.put("maxTasks", setup.maxTasks());
        row.put("longPollMs", setup.longPollMillis());
        row.putAll(throughput(load, driver, setup.clients() * Workload.LINEAR3.taskTypes().size(), server, db,
                account, Workload.LINEAR3, callers, allocatedBytes));
        progress("  (%s: %d clients x %d tasks, long poll %d ms)", drivenBy, setup.clients(), setup.maxTasks(),
                setup.longPollMillis());
        return row;
    }

    private static Map<String, Object> ourClientRun(Load load, ClientSetup setup, Platform platform, Database db,
            List<String> one) throws Exception {
        // one long-polling worker per task type per client, each taking up to maxTasks and completing them in turn
        return clientRun(load, setup, platform.server(), db, Database.OURS, one,
                new Driver(platform, Workload.LINEAR3, one, setup.maxTasks()).pollingFor(setup.longPollMillis()),
                "baton: a sequential worker per task type per client", () -> platform.metric(
                        "jvm.gc.memory.allocated", null));
    }

    private static Map<String, Object> conductorRun(Load load, ClientSetup setup, boolean updateV2,
            Platform platform, Database db, List<String> one) throws Exception {
        Map<String, Object> row = clientRun(load, setup, platform.server(), db, Database.OURS, one,
                new Driver(platform, Workload.LINEAR3, one).workedBy(platform.conductorClients(Workload.LINEAR3,
                        setup.clients(), (int) setup.longPollMillis(), updateV2)),
                ConductorClients.clientVersion() + " task runner, threads per task type"
                        + (updateV2 ? ", update-v2" : ""), () -> platform.metric("jvm.gc.memory.allocated", null));
        row.put("updateV2", updateV2);
        return row;
    }

    private static Map<String, Object> best(List<Map<String, Object>> runs) {
        return runs.stream().max(java.util.Comparator.comparingDouble(r -> (double) r.get("workflowsPerSecond")))
                .orElseThrow();
    }

    private static ClientSetup setupOf(Map<String, Object> run) {
        return new ClientSetup((int) run.get("clients"), (int) run.get("maxTasks"), (long) run.get("longPollMs"));
    }

    private static double ratio(Map<String, Object> ours, Map<String, Object> peer, String key) {
        return round((double) ours.get(key) / (double) peer.get(key));
    }

    /**
     * Linear3 throughput (one tenant) as finished executions pile up (copies added on top of the workflows the
     * runs before left), and search latency over them. The short mode retains only a few thousand, to prove the
     * path works.
     */
    private static List<Map<String, Object>> growth(Options o, Platform platform, Database db, List<String> one)
            throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        long retained = 0;
        // the full mode measures "none retained" here too, warm, rather than comparing with the first (colder) run
        for (long target : o.quick() ? List.of(2_000L) : List.of(0L, 100_000L, 1_000_000L)) {
            long t0 = System.nanoTime();
            db.retainCopies(Workload.LINEAR3.workflowName(), target - retained);
            retained = target;
            double fillSeconds = (System.nanoTime() - t0) / 1e9;
            Load load = o.load();
            Driver.Run run = new Driver(platform, Workload.LINEAR3, one, load.batch()).closedLoop(load.inflight(),
                    load.workers(), load.warmup(), load.measure());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("retainedExecutions", retained);
            row.put("workflowsInDatabase", db.workflowCount());
            row.put("secondsToRetain", round(fillSeconds));
            row.put("linear3WorkflowsPerSecond", round(run.perSecond()));
            row.put("searchByType", searchLatency(platform, "/api/workflow/search?size=20&query=workflowType%3D"
                    + Workload.LINEAR3.workflowName()));
            row.put("searchFreeText", searchLatency(platform, "/api/workflow/search?size=20&freeText=bench_linear3"));
            rows.add(row);
            progress("LINEAR3 with %,d retained: %8.1f workflows/s", retained, run.perSecond());
        }
        return rows;
    }

    /**
     * linear3 while retention removes the executions growth left beyond a per-workflow quota: throughput beside the
     * same run without retention (growth's last), and how fast the sweeper removed and archived meanwhile.
     */
    private static Map<String, Object> retention(Options o, Platform platform, Database db, List<String> one,
            double withoutRetention) throws Exception {
        int keep = o.quick() ? 1_000 : 100_000;
        long before = db.workflowCount();
        double removedBefore = platform.counter("baton.retention.removed");
        Http.expect(platform.send("PUT", "/api/admin/tenants/default/quotas", platform.operatorToken(),
                Map.of("retentionPerWorkflow", keep)), 200);
        long t0 = System.nanoTime();
        Load load = o.load();
        Duration warmup = Platform.RETENTION_INTERVAL.multipliedBy(2);
        Duration measure = o.quick() ? Duration.ofSeconds(10) : Duration.ofSeconds(60);
        Driver.Run run = new Driver(platform, Workload.LINEAR3, one, load.batch()).closedLoop(load.inflight(),
                load.workers(), warmup, measure);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double removed = platform.counter("baton.retention.removed") - removedBefore;
        Http.expect(platform.send("PUT", "/api/admin/tenants/default/quotas", platform.operatorToken(), Map.of()),
                200);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("keptPerWorkflow", keep);
        row.put("workflowsBefore", before);
        row.put("workflowsAfter", db.workflowCount());
        row.put("removedDuringRun", (long) removed);
        row.put("removedPerSecond", round(removed / seconds));
        row.put("linear3WorkflowsPerSecond", round(run.perSecond()));
        row.put("linear3WithoutRetention", round(withoutRetention));
        row.put("ratio", round(run.perSecond() / withoutRetention));
        progress("LINEAR3 with retention removing: %8.1f workflows/s (%.0f without), %,d removed (%.0f/s)",
                run.perSecond(), withoutRetention, (long) removed, removed / seconds);
        return row;
    }

    private static Map<String, Object> searchLatency(Platform platform, String path) {
        Histogram h = new Histogram(3);
        for (int i = 0; i < 20; i++) {
            long t0 = System.nanoTime();
            Http.expect(platform.send("GET", path, platform.operatorToken(), null), 200);
            h.recordValue(Math.max(1, (System.nanoTime() - t0) / 1_000));
        }
        return percentiles(h);
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> report) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-8s %7s %10s %8s %8s %8s %8s %8s %10s %10s%n", "workload", "tenants",
                "wf/s", "p50 ms", "p99 ms", "commit/wf", "stmt/wf", "stmt/tr", "cpu s/1k", "MiB/1k");
        for (Map<String, Object> row : (List<Map<String, Object>>) report.get("throughput")) {
            System.out.printf(Locale.ROOT, "%-8s %7s %10s %8s %8s %8s %8s %8s %10s %10s%n", row.get("workload"),
                    row.get("tenants"), row.get("workflowsPerSecond"), row.get("p50Ms"), row.get("p99Ms"),
                    row.get("commitsPerWorkflow"), row.get("statementsPerWorkflow"),
                    row.get("statementsPerTransition"), row.get("cpuSecondsPer1000"), row.get("allocatedMiBPer1000"));
        }
        Map<String, Object> latency = (Map<String, Object>) report.get("latencyLinear3");
        System.out.println("\nlinear3 latency, one at a time:  " + latency.get("lowLoad"));
        System.out.println("linear3 latency at 80% of peak:  " + latency.get("at80PercentOfPeak"));
        System.out.println("task delivery with long poll:    " + latency.get("deliveryLongPoll"));
        System.out.println("database ceiling and our share:  " + report.get("limit"));
        Map<String, Object> peer = (Map<String, Object>) report.get("peer");
        System.out.println("peer:                            " + peer.get("engine"));
        for (String key : List.of("throughput", "oursDrivenTheSameWay", "oursWithConductorClient")) {
            for (Map<String, Object> row : (List<Map<String, Object>>) peer.get(key)) {
                System.out.printf(Locale.ROOT, "%-5s linear3, %s clients x %2s tasks, poll %5s ms: %7s wf/s, "
                        + "p50 %6s ms, p99 %6s ms, %5s commits/wf, %5s stmt/wf, %5s pg cpu ms/wf, %5s cpu s/1k%n",
                        key.equals("throughput") ? "peer" : "ours", row.get("clients"), row.get("maxTasks"),
                        row.get("longPollMs"), row.get("workflowsPerSecond"), row.get("p50Ms"), row.get("p99Ms"),
                        row.get("commitsPerWorkflow"), row.get("statementsPerWorkflow"),
                        row.get("postgresCpuMsPerWorkflow"), row.get("cpuSecondsPer1000"));
            }
        }
        System.out.println("peer linear3, one at a time:     " + peer.get("lowLoad"));
        System.out.println("ours linear3, one at a time:     " + peer.get("oursLowLoadWithOneClient"));
        System.out.println("ours, Conductor client, 1 at a time: " + peer.get("oursLowLoadWithConductorClient"));
        System.out.println("ours to the peer, best to best:  " + peer.get("oursToPeer"));
        for (Map<String, Object> row : (List<Map<String, Object>>) report.get("growth")) {
            System.out.println("growth:                          " + row);
        }
        if (report.get("pushVersusPoll") != null) {
            System.out.println("push versus poll:                " + report.get("pushVersusPoll"));
        }
        if (report.get("retention") != null) {
            System.out.println("retention:                       " + report.get("retention"));
        }
    }

    private static Map<String, Object> percentiles(Histogram h) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("count", h.getTotalCount());
        p.put("p50Ms", ms(h, 50));
        p.put("p95Ms", ms(h, 95));
        p.put("p99Ms", ms(h, 99));
        p.put("maxMs", round(h.getMaxValue() / 1000.0));
        return p;
    }

    private static double ms(Histogram h, double percentile) {
        return round(h.getValueAtPercentile(percentile) / 1000.0);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
