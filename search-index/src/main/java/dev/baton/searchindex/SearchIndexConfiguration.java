package dev.baton.searchindex;

import dev.baton.engine.spi.ExecutionIndex;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The execution index, when {@code baton.search.url} names a search node ({@code http://host:9200}):
 * {@code baton.search.kind} says which, {@code opensearch} (the default) or {@code elasticsearch}. Without a URL
 * nothing here is made and every search runs on PostgreSQL.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("baton.search.url")
public class SearchIndexConfiguration {

    @Bean
    ExecutionIndex executionIndex(@Value("${baton.search.url}") String url,
            @Value("${baton.search.kind:opensearch}") String kind,
            @Value("${baton.search.index:baton-executions}") String index,
            @Value("${baton.search.username:}") String username, @Value("${baton.search.password:}") String password,
            @Value("${baton.search.timeout:PT5S}") Duration timeout) {
        URI uri = URI.create(url);
        if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("baton.search.url must be an http(s) URL of a search node, not " + url);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : uri.getScheme().equals("https") ? 443 : 9200;
        return switch (kind) {
            case "opensearch" -> openSearch(uri, port, index, username, password, timeout);
            case "elasticsearch" -> elasticsearch(uri, port, index, username, password, timeout);
            default -> throw new IllegalArgumentException("baton.search.kind must be opensearch or elasticsearch, "
                    + "not " + kind);
        };
    }

    private static ExecutionIndex openSearch(URI uri, int port, String index, String username, String password,
            Duration timeout) {
        HttpHost host = new HttpHost(uri.getScheme(), uri.getHost(), port);
        ApacheHttpClient5TransportBuilder builder = ApacheHttpClient5TransportBuilder.builder(host)
                .setMapper(new JacksonJsonpMapper())
                .setConnectionConfigCallback(c -> c.setConnectTimeout(Timeout.of(timeout.toMillis(),
                        TimeUnit.MILLISECONDS)).setSocketTimeout(Timeout.of(timeout.toMillis(),
                                TimeUnit.MILLISECONDS)));
        if (!username.isEmpty()) {
            BasicCredentialsProvider credentials = new BasicCredentialsProvider();
            credentials.setCredentials(new AuthScope(host), new UsernamePasswordCredentials(username,
                    password.toCharArray()));
            builder.setHttpClientConfigCallback(h -> h.setDefaultCredentialsProvider(credentials));
        }
        return new OpenSearchIndex(builder.build(), index);
    }

    private static ExecutionIndex elasticsearch(URI uri, int port, String index, String username, String password,
            Duration timeout) {
        org.apache.http.HttpHost host = new org.apache.http.HttpHost(uri.getHost(), port, uri.getScheme());
        RestClientBuilder builder = RestClient.builder(host).setRequestConfigCallback(c -> c
                .setConnectTimeout((int) timeout.toMillis()).setSocketTimeout((int) timeout.toMillis()));
        if (!username.isEmpty()) {
            org.apache.http.impl.client.BasicCredentialsProvider credentials =
                    new org.apache.http.impl.client.BasicCredentialsProvider();
            credentials.setCredentials(org.apache.http.auth.AuthScope.ANY,
                    new org.apache.http.auth.UsernamePasswordCredentials(username, password));
            builder.setHttpClientConfigCallback(h -> h.setDefaultCredentialsProvider(credentials));
        }
        return new ElasticsearchIndex(new RestClientTransport(builder.build(),
                new co.elastic.clients.json.jackson.JacksonJsonpMapper()), index);
    }
}
