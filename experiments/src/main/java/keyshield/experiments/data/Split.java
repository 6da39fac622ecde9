package keyshield.experiments.data;

/** Which half of a dataset with a fixed train/test split to read. */
public enum Split {
    TRAIN, TEST
}
