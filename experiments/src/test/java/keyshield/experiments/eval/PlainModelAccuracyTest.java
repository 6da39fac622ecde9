package keyshield.experiments.eval;

import keyshield.experiments.data.Dataset;
import keyshield.experiments.data.ImageFolder;
import keyshield.experiments.data.Preprocess;
import keyshield.nn.Normalize;
import keyshield.nn.Sequential;
import keyshield.tensor.Golden;
import keyshield.vit.VisionTransformer;
import keyshield.vit.weights.ViTWeights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The stand-in pre-trained model (../shared/models/vit_cifar_plain, 78.64% on CIFAR-10 test per its README)
 * imported from its constant-folded ONNX export classifies the 10,000 JPEG test images at 78.6% ± 0.3 with
 * (x − 0.5)/0.5 normalization. The JPEGs were re-encoded, so a few predictions may differ from the README's.
 */
class PlainModelAccuracyTest {
    private static Dataset test;

    @ParameterizedTest
    @ValueSource(strings = {"vit_cifar_plain.onnx"})   // the .safetensors gives the identical 78.63% (measured); one run keeps CI short
    void importedPlainModelHasItsPublishedAccuracy(String file) throws Exception {
        if (test == null) test = ImageFolder.open(Golden.shared("data/cifar10"), "test", Preprocess.cifar());
        VisionTransformer vit = ViTWeights.load(Golden.shared("models/" + file), OptionalInt.of(3), DataType.FLOAT);
        Accuracy.Result r = Accuracy.of(new Sequential(Normalize.half(3), vit), test, 500, done -> { });
        assertThat(r.total()).isEqualTo(10_000);
        System.out.printf("%s: %.2f%% on CIFAR-10 test%n", file, r.percent());
        assertThat(r.percent()).isCloseTo(78.6, within(0.3));
    }
}
