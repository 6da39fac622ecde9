package keyshield.tensor.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A Jazzer fuzz test of one parser. Under plain {@code mvn verify} it replays the committed corpus
 * ({@code src/test/resources/<package>/<Class>Inputs/<method>/}) and the empty input; with
 * {@code JAZZER_FUZZ=1} it fuzzes for three minutes (override with {@code -Djazzer.max_duration}).
 * Any one input taking over 10 s is a finding (Jazzer turns the {@link Timeout} into libFuzzer's
 * {@code -timeout}), so a forged length cannot hide a near-endless loop. See docs/reliability.md.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Timeout(10)
@FuzzTest(maxDuration = "3m")
public @interface ParserFuzzTest {}
