package dev.baton.engine.api.execution;

/** The last poll of a task type (in a domain), as Conductor reports it: which worker, and when (epoch millis). */
public record PollData(String queueName, String domain, String workerId, long lastPollTime) {}
