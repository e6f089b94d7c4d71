package dev.baton.engine.internal.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.engine.api.ExecutionQuery;
import dev.baton.engine.api.execution.SearchResult;
import dev.baton.engine.api.execution.WorkflowSummary;
import dev.baton.engine.spi.ExecutionIndex;
import dev.baton.tenancy.TenantId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexedSearchTest {

    private static final TenantId TENANT = new TenantId("t1");

    /** An index that answers empty pages, or fails while told to, and counts the searches it was asked. */
    private static final class CountingIndex implements ExecutionIndex {
        final List<ExecutionQuery> asked = new ArrayList<>();
        boolean failing;

        @Override
        public String kind() {
            return "counting";
        }

        @Override
        public void prepare() {}

        @Override
        public void write(List<Document> documents, List<Removal> removals) {}

        @Override
        public SearchResult<WorkflowSummary> search(TenantId tenant, ExecutionQuery query, int maxCount) {
            asked.add(query);
            if (failing) {
                throw new IllegalStateException("the index is down");
            }
            return new SearchResult<>(0, List.of());
        }

        @Override
        public void close() {}
    }

    private static ExecutionQuery page(int start, int size) {
        return new ExecutionQuery(List.of(), List.of(), List.of(), null, null, null, null, "startTime", false, start,
                size);
    }

    @Test
    void pagesWithinTheIndexsWindowGoToTheIndexAndDeeperOnesToPostgresql() {
        CountingIndex index = new CountingIndex();
        IndexedSearch search = new IndexedSearch(index, 1000, Duration.ofSeconds(10));

        assertThat(search.search(TENANT, page(9_990, 10))).isPresent();
        assertThat(search.search(TENANT, page(9_991, 10))).isEmpty();
        assertThat(search.search(TENANT, page(10_000, 1))).isEmpty();

        assertThat(index.asked).extracting(ExecutionQuery::start).containsExactly(9_990);
    }

    @Test
    void afterAFailurePostgresqlAnswersUntilThePauseEnds() throws Exception {
        CountingIndex index = new CountingIndex();
        IndexedSearch search = new IndexedSearch(index, 1000, Duration.ofMillis(300));
        index.failing = true;

        assertThat(search.search(TENANT, page(0, 10))).isEmpty();
        assertThat(search.search(TENANT, page(0, 10))).isEmpty();
        assertThat(index.asked).hasSize(1);
        assertThat(search.answering()).isFalse();

        index.failing = false;
        Thread.sleep(400);
        assertThat(search.search(TENANT, page(0, 10))).isPresent();
        assertThat(index.asked).hasSize(2);
        assertThat(search.answering()).isTrue();
    }

    @Test
    void withoutAnIndexPostgresqlAnswersEverySearch() {
        assertThat(IndexedSearch.none().search(TENANT, page(0, 10))).isEmpty();
        assertThat(IndexedSearch.none().answering()).isFalse();
    }
}
