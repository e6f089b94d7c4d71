package dev.baton.connections;

import java.util.Set;

/** What a named connection reaches, and which of its settings are required, optional, or secret. */
public enum ConnectionKind {
    /** A mail server: host, port, security (STARTTLS, SSL, NONE), from, username; secret: password. */
    SMTP(Set.of("host", "from"), Set.of("port", "security", "username"), Set.of("password")),
    /** A PostgreSQL or MariaDB database: JDBC url and username; secret: password. */
    DATABASE(Set.of("url", "username"), Set.of(), Set.of("password")),
    /** A Kubernetes cluster: API server URL, namespace, CA certificate; secret: token. */
    KUBERNETES(Set.of("masterUrl", "namespace"), Set.of("caCertData"), Set.of("token")),
    /** An HTTP API: base URL; secret: headers (an object of header names to values). */
    HTTP(Set.of("baseUrl"), Set.of(), Set.of("headers"));

    private final Set<String> required;
    private final Set<String> optional;
    private final Set<String> secret;

    ConnectionKind(Set<String> required, Set<String> optional, Set<String> secret) {
        this.required = required;
        this.optional = optional;
        this.secret = secret;
    }

    public Set<String> required() {
        return required;
    }

    public Set<String> optional() {
        return optional;
    }

    /** Settings kept encrypted and never shown. */
    public Set<String> secret() {
        return secret;
    }
}
