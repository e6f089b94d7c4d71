package dev.baton.engine;

import dev.baton.engine.api.CompositionPolicy;
import dev.baton.engine.api.EngineLimits;
import dev.baton.engine.api.QueueDepths;
import dev.baton.engine.api.Expressions;
import dev.baton.engine.api.SecretValues;
import dev.baton.engine.api.TaskContracts;
import dev.baton.engine.internal.definition.DefinitionRegistry;
import dev.baton.engine.internal.definition.DefinitionStore;
import dev.baton.engine.internal.definition.EnvironmentStore;
import dev.baton.engine.internal.definition.DefinitionValidator;
import dev.baton.engine.api.statistics.ExecutionStatistics;
import dev.baton.engine.internal.execution.ExecutionEvents;
import dev.baton.engine.internal.execution.ExecutionMetrics;
import dev.baton.engine.internal.execution.ExecutionSearch;
import dev.baton.engine.internal.expression.DocumentExpressions;
import dev.baton.engine.internal.execution.TaskSearch;
import dev.baton.engine.internal.execution.ExecutionStore;
import dev.baton.engine.internal.execution.RunningAttempts;
import dev.baton.engine.internal.execution.SystemTaskWorker;
import dev.baton.engine.internal.execution.TaskExecutor;
import dev.baton.engine.internal.execution.WorkflowExecutor;
import dev.baton.engine.internal.search.IndexedSearch;
import dev.baton.engine.internal.search.SearchFeed;
import dev.baton.engine.internal.json.JsonCodec;
import dev.baton.engine.internal.messages.WorkflowMessages;
import dev.baton.engine.internal.payload.ExternalPayloadStore;
import dev.baton.engine.internal.nodes.ElectedLeadership;
import dev.baton.engine.internal.nodes.NodeDrain;
import dev.baton.engine.internal.retention.DirectoryArchive;
import dev.baton.engine.internal.retention.ObjectStoreArchive;
import dev.baton.engine.internal.retention.RetentionSweeper;
import dev.baton.engine.internal.nodes.PostgresLeaderElection;
import dev.baton.engine.internal.queue.NodePeers;
import dev.baton.engine.internal.queue.PostgresChannel;
import dev.baton.engine.internal.queue.QueueSignals;
import dev.baton.engine.internal.script.JqEvaluator;
import dev.baton.engine.internal.script.SandboxPool;
import dev.baton.engine.internal.script.ScriptEvaluator;
import dev.baton.engine.internal.tasks.BuiltInTaskHandlers;
import dev.baton.engine.internal.tasks.TaskHandlers;
import dev.baton.engine.internal.timer.TimerSweeper;
import dev.baton.engine.spi.ExecutionArchive;
import dev.baton.engine.spi.ExecutionIndex;
import dev.baton.engine.spi.ExecutionObserver;
import dev.baton.engine.spi.LeaderElection;
import dev.baton.engine.spi.PayloadObjects;
import dev.baton.engine.spi.PeerChannel;
import dev.baton.engine.spi.TaskHandler;
import dev.baton.engine.spi.TaskLimiter;
import dev.baton.tenancy.TenantId;
import dev.baton.tenancy.TenantTransactions;
import dev.baton.tenancy.Tenants;
import java.time.Clock;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wires the engine from a DataSource's JdbcClient and transaction manager. */
@Configuration(proxyBeanMethods = false)
@Import(BuiltInTaskHandlers.class)
public class EngineConfiguration {

    @Bean
    TaskHandlers taskHandlers(List<TaskHandler> handlers) {
        return new TaskHandlers(handlers);
    }

    @Bean
    Clock engineClock() {
        return Clock.systemUTC();
    }

    @Bean
    JsonCodec engineJsonCodec() {
        return new JsonCodec();
    }

    @Bean(destroyMethod = "close")
    SandboxPool sandboxPool(
            @Value("${baton.engine.sandbox.threads:0}") int threads,
            @Value("${baton.engine.sandbox.per-tenant:0}") int perTenant,
            @Value("${baton.engine.sandbox.slot-wait:PT2S}") Duration slotWait,
            @Value("${baton.engine.sandbox.grace:PT1S}") Duration grace) {
        // Scripts are short and CPU-bound; a few more threads than cores keeps one tenant's spinning scripts to
        // its share of the CPU instead of all of it, and half the threads per tenant leaves the rest to the others.
        int pool = threads > 0 ? threads : Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        int tenantShare = perTenant > 0 ? perTenant : Math.max(1, pool / 2);
        return new SandboxPool(pool, tenantShare, slotWait, grace, 4L * 1024 * 1024);
    }

