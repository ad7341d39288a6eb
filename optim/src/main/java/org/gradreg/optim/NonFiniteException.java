package org.gradreg.optim;

/** A loss or gradient became NaN or infinite; the message names the tensor and where it happened. */
public class NonFiniteException extends ArithmeticException {
    public NonFiniteException(String message) {
        super(message);
    }
}
