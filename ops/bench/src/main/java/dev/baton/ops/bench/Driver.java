package dev.baton.ops.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives one workload on one engine: starters start workflows, workers (one virtual thread each) long-poll their
 * task types and complete what they get, and every workflow's start-to-completion time goes into a histogram.
 */
final class Driver {

    /**
     * Workers that are not the driver's own polling threads (an engine's client library): started with the driver,
     * they tell it of every task they complete through {@link Driver#handled}.
     */
    interface ClientWorkers extends AutoCloseable {

        void start(Driver driver);

        @Override
        void close();
    }

    /** What one run measured. */
    record Run(long completed, double seconds, Histogram latencyMicros, Histogram deliveryMicros) {
        double perSecond() {
            return completed / seconds;
        }
    }

    private final Engine engine;
    private final Workload workload;
    private final List<String> tokens;
    private final int batch;
    private long pollTimeoutMillis = 1_000;
    private ClientWorkers clients;
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final Map<String, Long> finishedEarly = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> finalCounts = new ConcurrentHashMap<>();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    private volatile Recorder latency = new Recorder(3);
    private volatile Recorder delivery = new Recorder(3);
    private final Recorder startCalls = new Recorder(3);
    private final Recorder updateCalls = new Recorder(3);
    private volatile Semaphore slots = new Semaphore(0);
    private volatile boolean running;
    private volatile boolean starting;

    /** @param tokens one caller per tenant; the load is spread evenly over them */
    Driver(Engine engine, Workload workload, List<String> tokens) {
        this(engine, workload, tokens, 5);
    }

    /** @param batch how many tasks a worker asks for in one poll */
    Driver(Engine engine, Workload workload, List<String> tokens, int batch) {
        this.batch = batch;
        this.engine = engine;
        this.workload = workload;
        this.tokens = tokens;
    }

    /** Long-polls wait up to {@code millis} for a task (1 s unless set). */
    Driver pollingFor(long millis) {
        this.pollTimeoutMillis = millis;
        return this;
    }

    /** Tasks are taken and completed by {@code workers} instead of the driver's own polling threads. */
    Driver workedBy(ClientWorkers workers) {
        this.clients = workers;
        return this;
    }

