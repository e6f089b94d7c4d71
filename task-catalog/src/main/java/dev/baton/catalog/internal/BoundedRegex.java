package dev.baton.catalog.internal;

import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Regular expressions of tenants' contracts ({@code pattern}, {@code patternProperties}), matched under a time limit:
 * a pattern that backtracks catastrophically on some input fails that validation instead of spinning a thread.
 */
final class BoundedRegex implements RegularExpressionFactory {

    static final BoundedRegex FACTORY = new BoundedRegex(50);

    private final long limitNanos;

    BoundedRegex(long limitMillis) {
        this.limitNanos = limitMillis * 1_000_000;
    }

    /** A pattern that took too long on one value. */
    static final class TooSlowException extends RuntimeException {
        TooSlowException(String pattern) {
            super("the pattern '" + (pattern.length() <= 80 ? pattern : pattern.substring(0, 80) + "...")
                    + "' took too long to match");
        }
    }

    @Override
    public RegularExpression getRegularExpression(String regex) {
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + regex + "' is not a valid regular expression");
        }
        return value -> pattern.matcher(new Deadline(value, System.nanoTime() + limitNanos, regex)).find();
    }

    /** The value being matched, which stops the matcher once the deadline passes. */
    private record Deadline(CharSequence text, long deadline, String pattern) implements CharSequence {
        @Override
        public char charAt(int index) {
            if (System.nanoTime() > deadline) {
                throw new TooSlowException(pattern);
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Deadline(text.subSequence(start, end), deadline, pattern);
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
