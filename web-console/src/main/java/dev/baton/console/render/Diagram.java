package dev.baton.console.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A workflow definition laid out for drawing: one box per task, top to bottom, forks' branches and switches' cases
 * side by side, loops framed, each box coloured by the status of its task when an execution is drawn.
 *
 * @param width the drawing's width
 * @param height the drawing's height
 */
public record Diagram(double width, double height, List<Node> nodes, List<Edge> edges, List<Frame> frames) {

    static final double BOX_W = 240;
    static final double BOX_H = 44;
    static final double GAP_Y = 30;
    static final double GAP_X = 24;
    static final double PAD = 14;
    static final int MOST_TASKS = 2000;

    /**
     * One task's box.
     *
     * @param status the status of the task's latest attempt, or null when drawing a definition
     * @param control whether the task only steers the flow (fork, join, switch, loop)
     */
    public record Node(double x, double y, double w, double h, String label, String type, String ref,
            String status, boolean control) {

        public double cx() {
            return x + w / 2;
        }
    }

    /** A line from one box's bottom to another's top. */
    public record Edge(double x1, double y1, double x2, double y2, String label) {

        /** An SVG path: straight down, then across, then down. */
        public String path() {
            double mid = y1 + (y2 - y1) / 2;
            return "M" + x1 + "," + y1 + " V" + mid + " H" + x2 + " V" + y2;
        }
    }

    /** The frame around a loop's body. */
    public record Frame(double x, double y, double w, double h, String label) {}

    /** Lays out the definition's {@code tasks}, colouring each by {@code statuses} (reference name to status). */
    @SuppressWarnings("unchecked")
    public static Diagram of(List<Map<String, Object>> tasks, Map<String, String> statuses) {
        Layout layout = new Layout(statuses);
        Block block = layout.sequence(tasks == null ? List.of() : tasks);
        Block placed = block.moved(PAD, PAD);
        return new Diagram(Math.max(placed.width + 2 * PAD, BOX_W + 2 * PAD), placed.height + 2 * PAD,
                placed.nodes, placed.edges, placed.frames);
    }

    /** A laid-out part of the drawing, at its own origin: where lines come in (top centre) and leave. */
    private record Block(double width, double height, List<Node> nodes, List<Edge> edges, List<Frame> frames,
            double entryX, List<double[]> exits) {

        Block moved(double dx, double dy) {
            return new Block(width, height,
                    nodes.stream().map(n -> new Node(n.x + dx, n.y + dy, n.w, n.h, n.label, n.type, n.ref, n.status,
                            n.control)).toList(),
                    edges.stream().map(e -> new Edge(e.x1 + dx, e.y1 + dy, e.x2 + dx, e.y2 + dy, e.label)).toList(),
                    frames.stream().map(f -> new Frame(f.x + dx, f.y + dy, f.w, f.h, f.label)).toList(),
                    entryX + dx, exits.stream().map(p -> new double[] {p[0] + dx, p[1] + dy}).toList());
        }
    }

    private static final class Layout {

        private final Map<String, String> statuses;
        private int drawn;

        Layout(Map<String, String> statuses) {
            this.statuses = statuses == null ? Map.of() : statuses;
        }

        Block sequence(List<Map<String, Object>> tasks) {
            List<Block> blocks = new ArrayList<>();
            for (Map<String, Object> t : tasks) {
                if (drawn++ >= MOST_TASKS) {
                    break;
                }
                blocks.add(task(t));
            }
            if (blocks.isEmpty()) {
                return new Block(BOX_W, 0, List.of(), List.of(), List.of(), BOX_W / 2, List.of(new double[] {BOX_W / 2, 0}));
            }
            double width = blocks.stream().mapToDouble(Block::width).max().orElse(BOX_W);
            List<Node> nodes = new ArrayList<>();
            List<Edge> edges = new ArrayList<>();
            List<Frame> frames = new ArrayList<>();
            double y = 0;
            List<double[]> exits = null;
            double entry = 0;
            for (int i = 0; i < blocks.size(); i++) {
                Block b = blocks.get(i).moved((width - blocks.get(i).width) / 2, y);
                if (exits != null) {
                    for (double[] p : exits) {
                        edges.add(new Edge(p[0], p[1], b.entryX, y, null));
                    }
                } else {
                    entry = b.entryX;
                }
                nodes.addAll(b.nodes);
                edges.addAll(b.edges);
                frames.addAll(b.frames);
                exits = b.exits;
                y += b.height + GAP_Y;
            }
            return new Block(width, y - GAP_Y, nodes, edges, frames, entry, exits);
        }