    @Bean(destroyMethod = "close")
    ScriptEvaluator scriptEvaluator(JsonCodec json, SandboxPool sandbox,
            @Value("${baton.engine.script.time-limit:PT2S}") Duration timeLimit,
            @Value("${baton.engine.script.allocation-limit-bytes:67108864}") long allocationLimit) {
        return new ScriptEvaluator(json, sandbox, timeLimit, allocationLimit);
    }

    @Bean
    Expressions documentExpressions(ScriptEvaluator scripts) {
        return new DocumentExpressions(scripts);
    }

    @Bean
    JqEvaluator jqEvaluator(SandboxPool sandbox, @Value("${baton.engine.jq.time-limit:PT2S}") Duration timeLimit,
            @Value("${baton.engine.jq.allocation-limit-bytes:67108864}") long allocationLimit) {
        return new JqEvaluator(sandbox, timeLimit, allocationLimit);
    }

    @Bean
    DefinitionStore definitionStore(JdbcClient jdbc, JsonCodec json) {
        return new DefinitionStore(jdbc, json);
    }

    @Bean
    EngineLimits engineLimits(
            @Value("${baton.engine.limits.tasks-per-definition:1000}") int tasksPerDefinition,
            @Value("${baton.engine.limits.definitions-per-call:1000}") int definitionsPerCall,
            @Value("${baton.engine.limits.dynamic-fork-fan-out:1000}") int dynamicForkFanOut,
            @Value("${baton.engine.limits.loop-iterations:1000}") int loopIterations,
            @Value("${baton.engine.limits.nesting-depth:10}") int nestingDepth,
            @Value("${baton.engine.limits.description-length:4096}") int descriptionLength) {
        return new EngineLimits(tasksPerDefinition, definitionsPerCall, dynamicForkFanOut, loopIterations,
                nestingDepth, descriptionLength);
    }

    @Bean
    DefinitionValidator definitionValidator(ScriptEvaluator scripts, JqEvaluator jq, EngineLimits limits,
            TaskHandlers handlers, ObjectProvider<TaskContracts> contracts) {
        return new DefinitionValidator(scripts, jq, limits, handlers,
                contracts.getIfAvailable(() -> TaskContracts.NONE));
    }

    @Bean
    DefinitionRegistry metadataService(TenantTransactions tx, DefinitionStore store, DefinitionValidator validator,
            Clock clock) {
        return new DefinitionRegistry(tx, store, validator, clock);
    }

    @Bean
    QueueSignals queueSignals(@Value("${baton.engine.empty-queue-trust:PT0.5S}") Duration emptyQueueTrust) {
        return new QueueSignals(emptyQueueTrust);
    }

    /** Which node sweeps timers and fires schedules: elected through Redis when configured, else PostgreSQL. */
    @Bean(destroyMethod = "close")
    ElectedLeadership leadership(DataSource dataSource, ObjectProvider<LeaderElection> redis,
            @Value("${baton.engine.leadership-scope:baton}") String scope) {
        return new ElectedLeadership(redis.getIfAvailable(() -> new PostgresLeaderElection(dataSource, scope)));
    }

    /**
     * Wakes pollers across server nodes, through Redis when a {@link PeerChannel} is configured, else through
     * PostgreSQL (one connection of the pool listens).
     */
    @Bean(initMethod = "start", destroyMethod = "close")
    NodePeers nodePeers(DataSource dataSource, JdbcClient jdbc, QueueSignals signals,
            ObjectProvider<PeerChannel> channel) {
        return new NodePeers(channel.getIfAvailable(() -> new PostgresChannel(dataSource, jdbc)), signals);
    }

    @Bean
    ExecutionStore executionStore(JdbcClient jdbc, JdbcTemplate template, JsonCodec json,
            @Value("${baton.engine.payloads.offload-bytes:65536}") int offloadBytes,
            ObjectProvider<TaskLimiter> limiter, ObjectProvider<PayloadObjects> objects, ExecutionEvents events) {
        return new ExecutionStore(jdbc, template, json, offloadBytes, limiter.getIfAvailable(),
                objects.getIfAvailable(), events);
    }

