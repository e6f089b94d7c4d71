package dev.baton.platform.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.definition.WorkflowDef;
import dev.baton.engine.api.execution.StartWorkflowRequest;
import dev.baton.engine.api.execution.Workflow;
import dev.baton.engine.api.execution.WorkflowStatus;
import dev.baton.platform.PlatformIT;
import dev.baton.tenancy.QuotaExceededException;
import dev.baton.tenancy.TenantId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One tenant runs the worst scripts we know from more threads than the connection pool has connections; another
 * tenant's workflows, which run scripts and jq too, still complete in their normal time, and the hostile workflows
 * fail with the reason.
 */
class ScriptStarvationIT extends PlatformIT {

    private static final List<String> WORST_SCRIPTS = List.of(
            "function f(n){try{return f(n+1)}catch(e){return f(n+1)}}; f(0)",
            "/^(a+)+\\\\1b$/.test('a'.repeat(40))",
            "while(true){ try { while(true){} } catch(e) {} }",
            "var a=[]; while(true){ a.push('y'.repeat(100000) + a.length) }");
    private static final int ATTACKERS = 30;
    private final AtomicInteger refusedStarts = new AtomicInteger();
    private static final List<String> WORST_JQ = List.of("[range(1e9)]", "last(range(1e18))", "\\\"x\\\" * 1e9");

    @Test
    void anotherTenantsWorkflowsCompleteInTheirNormalTimeWhileOneTenantRunsTheWorstScripts() throws Exception {
        TenantId mallory = createTenant("mallory-" + UUID.randomUUID().toString().substring(0, 8));
        TenantId alice = createTenant("alice-" + UUID.randomUUID().toString().substring(0, 8));
        List<String> hostile = new ArrayList<>();
        for (int i = 0; i < WORST_SCRIPTS.size(); i++) {
            hostile.add(define(mallory, "evil_js_" + i, inline(WORST_SCRIPTS.get(i)), "{}"));
        }
        for (int i = 0; i < WORST_JQ.size(); i++) {
            hostile.add(define(mallory, "evil_jq_" + i, jq(WORST_JQ.get(i)), "{}"));
        }
        String honest = define(alice, "honest", inline("$.n + 1") + "," + jq(".n * 2").replace("\"jq\"", "\"jq2\""),
                "{\"plus\":\"${js.output.result}\",\"twice\":\"${jq2.output.result}\"}");

        Duration alone = slowest(alice, honest, 10);

        AtomicBoolean attacking = new AtomicBoolean(true);
        ConcurrentLinkedQueue<UUID> attacks = new ConcurrentLinkedQueue<>();
        // more attackers than the pool has connections (20): each holds its transaction while it waits for one of
        // its tenant's script slots, so only the tenant's share of the pool keeps connections for the others
        ExecutorService attackers = Executors.newFixedThreadPool(ATTACKERS);
        for (int i = 0; i < ATTACKERS; i++) {
            String flow = hostile.get(i % hostile.size());
            attackers.execute(() -> {
                while (attacking.get()) {
                    try {
                        attacks.add(workflows.start(mallory, StartWorkflowRequest.of(flow, null, Map.of())));
                    } catch (QuotaExceededException refused) {
                        refusedStarts.incrementAndGet();
                    }
                }
            });
        }
        Thread.sleep(500);
        Duration underAttack = slowest(alice, honest, 10);
        attacking.set(false);
        attackers.shutdown();
        assertThat(attackers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        assertThat(underAttack).as("slowest honest workflow under attack; %s alone", alone)
                .isLessThan(Duration.ofMillis(1500));
        assertThat(attacks).isNotEmpty();
        for (UUID id : attacks) {
            Workflow w = workflows.get(mallory, id, false);
            assertThat(w.getStatus()).as(id.toString()).isEqualTo(WorkflowStatus.FAILED);
            assertThat(w.getReasonForIncompletion()).matches(
                    ".*(ran longer than 2000 ms|allocated more than 64 MiB|stayed busy for 2000 ms"
                            + "|string repetition would exceed).*");
        }
    }

    /** Runs {@code count} workflows one after another; each must complete with the right output. */
    private Duration slowest(TenantId tenant, String flow, int count) {
        Duration slowest = Duration.ZERO;
        for (int i = 0; i < count; i++) {
            long started = System.nanoTime();
            UUID id = workflows.start(tenant, StartWorkflowRequest.of(flow, null, Map.of("n", i)));
            Workflow w = workflows.get(tenant, id, false);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(w.getStatus()).isEqualTo(WorkflowStatus.COMPLETED);
            assertThat(w.getOutput()).isEqualTo(Map.of("plus", i + 1, "twice", i * 2));
            slowest = took.compareTo(slowest) > 0 ? took : slowest;
        }
        return slowest;
    }

    private String define(TenantId tenant, String name, String tasks, String output) {
        String json = """
                {"name":"%s","version":1,"tasks":[%s],"outputParameters":%s}"""
                .formatted(name, tasks, output);
        metadata.updateWorkflowDefs(tenant, List.of(JSON.readValue(json, WorkflowDef.class)));
        return name;
    }

    private static String inline(String script) {
        return """
                {"name":"js","taskReferenceName":"js","type":"INLINE",
                 "inputParameters":{"evaluatorType":"graaljs","n":"${workflow.input.n}","expression":"%s"}}"""
                .formatted(script);
    }

    private static String jq(String query) {
        return """
                {"name":"jq","taskReferenceName":"jq","type":"JSON_JQ_TRANSFORM",
                 "inputParameters":{"n":"${workflow.input.n}","queryExpression":"%s"}}""".formatted(query);
    }
}
