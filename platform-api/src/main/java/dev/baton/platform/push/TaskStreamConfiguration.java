package dev.baton.platform.push;

import dev.baton.authz.audit.AuditTrail;
import dev.baton.engine.api.TaskService;
import dev.baton.platform.web.Guard;
import dev.baton.tenancy.RequestRates;
import dev.baton.tenancy.Tenants;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;
import tools.jackson.databind.json.JsonMapper;

/**
 * Push delivery over WebSocket at {@code /api/stream/tasks} ({@code baton.push.enabled}, on by default; off, the
 * handshake is not found and workers poll).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
@ConditionalOnProperty(name = "baton.push.enabled", havingValue = "true", matchIfMissing = true)
public class TaskStreamConfiguration implements WebSocketConfigurer {

    private final TaskStreams streams;

    public TaskStreamConfiguration(TaskService tasks, Guard guard, Tenants tenants,
            ObjectProvider<RequestRates> rates, JdbcClient jdbc, JsonMapper json, AuditTrail audit,
            @Value("${baton.push.streams-per-tenant:100}") int streamsPerTenant,
            @Value("${baton.push.long-poll:PT10S}") Duration longPoll) {
        // counted where the REST API's calls are: in Redis when there is one, else in PostgreSQL
        this.streams = new TaskStreams(tasks, guard, tenants, rates.getIfAvailable(() -> RequestRates.postgres(jdbc)),
                json, audit, streamsPerTenant, longPoll);
    }

    @Bean
    TaskStreams taskStreams() {
        return streams;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(streams, TaskStreams.STREAM_PATH).addInterceptors(streams);
    }

    /** The largest message a worker may send: an update with its output (its tenant's maxPayloadBytes also holds). */
    @Bean
    ServletServerContainerFactoryBean webSocketContainer(
            @Value("${baton.push.max-message-bytes:4194304}") int maxMessageBytes) {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(maxMessageBytes);
        container.setMaxBinaryMessageBufferSize(1024);
        container.setMaxSessionIdleTimeout(Duration.ofMinutes(10).toMillis());
        return container;
    }
}