    /** What executions did, told to every {@link ExecutionObserver} (the meters) after it commits. */
    @Bean
    ExecutionEvents executionEvents(ObjectProvider<ExecutionObserver> observers) {
        return new ExecutionEvents(observers.orderedStream().toList());
    }

    /** Searches answered by the execution index when one is configured and up, else by PostgreSQL. */
    @Bean
    IndexedSearch indexedSearch(ObjectProvider<ExecutionIndex> index,
            @Value("${baton.search.pause-after-failure:PT10S}") Duration pause) {
        ExecutionIndex configured = index.getIfAvailable();
        return configured == null ? IndexedSearch.none()
                : new IndexedSearch(configured, ExecutionSearch.COUNTED, pause);
    }

    /** Feeds the execution index from the outbox on the node that leads {@code search}; idle without an index. */
    @Bean(initMethod = "start", destroyMethod = "close")
    SearchFeed searchFeed(JdbcClient jdbc, ObjectProvider<ExecutionIndex> index, IndexedSearch searches,
            ElectedLeadership leadership, Clock clock,
            @Value("${baton.search.feed-interval:PT0.2S}") Duration idle,
            @Value("${baton.search.feed-batch:500}") int batch) {
        return new SearchFeed(jdbc, index.getIfAvailable(), searches, leadership, clock, idle, batch);
    }

    @Bean
    QueueDepths queueDepths(JdbcClient jdbc) {
        return () -> jdbc.sql("SELECT tenant_id, worker_ready, server_ready FROM queue_depths()")
                .query((rs, i) -> new QueueDepths.Depth(TenantId.of(rs.getString(1)), rs.getLong(2), rs.getLong(3)))
                .list();
    }

    @Bean
    ExecutionStatistics executionStatistics(TenantTransactions tx, JdbcClient jdbc, Clock clock) {
        return new ExecutionMetrics(tx, jdbc, clock);
    }

    @Bean
    WorkflowExecutor workflowService(TenantTransactions tx, ExecutionStore store, JdbcClient jdbc,
            DefinitionStore definitions, DefinitionValidator validator, JsonCodec json, QueueSignals signals,
            TaskHandlers handlers, RunningAttempts attempts, Clock clock,
            ObjectProvider<CompositionPolicy> composition, ObjectProvider<TaskContracts> contracts,
            EnvironmentStore environment, ExternalPayloadStore external, WorkflowMessages messages,
            IndexedSearch indexed) {
        return new WorkflowExecutor(tx, store, new ExecutionSearch(jdbc), definitions, validator, json, signals,
                handlers, attempts, clock, composition.getIfAvailable(() -> CompositionPolicy.OPEN),
                contracts.getIfAvailable(() -> TaskContracts.NONE), environment::current, external, messages,
                indexed);
    }

