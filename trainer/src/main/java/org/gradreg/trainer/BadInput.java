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
}
