package dev.baton.engine.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.execution.PollData;
import org.junit.jupiter.api.Test;

class PollRecordsTest {

    private final PollRecords records = new PollRecords();

    @Test
    void theLastPollOfEachTaskTypeAndDomainIsKeptPerTenant() {
        records.polled("t1", "a", null, "w1", 1);
        records.polled("t1", "a", null, "w2", 2);
        records.polled("t1", "a", "blue", "w3", 3);
        records.polled("t1", "b", null, "w4", 4);
        records.polled("t2", "a", null, "other", 5);
        assertThat(records.of("t1", "a")).containsExactly(new PollData("a", null, "w2", 2),
                new PollData("a", "blue", "w3", 3));
        assertThat(records.of("t1", null)).extracting(PollData::queueName).containsExactly("a", "a", "b");
        assertThat(records.of("t2", "a")).containsExactly(new PollData("a", null, "other", 5));
        assertThat(records.of("t3", null)).isEmpty();
    }

    @Test
    void aTenantInventingTaskTypesAndEverMoreTenantsStayBounded() {
        for (int i = 0; i < PollRecords.MAX_QUEUES + 100; i++) {
            records.polled("t1", "type" + i, null, "w", i);
        }
        assertThat(records.of("t1", null)).hasSize(PollRecords.MAX_QUEUES);
        records.polled("t1", "type0", null, "w-again", 99_999);
        assertThat(records.of("t1", "type0")).as("a known one is still updated")
                .containsExactly(new PollData("type0", null, "w-again", 99_999));
        for (int i = 0; i < PollRecords.MAX_TENANTS + 10; i++) {
            records.polled("tenant" + i, "a", null, "w", i);
        }
        assertThat(records.tenants()).isEqualTo(PollRecords.MAX_TENANTS);
    }
}
