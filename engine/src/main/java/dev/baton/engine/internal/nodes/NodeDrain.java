package dev.baton.engine.internal.nodes;

import dev.baton.engine.internal.execution.SystemTaskWorker;
import dev.baton.engine.internal.queue.QueueSignals;
import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * What a node does first when it is told to stop (SIGTERM), before the web server's graceful shutdown waits for
 * requests in flight: parked long polls return (empty) instead of holding the shutdown for their whole timeout,
 * and the server's own task attempts stop being taken and get {@code attemptsWithin} to finish and report. Changes
 * in flight finish under the web server's graceful shutdown; what a killed node leaves undone is picked up by
 * deadlines on other nodes.
 */
public final class NodeDrain implements SmartLifecycle {

    private final QueueSignals signals;
    private final SystemTaskWorker serverTasks;
    private final Duration attemptsWithin;
    private volatile boolean running;

    public NodeDrain(QueueSignals signals, SystemTaskWorker serverTasks, Duration attemptsWithin) {
        this.signals = signals;
        this.serverTasks = serverTasks;
        this.attemptsWithin = attemptsWithin;
    }

    /** Undoes a drain: Spring's test context cache stops idle contexts and starts them again when reused. */
    @Override
    public void start() {
        signals.resume();
        serverTasks.resume();
        running = true;
    }

    @Override
    public void stop() {
        signals.drain();
        serverTasks.drain(attemptsWithin);
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before everything else, the web server's graceful shutdown included. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
