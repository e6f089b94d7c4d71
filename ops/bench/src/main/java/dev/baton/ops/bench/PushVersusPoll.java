package dev.baton.ops.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * Linear3 worked three ways, one worker per task type, the same workflows in flight: batch long polls with an update
 * per task, update-v2 (the update answered with the next task), and push over a task stream with ten credits. Each
 * reports the workers' HTTP requests per completed task, stream messages per task, and delivery latency (queued to
 * received).
 */
final class PushVersusPoll {

    private static final int IN_FLIGHT = 16;
    private static final int CREDITS = 10;

    private PushVersusPoll() {}

    static Map<String, Object> measure(Platform platform, String token, boolean quick) throws Exception {
        int workflows = quick ? 300 : 3_000;
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("workflows", workflows);
        report.put("inFlight", IN_FLIGHT);
        for (String mode : List.of("poll", "updateV2", "push")) {
            report.put(mode, new PushVersusPoll.Run(platform, token, mode).run(workflows));
        }
        return report;
    }

    /** One mode's run: starters keep {@link #IN_FLIGHT} workflows running; one worker per task type. */
    private static final class Run {
        private final Platform platform;
        private final String token;
        private final String mode;
        private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
        private final AtomicLong requests = new AtomicLong();
        private final AtomicLong messages = new AtomicLong();
        private final AtomicLong completedTasks = new AtomicLong();
        private final Histogram delivery = new ConcurrentHistogram(3);
        private final AtomicBoolean done = new AtomicBoolean();
        private CountDownLatch finished;

        Run(Platform platform, String token, String mode) {
            this.platform = platform;
            this.token = token;
            this.mode = mode;
        }

        Map<String, Object> run(int workflows) throws Exception {
            finished = new CountDownLatch(workflows);
            List<String> types = Workload.LINEAR3.taskTypes();
            String last = types.getLast();
            List<AutoCloseable> workers = new ArrayList<>();
            for (String type : types) {
                workers.add(mode.equals("push") ? new Streamed(type, type.equals(last)) : polling(type,
                        type.equals(last)));
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < workflows; i++) {
                inFlight.acquire();
                platform.start(token, Workload.LINEAR3, i);
            }
            if (!finished.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException(mode + ": " + finished.getCount() + " workflows did not finish");
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            done.set(true);
            for (AutoCloseable w : workers) {
                w.close();
            }
            Map<String, Object> row = new LinkedHashMap<>();
            long tasks = completedTasks.get();
            row.put("workflowsPerSecond", Math.round(workflows / seconds * 10) / 10.0);
            row.put("workerRequestsPerTask", Math.round(requests.get() * 1000.0 / tasks) / 1000.0);
            row.put("streamMessagesPerTask", Math.round(messages.get() * 1000.0 / tasks) / 1000.0);
            row.put("deliveryP50Ms", delivery.getValueAtPercentile(50));
            row.put("deliveryP99Ms", delivery.getValueAtPercentile(99));
            System.err.printf("push-vs-poll %-8s %7.1f workflows/s, %.3f requests and %.3f messages per task, "
                    + "delivery p50 %d ms p99 %d ms%n", mode, workflows / seconds,
                    requests.get() / (double) tasks, messages.get() / (double) tasks,
                    delivery.getValueAtPercentile(50), delivery.getValueAtPercentile(99));
            return row;
        }

        private void received(Engine.Task task) {
            delivery.recordValue(Math.max(0, System.currentTimeMillis() - task.queuedAtMillis()));
        }

        private void ended(boolean lastType) {
            completedTasks.incrementAndGet();
            if (lastType) {
                inFlight.release();
                finished.countDown();
            }
        }

        /** A polling worker: batch long polls and an update per task, or update-v2 answered with the next task. */
        private AutoCloseable polling(String type, boolean lastType) {
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                Engine.Task held = null;
                while (!done.get()) {
                    if (held == null) {
                        requests.incrementAndGet();
                        List<Engine.Task> batch = platform.poll(token, type, mode.equals("poll") ? CREDITS : 1,
                                1_000);
                        batch.forEach(this::received); // delivered when the poll answers, not when worked on
                        for (Engine.Task task : batch) {
                            if (mode.equals("poll")) {
                                requests.incrementAndGet();
                                platform.complete(token, task);
                                ended(lastType);
                            } else {
                                held = task;
                            }
                        }
                    } else {
                        requests.incrementAndGet();
                        HttpResponse<String> r = platform.send("POST", "/api/tasks/update-v2", token,
                                Platform.completed(held));
                        ended(lastType);
                        held = null;
                        if (r.statusCode() == 200) {
                            held = Platform.task(Http.JSON.readTree(r.body()));
                            received(held);
                        } else {
                            Http.expect(r, 204);
                        }
                    }
                }
            });
            return () -> t.join(5_000);
        }

        /** A pushed worker: one stream, ten credits, a result and a credit back for each task. */
        private final class Streamed implements WebSocket.Listener, AutoCloseable {
            private final boolean lastType;
            private final StringBuilder partial = new StringBuilder();
            private final WebSocket socket;
            /** Handles tasks one at a time, as the polling workers do. */
            private final java.util.concurrent.ExecutorService one =
                    java.util.concurrent.Executors.newSingleThreadExecutor();

            Streamed(String type, boolean lastType) {
                this.lastType = lastType;
                requests.incrementAndGet(); // the handshake
                this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                        .header("Authorization", "Bearer " + token)
                        .buildAsync(URI.create(platform.base().replace("http://", "ws://")
                                + "/api/stream/tasks?taskType=" + type + "&workerid=bench"), this).join();
                send(Map.of("credit", CREDITS));
            }

            private synchronized void send(Map<String, Object> message) {
                messages.incrementAndGet();
                socket.sendText(Http.JSON.writeValueAsString(message), true).join();
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    JsonNode m = Http.JSON.readTree(partial.toString());
                    partial.setLength(0);
                    messages.incrementAndGet();
                    if (m.has("task")) {
                        Engine.Task task = Platform.task(m.get("task"));
                        received(task);
                        one.execute(() -> send(Map.of("update", Platform.completed(task))));
                    } else if (m.has("updated")) {
                        ended(lastType);
                        one.execute(() -> send(Map.of("credit", 1)));
                    } else {
                        System.err.println("push-vs-poll: " + m);
                    }
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public void close() {
                one.shutdown();
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
            }
        }
    }
}
