package keyshield.experiments.data;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Stream;

/**
 * The ImageNet folder layout {@code split/<class>/<image>}, read the way torchvision's
 * {@code ImageFolder} does: the class folders sorted by name give the class indices (so ImageNet's
 * {@code n01440764} is class 0 and CIFAR's {@code airplane} … {@code truck} are 0 … 9); inside a class
 * folder, directories are walked in sorted path order and files taken in sorted name order. Files
 * with an extension ImageIO cannot read ({@link #EXTENSIONS}) are skipped and listed by
 * {@link Listing#skipped()}; a class folder without images is an error.
 *
 * <p>Images are decoded lazily, on first read, by {@link ImageDecoder} and {@link Preprocess}, and
 * the 8-bit result is kept in a cache bounded by a byte budget, so later epochs do not decode again
 * (CIFAR-10's 50,000 training images take 154 MB). Reads are thread-safe.
 */
public final class ImageFolder {
    /** File extensions read (case-insensitive): those of torchvision's list that ImageIO decodes. */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "tif", "tiff");
    /** Default cache budget: 1 GiB of decoded 8-bit images. */
    public static final long DEFAULT_CACHE_BYTES = 1L << 30;

    private ImageFolder() {}

    /** The sorted contents of a split folder. */
    public record Listing(List<String> classes, List<Path> files, int[] labels, List<Path> skipped) {
        public Listing {
            labels = labels.clone();
        }

        /** The label of every file, in file order (a copy). */
        @Override public int[] labels() { return labels.clone(); }
    }

    /** Opens {@code root/split} (e.g. {@code cifar10/test}, {@code imagenet/val}). */
    public static Dataset open(Path root, String split, Preprocess preprocess) throws IOException {
        return open(root.resolve(split), preprocess, DEFAULT_CACHE_BYTES);
    }

    /** Opens a split folder with the default cache budget. */
    public static Dataset open(Path splitDir, Preprocess preprocess) throws IOException {
        return open(splitDir, preprocess, DEFAULT_CACHE_BYTES);
    }

    /**
     * Opens a split folder; decoded images are cached until they take {@code cacheBytes} (0 disables
     * the cache; images past the budget are decoded on every read).
     */
    public static Dataset open(Path splitDir, Preprocess preprocess, long cacheBytes) throws IOException {
        if (cacheBytes < 0) throw new IllegalArgumentException("ImageFolder: cacheBytes must be ≥ 0, got " + cacheBytes);
        Listing l = list(splitDir);
        DecodedFiles store = new DecodedFiles(l.files(), preprocess, cacheBytes);
        return new Dataset(splitDir.getFileName().toString(), store, Dataset.identity(l.files().size()), l.labels(), l.classes());
    }

    /** Lists classes and files of a split folder in torchvision's order. */
    public static Listing list(Path splitDir) throws IOException {
        if (!Files.isDirectory(splitDir))
            throw new DataFileException(splitDir, "split folder", "a directory of class folders", "no such directory");
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(splitDir)) {
            classDirs = s.filter(p -> Files.isDirectory(p)).sorted(BY_NAME).toList();
        }
        if (classDirs.isEmpty())
            throw new DataFileException(splitDir, "class folders", "at least one", "none");
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>(), skipped = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classDirs.size(); c++) {
            Path dir = classDirs.get(c);
            classes.add(dir.getFileName().toString());
            List<Path> dirs;
            try (Stream<Path> s = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
                dirs = s.filter(p -> Files.isDirectory(p)).sorted(Comparator.comparing(Path::toString, CODE_POINTS)).toList();
            }
            int before = files.size();
            for (Path d : dirs) {
                List<Path> inDir;
                try (Stream<Path> s = Files.list(d)) {
                    inDir = s.filter(p -> Files.isRegularFile(p)).sorted(BY_NAME).toList();
                }
                for (Path f : inDir) {
                    if (EXTENSIONS.contains(extension(f))) {
                        files.add(f);
                        labels.add(c);
                    } else {
                        skipped.add(f);
                    }
                }
            }
            if (files.size() == before)
                throw new DataFileException(dir, "images in class folder", "at least one with extension " + EXTENSIONS, "none");
        }
        return new Listing(List.copyOf(classes), List.copyOf(files), labels.stream().mapToInt(Integer::intValue).toArray(),
                List.copyOf(skipped));
    }

    private static String extension(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** Python's string order: by Unicode code point (Java's compareTo orders UTF-16 units). */
    private static final Comparator<String> CODE_POINTS = (a, b) -> {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };
    private static final Comparator<Path> BY_NAME = Comparator.comparing(p -> p.getFileName().toString(), CODE_POINTS);

    /** Lazily decoded files with a bounded cache of the preprocessed 8-bit images. */
    static final class DecodedFiles implements ImageStore {
        private final List<Path> files;
        private final Preprocess preprocess;
        private final long cacheBytes;
        private final AtomicReferenceArray<byte[]> cache;
        private final AtomicLong cached = new AtomicLong();
        private final AtomicLong decodes = new AtomicLong();

        DecodedFiles(List<Path> files, Preprocess preprocess, long cacheBytes) {
            this.files = files;
            this.preprocess = preprocess;
            this.cacheBytes = cacheBytes;
            this.cache = new AtomicReferenceArray<>(files.size());
        }

        @Override public int size() { return files.size(); }

        @Override public int channels() { return 3; }

        @Override public int height() { return preprocess.imgSize(); }

        @Override public int width() { return preprocess.imgSize(); }

        @Override public long decodes() { return decodes.get(); }

        @Override public Optional<Path> path(int i) { return Optional.of(files.get(i)); }

        @Override public void read(int i, float[] dst, int offset) throws IOException {
            byte[] px = cache.get(i);
            if (px == null) {
                decodes.incrementAndGet();
                px = preprocess.apply(ImageDecoder.decode(files.get(i))).pixels();
                if (cached.addAndGet(px.length) <= cacheBytes) {
                    if (!cache.compareAndSet(i, null, px)) cached.addAndGet(-px.length);  // another thread won
                } else {
                    cached.addAndGet(-px.length);
                }
            }
            for (int k = 0; k < px.length; k++) dst[offset + k] = (px[k] & 0xFF) / 255f;
        }
    }
}
