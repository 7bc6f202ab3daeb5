package dev.arcfleet.support.tx;

import static org.assertj.core.api.Assertions.assertThat;

import com.arjuna.ats.arjuna.common.CoordinatorEnvironmentBean;
import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.internal.jta.transaction.arjunacore.TransactionSynchronizationRegistryImple;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import jakarta.transaction.TransactionManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against Narayana's real transaction manager and synchronization registry (the ones Quarkus uses), without Quarkus. */
class AfterCommitTest {
    static {
        // Narayana's stores under target/, and no status listener port: these transactions have no resources to recover
        String dir =
                java.nio.file.Path.of("target", "narayana").toAbsolutePath().toString();
        for (String store : new String[] {null, "communicationStore", "stateStore"}) {
            (store == null
                            ? BeanPopulator.getDefaultInstance(ObjectStoreEnvironmentBean.class)
                            : BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, store))
                    .setObjectStoreDir(dir);
        }
        BeanPopulator.getDefaultInstance(CoordinatorEnvironmentBean.class).setTransactionStatusManagerEnable(false);
    }

    private final TransactionManager tm = com.arjuna.ats.jta.TransactionManager.transactionManager();
    private final AfterCommit afterCommit = new AfterCommit(new TransactionSynchronizationRegistryImple());
    private final List<String> ran = new ArrayList<>();

    @AfterEach
    void noTransactionLeftBehind() throws Exception {
        if (tm.getTransaction() != null) {
            tm.rollback();
        }
    }

    @Test
    void withoutATransactionTheCallbackRunsAtOnce() {
        afterCommit.run(() -> ran.add("now"));
        assertThat(ran).containsExactly("now");
    }

    @Test
    void inATransactionCallbacksRunAfterTheCommitInTheirOrder() throws Exception {
        tm.begin();
        afterCommit.run(() -> ran.add("first"));
        afterCommit.run(() -> ran.add("second"));
        assertThat(ran).as("nothing runs before the commit").isEmpty();
        tm.commit();
        assertThat(ran).containsExactly("first", "second");
    }

    @Test
    void onRollbackNothingRuns() throws Exception {
        tm.begin();
        afterCommit.run(() -> ran.add("rolled back"));
        tm.rollback();
        assertThat(ran).isEmpty();

        tm.begin();
        tm.setRollbackOnly();
        afterCommit.run(() -> ran.add("registered after being marked rollback-only"));
        tm.rollback();
        assertThat(ran).isEmpty();
    }

    @Test
    void runOnceRunsOnePerKeyAndTransaction() throws Exception {
        tm.begin();
        afterCommit.runOnce("wake", () -> ran.add("wake 1"));
        afterCommit.runOnce("wake", () -> ran.add("wake 2"));
        afterCommit.runOnce("other", () -> ran.add("other"));
        tm.commit();
        assertThat(ran).containsExactly("wake 1", "other");

        tm.begin();
        afterCommit.runOnce("wake", () -> ran.add("next transaction"));
        tm.commit();
        assertThat(ran).containsExactly("wake 1", "other", "next transaction");
    }

    @Test
    void aFailingCallbackDoesNotStopTheOthers() throws Exception {
        tm.begin();
        afterCommit.run(() -> {
            throw new IllegalStateException("broken listener");
        });
        afterCommit.run(() -> ran.add("after the broken one"));
        tm.commit();
        assertThat(ran).containsExactly("after the broken one");
    }
}
