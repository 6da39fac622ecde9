package keyshield.experiments.run;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import keyshield.experiments.data.Cifar10Binary;
import keyshield.experiments.data.Dataset;
import keyshield.experiments.data.FashionMnist;
import keyshield.experiments.data.ImageFolder;
import keyshield.experiments.data.Preprocess;
import keyshield.experiments.data.Split;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an experiment's images come from. Each source opens a {@link Split} as a {@link Dataset} of
 * raw [0, 1] images; {@link #requireAvailable()} checks, before any work starts, that the files are
 * there, and says how to get them when they are not.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "format")
@JsonSubTypes({@JsonSubTypes.Type(value = DataSource.Folder.class, name = "folder"),
        @JsonSubTypes.Type(value = DataSource.FashionMnistIdx.class, name = "fashion-mnist"),
        @JsonSubTypes.Type(value = DataSource.Cifar10Bin.class, name = "cifar10-binary")})
public sealed interface DataSource {
    Dataset open(Split split) throws IOException;

    /** Throws a {@link FileNotFoundException} naming what is missing. */
    void requireAvailable() throws IOException;

    /**
     * An ImageNet-layout folder {@code root/<split>/<class>/<image>}: CIFAR-10 as JPEGs
     * ({@code ../shared/data/cifar10}, splits {@code train} and {@code test}) or ImageNet ({@code train}, {@code val}).
     */
    record Folder(Path root, String trainSplit, String testSplit, Preprocess preprocess) implements DataSource {
        public Folder {
            Objects.requireNonNull(root, "folder root");
            Objects.requireNonNull(preprocess, "preprocess");
            if (trainSplit == null || trainSplit.isBlank() || testSplit == null || testSplit.isBlank())
                throw new IllegalArgumentException("folder " + root + ": train and test split names must be given");
        }

        /** CIFAR-10 as JPEG folders, images used as they are (32 px). */
        public static Folder cifar10(Path root) { return new Folder(root, "train", "test", Preprocess.cifar()); }

        /** ImageNet's layout with timm's ViT evaluation transform (224 px, crop 0.9, bicubic). */
        public static Folder imagenet(Path root) { return new Folder(root, "train", "val", Preprocess.vit224()); }

        @Override public Dataset open(Split split) throws IOException {
            return ImageFolder.open(root, split == Split.TRAIN ? trainSplit : testSplit, preprocess);
        }

        @Override public void requireAvailable() throws IOException {
            for (String s : new String[] {trainSplit, testSplit})
                if (!Files.isDirectory(root.resolve(s)))
                    throw new FileNotFoundException("image folder " + root.resolve(s) + " not found: expected the layout " + root + "/{"
                            + trainSplit + "," + testSplit + "}/<class>/<image>");
        }
    }

    /** Fashion-MNIST IDX files (Debian's {@code dataset-fashion-mnist}), padded to 3×32×32. */
    record FashionMnistIdx(Path dir) implements DataSource {
        public FashionMnistIdx { Objects.requireNonNull(dir, "Fashion-MNIST directory"); }

        @Override public Dataset open(Split split) throws IOException { return FashionMnist.load(dir, split, FashionMnist.Layout.RGB_32); }

        @Override public void requireAvailable() throws IOException {
            if (!Files.isDirectory(dir))
                throw new FileNotFoundException("Fashion-MNIST not found at " + dir + "; install Debian's package with "
                        + "'sudo apt-get install dataset-fashion-mnist' or give the folder of its IDX files");
        }
    }

    /** CIFAR-10's binary distribution ({@code data_batch_1.bin} … {@code test_batch.bin}). */
    record Cifar10Bin(Path dir) implements DataSource {
        public Cifar10Bin { Objects.requireNonNull(dir, "CIFAR-10 binary directory"); }

        @Override public Dataset open(Split split) throws IOException { return Cifar10Binary.load(dir, split); }

        @Override public void requireAvailable() throws IOException {
            if (!Files.isRegularFile(dir.resolve("test_batch.bin")))
                throw new FileNotFoundException("CIFAR-10 binary files not found: " + dir.resolve("test_batch.bin") + " is missing");
        }
    }
}
