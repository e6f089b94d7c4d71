package dev.baton.console.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiagramTest {

    private static Map<String, Object> task(String ref, String type) {
        return Map.of("name", ref, "taskReferenceName", ref, "type", type);
    }

    @Test
    void aSequenceIsOneColumnJoinedTopToBottom() {
        Diagram d = Diagram.of(List.of(task("a", "SIMPLE"), task("b", "NOOP")), Map.of("a", "COMPLETED"));

        assertThat(d.nodes()).extracting(Diagram.Node::ref).containsExactly("a", "b");
        assertThat(d.nodes().get(0).cx()).isEqualTo(d.nodes().get(1).cx());
        assertThat(d.nodes().get(1).y()).isEqualTo(d.nodes().get(0).y() + Diagram.BOX_H + Diagram.GAP_Y);
        assertThat(d.nodes()).extracting(Diagram.Node::status).containsExactly("COMPLETED", null);
        assertThat(d.edges()).singleElement().satisfies(e -> {
            assertThat(e.y1()).isEqualTo(d.nodes().get(0).y() + Diagram.BOX_H);
            assertThat(e.y2()).isEqualTo(d.nodes().get(1).y());
        });
    }

    @Test
    void aForksBranchesStandSideBySideAndBothLeadToWhatFollows() {
        Map<String, Object> fork = Map.of("name", "fork", "taskReferenceName", "fork", "type", "FORK_JOIN",
                "forkTasks", List.of(List.of(task("left", "SIMPLE")), List.of(task("right", "SIMPLE"))));
        Diagram d = Diagram.of(List.of(fork, task("join", "JOIN")), Map.of());

        Diagram.Node left = node(d, "left");
        Diagram.Node right = node(d, "right");
        Diagram.Node join = node(d, "join");
        assertThat(left.y()).isEqualTo(right.y());
        assertThat(right.x()).isEqualTo(left.x() + Diagram.BOX_W + Diagram.GAP_X);
        assertThat(node(d, "fork").cx()).isEqualTo((left.cx() + right.cx()) / 2);
        assertThat(node(d, "fork").control()).isTrue();
        // fork → each branch, each branch → join
        assertThat(d.edges()).hasSize(4);
        assertThat(d.edges()).filteredOn(e -> e.y2() == join.y()).extracting(Diagram.Edge::x1)
                .containsExactlyInAnyOrder(left.cx(), right.cx());
    }

    @Test
    void aSwitchLabelsItsCasesAndAnEmptyDefaultStillLeadsOn() {
        Map<String, Object> sw = Map.of("name", "route", "taskReferenceName", "route", "type", "SWITCH",
                "decisionCases", Map.of("big", List.of(task("ship", "SIMPLE"))), "defaultCase", List.of());
        Diagram d = Diagram.of(List.of(sw, task("after", "NOOP")), Map.of());

        assertThat(d.edges()).extracting(Diagram.Edge::label).contains("big", "default");
        Diagram.Node after = node(d, "after");
        // from the case's task and straight from the switch's empty default
        assertThat(d.edges()).filteredOn(e -> e.y2() == after.y()).hasSize(2);
    }

    @Test
    void aLoopsBodyIsFramed() {
        Map<String, Object> loop = Map.of("name", "again", "taskReferenceName", "again", "type", "DO_WHILE",
                "loopOver", List.of(task("step", "SIMPLE")));
        Diagram d = Diagram.of(List.of(loop), Map.of());

        assertThat(d.frames()).singleElement().satisfies(f -> {
            assertThat(f.label()).isEqualTo("loop of again");
            Diagram.Node step = node(d, "step");
            assertThat(step.y()).isBetween(f.y(), f.y() + f.h() - Diagram.BOX_H);
        });
    }

    @Test
    void aLongNameIsShortenedForItsBox() {
        Diagram d = Diagram.of(List.of(Map.of("name", "x".repeat(80), "taskReferenceName", "r", "type", "SIMPLE")),
                Map.of());
        assertThat(d.nodes().get(0).label()).hasSize(32).endsWith("…");
    }

    private static Diagram.Node node(Diagram d, String ref) {
        return d.nodes().stream().filter(n -> n.ref().equals(ref)).findFirst().orElseThrow();
    }
}
