package io.tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** What a hostile provider can answer never hangs or overflows the command's output. */
class HostileAnswersTest {

    /** A wrapper whose cause can be set after it is made, so that a chain can loop. */
    private static final class Wrapper extends CompletionException {
        private static final long serialVersionUID = 1L;

        Wrapper(String message) {
            super(message);
        }
    }

    @Test
    void aCauseChainThatLoopsEndsTheWalk() {
        Wrapper a = new Wrapper("a");
        Wrapper b = new Wrapper("b");
        a.initCause(b);
        b.initCause(a);

        assertThat(Failures.unwrap(a)).isIn(a, b);
        assertThat(Failures.describe(a)).startsWith(Wrapper.class.getName() + ": ");
        assertThat(io.tern.Result.asRpcException(a).status()).isEqualTo(io.tern.RpcStatus.INTERNAL);
    }

    @Test
    void aResultThatContainsItselfPrintsACycleMarker() {
        List<Object> list = new ArrayList<>();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("list", list);
        map.put("name", "loop");
        list.add(map);
        list.add(list);

        String printed = Json.compact(map);

        assertThat(printed).isEqualTo("{\"list\":[\"(cycle)\",\"(cycle)\"],\"name\":\"loop\"}");
        assertThat(Json.pretty(list)).contains("(cycle)");
    }

    @Test
    void aResultNestedThousandsDeepPrintsAMarkerInsteadOfOverflowing() {
        List<Object> outer = new ArrayList<>();
        List<Object> current = outer;
        for (int i = 0; i < 5_000; i++) {
            List<Object> next = new ArrayList<>();
            current.add(next);
            current = next;
        }

        String printed = Json.compact(outer);

        assertThat(printed).contains("(nested deeper than " + Json.MAX_DEPTH + ")");
        assertThat(printed.length()).isLessThan(2 * Json.MAX_DEPTH + 100);
    }
}
