package dev.baton.tenancy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The application's pool, handing out connections that bind a transaction's tenant with its first statement
 * instead of in a round trip of its own.
 *
 * <p>{@link TenantTransactions} leaves the tenant pending on such a connection. The first statement then either
 * binds it itself (it {@linkplain TenantTransactions#claimBinding claims} the binding and calls a function that sets
 * it before doing its work), or the connection binds it just before preparing that statement. Nothing runs on
 * the connection unbound, and a pending tenant is dropped when the transaction ends.
 */
public final class TenantBindingDataSource extends DelegatingDataSource {

    public TenantBindingDataSource(DataSource pool) {
        super(pool);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return Binding.wrap(obtainTargetDataSource().getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return Binding.wrap(obtainTargetDataSource().getConnection(username, password));
    }

    /** A connection that can hold its transaction's tenant until its first statement. */
    interface Deferrable {
        void defer(String tenant);

        /** The pending tenant, which the caller's next statement binds itself; null when already bound. */
        String claim();
    }

    /** The connection's side: binds a pending tenant before anything is prepared on it. */
    private static final class Binding implements InvocationHandler {

        private static final Set<String> STATEMENTS = Set.of("prepareStatement", "createStatement", "prepareCall");
        private static final Set<String> ENDS = Set.of("commit", "rollback", "close", "setAutoCommit");

        private final Connection target;
        private String pending;

        private Binding(Connection target) {
            this.target = target;
        }

        static Connection wrap(Connection target) {
            return (Connection) Proxy.newProxyInstance(TenantBindingDataSource.class.getClassLoader(),
                    new Class<?>[] {Connection.class, Deferrable.class}, new Binding(target));
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            switch (name) {
                case "defer" -> {
                    pending = (String) args[0];
                    return null;
                }
                case "claim" -> {
                    String tenant = pending;
                    pending = null;
                    return tenant;
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "unwrap" -> {
                    if (args[0] == Deferrable.class) {
                        return proxy;
                    }
                }
                case "isWrapperFor" -> {
                    if (args[0] == Deferrable.class) {
                        return true;
                    }
                }
                default -> {
                    if (STATEMENTS.contains(name)) {
                        bindPending();
                    } else if (ENDS.contains(name)) {
                        pending = null;
                    }
                }
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private void bindPending() throws SQLException {
            String tenant = pending;
            if (tenant == null) {
                return;
            }
            pending = null;
            try (PreparedStatement bind = target.prepareStatement("SELECT set_config('baton.tenant_id', ?, true)")) {
                bind.setString(1, tenant);
                bind.executeQuery().close();
            }
        }
    }
}
