package dev.baton.engine.internal.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.tenancy.TenantId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hostile JavaScript and jq against the sandbox: each is stopped with a clear reason, and nothing is left running. */
class ScriptSandboxTest {

    private static final Duration LIMIT = Duration.ofMillis(400);
    private static final TenantId MALLORY = new TenantId("mallory");
    private static final TenantId ALICE = new TenantId("alice");

    private static SandboxPool pool;
    private static ScriptEvaluator scripts;
    private static JqEvaluator jq;
    /** A long time limit and a small memory limit, so that memory is what stops the script. */
    private static ScriptEvaluator memoryBound;

    @BeforeAll
    static void sandbox() {
        pool = new SandboxPool(2, 1, Duration.ofMillis(300), Duration.ofSeconds(2), 4L * 1024 * 1024);
        scripts = new ScriptEvaluator(new JsonCodec(), pool, LIMIT, 64L * 1024 * 1024);
        jq = new JqEvaluator(pool, LIMIT, 64L * 1024 * 1024);
        memoryBound = new ScriptEvaluator(new JsonCodec(), pool, Duration.ofSeconds(20), 16L * 1024 * 1024);
    }

    @AfterAll
    static void close() {
        scripts.close();
        memoryBound.close();
        pool.close();
    }

    @Test
    void recursionThatCatchesItsOwnStackOverflowIsStoppedAtTheTimeLimit() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> scripts.evaluate(MALLORY,
                "function f(n){try{return f(n+1)}catch(e){return f(n+1)}}; f(0)", Map.of()))
                .isInstanceOf(ScriptEvaluator.ScriptException.class)
                .hasMessage("script ran longer than 400 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1500));
        assertThat(pool.abandoned()).isZero();
    }

    @Test
    void catastrophicBacktrackingRegexIsStoppedAtTheTimeLimit() {
        assertThatThrownBy(() -> scripts.evaluate(MALLORY, "/^(a+)+\\1b$/.test('a'.repeat(40))", Map.of()))
                .hasMessage("script ran longer than 400 ms");
        assertThat(pool.abandoned()).isZero();
    }

    @Test
    void scriptThatCatchesEverythingInALoopIsStillStopped() {
        assertThatThrownBy(() -> scripts.evaluate(MALLORY,
                "while(true){ try { while(true){} } catch(e) {} finally { continue; } }", Map.of()))
                .hasMessage("script ran longer than 400 ms");
    }

    @Test
    void oneHugeStringIsRefusedByTheStringLengthCap() {
        assertThatThrownBy(() -> scripts.evaluate(MALLORY, "'x'.repeat(268435456).length", Map.of()))
                .hasMessageStartingWith("RangeError: Invalid string length");
    }

    @Test
    void allocationLimitHolds() {
        assertThatThrownBy(() -> memoryBound.evaluate(MALLORY,
                "var a=[]; while(true){ a.push('y'.repeat(100000) + a.length) }", Map.of()))
                .hasMessage("script allocated more than 16 MiB");
    }

    @Test
    void aResultLargerThanTheAllocationLimitIsRefused() {
        assertThatThrownBy(() -> memoryBound.evaluate(MALLORY, "var a=[]; for (var i=0;i<8;i++) a.push('z'.repeat(3000000) + i); a", Map.of()))
                .hasMessage("script allocated more than 16 MiB");
    }

    @Test
    void scriptsSeeTheirInputAndNothingOfTheHost() {
        assertThat(scripts.evaluate(ALICE, "$.a + 1", Map.of("a", 41))).isEqualTo(42L);
        assertThat(scripts.evaluate(ALICE, "typeof Polyglot + ',' + typeof require + ',' + typeof java", Map.of()))
                .isEqualTo("undefined,undefined,undefined");
        assertThatThrownBy(() -> scripts.evaluate(ALICE, "Java.type('java.lang.Runtime')", Map.of()))
                .hasMessageContaining("java.lang.Runtime");
    }

    @Test
    void aThreadThatStoppedAScriptRunsTheNextOneNormally() {
        assertThatThrownBy(() -> scripts.evaluate(MALLORY, "while(true){}", Map.of())).hasMessageContaining("longer");
        for (int i = 0; i < 4; i++) {
            assertThat(scripts.evaluate(ALICE, "[1,2,3].map(x => x * 2)", Map.of())).isEqualTo(List.of(2, 4, 6));
        }
    }

    @Test
    void oneTenantsScriptsCannotTakeTheWholePool() throws Exception {
        CompletableFuture<Throwable> hog = CompletableFuture.supplyAsync(() -> {
            try {
                scripts.evaluate(MALLORY, "while(true){}", Map.of());
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        long waitUntil = System.nanoTime() + 2_000_000_000L;
        while (pool.inUse(MALLORY) == 0 && System.nanoTime() < waitUntil) {
            Thread.sleep(5);
        }
        assertThat(pool.inUse(MALLORY)).isEqualTo(1);
        // Mallory's one slot is taken: a second script of Mallory's waits for it, then gives up.
        assertThatThrownBy(() -> scripts.evaluate(MALLORY, "1", Map.of()))
                .hasMessage("script all 1 script slots of this tenant stayed busy for 300 ms");
        // Alice still has the other thread, and runs at once.
        long started = System.nanoTime();
        assertThat(scripts.evaluate(ALICE, "2 + 2", Map.of())).isEqualTo(4L);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(200));
        assertThat(hog.get(5, TimeUnit.SECONDS)).hasMessageContaining("longer than 400 ms");
    }

    @Test
    void jqRangeOfABillionFailsCleanly() {
        assertThatThrownBy(() -> jq.apply(MALLORY, "[range(1e9)]", Map.of()))
                .isInstanceOf(JqEvaluator.JqException.class)
                .hasMessageMatching("jq query (allocated more than 64 MiB|ran longer than 400 ms)");
    }

    @Test
    void jqTryCannotCatchTheBudget() {
        assertThatThrownBy(() -> jq.apply(MALLORY, "try ([range(1e9)]) catch \"swallowed\"", Map.of()))
                .hasMessageMatching("jq query (allocated more than 64 MiB|ran longer than 400 ms)");
    }

    @Test
    void jqEndlessLoopWithoutOutputIsStopped() {
        assertThatThrownBy(() -> jq.apply(MALLORY, "last(range(1e18))", Map.of()))
                .hasMessageMatching("jq query (allocated more than 64 MiB|ran longer than 400 ms)");
        assertThatThrownBy(() -> jq.apply(MALLORY, "def f: f; f", Map.of()))
                .hasMessageMatching("jq query (recursed too deeply|ran longer than 400 ms)");
    }

    @Test
    void jqExpressionOnlyBlowUpIsStopped() {
        assertThatThrownBy(() -> jq.apply(MALLORY, "reduce .[] as $x ([1]; . + .)", range(64)))
                .hasMessageMatching("jq query (allocated more than 64 MiB|ran longer than 400 ms)");
    }

    @Test
    void jqStringRepetitionIsBounded() {
        assertThatThrownBy(() -> jq.apply(MALLORY, "\"x\" * 1e9", Map.of()))
                .hasMessage("jq string repetition would exceed the query's memory budget");
        assertThat(jq.apply(ALICE, "\"ab\" * 3", Map.of())).containsExactly("ababab");
    }

    @Test
    void jqWritesToHugeArrayIndexesAreRefused() {
        assertThatThrownBy(() -> jq.apply(MALLORY, ".[100000000] = 1", List.of()))
                .hasMessage("jq array index 100000000 is above 1000000");
        assertThatThrownBy(() -> jq.apply(MALLORY, "setpath([100000000]; 1)", List.of()))
                .hasMessage("jq array index 100000000 is above 1000000");
        assertThat(jq.apply(ALICE, ".[2] = 1", List.of())).containsExactly(java.util.Arrays.asList(null, null, 1));
    }

    @Test
    void jqSeesNoEnvironmentAndNoFiles() {
        assertThatThrownBy(() -> jq.apply(MALLORY, "$ENV", Map.of())).hasMessageContaining("$ENV is not defined");
        assertThatThrownBy(() -> jq.apply(MALLORY, "env", Map.of())).hasMessageContaining("env/0 does not exist");
        assertThatThrownBy(() -> jq.apply(MALLORY, "include \"/etc/passwd\"; .", Map.of()))
                .hasMessageContaining("module not found");
    }

    @Test
    void onlyShortQueriesAreKeptCompiledSoQueriesFromInputCannotFillTheMemory() {
        String huge = ". as $x | " + "$x | ".repeat(2000) + ".";
        int before = jq.cachedQueries();
        assertThat(jq.apply(ALICE, huge, Map.of("a", 1))).containsExactly(Map.of("a", 1));
        assertThat(jq.cachedQueries()).isEqualTo(before);
        assertThat(jq.apply(ALICE, ".cacheProbe", Map.of("cacheProbe", 1))).containsExactly(1);
        assertThat(jq.cachedQueries()).isEqualTo(before + 1);
    }

    @Test
    void jqStillComputesOrdinaryQueries() {
        assertThat(jq.apply(ALICE, ".a | map(. + 1) | add", Map.of("a", List.of(1, 2, 3)))).containsExactly(9);
        assertThat(jq.apply(ALICE, "[.[] | select(. > 1)] | length", List.of(1, 2, 3))).containsExactly(2);
        assertThat(jq.apply(ALICE, "to_entries | map(\"\\(.key)=\\(.value)\") | join(\",\")", Map.of("k", "v")))
                .containsExactly("k=v");
    }

    private static int[] range(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }
}
