package dev.baton.engine.internal.queue;

import dev.baton.engine.api.execution.PollData;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last poll of each task type and domain, per tenant, as this node saw it: Conductor's poll data, which tells an
 * operator whether workers are alive. Bounded, since tenants name their task types: at most {@code MAX_TENANTS}
 * tenants by recent use and {@code MAX_QUEUES} task types and domains each (a tenant's further ones go unrecorded).
 */
public final class PollRecords {

    static final int MAX_TENANTS = 10_000;
    static final int MAX_QUEUES = 1_000;

    private final Map<String, Map<String, PollData>> byTenant = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, PollData>> eldest) {
            return size() > MAX_TENANTS;
        }
    };

    /** Notes that {@code workerId} polled {@code taskType} (in {@code domain}, or none) at {@code millis}. */
    public void polled(String tenant, String taskType, String domain, String workerId, long millis) {
        Map<String, PollData> queues = queuesOf(tenant);
        String key = taskType + '\u0000' + (domain == null ? "" : domain);
        if (queues.size() < MAX_QUEUES || queues.containsKey(key)) {
            queues.put(key, new PollData(taskType, domain, workerId, millis));
        }
    }

    /** The last polls of {@code taskType}, one per domain; or of every task type when it is null. */
    public List<PollData> of(String tenant, String taskType) {
        Map<String, PollData> queues;
        synchronized (this) {
            queues = byTenant.get(tenant);
        }
        if (queues == null) {
            return List.of();
        }
        return queues.values().stream().filter(p -> taskType == null || p.queueName().equals(taskType))
                .sorted(Comparator.comparing(PollData::queueName)
                        .thenComparing(p -> p.domain() == null ? "" : p.domain()))
                .toList();
    }

    private synchronized Map<String, PollData> queuesOf(String tenant) {
        return byTenant.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>());
    }

    synchronized int tenants() {
        return byTenant.size();
    }
}
