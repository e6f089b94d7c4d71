package dev.baton.tenancy;

import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
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
 * security policies read that setting; a statement run outside such a transaction sees no tenant rows.
 */
public final class TenantTransactions {

    private final TransactionTemplate template;
    private final TransactionTemplate readOnly;
    private final JdbcClient jdbc;

    public TenantTransactions(PlatformTransactionManager transactionManager, JdbcClient jdbc) {
        this.template = new TransactionTemplate(transactionManager);
        this.readOnly = new TransactionTemplate(transactionManager);
        this.readOnly.setReadOnly(true);
        this.readOnly.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRED);
        this.jdbc = jdbc;
    }

    /** Runs {@code work} in a read-write transaction of {@code tenant}. */
    public <T> T write(TenantId tenant, Supplier<T> work) {
        return template.execute(status -> {
            bind(tenant);
            return work.get();
        });
    }

    /** Runs {@code work} in a read-only transaction of {@code tenant}. */
    public <T> T read(TenantId tenant, Supplier<T> work) {
        return readOnly.execute(status -> {
            bind(tenant);
            return work.get();
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

    private void bind(TenantId tenant) {
        jdbc.sql("SELECT set_config('baton.tenant_id', ?, true)").param(tenant.value()).query(String.class).single();
    }
}
