package dev.baton.engine.spi;

/** A task's input is unusable: the task fails terminally with the field named, and is not retried. */
public final class InputException extends RuntimeException {

    private final String field;

    public InputException(String field, String reason) {
        super("input '" + field + "' " + reason);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