    /** Keeps {@code inflight} workflows running for warm-up plus measurement; throughput over the measurement. */
    Run closedLoop(int inflight, int workers, Duration warmup, Duration measure) throws InterruptedException {
        slots = new Semaphore(inflight);
        List<Thread> threads = begin(workers);
        int starters = workload.finalTasks() == 0 ? workers : Math.min(inflight, 8 * tokens.size());
        for (int i = 0; i < starters; i++) {
            int tenant = i % tokens.size();
            threads.add(Thread.ofVirtual().start(() -> {
                while (starting) {
                    try {
                        if (slots.tryAcquire(100, TimeUnit.MILLISECONDS) && starting) {
                            start(tenant);
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        Thread.sleep(warmup.toMillis());
        return measureFor(measure, threads);
    }

    /** Starts {@code perSecond} workflows a second, whatever is in flight, and measures their latency. */
    Run openLoop(double perSecond, int workers, Duration measure) throws InterruptedException {
        List<Thread> threads = begin(workers);
        long intervalNanos = (long) (1_000_000_000L / perSecond);
        AtomicInteger tenant = new AtomicInteger();
        threads.add(Thread.ofVirtual().start(() -> {
            long next = System.nanoTime();
            while (starting) {
                int t = Math.floorMod(tenant.getAndIncrement(), tokens.size());
                Thread.ofVirtual().start(() -> start(t));
                next += intervalNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }));
        return measureFor(measure, threads);
    }

    /** One workflow at a time, {@code count} times: latency without queueing, and long-poll delivery. */
    Run oneAtATime(int count) throws InterruptedException {
        slots = new Semaphore(0);
        List<Thread> threads = begin(Math.max(1, workload.taskTypes().size()));
        latency.reset();
        delivery.reset();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            start(0);
            if (!slots.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a " + workload + " workflow did not finish within 30 s");
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        stop(threads);
        return new Run(count, seconds, latency.getIntervalHistogram(), delivery.getIntervalHistogram());
    }

    /**
     * Starts the workers: each tenant's task types get their share of {@code workers}, at least one long-polling
     * worker per (tenant, task type), so no worker spins over queues it is not waiting on.
     */
    private List<Thread> begin(int workers) {
        running = true;
        starting = true;
        List<Thread> threads = new ArrayList<>();
        List<String> types = workload.taskTypes();
        if (types.isEmpty()) {
            return threads;
        }
        if (clients != null) {
            clients.start(this);
            return threads;
        }
        int lanes = tokens.size() * types.size();
        for (int i = 0; i < Math.max(workers, lanes); i++) {
            int tenant = (i / types.size()) % tokens.size();
            String type = types.get(i % types.size());
            threads.add(Thread.ofVirtual().start(() -> work(tenant, type)));
        }
        return threads;
    }

    private Run measureFor(Duration measure, List<Thread> threads) throws InterruptedException {
        latency.reset();
        delivery.reset();
        long before = completed.get();
        long t0 = System.nanoTime();
        Thread.sleep(measure.toMillis());
        long done = completed.get() - before;
        double seconds = (System.nanoTime() - t0) / 1e9;
        Histogram lat = latency.getIntervalHistogram();
        Histogram del = delivery.getIntervalHistogram();
        drain(Duration.ofSeconds(30));
        stop(threads);
        return new Run(done, seconds, lat, del);
    }

    /** Stops starting and waits until every started workflow has finished, so no run leaks into the next. */
    private void drain(Duration within) throws InterruptedException {
        starting = false;
        Thread.sleep(200);
        long deadline = System.nanoTime() + within.toNanos();
        while (!started.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        if (!started.isEmpty()) {
            throw new IllegalStateException(started.size() + " " + workload + " workflows did not finish");
        }
    }

    private void stop(List<Thread> threads) throws InterruptedException {
        running = false;
        starting = false;
        if (clients != null) {
            clients.close();
        }
        for (Thread t : threads) {
            t.join(Math.max(5_000, pollTimeoutMillis + 2_000));
        }
    }

    /** How long the start calls took, as the client saw them, since this driver was made. */
    Histogram startCallMicros() {
        return startCalls.getIntervalHistogram();
    }

    /** How long the task-update calls took, as the client saw them, since this driver was made. */
    Histogram updateCallMicros() {
        return updateCalls.getIntervalHistogram();
    }

    /** Workflows finished since this driver was made, warm-up included. */
    long totalCompleted() {
        return completed.get();
    }

    private void start(int tenant) {
        long t0 = System.nanoTime();
        String id = engine.start(tokens.get(tenant), workload, sequence.incrementAndGet());
        startCalls.recordValue(Math.max(1, (System.nanoTime() - t0) / 1_000));
        if (workload.finalTasks() == 0) {
            finish(t0, System.nanoTime());
            return;
        }
        started.put(id, t0);
        Long end = finishedEarly.remove(id);
        if (end != null && started.remove(id) != null) {
            finish(t0, end);
        }
    }

    private void work(int tenant, String type) {
        while (running || !started.isEmpty()) {
            List<Engine.Task> tasks = engine.poll(tokens.get(tenant), type, batch, pollTimeoutMillis);
            long now = System.currentTimeMillis();
            for (Engine.Task task : tasks) {
                long u0 = System.nanoTime();
                engine.complete(tokens.get(tenant), task);
                updateCalls.recordValue(Math.max(1, (System.nanoTime() - u0) / 1_000));
                handled(type, task.instanceId(), task.queuedAtMillis(), now);
            }
        }
    }

    /**
     * A task of {@code type} of workflow {@code workflowId}, queued at {@code queuedAtMillis} and taken at
     * {@code takenAtMillis}, has been completed: the workflow ends with its last final task.
     */
    void handled(String type, String workflowId, long queuedAtMillis, long takenAtMillis) {
        delivery.recordValue(Math.max(0, takenAtMillis - queuedAtMillis) * 1_000);
        if (workload.finishes(type) && finalCounts.computeIfAbsent(workflowId, k -> new AtomicInteger())
                .incrementAndGet() == workload.finalTasks()) {
            finalCounts.remove(workflowId);
            long end = System.nanoTime();
            Long t0 = started.remove(workflowId);
            if (t0 == null) {
                finishedEarly.put(workflowId, end);
            } else {
                finish(t0, end);
            }
        }
    }

    /** Records how long a task-completion call took, for workers that make their own calls. */
    void updateCall(long micros) {
        updateCalls.recordValue(Math.max(1, micros));
    }

    private void finish(long t0, long end) {
        latency.recordValue(Math.max(1, (end - t0) / 1_000));
        completed.incrementAndGet();
        slots.release();
    }
}
