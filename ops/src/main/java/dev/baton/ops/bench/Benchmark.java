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
import org.HdrHistogram.Histogram;

/**
 * The benchmark: starts a PostgreSQL of its own (with pg_stat_statements, synchronous commit on) and the platform
 * jar against it, drives the workloads over HTTP, and prints a table and writes JSON.
 *
 * <p>{@code --short} is the CI smoke run (under two minutes; it fails only if the harness breaks, never on
 * timings); without it, the full run.
 */
public final class Benchmark {

    private record Options(boolean quick, Path platformJar, Path out, int workers, int tenants,
            List<String> platformJvmArgs) {

        static Options parse(String[] args) {
            boolean quick = false;
            Path jar = Path.of("platform-api/target/baton-platform-api-0.1.0-SNAPSHOT.jar");
            Path out = Path.of("ops/target/benchmark.json");
            int workers = 32;
            int tenants = 100;
            List<String> jvmArgs = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--short" -> quick = true;
                    case "--platform-jar" -> jar = Path.of(args[++i]);
                    case "--out" -> out = Path.of(args[++i]);
                    case "--workers" -> workers = Integer.parseInt(args[++i]);
                    case "--tenants" -> tenants = Integer.parseInt(args[++i]);
                    // e.g. -XX:StartFlightRecording=filename=platform.jfr,settings=profile to profile the server
                    case "--platform-jvm-arg" -> jvmArgs.add(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; use --short, --platform-jar <jar>, --out <json>, --workers <n>, --tenants <n>, "
                            + "--platform-jvm-arg <arg>");
                }
            }
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("no platform jar at " + jar + "; build it first (bin/bench does)");
            }
            return new Options(quick, jar, out, workers, tenants, List.copyOf(jvmArgs));
        }

        Duration warmup() {
            return Duration.ofSeconds(quick ? 2 : 10);
        }

        Duration measure() {
            return Duration.ofSeconds(quick ? 4 : 30);
        }
    }

    private Benchmark() {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
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
            try (Platform platform = Platform.start(o.platformJar(), url, work, o.platformJvmArgs())) {
                run(o, platform, db, work, report);
            }
        }
        Files.createDirectories(o.out().toAbsolutePath().getParent());
        Files.writeString(o.out(), Platform.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
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

        List<Map<String, Object>> throughput = new ArrayList<>();
        double linearPeak = 0;
        double linearStatementsPerTransition = 0;
        for (Workload w : Workload.values()) {
            for (List<String> tenants : List.of(one, many)) {
                Database.Counters before = db.counters();
                double cpuBefore = cpuSeconds(platform.pid());
                double allocBefore = platform.metric("jvm.gc.memory.allocated", null);
                Driver driver = new Driver(platform, w, tenants);
                int workers = Math.max(o.workers(), tenants.size());
                Driver.Run run = driver.closedLoop(2 * o.workers(), workers, o.warmup(), o.measure());
                Database.Counters cost = db.counters().minus(before);
                double workflows = driver.totalCompleted();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("workload", w.name());
                row.put("tenants", tenants.size());
                row.put("workflowsPerSecond", round(run.perSecond()));
                row.put("p50Ms", ms(run.latencyMicros(), 50));
                row.put("p99Ms", ms(run.latencyMicros(), 99));
                row.put("startCall", percentiles(driver.startCallMicros()));
                row.put("updateCall", percentiles(driver.updateCallMicros()));
                row.put("commitsPerWorkflow", round(cost.commits() / workflows));
                row.put("statementsPerWorkflow", round(cost.statements() / workflows));
                row.put("commitsPerTransition", round(cost.commits() / workflows / w.transitions()));
                row.put("statementsPerTransition", round(cost.statements() / workflows / w.transitions()));
                row.put("cpuSecondsPer1000", round((cpuSeconds(platform.pid()) - cpuBefore) / workflows * 1000));
                row.put("allocatedMiBPer1000", round((platform.metric("jvm.gc.memory.allocated", null)
                        - allocBefore) / workflows * 1000 / (1 << 20)));
                throughput.add(row);
                if (w == Workload.LINEAR3 && tenants.size() == 1) {
                    linearPeak = run.perSecond();
                    linearStatementsPerTransition = cost.statements() / workflows / w.transitions();
                }
                System.out.printf(Locale.ROOT, "%-8s %3d tenant(s): %8.1f workflows/s%n", w, tenants.size(),
                        run.perSecond());
            }
        }
        report.put("throughput", throughput);
        report.put("heapUsedMiBAfterThroughput", round(platform.metric("jvm.memory.used", "area:heap") / (1 << 20)));

        Map<String, Object> latency = new LinkedHashMap<>();
        Driver.Run low = new Driver(platform, Workload.LINEAR3, one).oneAtATime(o.quick() ? 50 : 500);
        latency.put("lowLoad", percentiles(low.latencyMicros()));
        latency.put("deliveryLongPoll", percentiles(low.deliveryMicros()));
        double rate = Math.max(1, 0.8 * linearPeak);
        Driver.Run loaded = new Driver(platform, Workload.LINEAR3, one).openLoop(rate, o.workers(), o.measure());
        Map<String, Object> at80 = percentiles(loaded.latencyMicros());
        at80.put("startsPerSecond", round(rate));
        at80.put("achievedPerSecond", round(loaded.perSecond()));
        latency.put("at80PercentOfPeak", at80);
        report.put("latencyLinear3", latency);

        double ceiling = db.insertCeiling(o.workers(), o.quick() ? 5 : 20, work);
        double transitionsPerSecond = linearPeak * Workload.LINEAR3.transitions();
        report.put("limit", Map.of(
                "pgbenchSingleInsertTps", round(ceiling),
                "linear3TransitionsPerSecond", round(transitionsPerSecond),
                "fractionOfCeiling", round(transitionsPerSecond / ceiling),
                "linear3StatementsPerTransition", round(linearStatementsPerTransition)));
        report.put("topStatements", db.topStatements(12));
        report.put("growth", growth(o, platform, db, one));
        report.put("notYetMeasured", List.of("peer engine (Operaton/Camunda 7) on the same PostgreSQL"));
        print(report);
    }

    /**
     * Linear3 throughput (one tenant) as finished executions pile up, and search latency over them. The short mode
     * retains only a few thousand, to prove the path works.
     */
    private static List<Map<String, Object>> growth(Options o, Platform platform, Database db, List<String> one)
            throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        long retained = 0;
        for (long target : o.quick() ? List.of(2_000L) : List.of(100_000L, 1_000_000L)) {
            long t0 = System.nanoTime();
            db.retainCopies(Workload.LINEAR3.workflowName(), target - retained);
            retained = target;
            double fillSeconds = (System.nanoTime() - t0) / 1e9;
            Driver.Run run = new Driver(platform, Workload.LINEAR3, one).closedLoop(2 * o.workers(), o.workers(),
                    o.warmup(), o.measure());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("retainedExecutions", retained);
            row.put("secondsToRetain", round(fillSeconds));
            row.put("linear3WorkflowsPerSecond", round(run.perSecond()));
            row.put("searchByType", searchLatency(platform, "/api/workflow/search?size=20&query=workflowType%3D"
                    + Workload.LINEAR3.workflowName()));
            row.put("searchFreeText", searchLatency(platform, "/api/workflow/search?size=20&freeText=bench_linear3"));
            rows.add(row);
            System.out.printf(Locale.ROOT, "LINEAR3 with %,d retained: %8.1f workflows/s%n", retained,
                    run.perSecond());
        }
        return rows;
    }

    private static Map<String, Object> searchLatency(Platform platform, String path) {
        Histogram h = new Histogram(3);
        for (int i = 0; i < 30; i++) {
            long t0 = System.nanoTime();
            Platform.expect(platform.send("GET", path, platform.operatorToken(), null), 200);
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
        for (Map<String, Object> row : (List<Map<String, Object>>) report.get("growth")) {
            System.out.println("growth:                          " + row);
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

    /** User plus system CPU time of a process, from /proc (Linux). */
    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks / 100.0;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
