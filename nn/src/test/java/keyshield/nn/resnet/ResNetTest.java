package keyshield.nn.resnet;

import keyshield.nn.BatchNorm2d;
import keyshield.nn.Losses;
import keyshield.nn.Module;
import keyshield.nn.optim.Sgd;
import keyshield.tensor.GradCheck;
import keyshield.tensor.GradMode;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResNetTest {
    /** One full-size CIFAR ResNet-18 shared by the tests that only read it (building one samples 11M weights). */
    private static final ResNet CIFAR18 = new ResNet(ResNetConfig.resnet18Cifar(10), Rng.seeded(1));

    /** A narrow ResNet (widths 4, 8, 16, 32; one block per stage) for fast behavioural tests. */
    private static ResNetConfig tiny(int numClasses) { return new ResNetConfig(numClasses, 3, ResNetConfig.Stem.CIFAR, 4, List.of(1, 1, 1, 1)); }

    @Test
    void resnet18ParameterCountsMatchTorchvision() {
        assertThat(new ResNet(ResNetConfig.resnet18ImageNet(1000), Rng.seeded(0)).parameterCount()).isEqualTo(11_689_512L);
        assertThat(CIFAR18.parameterCount()).isEqualTo(11_173_962L);
    }

    @Test
    void stateDictNamesAreTorchvisions() {
        var model = new ResNet(new ResNetConfig(10, 3, ResNetConfig.Stem.IMAGENET, 8, List.of(2, 2, 2, 2)), Rng.seeded(0));
        var state = model.stateDict();
        assertThat(state).hasSize(122);                                   // torchvision resnet18: 62 parameters + 60 buffers
        assertThat(model.namedParameters()).hasSize(62);
        assertThat(List.copyOf(state.keySet()).subList(0, 7)).containsExactly("conv1.weight", "bn1.weight", "bn1.bias",
                "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked", "layer1.0.conv1.weight");
        assertThat(state).containsKeys("layer1.1.bn2.running_var", "layer2.0.downsample.0.weight", "layer2.0.downsample.1.weight",
                "layer2.0.downsample.1.num_batches_tracked", "layer4.1.conv2.weight", "fc.weight", "fc.bias");
        assertThat(state).doesNotContainKeys("layer1.0.downsample.0.weight", "layer2.1.downsample.0.weight", "conv1.bias");
        assertThat(state.get("layer2.0.downsample.0.weight").shape()).containsExactly(16, 8, 1, 1);
        assertThat(state.get("conv1.weight").shape()).containsExactly(8, 3, 7, 7);
        assertThat(List.copyOf(state.keySet()).subList(120, 122)).containsExactly("fc.weight", "fc.bias");
    }

    @Test
    void outputShapesForBothStems() {
        try (var s = Scope.open(); var noGrad = GradMode.off()) {
            CIFAR18.eval();
            assertThat(CIFAR18.forward(Tensor.constant(Rng.seeded(2).uniform(DataType.FLOAT, 0, 1, 2, 3, 32, 32))).shape()).containsExactly(2, 10);
            var imagenet = new ResNet(new ResNetConfig(7, 3, ResNetConfig.Stem.IMAGENET, 8, List.of(2, 2, 2, 2)), Rng.seeded(1));
            Tensor x = Tensor.constant(Rng.seeded(3).uniform(DataType.FLOAT, 0, 1, 3, 3, 64, 64));
            assertThat(imagenet.features(x).shape()).containsExactly(3, 64);
            assertThat(imagenet.forward(x).shape()).containsExactly(3, 7);
        }
        var model = new ResNet(tiny(10), Rng.seeded(0));
        assertThatThrownBy(() -> model.forward(Tensor.zeros(DataType.FLOAT, 2, 1, 8, 8))).hasMessageContaining("3 input channels").hasMessageContaining("(2, 1, 8, 8)");
        assertThatThrownBy(() -> model.forward(Tensor.zeros(DataType.FLOAT, 3, 8, 8))).hasMessageContaining("(3, 8, 8)");
    }

    @Test
    void convolutionsAreKaimingNormalFanOut() {
        INDArray w = CIFAR18.stateDict().get("layer3.0.conv2.weight");          // (256, 256, 3, 3): fan-out 2304
        double std = w.stdNumber().doubleValue(), expected = Math.sqrt(2.0 / (256 * 9));
        assertThat(std).isBetween(expected * 0.99, expected * 1.01);          // 590k samples: sampling error ≈ 0.1 %
        assertThat(Math.abs(w.meanNumber().doubleValue())).isLessThan(expected * 0.01);
        INDArray fcW = CIFAR18.stateDict().get("fc.weight");
        assertThat(fcW.maxNumber().doubleValue()).isLessThanOrEqualTo(1 / Math.sqrt(512)).isGreaterThan(0.9 / Math.sqrt(512));
    }

    @Test
    void trainAndEvalDifferOnlyThroughBatchNorm() {
        var model = new ResNet(tiny(5), Rng.seeded(5), DataType.DOUBLE);
        Tensor x = Tensor.constant(Rng.seeded(6).uniform(DataType.DOUBLE, 0, 1, 4, 3, 8, 8));
        try (var noGrad = GradMode.off()) {
            model.train();
            model.forward(x);                                                  // move running statistics off their defaults
            model.eval();
            INDArray eval = model.forward(x).value();
            model.train();
            setBatchNorms(model, false);                                       // every other module in train mode
            INDArray trainWithEvalNorms = model.forward(x).value();
            assertThat(trainWithEvalNorms).isEqualTo(eval);

            model.eval();
            setBatchNorms(model, true);
            INDArray evalWithTrainNorms = model.forward(x).value();
            model.train();
            INDArray train = model.forward(x).value();
            assertThat(evalWithTrainNorms).isEqualTo(train);
            assertThat(train.equalsWithEps(eval, 1e-6)).as("batch statistics differ from running ones").isFalse();

            model.eval();                                                      // eval mode: each image alone as in the batch
            eval = model.forward(x).value();                                   // (the train-mode forwards moved the running statistics)
            INDArray single = model.forward(Tensor.constant(x.value().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 2)))).value();
            INDArray row = eval.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 2), org.nd4j.linalg.indexing.NDArrayIndex.all());
            assertThat(single.shape()).containsExactly(1, 5);
            assertThat(single.sub(row).amaxNumber().doubleValue()).as("%s vs %s", single, row).isLessThan(1e-12);
        }
    }

    @Test
    void stateDictRoundTripReproducesEvalOutputsIncludingRunningStatistics() {
        var source = new ResNet(tiny(6), Rng.seeded(12), DataType.DOUBLE);
        Tensor x = Tensor.constant(Rng.seeded(13).uniform(DataType.DOUBLE, 0, 1, 3, 3, 8, 8));
        try (var noGrad = GradMode.off()) {
            source.forward(x);                                                 // running statistics and counters move
            source.eval();
            var copy = new ResNet(tiny(6), Rng.seeded(99), DataType.DOUBLE);
            copy.eval();
            assertThat(copy.forward(x).value().equalsWithEps(source.forward(x).value(), 1e-6)).isFalse();
            copy.loadStateDict(source.stateDict(), true);
            assertThat(copy.forward(x).value()).isEqualTo(source.forward(x).value());
            assertThat(copy.stateDict().get("layer3.0.downsample.1.num_batches_tracked").getLong(0)).isEqualTo(1);
        }
    }

    @Test
    void evalModeInputGradientPassesGradientCheck() {
        var model = new ResNet(new ResNetConfig(3, 2, ResNetConfig.Stem.CIFAR, 2, List.of(1, 1, 1, 1)), Rng.seeded(7), DataType.DOUBLE);
        try (var noGrad = GradMode.off()) {                                    // non-default running statistics
            model.forward(Tensor.constant(Rng.seeded(8).uniform(DataType.DOUBLE, 0, 1, 4, 2, 8, 8)));
        }
        model.eval();
        INDArray x = Rng.seeded(9).uniform(DataType.DOUBLE, 0, 1, 1, 2, 8, 8);
        assertThat(GradCheck.check(t -> model.forward(t[0]), x).max()).isLessThan(1e-6);
    }

    @Test
    void trainingOnAFewRandomImagesLowersTheLoss() {
        var model = new ResNet(tiny(4), Rng.seeded(10));
        INDArray x = Rng.seeded(11).uniform(DataType.FLOAT, 0, 1, 8, 3, 16, 16);
        int[] y = {0, 1, 2, 3, 0, 1, 2, 3};
        var sgd = new Sgd(model.namedParameters(), new Sgd.Options(0.05, 0.9, false, 5e-4));
        double first = Double.NaN, last = Double.NaN;
        var losses = new java.util.ArrayList<Double>();
        for (int step = 0; step < 15; step++) {
            try (var s = Scope.open()) {
                sgd.zeroGrad();
                Tensor loss = Losses.crossEntropy(model.forward(Tensor.constant(x)), y);
                loss.backward();
                sgd.step();
                last = loss.item();
                losses.add(last);
                if (step == 0) first = last;
            }
        }
        assertThat(first).isGreaterThan(1.0);                                  // ≈ ln 4 at initialisation
        assertThat(last).as("losses %s", losses).isLessThan(first * 0.1);
        model.eval();
        try (var s = Scope.open(); var noGrad = GradMode.off()) {
            assertThat(Losses.crossEntropy(model.forward(Tensor.constant(x)), y).item()).isLessThan(first);
        }
    }

    private static void setBatchNorms(Module model, boolean training) {
        for (Module m : model.namedModules().values())
            if (m instanceof BatchNorm2d bn) {
                if (training) bn.train();
                else bn.eval();
            }
    }
}
