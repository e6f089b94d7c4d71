package dev.baton.tenancy;

import java.sql.Connection;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs work in one database transaction bound to one tenant.
 *
 * <p>The tenant is set with {@code set_config('baton.tenant_id', ?, true)}, which lasts only until the
 * transaction ends, so a pooled connection never carries a tenant into the next borrower. The row-level
 * security policies read that setting; a statement run outside such a transaction sees no tenant rows. On a
 * {@link TenantBindingDataSource}'s connection the setting goes with the transaction's first statement, not in a
 * round trip of its own.
 *
 * <p>One tenant holds at most {@code perTenant} transactions at once, so that a tenant whose requests are slow (a
 * script waiting for its sandbox slot holds its transaction) cannot take the whole connection pool from the
 * others. A transaction waits for its tenant's share at most {@code shareWait}, then fails with 429. The share is
 * taken by the outermost transaction only; work joining it takes nothing more.
 */
public final class TenantTransactions {

    private static final ThreadLocal<Boolean> UNMETERED = ThreadLocal.withInitial(() -> false);
    private static final ThreadLocal<Boolean> NO_WAIT = ThreadLocal.withInitial(() -> false);
    private static final ThreadLocal<BeforeCommit> BEFORE_COMMIT = new ThreadLocal<>();
    private static final ThreadLocal<TenantBindingDataSource.Deferrable> DEFERRED = new ThreadLocal<>();

    /**
     * Work that joins each outermost read-write transaction of a thread at its end, before it commits: something
     * that must commit together with whatever the transaction changed (the audit entry of the call that changed it).
     */
    @FunctionalInterface
    public interface BeforeCommit {
        void beforeCommit(TenantId tenant);
    }

    /** Binds {@code hook} to this thread until the returned handle is closed. */
    public static Bound beforeCommit(BeforeCommit hook) {
        BeforeCommit before = BEFORE_COMMIT.get();
        BEFORE_COMMIT.set(hook);
        return () -> {
            if (before == null) {
                BEFORE_COMMIT.remove();
            } else {
                BEFORE_COMMIT.set(before);
            }
        };
    }

    /** A binding to a thread, undone by {@link #close()}. */
    public interface Bound extends AutoCloseable {
        @Override
        void close();
    }

    private final TransactionTemplate template;
    private final TransactionTemplate readOnly;
    private final JdbcClient jdbc;
    private final TenantPermits shares;
    private final Duration shareWait;
    private final DataSource dataSource;

    /** Unmetered: every transaction may take a connection (for tools and tests of one module). */
    public TenantTransactions(PlatformTransactionManager transactionManager, JdbcClient jdbc) {
        this(transactionManager, jdbc, 0, Duration.ZERO);
    }

