package dev.baton.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.authz.AuthProperties;
import dev.baton.authz.keys.SigningKeys;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Signing keys shared by server nodes: nodes that rotate at the same moment make one key, which all of them read. */
class SigningKeysIT extends PlatformIT {

    @Autowired JdbcClient jdbc;
    @Autowired PlatformTransactionManager transactions;
    @Autowired AuthProperties props;
    @Autowired SigningKeys running;

    @Test
    void twoNodesRotatingTogetherMakeOneKeyAndBothSignWithIt() throws Exception {
        // a minute past the rotation period: both nodes find the current key due, and neither drops it yet
        Duration ahead = props.keyRotation().plusMinutes(1);
        Instant due = Instant.now().plus(ahead).minusSeconds(30);
        SigningKeys a = node(ahead);
        SigningKeys b = node(ahead);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> rotateAfter(go, a));
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> rotateAfter(go, b));
        go.countDown();
        try {
            first.get();
            second.get();
            assertThat(jdbc.sql("SELECT count(*) FROM signing_keys WHERE created_at > ?")
                    .param(Timestamp.from(due)).query(Long.class).single()).as("one new key").isEqualTo(1);
            assertThat(a.publicSet().getKeys().get(0).getKeyID()).as("both sign with it")
                    .isEqualTo(b.publicSet().getKeys().get(0).getKeyID());
        } finally {
            jdbc.sql("DELETE FROM signing_keys WHERE created_at > ?").param(Timestamp.from(due)).update();
            running.reload();
        }
    }

    private SigningKeys node(Duration ahead) {
        return new SigningKeys(jdbc, new TransactionTemplate(transactions), Clock.offset(Clock.systemUTC(), ahead),
                props.keyRotation(), props.tokenLifetime());
    }

    private static void rotateAfter(CountDownLatch go, SigningKeys keys) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        keys.rotate();
    }
}
