package dev.baton.engine.internal.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.engine.spi.TaskHandler;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry: names and aliases, and no two handlers for one name. */
class TaskHandlersTest {

    @Test
    void typesAndAliasesRunInTheServerAndAnythingElseIsAWorkerTask() {
        TaskHandlers handlers = new TaskHandlers(List.of(new SwitchHandler(null), new NoopHandler()));
        assertThat(handlers.serverTypes()).containsExactly("DECISION", "NOOP", "SWITCH");
        assertThat(handlers.find("DECISION")).isSameAs(handlers.find("SWITCH"));
        assertThat(handlers.runsInServer("resize_image")).isFalse();
        assertThat(handlers.find("resize_image")).isNull();
        assertThat(handlers.childFlow("SWITCH")).isEqualTo(TaskHandler.ChildFlow.CONTINUE_AFTER);
        assertThat(handlers.childFlow("resize_image")).isEqualTo(TaskHandler.ChildFlow.STOP);
    }

    @Test
    void twoHandlersClaimingOneNameStopTheServerFromStarting() {
        TaskHandler impostor = () -> "NOOP";
        assertThatThrownBy(() -> new TaskHandlers(List.of(new NoopHandler(), impostor)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("task type NOOP is claimed by both " + NoopHandler.class.getName());
    }

    @Test
    void serverQueuesCannotBeNamedByATaskOrDomain() {
        assertThat(TaskHandlers.serverQueue("HTTP")).isEqualTo("#HTTP");
        assertThat(TaskHandlers.isServerQueue("#HTTP")).isTrue();
        assertThat(TaskHandlers.isServerQueue("HTTP")).isFalse();
        assertThat(dev.baton.tenancy.ResourceNames.valid("#HTTP")).isFalse();
    }
}