    public TenantTransactions(PlatformTransactionManager transactionManager, JdbcClient jdbc, int perTenant,
            Duration shareWait) {
        this.shares = new TenantPermits(perTenant);
        this.shareWait = shareWait;
        this.template = new TransactionTemplate(transactionManager);
        this.readOnly = new TransactionTemplate(transactionManager);
        this.readOnly.setReadOnly(true);
        this.readOnly.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRED);
        this.jdbc = jdbc;
        this.dataSource = transactionManager instanceof DataSourceTransactionManager d ? d.getDataSource() : null;
    }

    /** Runs {@code work} in a read-write transaction of {@code tenant}. */
    public <T> T write(TenantId tenant, Supplier<T> work) {
        BeforeCommit hook = TransactionSynchronizationManager.isActualTransactionActive() ? null : BEFORE_COMMIT.get();
        return withinShare(tenant, () -> template.execute(status -> bound(tenant, () -> {
            T result = work.get();
            if (hook != null && !status.isRollbackOnly()) {
                hook.beforeCommit(tenant);
            }
            return result;
        })));
    }

    /** Runs {@code work} in a read-only transaction of {@code tenant}. */
    public <T> T read(TenantId tenant, Supplier<T> work) {
        return withinShare(tenant, () -> readOnly.execute(status -> bound(tenant, work)));
    }

    /**
     * Runs {@code work} outside every tenant's share: for the few threads that serve all tenants in turn and must
     * never wait behind one (the audit trail's writer).
     */
    public static <T> T unmetered(Supplier<T> work) {
        return withFlag(UNMETERED, work);
    }

    /**
     * Runs {@code work} refusing at once, instead of waiting, when its tenant's share is taken: for a thread that
     * serves tenants in turn and can come back later (the timer sweeper).
     */
    public static void withoutWaiting(Runnable work) {
        withFlag(NO_WAIT, () -> {
            work.run();
            return null;
        });
    }

    private static <T> T withFlag(ThreadLocal<Boolean> flag, Supplier<T> work) {
        boolean before = flag.get();
        flag.set(true);
        try {
            return work.get();
        } finally {
            flag.set(before);
        }
    }

    private <T> T withinShare(TenantId tenant, Supplier<T> work) {
        if (shares.perTenant() <= 0 || UNMETERED.get()
                || TransactionSynchronizationManager.isActualTransactionActive()) {
            return work.get();
        }
        if (!shares.acquire(tenant, NO_WAIT.get() ? Duration.ZERO : shareWait)) {
            throw new QuotaExceededException("maxConcurrentTransactions", shares.perTenant(), "all "
                    + shares.perTenant() + " database transactions this tenant may hold at once stayed busy for "
                    + shareWait.toMillis() + " ms (baton.tenancy.max-concurrent-transactions)");
        }
        try {
            return work.get();
        } finally {
            shares.release(tenant);
        }
    }

    /**
     * Runs {@code work} for each tenant in turn inside one read-write transaction, bound to that tenant while its
     * turn lasts: for a thread that serves every tenant (the audit sealer) and would otherwise commit once per
     * tenant. Takes no tenant's share; run it {@link #unmetered}.
     */
    public void writeEach(Collection<TenantId> tenants, Consumer<TenantId> work) {
        template.execute(status -> {
            for (TenantId tenant : tenants) {
                bound(tenant, () -> {
                    work.accept(tenant);
                    return null;
                });
            }
            return null;
        });
    }

    /** Runs {@code work} in a read-write transaction of {@code tenant}, with no result. */
    public void run(TenantId tenant, Runnable work) {
        write(tenant, () -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs {@code action} once the current transaction has committed (at once when there is none): for effects
     * outside the database, such as waking pollers or caching a revocation, that must not happen on a rollback.
     */
    public static void afterCommit(Runnable action) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    action.run();
                }
            });
        } else {
            action.run();
        }
    }

    /**
     * Runs {@code outcome} with true once the current transaction has committed, with false once it rolled back;
     * returns false, running nothing, when there is no transaction to follow.
     */
    public static boolean afterCompletion(Consumer<Boolean> outcome) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return false;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                outcome.accept(status == STATUS_COMMITTED);
            }
        });
        return true;
    }

    /**
     * The tenant the current transaction has not bound yet, or null: a caller that gets one must bind it in its very
     * next statement (a function that sets it first, such as {@code poll_tasks}); the connection no longer will.
     */
    public static String claimBinding() {
        TenantBindingDataSource.Deferrable deferred = DEFERRED.get();
        return deferred == null ? null : deferred.claim();
    }

    /** Runs {@code work} with the transaction bound to {@code tenant}. */
    private <T> T bound(TenantId tenant, Supplier<T> work) {
        TenantBindingDataSource.Deferrable before = DEFERRED.get();
        TenantBindingDataSource.Deferrable deferred = deferrable();
        if (deferred != null) {
            deferred.defer(tenant.value());
            DEFERRED.set(deferred);
        } else {
            jdbc.sql("SELECT set_config('baton.tenant_id', ?, true)").param(tenant.value()).query(String.class)
                    .single();
        }
        try {
            return work.get();
        } finally {
            if (before == null) {
                DEFERRED.remove();
            } else {
                DEFERRED.set(before);
            }
        }
    }

    /** The current transaction's connection when it can defer the binding to its first statement. */
    private TenantBindingDataSource.Deferrable deferrable() {
        if (dataSource == null) {
            return null;
        }
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            return connection instanceof TenantBindingDataSource.Deferrable d ? d : null;
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }
}
