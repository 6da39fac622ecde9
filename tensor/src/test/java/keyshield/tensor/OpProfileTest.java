package keyshield.tensor;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static keyshield.tensor.Arrays64.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The op profiler books each forward and backward under its op, and nothing while closed. */
class OpProfileTest {

    private static Map<String, OpProfile.Entry> byOp(OpProfile p) {
        return p.entries().stream().collect(Collectors.toMap(e -> e.op, Function.identity()));
    }

    @Test
    void booksEveryForwardAndBackwardUnderItsOp() {
        Tensor x = Tensor.variable(random(4, 5));
        try (OpProfile p = OpProfile.open()) {
            x.mul(x).add(x).exp().sum().backward();                       // x used three times: two gradient sums
            Map<String, OpProfile.Entry> e = byOp(p);
            assertThat(e.keySet()).containsExactlyInAnyOrder("mul", "add", "exp", "sum", "(gradient sum)", "(leaf gradient +=)");
            for (String op : new String[] {"mul", "add", "exp", "sum"}) {
                assertThat(e.get(op).forwardCalls).as(op + " forward calls").isEqualTo(1);
                assertThat(e.get(op).backwardCalls).as(op + " backward calls").isEqualTo(1);
            }
            assertThat(e.get("(gradient sum)").backwardCalls).isEqualTo(2);
            assertThat(e.get("(leaf gradient +=)").backwardCalls).isEqualTo(1);
            assertThat(p.totalNanos()).isPositive();
            String table = p.table(p.totalNanos() * 2);
            assertThat(table).contains("| exp | 1 |").contains("| (outside ops) |").contains("50.0%");
        }
    }

    @Test
    void forwardsWithoutGradientAreBookedButHaveNoBackward() {
        try (OpProfile p = OpProfile.open(); var off = GradMode.off()) {
            Tensor.variable(random(3)).exp();
            OpProfile.Entry exp = byOp(p).get("exp");
            assertThat(exp.forwardCalls).isEqualTo(1);
            assertThat(exp.backwardCalls).isZero();
        }
    }

    @Test
    void nothingIsBookedOnceClosedAndProfilesDoNotNest() {
        OpProfile p = OpProfile.open();
        assertThatThrownBy(OpProfile::open).isInstanceOf(IllegalStateException.class).hasMessageContaining("already open");
        p.close();
        Tensor.variable(random(3)).exp().sum().backward();
        assertThat(p.entries()).isEmpty();
        try (OpProfile again = OpProfile.open()) {
            assertThat(again.entries()).isEmpty();
        }
    }
}
