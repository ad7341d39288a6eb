package org.gradreg.trainer;

/**
 * Bad input from the user (a name, a value, a spec, a file that is missing or damaged), found
 * before anything is run or written; the command line reports it in one line with exit code 2.
 */
public class BadInput extends IllegalArgumentException {

    public BadInput(String message) {
        super(message);
    }

    public BadInput(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The message of {@code e} on one line, looking through wrappers (Jackson's, without its
     * location noise), for a message that names what was wrong.
     */
    public static String messageOf(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null
                || t instanceof com.fasterxml.jackson.core.JsonProcessingException || t instanceof java.io.UncheckedIOException
                || t instanceof java.lang.reflect.InvocationTargetException)) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int at = m.indexOf("\n at [Source");
        return (at >= 0 ? m.substring(0, at) : m).replace('\n', ' ').trim();
    }
}
