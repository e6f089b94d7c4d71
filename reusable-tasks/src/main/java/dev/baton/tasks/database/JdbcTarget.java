package dev.baton.tasks.database;

import dev.baton.engine.spi.InputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * A tenant's database URL, reduced to what is safe to connect with: PostgreSQL or MariaDB only, a host, a port, a
 * database, and no driver properties but TLS mode (driver properties can name classes to load or files to read).
 */
record JdbcTarget(String driver, String host, int port, String database, String sslMode) {

    private static final Set<String> DRIVERS = Set.of("postgresql", "mariadb");

    static JdbcTarget parse(String url, String field) {
        if (url == null || !url.startsWith("jdbc:")) {
            throw new InputException(field, "must be a jdbc:postgresql:// or jdbc:mariadb:// URL");
        }
        URI uri;
        try {
            uri = new URI(url.substring("jdbc:".length()));
        } catch (URISyntaxException e) {
            throw new InputException(field, "is not a valid URL");
        }
        String driver = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!DRIVERS.contains(driver)) {
            throw new InputException(field, "must be a jdbc:postgresql:// or jdbc:mariadb:// URL, not " + driver);
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new InputException(field, "must name a host, and no user (give it in the connection's username)");
        }
        String database = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (!database.matches("[A-Za-z0-9_-]{1,63}")) {
            throw new InputException(field, "must name a database: letters, digits, '_' or '-'");
        }
        String sslMode = null;
        if (uri.getQuery() != null) {
            for (String pair : uri.getQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                if (kv.length == 2 && (kv[0].equals("sslmode") || kv[0].equals("sslMode"))
                        && kv[1].matches("[a-z-]{1,20}")) {
                    sslMode = kv[1];
                } else {
                    throw new InputException(field, "may carry no driver property but sslmode, not '" + kv[0] + "'");
                }
            }
        }
        int port = uri.getPort() > 0 ? uri.getPort() : driver.equals("postgresql") ? 5432 : 3306;
        return new JdbcTarget(driver, uri.getHost(), port, database, sslMode);
    }

    /** The URL to connect with, to {@code address} (the address that was checked) instead of the host name. */
    String url(String address) {
        String host = address.contains(":") ? "[" + address + "]" : address;
        String ssl = sslMode == null ? "" : (driver.equals("postgresql") ? "?sslmode=" : "?sslMode=") + sslMode;
        return "jdbc:" + driver + "://" + host + ":" + port + "/" + database + ssl;
    }
}
