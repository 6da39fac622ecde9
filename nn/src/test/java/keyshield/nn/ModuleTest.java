package keyshield.nn;

import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModuleTest {
    static final class Net extends Module {
        final Linear fc1, fc2;
        final LayerNorm norm;

        Net() {
            Rng rng = Rng.seeded(1);
            fc1 = child("fc1", new Linear(4, 8, true, rng.split("fc1")));
            norm = child("norm", new LayerNorm(8, 1e-6));
            fc2 = child("fc2", new Linear(8, 2, false, rng.split("fc2")));
        }

        @Override public Tensor forward(Tensor x) { return fc2.forward(norm.forward(fc1.forward(x)).relu()); }
    }

    @Test
    void namesAreDottedInRegistrationOrder() {
        assertThat(new Net().namedParameters().keySet())
                .containsExactly("fc1.weight", "fc1.bias", "norm.weight", "norm.bias", "fc2.weight");
        assertThat(new Net().parameterCount()).isEqualTo(4 * 8 + 8 + 8 + 8 + 8 * 2);
    }

    @Test
    void strictLoadingNamesMissingUnexpectedAndMisShapedKeysAndChangesNothing() {
        Net net = new Net();
        INDArray before = net.fc1.weight().data().dup();
        Map<String, INDArray> sd = new LinkedHashMap<>(net.stateDict());
        sd.replaceAll((k, v) -> v.add(1));
        sd.remove("norm.bias");
        sd.put("fc3.weight", Nd4j.zeros(2, 2));
        sd.put("fc2.weight", Nd4j.zeros(DataType.FLOAT, 3, 8));
        assertThatThrownBy(() -> net.loadStateDict(sd, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing [norm.bias]").hasMessageContaining("unexpected [fc3.weight]")
                .hasMessageContaining("fc2.weight: expected (2, 8) but got (3, 8)");
        assertThat(net.fc1.weight().data()).as("nothing half-loaded").isEqualTo(before);
        sd.put("fc2.weight", Nd4j.zeros(DataType.FLOAT, 2, 8));
        net.loadStateDict(sd, false);
        assertThat(net.fc1.weight().data()).isEqualTo(before.add(1));
    }

    @Test
    void freezingAndModesReachTheWholeTree() {
        Net net = new Net();
        net.fc1.setTrainable(false);
        assertThat(net.trainableParameterCount()).isEqualTo(8 + 8 + 16);
        net.eval();
        assertThat(net.namedModules().values()).allMatch(m -> !m.training());
        net.train();
        assertThat(net.namedModules().values()).allMatch(Module::training);
    }
}