        @SuppressWarnings("unchecked")
        Block task(Map<String, Object> t) {
            String type = String.valueOf(t.getOrDefault("type", "SIMPLE"));
            String ref = String.valueOf(t.getOrDefault("taskReferenceName", "?"));
            String name = String.valueOf(t.getOrDefault("name", ref));
            List<List<Map<String, Object>>> branches = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            switch (type) {
                case "FORK_JOIN" -> {
                    for (Object branch : (List<Object>) t.getOrDefault("forkTasks", List.of())) {
                        branches.add((List<Map<String, Object>>) branch);
                        labels.add(null);
                    }
                }
                case "SWITCH", "DECISION" -> {
                    Map<String, Object> cases = (Map<String, Object>) t.getOrDefault("decisionCases", Map.of());
                    cases.forEach((k, v) -> {
                        branches.add((List<Map<String, Object>>) v);
                        labels.add(k);
                    });
                    branches.add((List<Map<String, Object>>) t.getOrDefault("defaultCase", List.of()));
                    labels.add("default");
                }
                case "DO_WHILE" -> {
                    return loop(t, type, ref, name);
                }
                default -> {
                    // a plain task
                }
            }
            Node box = node(name, type, ref, !branches.isEmpty() || type.equals("JOIN")
                    || type.equals("EXCLUSIVE_JOIN") || type.equals("FORK_JOIN_DYNAMIC"));
            if (branches.isEmpty()) {
                return new Block(BOX_W, BOX_H, List.of(box), List.of(), List.of(), BOX_W / 2,
                        List.of(new double[] {BOX_W / 2, BOX_H}));
            }
            List<Block> laid = branches.stream().map(this::sequence).toList();
            double width = laid.stream().mapToDouble(Block::width).sum() + GAP_X * (laid.size() - 1);
            width = Math.max(width, BOX_W);
            List<Node> nodes = new ArrayList<>(List.of(moved(box, (width - BOX_W) / 2)));
            List<Edge> edges = new ArrayList<>();
            List<Frame> frames = new ArrayList<>();
            List<double[]> exits = new ArrayList<>();
            double x = 0;
            double top = BOX_H + GAP_Y;
            double height = BOX_H;
            for (int i = 0; i < laid.size(); i++) {
                Block b = laid.get(i).moved(x, top);
                edges.add(new Edge(width / 2, BOX_H, b.entryX, top, labels.get(i)));
                nodes.addAll(b.nodes);
                edges.addAll(b.edges);
                frames.addAll(b.frames);
                if (b.nodes.isEmpty()) {
                    exits.add(new double[] {b.entryX, top});
                } else {
                    exits.addAll(b.exits);
                }
                height = Math.max(height, top + b.height);
                x += b.width + GAP_X;
            }
            return new Block(width, height, nodes, edges, frames, width / 2, exits);
        }

        @SuppressWarnings("unchecked")
        private Block loop(Map<String, Object> t, String type, String ref, String name) {
            Node box = node(name, type, ref, true);
            Block body = sequence((List<Map<String, Object>>) t.getOrDefault("loopOver", List.of()));
            double width = Math.max(BOX_W, body.width + 2 * PAD);
            double top = BOX_H + GAP_Y;
            Block inner = body.moved((width - body.width) / 2, top);
            List<Node> nodes = new ArrayList<>(List.of(moved(box, (width - BOX_W) / 2)));
            nodes.addAll(inner.nodes);
            List<Edge> edges = new ArrayList<>(List.of(new Edge(width / 2, BOX_H, inner.entryX, top, "loop")));
            edges.addAll(inner.edges);
            List<Frame> frames = new ArrayList<>(inner.frames);
            frames.add(new Frame(0, top - PAD, width, inner.height + 2 * PAD, "loop of " + ref));
            double height = top + inner.height + PAD;
            return new Block(width, height, nodes, edges, frames, width / 2, List.of(new double[] {width / 2, height}));
        }

        private Node node(String name, String type, String ref, boolean control) {
            String label = name.length() > 32 ? name.substring(0, 31) + "…" : name;
            return new Node(0, 0, BOX_W, BOX_H, label, type, ref, statuses.get(ref), control);
        }
    }

    private static Node moved(Node n, double dx) {
        return new Node(n.x + dx, n.y, n.w, n.h, n.label, n.type, n.ref, n.status, n.control);
    }
}
