package dev.baton.engine.internal.definition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.definition.TaskDef;
import dev.baton.tenancy.TenantId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TaskDefCacheTest {

    private final TaskDefCache cache = new TaskDefCache();
    private final List<String> loads = new ArrayList<>();

    private Function<String, Optional<TaskDef>> loader(int responseTimeout) {
        return name -> {
            loads.add(name);
            return Optional.of(def(name, responseTimeout));
        };
    }

    private static TaskDef def(String name, int responseTimeout) {
        return new tools.jackson.databind.json.JsonMapper().readValue(
                "{\"name\":\"" + name + "\",\"responseTimeoutSeconds\":" + responseTimeout + "}", TaskDef.class);
    }

    @Test
    void aDefinitionReadUnderAVersionIsServedFromMemoryWhileTheVersionHolds() {
        TenantId tenant = TenantId.of("t1");
        assertThat(cache.at(tenant, 3, loader(10)).apply("a")).map(TaskDef::responseTimeoutSeconds).contains(10L);
        assertThat(cache.at(tenant, 3, loader(99)).apply("a")).map(TaskDef::responseTimeoutSeconds).contains(10L);
        assertThat(loads).containsExactly("a");
    }

    @Test
    void aNewerVersionReadsAgainAndAnOlderOneNeverReplacesIt() {
        TenantId tenant = TenantId.of("t1");
        cache.at(tenant, 3, loader(10)).apply("a");
        assertThat(cache.at(tenant, 4, loader(20)).apply("a")).map(TaskDef::responseTimeoutSeconds).contains(20L);
        // a transaction that read the counter before the change still finishes, with definitions of its own
        assertThat(cache.at(tenant, 3, loader(10)).apply("a")).map(TaskDef::responseTimeoutSeconds).contains(10L);
        assertThat(cache.at(tenant, 4, loader(99)).apply("a")).map(TaskDef::responseTimeoutSeconds).contains(20L);
        assertThat(loads).containsExactly("a", "a", "a");
    }

    @Test
    void tenantsWithOneNameKeepTheirOwnDefinitions() {
        cache.at(TenantId.of("t1"), 1, loader(10)).apply("a");
        assertThat(cache.at(TenantId.of("t2"), 1, loader(20)).apply("a")).map(TaskDef::responseTimeoutSeconds)
                .contains(20L);
        assertThat(cache.at(TenantId.of("t1"), 1, loader(99)).apply("a")).map(TaskDef::responseTimeoutSeconds)
                .contains(10L);
    }

    @Test
    void anUnknownVersionAlwaysReadsTheDatabase() {
        TenantId tenant = TenantId.of("t1");
        cache.at(tenant, TaskDefCache.UNKNOWN, loader(10)).apply("a");
        cache.at(tenant, TaskDefCache.UNKNOWN, loader(10)).apply("a");
        assertThat(loads).containsExactly("a", "a");
        assertThat(cache.tenants()).isZero();
    }

    @Test
    void aTenantNamingEverMoreTypesAndEverMoreTenantsStayBounded() {
        TenantId tenant = TenantId.of("t1");
        var lookup = cache.at(tenant, 1, loader(10));
        for (int i = 0; i < TaskDefCache.MAX_NAMES + 50; i++) {
            lookup.apply("type" + i);
        }
        loads.clear();
        lookup.apply("type" + (TaskDefCache.MAX_NAMES + 10));
        assertThat(loads).as("past the bound a name is read each time").hasSize(1);
        for (int i = 0; i < TaskDefCache.MAX_TENANTS + 50; i++) {
            cache.at(TenantId.of("t" + i), 1, loader(10));
        }
        assertThat(cache.tenants()).isEqualTo(TaskDefCache.MAX_TENANTS);
    }
}