    @Bean
    WorkflowMessages workflowMessages(JdbcClient jdbc, JsonCodec json,
            @Value("${baton.engine.messages.max-queue-size:1000}") int maxQueueSize,
            @Value("${baton.engine.messages.time-to-live:PT24H}") Duration timeToLive,
            @Value("${baton.engine.messages.max-batch-size:100}") int maxBatchSize) {
        return new WorkflowMessages(jdbc, json, new WorkflowMessages.Settings(maxQueueSize, timeToLive,
                maxBatchSize));
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    ExternalPayloadStore externalPayloads(TenantTransactions tx, JdbcClient jdbc, JsonCodec json, Clock clock,
            @Value("${baton.engine.payloads.max-upload-bytes:16777216}") long maxUploadBytes,
            @Value("${baton.engine.payloads.max-tenant-bytes:268435456}") long maxTenantBytes,
            @Value("${baton.engine.payloads.max-open-places:1000}") int maxOpenPlaces,
            @Value("${baton.engine.payloads.capability-lifetime:PT15M}") Duration capabilityLifetime,
            @Value("${baton.engine.payloads.upload-lifetime:PT24H}") Duration uploadLifetime) {
        return new ExternalPayloadStore(tx, jdbc, json, clock, new ExternalPayloadStore.Settings(maxUploadBytes,
                maxTenantBytes, maxOpenPlaces, capabilityLifetime, uploadLifetime));
    }

    @Bean
    EnvironmentStore environmentVariables(TenantTransactions tx, JdbcClient jdbc,
            @Value("${baton.engine.limits.environment-variables:1000}") int maxVariables,
            @Value("${baton.engine.limits.environment-value-length:65536}") int maxValueLength) {
        return new EnvironmentStore(tx, jdbc, maxVariables, maxValueLength);
    }

    @Bean
    RunningAttempts runningAttempts() {
        return new RunningAttempts();
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    SystemTaskWorker systemTaskWorker(JdbcClient jdbc, TenantTransactions tx, ExecutionStore store,
            TaskExecutor tasks, TaskHandlers handlers, JsonCodec json, RunningAttempts attempts, QueueSignals signals,
            ObjectProvider<SecretValues> secrets, Clock clock,
            @Value("${baton.engine.server-tasks.max-attempts:200}") int maxAttempts,
            @Value("${baton.engine.server-tasks.per-tenant:0}") int perTenant,
            @Value("${baton.engine.server-tasks.sweep-interval:PT0.5S}") Duration sweepInterval,
            @Value("${baton.engine.server-tasks.cancel-check-interval:PT2S}") Duration cancelCheckInterval) {
        // attempts wait on the outside world on virtual threads; the caps bound what one tenant's hanging peers hold
        return new SystemTaskWorker(jdbc, tx, store, tasks, handlers, json, attempts, signals,
                secrets.getIfAvailable(() -> SecretValues.NONE), clock, maxAttempts,
                perTenant > 0 ? perTenant : Math.max(1, maxAttempts / 4), sweepInterval, cancelCheckInterval);
    }

    /**
     * Removes finished executions past their tenant's retention on the node that leads {@code retention}, archiving
     * them first to {@code baton.retention.archive-dir} when set, else to the object store when there is one.
     */
    @Bean(initMethod = "start", destroyMethod = "close")
    RetentionSweeper retentionSweeper(TenantTransactions tx, JdbcClient jdbc, ExecutionStore store, Tenants tenants,
            ElectedLeadership leadership, ObjectProvider<PayloadObjects> objects, JsonCodec json, Clock clock,
            ExecutionEvents events,
            @Value("${baton.retention.archive-dir:}") String archiveDir,
            @Value("${baton.retention.days:#{null}}") Integer defaultDays,
            @Value("${baton.retention.per-workflow:#{null}}") Integer defaultPerWorkflow,
            @Value("${baton.retention.interval:PT1M}") Duration interval,
            @Value("${baton.retention.batch:100}") int batch,
            @Value("${baton.retention.max-per-round:10000}") int maxPerRound) {
        if ((defaultDays != null && defaultDays < 1) || (defaultPerWorkflow != null && defaultPerWorkflow < 1)) {
            throw new IllegalArgumentException("baton.retention.days and baton.retention.per-workflow must be 1 or "
                    + "more, or unset to keep finished executions");
        }
        PayloadObjects objectStore = objects.getIfAvailable();
        ExecutionArchive archive = !archiveDir.isBlank() ? new DirectoryArchive(Path.of(archiveDir))
                : objectStore != null ? new ObjectStoreArchive(objectStore) : null;
        return new RetentionSweeper(tx, jdbc, store, tenants, leadership, archive, json, clock,
                new RetentionSweeper.Settings(defaultDays, defaultPerWorkflow, interval, batch, maxPerRound),
                events::removed);
    }

    /** Drains this node first when it is told to stop: long polls return, server task attempts finish. */
    @Bean
    NodeDrain nodeDrain(QueueSignals signals, SystemTaskWorker serverTasks,
            @Value("${baton.engine.server-tasks.drain-timeout:PT20S}") Duration attemptsWithin) {
        return new NodeDrain(signals, serverTasks, attemptsWithin);
    }

    @Bean
    TaskExecutor taskService(TenantTransactions tx, ExecutionStore store, WorkflowExecutor executor,
            QueueSignals signals, TaskHandlers handlers, JdbcClient jdbc, JsonCodec json) {
        return new TaskExecutor(tx, store, executor, signals, handlers, new TaskSearch(jdbc, store), json);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    TimerSweeper timerSweeper(JdbcClient jdbc, WorkflowExecutor executor, ElectedLeadership leadership,
            @Value("${baton.engine.timer-interval:PT0.25S}") Duration interval) {
        return new TimerSweeper(jdbc, executor, leadership, interval);
    }
}
